// Stream-table join, event-time correct: each stream record looks up the versioned table as of its
// own time (or a time it chooses), not "the latest value seen". The table lives in the same task
// (co-partitioned), fed by a table-source processor; timestamp synchronisation in the task makes
// sure table records with time <= the stream record's time have been applied first.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { VersionedStore } from '../state/versioned-store.ts';

export interface StreamTableJoinOptions<K, V, T, R> {
  storeName: string;
  joiner: (value: V, tableValue: T | null, key: K) => R;
  /** Inner join drops stream records without a table value; left join passes null. */
  kind: 'inner' | 'left';
  /** The table key of a stream record (default: the stream key, which must be a string). */
  tableKey?: (key: K, value: V) => string;
  /** The time to look the table up at (default: the record's timestamp). */
  asOf?: (key: K, value: V, timestamp: number) => number;
}

export class StreamTableJoinProcessor<K, V, T, R> implements Processor<K, V, K, R> {
  private ctx!: ProcessorContext<K, R>;
  private table!: VersionedStore<T>;

  constructor(private readonly options: StreamTableJoinOptions<K, V, T, R>) {}

  init(ctx: ProcessorContext<K, R>): void {
    this.ctx = ctx;
    this.table = ctx.getStateStore<VersionedStore<T>>(this.options.storeName);
  }

  process(key: K, value: V, timestamp: number): void {
    const o = this.options;
    const tableKey = o.tableKey ? o.tableKey(key, value) : (key as unknown as string);
    const asOf = o.asOf ? o.asOf(key, value, timestamp) : timestamp;
    const found = tableKey === null || tableKey === undefined ? undefined : this.table.get(tableKey, asOf);
    if (found === undefined && o.kind === 'inner') return;
    this.ctx.forward(key, o.joiner(value, found ?? null, key), timestamp);
  }
}

/**
 * Writes each table record into the versioned store (the table's materialisation), then passes it on
 * (VersionedTable.toStream), so a processor downstream sees the store already holding it.
 */
export class VersionedTableSourceProcessor<T> implements Processor<string, T, string, T> {
  private ctx!: ProcessorContext<string, T>;
  private store!: VersionedStore<T>;

  constructor(private readonly storeName: string) {}

  init(ctx: ProcessorContext<string, T>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<VersionedStore<T>>(this.storeName);
  }

  process(key: string, value: T, timestamp: number): void {
    if (key === null || key === undefined) throw new Error(`table ${this.storeName} needs a non-null key`);
    this.store.put(key, value, timestamp, this.ctx.streamTime);
    this.ctx.forward(key, value, timestamp);
  }
}
