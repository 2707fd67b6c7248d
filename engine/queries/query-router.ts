// Answers an interactive query from the tasks of one StreamsApp: a key goes to the task of the
// partition the producer's partitioner puts that key on (Kafka's murmur2, the same on both
// backends); range and store-specific queries go to every local task of the store, whose answers
// merge by the store's merge. Runs on the app's event loop between two slices of processing (a few
// ms each, streams/event-loop-slices.ts), so each task's answer is its state after some whole record,
// which may include updates not committed yet (as in Kafka Streams).
import { partitionFor } from '../backend/partitioner.ts';
import type { StateStore, StoreSpec } from '../state/state-store.ts';
import type { Topology } from '../topology/topology.ts';
import { isKeyQuery, mergeByKey, StoreQueryError, type QueryRow, type StoreQuery } from './store-query.ts';

/** One process's (or thread's) answer. */
export interface QueryAnswer {
  rows: QueryRow[];
  /** Partitions whose tasks answered: the ones this process owns now. */
  partitions: number[];
}

/** What a router needs of a task. */
export interface QueryableTask {
  readonly partition: number;
  readonly stores: ReadonlyMap<string, StateStore>;
}

/** Every store of the topology declared queryable. */
export function queryableSpecs(topology: Topology): Map<string, StoreSpec> {
  const out = new Map<string, StoreSpec>();
  for (const [name, spec] of topology.stores) if (spec.queryable) out.set(name, spec);
  return out;
}

export function unknownStoreError(store: string, queryable: Iterable<string>): StoreQueryError {
  const names = [...queryable].sort();
  return new StoreQueryError(`no queryable state store ${store}; queryable stores: ${names.length > 0 ? names.join(', ') : '(none)'}`);
}

/** The partition that owns `key` in a store whose tasks cover `partitionCount` partitions. */
export function partitionOfKey(key: string, partitionCount: number): number {
  return partitionFor(Buffer.from(key, 'utf8'), partitionCount);
}

export function answerQuery(
  topology: Topology,
  tasks: Iterable<QueryableTask>,
  store: string,
  q: StoreQuery,
  partitionCount: number | undefined,
): QueryAnswer {
  const specs = queryableSpecs(topology);
  const spec = specs.get(store);
  if (!spec) throw unknownStoreError(store, specs.keys());
  const owned: { partition: number; store: StateStore }[] = [];
  for (const t of tasks) {
    const s = t.stores.get(store);
    if (s) owned.push({ partition: t.partition, store: s });
  }
  const ask = (s: StateStore): QueryRow[] => {
    if (!s.query) throw new StoreQueryError(`state store ${store} is declared queryable but its store has no query()`);
    return s.query(q);
  };
  if (isKeyQuery(q)) {
    // Partition count unknown (local copies of a stopped app), or keys that are not the tasks'
    // partition keys: ask every task.
    if (partitionCount === undefined || spec.routeKeyQueries === false) {
      const hit = owned.find((o) => ask(o.store).length > 0);
      // A miss asked every task, so it covers their partitions (an empty list would read as "no task").
      return hit
        ? { rows: ask(hit.store), partitions: [hit.partition] }
        : { rows: [], partitions: owned.map((o) => o.partition).sort((a, b) => a - b) };
    }
    const p = partitionOfKey(q.key, partitionCount);
    const task = owned.find((o) => o.partition === p);
    return task ? { rows: ask(task.store), partitions: [p] } : { rows: [], partitions: [] };
  }
  const merge = spec.mergeQueryResults ?? mergeByKey;
  return {
    rows: merge(
      q,
      owned.map((o) => ask(o.store)),
    ),
    partitions: owned.map((o) => o.partition).sort((a, b) => a - b),
  };
}
