// Where a partition lives on disk and how a batch is appended to it. Each partition is a data file
// of records (record-format.ts) plus a sparse index file of 24-byte entries
// (f64 offset | f64 file position | f64 largest timestamp before that offset), one entry per
// INDEX_INTERVAL_BYTES of data, so a seek or a timestamp lookup reads at most that much.
// Writes are positional at the committed end: whatever a crashed writer left there is overwritten.
import fs from 'node:fs';
import path from 'node:path';
import type { PartitionState, TopicState } from './manifest.ts';
import { encodedSize, encodeRecord, type RecordToWrite } from './record-format.ts';

export const INDEX_INTERVAL_BYTES = 64 * 1024;
export const INDEX_ENTRY_BYTES = 24;
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;

export function topicDir(logDir: string, topic: string, state: TopicState): string {
  return path.join(logDir, 'topics', `${topic}~${state.id}`);
}

export interface PartitionPaths {
  data: string;
  index: string;
}

export function partitionPaths(logDir: string, topic: string, state: TopicState, partition: number): PartitionPaths {
  const dir = topicDir(logDir, topic, state);
  return { data: path.join(dir, `${partition}.log`), index: path.join(dir, `${partition}.idx`) };
}

/** Appends records after the committed end and advances `state` (the caller commits it). */
export function appendToPartition(
  dataFd: number,
  indexFd: number,
  state: PartitionState,
  records: RecordToWrite[],
): void {
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    sizes[i] = encodedSize(records[i]);
    total += sizes[i];
  }
  const indexEntries: number[] = [];
  let chunk = Buffer.allocUnsafe(Math.min(total, WRITE_CHUNK_BYTES));
  let chunkUsed = 0;
  let filePos = state.bytes;
  let maxTimestamp = state.maxTimestamp ?? -Infinity;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const size = sizes[i];
    const recordPos = state.bytes + chunkUsed;
    if (state.lastIndexedByte < 0 || recordPos - state.lastIndexedByte >= INDEX_INTERVAL_BYTES) {
      indexEntries.push(state.end, recordPos, maxTimestamp);
      state.lastIndexedByte = recordPos;
    }
    if (chunkUsed + size > chunk.length) {
      writeFully(dataFd, chunk, chunkUsed, filePos);
      filePos += chunkUsed;
      state.bytes += chunkUsed;
      chunkUsed = 0;
      if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
    }
    encodeRecord(chunk, chunkUsed, state.end, record, size);
    chunkUsed += size;
    state.end++;
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
  }
  writeFully(dataFd, chunk, chunkUsed, filePos);
  state.bytes += chunkUsed;
  state.maxTimestamp = maxTimestamp === -Infinity ? null : maxTimestamp;
  if (indexEntries.length > 0) {
    const entries = Buffer.from(new Float64Array(indexEntries).buffer);
    writeFully(indexFd, entries, entries.length, state.indexEntries * INDEX_ENTRY_BYTES);
    state.indexEntries += indexEntries.length / 3;
  }
}

function writeFully(fd: number, buf: Buffer, length: number, position: number): void {
  let written = 0;
  while (written < length) {
    written += fs.writeSync(fd, buf, written, length - written, position + written);
  }
}

/** The committed index entries as [offset, position, maxTimestampBefore] triples. */
export function readIndex(indexPath: string, entries: number): Float64Array {
  if (entries === 0) return new Float64Array(0);
  const buf = Buffer.alloc(entries * INDEX_ENTRY_BYTES);
  const fd = fs.openSync(indexPath, 'r');
  try {
    let read = 0;
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return new Float64Array(buf.buffer, buf.byteOffset, entries * 3);
}
