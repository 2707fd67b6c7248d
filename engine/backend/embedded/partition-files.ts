// Where a partition lives on disk and how a batch is appended to it. Each partition is a data file
// of records (record-format.ts) plus a sparse index file of 24-byte entries
// (f64 offset | f64 file position | f64 largest timestamp before that offset), one entry per
// INDEX_INTERVAL_BYTES of data, so a seek or a timestamp lookup reads at most that much.
// Writes are positional at the committed end: whatever a crashed writer left there is overwritten.
import fs from 'node:fs';
import path from 'node:path';
import type { PartitionState, TopicState } from './manifest.ts';
import { encodedSize, encodeRecord, setOffsetAt, timestampAt, type RecordToWrite } from './record-format.ts';

export const INDEX_INTERVAL_BYTES = 64 * 1024;
export const INDEX_ENTRY_BYTES = 24;

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

/**
 * Records encoded for one partition before the commit lock is taken, their offsets still blank:
 * under the lock only the offsets are filled in and the bytes written, so a writer holds the lock
 * (and keeps the other stream threads and processes waiting) for as short as possible.
 */
export interface EncodedRecords {
  buf: Buffer;
  /** Position in buf of each record. */
  starts: number[];
}

export function encodeRecords(records: RecordToWrite[], now: number): EncodedRecords {
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    sizes[i] = encodedSize(records[i]);
    total += sizes[i];
  }
  const buf = Buffer.allocUnsafe(total);
  const starts = new Array<number>(records.length);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    starts[i] = pos;
    pos = encodeRecord(buf, pos, 0, records[i], sizes[i], now);
  }
  return { buf, starts };
}

/** Appends encoded records after the committed end and advances `state` (the caller commits it). */
export function appendToPartition(dataFd: number, indexFd: number, state: PartitionState, records: EncodedRecords): void {
  const { buf, starts } = records;
  const indexEntries: number[] = [];
  let maxTimestamp = state.maxTimestamp ?? -Infinity;
  for (let i = 0; i < starts.length; i++) {
    const recordPos = state.bytes + starts[i];
    if (state.lastIndexedByte < 0 || recordPos - state.lastIndexedByte >= INDEX_INTERVAL_BYTES) {
      indexEntries.push(state.end + i, recordPos, maxTimestamp);
      state.lastIndexedByte = recordPos;
    }
    setOffsetAt(buf, starts[i], state.end + i);
    const timestamp = timestampAt(buf, starts[i]);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
  }
  writeFully(dataFd, buf, buf.length, state.bytes);
  state.bytes += buf.length;
  state.end += starts.length;
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
