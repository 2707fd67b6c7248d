// The warehouse sink: rows into the topic's table through Warehouse.insert, in batches. An insert is
// retried with backoff while the warehouse is unreachable; offsets become committable only once the
// insert is acknowledged. Redelivered rows are harmless: the tables collapse them (ReplacingMergeTree).
// Dead letters (writeDeadLetters) land in the table `dead_letters`.
import type { BackoffOptions, Logger, TopicPartition, TopicPartitionOffset } from '../../engine/index.ts';
import { tableOf } from '../../schemas/topics.ts';
import { WarehouseError } from '../../warehouse/errors.ts';
import type { TopicName } from '../../schemas/types.ts';
import { formatDateTime64 } from '../../warehouse/rows.ts';
import type { Warehouse, WarehouseRow } from '../../warehouse/warehouse.ts';
import type { DeadLetterRow } from '../dead-letters/dead-letter-row.ts';
import { tpKey, type DeadLetterSinkRecord, type Sink, type SinkRecord } from './sink.ts';
import { retryingSinkWrite } from './sink-retry.ts';

export const DEAD_LETTERS_TABLE = 'dead_letters';

function deadLetterWarehouseRow(row: DeadLetterRow): WarehouseRow {
  return { ...row, event_time: formatDateTime64(row.event_time) };
}

export interface ClickHouseSinkOptions {
  /** Rows buffered before an insert (default 50,000); the rest goes at the next flush. */
  batchRows?: number;
  retry?: BackoffOptions;
  logger?: Logger;
}

export class ClickHouseSink implements Sink {
  static readonly sinkName = 'warehouse';
  readonly name = ClickHouseSink.sinkName;
  private pending: (SinkRecord | DeadLetterSinkRecord)[] = [];
  private readonly acked = new Map<string, TopicPartitionOffset>();
  /** Per partition, how far the runner has consumed (written or dead-lettered). */
  private readonly consumed = new Map<string, TopicPartitionOffset>();
  private written = 0;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly opts: ClickHouseSinkOptions = {},
  ) {}

  get rowsWritten(): number {
    return this.written;
  }

  write(records: SinkRecord[], signal: AbortSignal): Promise<void> {
    return this.buffer(records, signal);
  }

  writeDeadLetters(records: DeadLetterSinkRecord[], signal: AbortSignal): Promise<void> {
    return this.buffer(records, signal);
  }

  private async buffer(records: (SinkRecord | DeadLetterSinkRecord)[], signal: AbortSignal): Promise<void> {
    for (const r of records) this.pending.push(r);
    if (this.pending.length >= (this.opts.batchRows ?? 50_000)) await this.flush(signal);
  }

  async flush(signal: AbortSignal): Promise<void> {
    if (this.pending.length === 0) return;
    const byTopic = new Map<TopicName, Record<string, unknown>[]>();
    const deadLetters: WarehouseRow[] = [];
    for (const r of this.pending) {
      if ('deadLetter' in r) {
        deadLetters.push(deadLetterWarehouseRow(r.deadLetter));
        continue;
      }
      let rows = byTopic.get(r.topic);
      if (!rows) byTopic.set(r.topic, (rows = []));
      rows.push(r.row);
    }
    for (const [topic, rows] of byTopic)
      await this.inserting(tableOf(topic), () => this.warehouse.insertRecords(topic, rows as never), signal);
    if (deadLetters.length > 0)
      await this.inserting(DEAD_LETTERS_TABLE, () => this.warehouse.insert(DEAD_LETTERS_TABLE, deadLetters), signal);
    for (const r of this.pending) this.acked.set(tpKey(r), { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
    this.written += this.pending.length;
    this.pending = [];
  }

  advance(positions: TopicPartitionOffset[]): void {
    for (const p of positions) this.consumed.set(tpKey(p), p);
  }

  committable(): TopicPartitionOffset[] {
    const waiting = new Set(this.pending.map(tpKey));
    const out = new Map(this.acked);
    // nothing of this partition is waiting for an insert: what the runner skipped (dead letters) counts too
    for (const [key, position] of this.consumed) {
      if (!waiting.has(key) && position.offset > (out.get(key)?.offset ?? -1)) out.set(key, position);
    }
    return [...out.values()];
  }

  alignStart(_tp: TopicPartition, offset: number): number {
    return offset;
  }

  release(partitions: TopicPartition[]): void {
    const gone = new Set(partitions.map(tpKey));
    this.pending = this.pending.filter((r) => !gone.has(tpKey(r)));
    for (const k of gone) {
      this.acked.delete(k);
      this.consumed.delete(k);
    }
  }

  async close(): Promise<void> {
    this.pending = [];
  }

  private inserting(table: string, insert: () => Promise<void>, signal: AbortSignal): Promise<void> {
    const retriable = (err: unknown) => err instanceof WarehouseError && err.retriable;
    return retryingSinkWrite(insert, retriable, `warehouse sink: insert into ${table}`, signal, this.opts);
  }
}
