// The warehouse sink: rows into the topic's table through Warehouse.insert, in batches. An insert is
// retried with backoff while the warehouse is unreachable; offsets become committable only once the
// insert is acknowledged. Redelivered rows are harmless: the tables collapse them (ReplacingMergeTree).
import { withBackoff, type BackoffOptions, type Logger, type TopicPartition, type TopicPartitionOffset } from '../../engine/index.ts';
import { tableOf } from '../../schemas/topics.ts';
import { WarehouseError } from '../../warehouse/errors.ts';
import type { TopicName } from '../../schemas/types.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { SinkError, tpKey, type Sink, type SinkRecord } from './sink.ts';

export interface ClickHouseSinkOptions {
  /** Rows buffered before an insert (default 50,000); the rest goes at the next flush. */
  batchRows?: number;
  retry?: BackoffOptions;
  logger?: Logger;
}

export class ClickHouseSink implements Sink {
  readonly name = 'warehouse';
  private pending: SinkRecord[] = [];
  private readonly acked = new Map<string, TopicPartitionOffset>();
  /** Per partition, how far the runner has consumed (written or dead-lettered). */
  private readonly consumed = new Map<string, TopicPartitionOffset>();
  private written = 0;

  constructor(private readonly warehouse: Warehouse, private readonly opts: ClickHouseSinkOptions = {}) {}

  get rowsWritten(): number {
    return this.written;
  }

  async write(records: SinkRecord[], signal: AbortSignal): Promise<void> {
    for (const r of records) this.pending.push(r);
    if (this.pending.length >= (this.opts.batchRows ?? 50_000)) await this.flush(signal);
  }

  async flush(signal: AbortSignal): Promise<void> {
    if (this.pending.length === 0) return;
    const byTopic = new Map<TopicName, Record<string, unknown>[]>();
    for (const r of this.pending) {
      let rows = byTopic.get(r.topic);
      if (!rows) byTopic.set(r.topic, (rows = []));
      rows.push(r.row);
    }
    for (const [topic, rows] of byTopic) {
      const table = tableOf(topic);
      await withBackoff(() => this.warehouse.insertRecords(topic, rows as never), (err) => err instanceof WarehouseError && err.retriable, {
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        maxElapsedMs: Infinity,
        ...this.opts.retry,
        shouldStop: () => signal.aborted,
        onRetry: (err, attempt, delayMs) =>
          this.opts.logger?.warn({ err: String(err), attempt, delayMs, table }, 'warehouse sink: insert failed, retrying'),
      }).catch((err: unknown) => {
        throw new SinkError(`warehouse sink: insert into ${table} failed: ${(err as Error).message ?? String(err)}`);
      });
    }
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
}
