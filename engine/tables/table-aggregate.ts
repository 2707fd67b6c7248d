// table.groupBy(...).aggregate(...): the re-keying side sends each update to its new group as a
// subtraction of the old value from the old group and an addition of the new value to the new
// group (one record when both groups are the same, Kafka Streams KIP-904, so the group emits no
// intermediate result); the aggregating side applies them to the group's running aggregate.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { Change } from './change.ts';

export type TableKeyValueMapper<V, V2> = (key: string, value: V) => [string, V2];

export class TableGroupByProcessor<V, V2> implements Processor<string, Change<V>, string, Change<V2>> {
  private ctx!: ProcessorContext<string, Change<V2>>;
  constructor(private readonly selector: TableKeyValueMapper<V, V2>) {}
  init(ctx: ProcessorContext<string, Change<V2>>): void {
    this.ctx = ctx;
  }
  process(key: string, change: Change<V>, timestamp: number): void {
    const o = change.oldValue === null ? undefined : this.selector(key, change.oldValue);
    const n = change.newValue === null ? undefined : this.selector(key, change.newValue);
    // A null group key drops that side, as in Kafka Streams.
    const oldOk = o !== undefined && o[0] !== null && o[0] !== undefined;
    const newOk = n !== undefined && n[0] !== null && n[0] !== undefined;
    if (oldOk && newOk && o[0] === n[0]) {
      this.ctx.forward(n[0], { newValue: n[1], oldValue: o[1] }, timestamp);
      return;
    }
    if (oldOk) this.ctx.forward(o[0], { newValue: null, oldValue: o[1] }, timestamp);
    if (newOk) this.ctx.forward(n[0], { newValue: n[1], oldValue: null }, timestamp);
  }
}

export interface TableAggregator<V, A> {
  init: () => A;
  add: (key: string, value: V, aggregate: A) => A;
  subtract: (key: string, value: V, aggregate: A) => A;
}

/** Kafka Streams' KTableAggregate: subtract the old value, then add the new one; emit the aggregate's change. */
export class TableAggregateProcessor<V, A> implements Processor<string, Change<V>, string, Change<A>> {
  private ctx!: ProcessorContext<string, Change<A>>;
  private store!: KeyValueStore<A>;
  constructor(
    private readonly storeName: string,
    private readonly aggregator: TableAggregator<V, A>,
  ) {}
  init(ctx: ProcessorContext<string, Change<A>>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<KeyValueStore<A>>(this.storeName);
  }
  process(key: string, change: Change<V>, timestamp: number): void {
    if (key === null || key === undefined) return;
    const old = this.store.get(key) ?? null;
    let agg: A | null = old;
    if (change.oldValue !== null && agg !== null) agg = this.aggregator.subtract(key, change.oldValue, agg);
    if (change.newValue !== null) agg = this.aggregator.add(key, change.newValue, agg ?? this.aggregator.init());
    if (agg === null || agg === undefined) {
      if (old === null) return;
      this.store.delete(key);
    } else this.store.put(key, agg);
    this.ctx.forward(key, { newValue: agg ?? null, oldValue: old }, timestamp);
  }
}
