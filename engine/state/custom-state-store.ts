// The base of a store a pipeline brings itself (Kafka Streams' custom StateStore): the subclass
// holds its own structure and implements five primitives (read, write, remove, entries, size);
// this base tracks the keys changed since the last commit and turns them into changelog entries
// through the store's codec, so changelog, local copy, checkpoint, restore and rebalance work as
// for the engine's own stores. Processors mutate it only through put() and delete().
import { v8Serde, type Serde } from '../serdes/serde.ts';
import {
  compareKeys,
  isKeyQuery,
  isRangeQuery,
  mergeByKey,
  StoreQueryError,
  type QueryMerge,
  type QueryRow,
  type QueryableStore,
  type StoreQuery,
} from '../queries/store-query.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

/** Keys and values to and from their changelog bytes. */
export interface StoreCodec<K, V> {
  encodeKey(key: K): Buffer;
  decodeKey(bytes: Buffer): K;
  encodeValue(value: V): Buffer;
  decodeValue(bytes: Buffer): V;
}

/** UTF-8 string keys; values through a serde (v8 by default). */
export function stringKeyCodec<V>(valueSerde: Serde<V> = v8Serde<V>()): StoreCodec<string, V> {
  return {
    encodeKey: (key) => Buffer.from(key, 'utf8'),
    decodeKey: (bytes) => bytes.toString('utf8'),
    encodeValue: (value) => {
      const b = valueSerde.serialize(value);
      if (b === null) throw new TypeError('a custom store value serialised to null (null is the changelog tombstone)');
      return b;
    },
    // A copy: a stored value must not pin the read buffer it was restored from.
    decodeValue: (bytes) => valueSerde.deserialize(Buffer.from(bytes)),
  };
}

export abstract class CustomStateStore<K, V> implements StateStore, QueryableStore {
  /** Keys put or deleted since the last commit, by identity (primitive keys) or encoded bytes. */
  private readonly dirty = new Map<unknown, K>();

  constructor(
    readonly name: string,
    protected readonly codec: StoreCodec<K, V>,
  ) {}

  // ---- what a subclass implements ---------------------------------------------------------------

  /** The value under `key`, undefined when absent. */
  protected abstract read(key: K): V | undefined;
  /** Sets the value under `key` (insert or replace). */
  protected abstract write(key: K, value: V): void;
  /** Removes `key`; false when it was absent. */
  protected abstract remove(key: K): boolean;
  /** Every entry, in the store's own order (iterate, dump, queries). */
  abstract entries(): Iterable<[K, V]>;
  abstract size(): number;

  /**
   * Called before each commit takes the changes (Kafka Streams' flush): a store that buffers
   * work (e.g. lazy re-sorting) finishes it here. Default: nothing.
   */
  flush(): void {}

  /** The string a query names a key by (default String(key)). */
  protected keyToString(key: K): string {
    return String(key);
  }

  /** A query's key string as a key of the store (default: the string itself, for string keys). */
  protected keyFromString(key: string): K {
    return key as unknown as K;
  }

  // ---- what processors call ---------------------------------------------------------------------

  get(key: K): V | undefined {
    return this.read(key);
  }

  put(key: K, value: V): void {
    this.write(key, value);
    this.markDirty(key);
  }

  delete(key: K): void {
    if (this.remove(key)) this.markDirty(key);
  }

  /** Entries with from <= key <= to by `compare` (the store's key order); a store with an index overrides it. */
  *range(from: K | undefined, to: K | undefined, compare: (a: K, b: K) => number): Iterable<[K, V]> {
    for (const e of this.entries()) {
      if (from !== undefined && compare(e[0], from) < 0) continue;
      if (to !== undefined && compare(e[0], to) > 0) continue;
      yield e;
    }
  }

  // ---- interactive queries ----------------------------------------------------------------------

  /** get and range (by the keys' strings); a subclass adds its own query types and calls super for these. */
  query(q: StoreQuery): QueryRow[] {
    if (isKeyQuery(q)) {
      const v = this.read(this.keyFromString(q.key));
      return v === undefined ? [] : [{ key: q.key, value: v }];
    }
    if (isRangeQuery(q)) {
      const rows: QueryRow[] = [];
      for (const [k, v] of this.entries()) {
        const key = this.keyToString(k);
        if (q.from !== undefined && compareKeys(key, q.from) < 0) continue;
        if (q.to !== undefined && compareKeys(key, q.to) > 0) continue;
        rows.push({ key, value: v });
      }
      return mergeByKey(q, [rows]);
    }
    throw new StoreQueryError(`store ${this.name} answers get and range queries, not ${q.type}`);
  }

  // ---- the engine's side (StateStore) -----------------------------------------------------------

  takeChanges(): ChangelogEntry[] {
    this.flush();
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty.values()) {
      const value = this.read(key);
      out.push({ key: this.codec.encodeKey(key), value: value === undefined ? null : this.codec.encodeValue(value) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = this.codec.decodeKey(key);
    if (value === null) this.remove(k);
    else this.write(k, this.codec.decodeValue(value));
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, v] of this.entries()) yield { key: this.codec.encodeKey(k), value: this.codec.encodeValue(v) };
  }

  private markDirty(key: K): void {
    const id = typeof key === 'object' && key !== null ? this.codec.encodeKey(key).toString('latin1') : key;
    this.dirty.set(id, key);
  }
}

export interface CustomStoreOptions {
  /** Readable from outside the running application (interactive queries). */
  queryable?: boolean;
  /** How answers of several tasks combine, for store-specific queries (default: by key). */
  merge?: QueryMerge;
  /** false when the store is keyed by something other than its tasks' partition key (see StoreSpec). */
  routeKeyQueries?: boolean;
}

/** Declares a custom store for a topology: one instance per task, from `create`. */
export function customStore(name: string, create: () => StateStore, options: CustomStoreOptions = {}): StoreSpec {
  return { name, create, queryable: options.queryable, mergeQueryResults: options.merge, routeKeyQueries: options.routeKeyQueries };
}
