// The on-disk layout of one record in a partition file (little endian):
//   u32 size (bytes after this field) | f64 offset | f64 timestamp
//   | i32 keyLength (-1 = null) | key | i32 valueLength (-1 = null) | value
//   | u16 headerCount | per header: u16 nameLength | name | u32 valueLength | value (UTF-8)
// The offset is stored although it follows from the position, so a reader can tell a torn or
// misplaced record from a good one.
import { NO_HEADERS, type Headers, type LogRecord } from '../backend.ts';
import { LogRecordView } from '../log-record-view.ts';
import { LogCorruptError } from '../errors.ts';

/** A record as produced (ProduceRecord fits): without a timestamp it gets the append's time. */
export interface RecordToWrite {
  key: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: Headers;
}

const FIXED_BYTES = 4 + 8 + 8 + 4 + 4 + 2;

export function encodedSize(record: RecordToWrite): number {
  let size = FIXED_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  if (record.headers !== undefined) {
    for (const name in record.headers) {
      size += 6 + Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]);
    }
  }
  return size;
}

/** Writes the record at `pos` (buffer sized with encodedSize); returns the position after it. */
export function encodeRecord(buf: Buffer, pos: number, offset: number, record: RecordToWrite, size: number, now: number): number {
  buf.writeUInt32LE(size - 4, pos);
  buf.writeDoubleLE(offset, pos + 4);
  buf.writeDoubleLE(record.timestamp ?? now, pos + 12);
  pos += 20;
  pos = writeBytes(buf, pos, record.key);
  pos = writeBytes(buf, pos, record.value);
  const countAt = pos;
  pos += 2;
  let count = 0;
  if (record.headers !== undefined) {
    for (const name in record.headers) {
      const nameLength = buf.write(name, pos + 2);
      buf.writeUInt16LE(nameLength, pos);
      pos += 2 + nameLength;
      const valueLength = buf.write(record.headers[name], pos + 4);
      buf.writeUInt32LE(valueLength, pos);
      pos += 4 + valueLength;
      count++;
    }
  }
  buf.writeUInt16LE(count, countAt);
  return pos;
}

function writeBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) {
    buf.writeInt32LE(-1, pos);
    return pos + 4;
  }
  buf.writeInt32LE(bytes.length, pos);
  bytes.copy(buf, pos + 4);
  return pos + 4 + bytes.length;
}

/** Size of the record starting at `pos`, or -1 when its size field is not fully in the buffer. */
export function recordSizeAt(buf: Buffer, pos: number, end: number): number {
  return pos + 4 <= end ? buf.readUInt32LE(pos) + 4 : -1;
}

export function offsetAt(buf: Buffer, pos: number): number {
  return buf.readDoubleLE(pos + 4);
}

/** Fills in the offset of a record encoded before its offset was known. */
export function setOffsetAt(buf: Buffer, pos: number, offset: number): void {
  buf.writeDoubleLE(offset, pos + 4);
}

export function timestampAt(buf: Buffer, pos: number): number {
  return buf.readDoubleLE(pos + 12);
}

/**
 * Decodes the complete record at `pos` (the caller checked it is all in the buffer). Key and
 * value stay in `buf` until read (LogRecordView): the reader hands out each buffer once and never
 * overwrites it (see PartitionCursor.fill).
 */
export function decodeRecord(buf: Buffer, pos: number, topic: string, partition: number, where: () => string): LogRecord {
  const end = pos + 4 + buf.readUInt32LE(pos);
  const offset = buf.readDoubleLE(pos + 4);
  const timestamp = buf.readDoubleLE(pos + 12);
  pos += 20;
  const keyLength = buf.readInt32LE(pos);
  const keyStart = pos + 4;
  pos = keyStart + Math.max(keyLength, 0);
  const valueLength = buf.readInt32LE(pos);
  const valueStart = pos + 4;
  pos = valueStart + Math.max(valueLength, 0);
  const headerCount = buf.readUInt16LE(pos);
  pos += 2;
  let headers = NO_HEADERS;
  if (headerCount > 0) {
    headers = {};
    for (let i = 0; i < headerCount; i++) {
      const nameLength = buf.readUInt16LE(pos);
      const name = buf.toString('utf8', pos + 2, pos + 2 + nameLength);
      pos += 2 + nameLength;
      const valueLength = buf.readUInt32LE(pos);
      headers[name] = buf.toString('utf8', pos + 4, pos + 4 + valueLength);
      pos += 4 + valueLength;
    }
  }
  if (pos !== end) throw new LogCorruptError(`record at offset ${offset} of ${where()} is malformed`);
  return new LogRecordView(topic, partition, offset, timestamp, headers, buf, keyStart, keyLength, valueStart, valueLength);
}
