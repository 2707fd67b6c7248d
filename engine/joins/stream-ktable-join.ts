// Stream-table join against a plain table (Kafka Streams' KStream-KTable join): each stream record
// looks up the table's current value. Timestamp synchronisation in the task applies table updates
// with earlier times first; table updates themselves emit nothing.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { TableLookup, ValueGetter } from '../tables/value-getter.ts';

export interface StreamKTableJoinOptions<K, V, T, R> {
  table: ValueGetter<T>;
  joiner: (value: V, tableValue: T | null, key: K) => R;
  /** Inner join drops stream records without a table value; left join passes null. */
  kind: 'inner' | 'left';
  /** The table key of a stream record (default: the stream key, which must be a string). */
  tableKey?: (key: K, value: V) => string;
}

export class StreamKTableJoinProcessor<K, V, T, R> implements Processor<K, V, K, R> {
  private ctx!: ProcessorContext<K, R>;
  private lookup!: TableLookup<T>;

  constructor(private readonly o: StreamKTableJoinOptions<K, V, T, R>) {}

  init(ctx: ProcessorContext<K, R>): void {
    this.ctx = ctx;
    this.lookup = this.o.table.create(ctx as ProcessorContext<unknown, unknown>);
  }

  process(key: K, value: V, timestamp: number): void {
    const tableKey = this.o.tableKey ? this.o.tableKey(key, value) : (key as unknown as string);
    const found = tableKey === null || tableKey === undefined ? null : this.lookup(tableKey);
    if (found === null && this.o.kind === 'inner') return;
    this.ctx.forward(key, this.o.joiner(value, found, key), timestamp);
  }
}
