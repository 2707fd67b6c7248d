// The application the interactive-query bench runs: a balance per account, summed from movements,
// in a queryable store answering get, range and `top` (the n largest balances).
import {
  customStore,
  jsonSerde,
  mergeByKey,
  SortedKeyValueStore,
  StreamsBuilder,
  type Processor,
  type ProcessorContext,
  type QueryMerge,
  type QueryRow,
  type StoreQuery,
  type Topology,
} from '../../engine/index.ts';

export const MOVEMENTS = 'movements';
export const PARTITIONS = 4;
export const STORE = 'balances';

export interface Movement {
  cents: number;
}

/** Balances by account (a sorted key-value store) that also answer `top`: the n largest. */
class BalanceStore extends SortedKeyValueStore<number> {
  constructor() {
    super(STORE, jsonSerde<number>());
  }
  override query(q: StoreQuery): QueryRow[] {
    if (q.type !== 'top') return super.query(q);
    return largest(
      [...this.entries()].map(([key, value]) => ({ key, value })),
      Number(q.n),
    );
  }
}

function largest(rows: QueryRow[], n: number): QueryRow[] {
  return rows.sort((a, b) => (b.value as number) - (a.value as number) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, n);
}

const merge: QueryMerge = (q, parts) => (q.type === 'top' ? largest(parts.flat(), Number(q.n)) : mergeByKey(q, parts));

class Balance implements Processor<string, Movement, never, never> {
  private store!: BalanceStore;
  init(ctx: ProcessorContext<never, never>): void {
    this.store = ctx.getStateStore(STORE);
  }
  process(key: string, m: Movement): void {
    this.store.put(key, (this.store.get(key) ?? 0) + m.cents);
  }
}

export function balancesTopology(): Topology {
  const b = new StreamsBuilder();
  b.addStateStore(customStore(STORE, () => new BalanceStore(), { queryable: true, merge }));
  b.stream(MOVEMENTS, { valueSerde: jsonSerde<Movement>() }).process(() => new Balance(), STORE);
  return b.build();
}
