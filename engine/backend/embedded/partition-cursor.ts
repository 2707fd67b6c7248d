// Sequential reader of one partition file: reads large chunks and decodes records up to the
// committed end it is given, never beyond (bytes past it may be a crashed writer's leftovers).
import fs from 'node:fs';
import type { LogRecord } from '../backend.ts';
import { LogCorruptError } from '../errors.ts';
import type { PartitionState } from './manifest.ts';
import type { PartitionPaths } from './partition-files.ts';
import { readIndex } from './partition-files.ts';
import { decodeRecord, offsetAt, recordSizeAt, timestampAt } from './record-format.ts';

const READ_CHUNK_BYTES = 1024 * 1024;

export class PartitionCursor {
  /** Next offset to read. */
  offset = 0;
  /** File position of the record at `offset`. */
  private position = 0;
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private bufStart = 0;
  private bufLength = 0;
  private index: Float64Array = new Float64Array(0);
  private indexEntries = 0;

  constructor(
    readonly paths: PartitionPaths,
    readonly topic: string,
    readonly partition: number,
  ) {}

  private get where(): string {
    return `${this.topic}-${this.partition} (${this.paths.data})`;
  }

  /** Built only for an error message: a string per record cost more than decoding it. */
  private readonly describe = (): string => this.where;

  /** Appends up to `max` records below the committed end to `out`; returns how many. */
  read(committed: PartitionState, max: number, out: LogRecord[]): number {
    let count = 0;
    while (count < max && this.offset < committed.end) {
      const size = this.ensureRecord(committed);
      const record = decodeRecord(this.buf, this.position - this.bufStart, this.topic, this.partition, this.describe);
      if (record.offset !== this.offset) this.corrupt(`found offset ${record.offset}`);
      out.push(record);
      this.offset++;
      this.position += size;
      count++;
    }
    return count;
  }

  /** Moves to `offset` (clamped to [0, committed end]). */
  seek(offset: number, committed: PartitionState): void {
    const target = Math.max(0, Math.min(offset, committed.end));
    if (target < this.offset || this.offset === 0 || target - this.offset > 1000) {
      const entry = this.indexEntryAtOrBefore(target, committed);
      this.offset = entry.offset;
      this.position = entry.position;
    }
    while (this.offset < target) this.skip(committed);
  }

  /** The earliest offset with timestamp >= ts, or the committed end when there is none. */
  offsetForTimestamp(ts: number, committed: PartitionState): number {
    this.loadIndex(committed);
    // Entry i stores the largest timestamp before its offset, which only grows: the first entry
    // where it reaches ts marks the chunk after the one holding the answer.
    let lo = 0;
    let hi = this.indexEntries;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.index[mid * 3 + 2] >= ts) hi = mid;
      else lo = mid + 1;
    }
    const start = Math.max(0, lo - 1);
    if (this.indexEntries > 0) {
      this.offset = this.index[start * 3];
      this.position = this.index[start * 3 + 1];
    } else {
      this.offset = 0;
      this.position = 0;
    }
    while (this.offset < committed.end) {
      this.ensureRecord(committed);
      if (timestampAt(this.buf, this.position - this.bufStart) >= ts) return this.offset;
      this.skip(committed);
    }
    return committed.end;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private skip(committed: PartitionState): void {
    const size = this.ensureRecord(committed);
    if (offsetAt(this.buf, this.position - this.bufStart) !== this.offset) this.corrupt('offset mismatch while seeking');
    this.offset++;
    this.position += size;
  }

  /** Makes the whole record at `position` available in the buffer; returns its size. */
  private ensureRecord(committed: PartitionState): number {
    const relative = this.position - this.bufStart;
    if (relative >= 0 && relative <= this.bufLength) {
      const size = recordSizeAt(this.buf, relative, this.bufLength);
      if (size >= 0 && relative + size <= this.bufLength) return size;
      if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
    }
    this.fill(committed);
    const size = recordSizeAt(this.buf, 0, this.bufLength);
    if (size < 0) this.corrupt('file ends before its committed end');
    if (size > this.bufLength) {
      if (size > this.buf.length) {
        this.buf = Buffer.allocUnsafe(size);
        this.fill(committed);
      }
      if (size > this.bufLength) this.corrupt('record runs past the committed end');
    }
    return size;
  }

  /**
   * Reads from `position` into a fresh buffer: records handed out earlier are views into the old
   * one (no copy per record), so it is never written again; it is freed once they are.
   */
  private fill(committed: PartitionState): void {
    if (this.fd === undefined) this.fd = fs.openSync(this.paths.data, 'r');
    this.buf = Buffer.allocUnsafeSlow(this.buf.length);
    const wanted = Math.min(this.buf.length, committed.bytes - this.position);
    let read = 0;
    while (read < wanted) {
      const n = fs.readSync(this.fd, this.buf, read, wanted - read, this.position + read);
      if (n === 0) break;
      read += n;
    }
    this.bufStart = this.position;
    this.bufLength = read;
  }

  private loadIndex(committed: PartitionState): void {
    if (committed.indexEntries !== this.indexEntries) {
      this.index = readIndex(this.paths.index, committed.indexEntries);
      this.indexEntries = committed.indexEntries;
    }
  }

  private indexEntryAtOrBefore(offset: number, committed: PartitionState): { offset: number; position: number } {
    this.loadIndex(committed);
    let lo = 0;
    let hi = this.indexEntries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.index[mid * 3] <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? { offset: 0, position: 0 } : { offset: this.index[found * 3], position: this.index[found * 3 + 1] };
  }

  private corrupt(detail: string): never {
    throw new LogCorruptError(`partition ${this.where} is corrupt at offset ${this.offset}: ${detail}`);
  }
}
