// An in-memory key-value store with a changelog. String keys; values through a serde (v8 by default).
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';
import {
  compareKeys,
  isKeyQuery,
  isRangeQuery,
  mergeByKey,
  StoreQueryError,
  type QueryRow,
  type StoreQuery,
} from '../queries/store-query.ts';

export class KeyValueStore<V> implements StateStore {
  protected readonly data = new Map<string, V>();
  private readonly dirty = new Set<string>();

  constructor(
    readonly name: string,
    protected readonly serde: Serde<V> = v8Serde<V>(),
  ) {}

  get(key: string): V | undefined {
    return this.data.get(key);
  }

  put(key: string, value: V): void {
    this.data.set(key, value);
    this.dirty.add(key);
  }

  delete(key: string): void {
    if (this.data.delete(key)) this.dirty.add(key);
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  entries(): IterableIterator<[string, V]> {
    return this.data.entries();
  }

  size(): number {
    return this.data.size;
  }

  /** Interactive queries: get, and range (a scan: this store keeps no key order). */
  query(q: StoreQuery): QueryRow[] {
    if (isKeyQuery(q)) {
      const v = this.data.get(q.key);
      return v === undefined ? [] : [{ key: q.key, value: v }];
    }
    if (!isRangeQuery(q)) throw new StoreQueryError(`store ${this.name} answers get and range queries, not ${q.type}`);
    const rows: QueryRow[] = [];
    for (const [key, value] of this.data) {
      if (q.from !== undefined && compareKeys(key, q.from) < 0) continue;
      if (q.to !== undefined && compareKeys(key, q.to) > 0) continue;
      rows.push({ key, value });
    }
    return mergeByKey(q, [rows]);
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const value = this.data.get(key);
      out.push({ key: this.keyBytes(key), value: value === undefined ? null : this.serde.serialize(value) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('utf8');
    if (value === null) this.data.delete(k);
    else this.data.set(k, this.serde.deserialize(value));
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, v] of this.data) yield { key: this.keyBytes(k), value: this.serde.serialize(v) };
  }

  protected keyBytes(key: string): Buffer {
    return Buffer.from(key, 'utf8');
  }
}

/** `queryable`: readable by interactive queries (get, range). */
export function keyValueStore<V>(name: string, serde?: Serde<V>, options: { queryable?: boolean } = {}): StoreSpec {
  return { name, create: () => new KeyValueStore<V>(name, serde), queryable: options.queryable };
}
