// A consumed record whose key and value stay in the bytes they were read from until a reader asks
// for them. Both backends hand out records this way: a record waits in its partition's queue until
// its task takes it (often for longer than the young generation lives), and two Buffer views per
// waiting record were the largest share of what a stream thread's scavenges copied and promoted.
// A task reads key and value once each, as it decodes them; each read makes a new view.
import type { Headers, LogRecord } from './backend.ts';

export class LogRecordView implements LogRecord {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly headers: Headers,
    private readonly bytes: Buffer,
    private readonly keyStart: number,
    /** Negative for a null key. */
    private readonly keyLength: number,
    private readonly valueStart: number,
    /** Negative for a null value. */
    private readonly valueLength: number,
  ) {}

  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.bytes.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  get value(): Buffer | null {
    return this.valueLength < 0 ? null : this.bytes.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** Logs and test failures show the record's fields, not the positions behind them. */
  toJSON(): LogRecord {
    const { topic, partition, offset, timestamp, headers, key, value } = this;
    return { topic, partition, offset, key, value, timestamp, headers };
  }
}
