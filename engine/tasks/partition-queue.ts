// The buffered records of one input partition of a task, oldest first. A plain array with a moving
// head (no per-record allocation); compacted when the consumed prefix dominates.
import type { LogRecord } from '../backend/backend.ts';

export class PartitionQueue {
  private records: LogRecord[] = [];
  private head = 0;
  /** Offset after the last record processed (what the commit stores); -1 before any. */
  processedNext = -1;
  /**
   * True when the worker has seen that nothing more is in this partition right now; an empty queue
   * that is not at its end blocks the task (timestamp synchronisation must not guess).
   */
  atEnd = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly sourceIndex: number,
  ) {}

  push(record: LogRecord): void {
    this.records.push(record);
    this.atEnd = false;
  }

  get length(): number {
    return this.records.length - this.head;
  }

  /** Timestamp of the head record; only valid when length > 0. */
  headTimestamp(): number {
    return this.records[this.head].timestamp;
  }

  shift(): LogRecord {
    const r = this.records[this.head];
    this.records[this.head] = undefined as unknown as LogRecord;
    this.head++;
    if (this.head === this.records.length) {
      this.records = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    this.processedNext = r.offset + 1;
    return r;
  }

  clear(): void {
    this.records = [];
    this.head = 0;
  }
}
