// How a processor reads a table's current value for a key (Kafka Streams' KTableValueGetter): a
// source or aggregated table reads its store; a filtered, mapped or joined table computes its value
// from its parents' on the fly, so only sources and aggregates are materialised. A node that
// looks a table up declares the getter's stores.
import type { ProcessorContext } from '../processors/processor.ts';
import type { StateStore } from '../state/state-store.ts';

export type TableLookup<V> = (key: string) => V | null;

export interface ValueGetter<V> {
  /** The stores the lookup reads. */
  readonly stores: readonly string[];
  /** The lookup inside one task (call from the processor's init). */
  create(ctx: ProcessorContext<unknown, unknown>): TableLookup<V>;
}

interface ReadableStore<V> extends StateStore {
  get(key: string): V | undefined;
}

export function storeGetter<V>(storeName: string): ValueGetter<V> {
  return {
    stores: [storeName],
    create: (ctx) => {
      const store = ctx.getStateStore<ReadableStore<V>>(storeName);
      return (key) => store.get(key) ?? null;
    },
  };
}
