// The router's contract for a store-specific query (what the collection worklist's heap does with
// `top`): each task answers its own best N, the store's merge picks the best N of those; a key goes
// to the task of its partition only.
import { describe, expect, it } from 'vitest';
import { customStore } from '../state/custom-state-store.ts';
import { SortedKeyValueStore } from '../state/sorted-key-value-store.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { Topology } from '../topology/topology.ts';
import { answerQuery, partitionOfKey } from './query-router.ts';
import type { QueryMerge, QueryRow, StoreQuery } from './store-query.ts';

/** A score per key (a sorted key-value store) that also answers `top`: its n highest scores. */
class ScoreStore extends SortedKeyValueStore<number> {
  constructor(name: string) {
    super(name, jsonSerde<number>());
  }
  override query(q: StoreQuery): QueryRow[] {
    if (q.type !== 'top') return super.query(q);
    return byScore([...this.entries()].map(([key, value]) => ({ key, value }))).slice(0, Number(q.n));
  }
}

const byScore = (rows: QueryRow[]): QueryRow[] =>
  rows.sort((a, b) => (b.value as number) - (a.value as number) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const topMerge: QueryMerge = (q, parts) => (q.type === 'top' ? byScore(parts.flat()).slice(0, Number(q.n)) : parts.flat());

describe('query router', () => {
  const topology = new Topology();
  topology.addStore(customStore('scores', () => new ScoreStore('scores'), { queryable: true, merge: topMerge }));
  topology.addStore(customStore('private', () => new ScoreStore('private')));
  const tasks = [0, 1, 2].map((partition) => ({ partition, stores: new Map([['scores', new ScoreStore('scores')]]) }));
  const keys = Array.from({ length: 30 }, (_, i) => `d${i}`);
  for (const [i, key] of keys.entries()) (tasks[partitionOfKey(key, 3)].stores.get('scores')! as ScoreStore).put(key, (i * 37) % 101);

  it('merges the tasks’ top N into the top N', () => {
    const all = byScore(keys.map((key, i) => ({ key, value: (i * 37) % 101 })));
    expect(answerQuery(topology, tasks, 'scores', { type: 'top', n: 5 }, 3)).toEqual({ rows: all.slice(0, 5), partitions: [0, 1, 2] });
  });

  it('answers a key from its partition’s task only', () => {
    const key = 'd7';
    expect(answerQuery(topology, tasks, 'scores', { type: 'get', key }, 3)).toEqual({
      rows: [{ key, value: (7 * 37) % 101 }],
      partitions: [partitionOfKey(key, 3)],
    });
    expect(answerQuery(topology, tasks.slice(0, 0), 'scores', { type: 'get', key }, 3)).toEqual({ rows: [], partitions: [] });
  });

  it('asks every task for a key when the store is not keyed by its tasks’ partition key', () => {
    // As the worklist: tasks partitioned by customer, the store keyed by debtor. Put d7 where its own
    // partition would not be.
    const elsewhere = (partitionOfKey('d7', 3) + 1) % 3;
    const byCustomer = new Topology();
    byCustomer.addStore(customStore('scores', () => new ScoreStore('scores'), { queryable: true, routeKeyQueries: false }));
    const stores = [0, 1, 2].map(() => new ScoreStore('scores'));
    stores[elsewhere].put('d7', 42);
    const owned = stores.map((store, partition) => ({ partition, stores: new Map([['scores', store]]) }));
    expect(answerQuery(byCustomer, owned, 'scores', { type: 'get', key: 'd7' }, 3)).toEqual({
      rows: [{ key: 'd7', value: 42 }],
      partitions: [elsewhere],
    });
    expect(answerQuery(topology, owned, 'scores', { type: 'get', key: 'd7' }, 3).rows).toEqual([]);
    expect(answerQuery(byCustomer, owned, 'scores', { type: 'get', key: 'd8' }, 3)).toEqual({ rows: [], partitions: [0, 1, 2] });
    expect(answerQuery(byCustomer, [], 'scores', { type: 'get', key: 'd8' }, 3)).toEqual({ rows: [], partitions: [] });
  });

  it('refuses a store not declared queryable, naming the queryable ones', () => {
    expect(() => answerQuery(topology, tasks, 'private', { type: 'range' }, 3)).toThrow(
      'no queryable state store private; queryable stores: scores',
    );
  });
});
