// The example custom store (README "Custom state stores"): string keys kept in order, so a range
// is a binary search and a slice instead of a scan. A Map holds the values; a sorted array of keys
// is the index (insert and delete cost O(n) moves, fine for the thousands of keys of a task).
import type { Serde } from '../serdes/serde.ts';
import { compareKeys, isRangeQuery, type QueryRow, type StoreQuery } from '../queries/store-query.ts';
import { CustomStateStore, customStore, stringKeyCodec, type CustomStoreOptions } from './custom-state-store.ts';
import type { StoreSpec } from './state-store.ts';

export class SortedKeyValueStore<V> extends CustomStateStore<string, V> {
  private readonly values = new Map<string, V>();
  private readonly keys: string[] = [];

  constructor(name: string, valueSerde?: Serde<V>) {
    super(name, stringKeyCodec(valueSerde));
  }

  protected read(key: string): V | undefined {
    return this.values.get(key);
  }

  protected write(key: string, value: V): void {
    if (!this.values.has(key)) this.keys.splice(this.lowerBound(key), 0, key);
    this.values.set(key, value);
  }

  protected remove(key: string): boolean {
    if (!this.values.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
    return true;
  }

  *entries(): Iterable<[string, V]> {
    for (const k of this.keys) yield [k, this.values.get(k)!];
  }

  size(): number {
    return this.values.size;
  }

  /** Entries with from <= key <= to, in key order (either bound open when undefined). */
  *between(from?: string, to?: string): Iterable<[string, V]> {
    const end = to === undefined ? this.keys.length : this.upperBound(to);
    for (let i = from === undefined ? 0 : this.lowerBound(from); i < end; i++) yield [this.keys[i], this.values.get(this.keys[i])!];
  }

  /** The first key in order, undefined when empty. */
  firstKey(): string | undefined {
    return this.keys[0];
  }

  override query(q: StoreQuery): QueryRow[] {
    if (!isRangeQuery(q)) return super.query(q);
    const rows: QueryRow[] = [];
    const limit = q.limit ?? Infinity;
    for (const [key, value] of this.between(q.from, q.to)) {
      if (rows.length >= limit) break;
      rows.push({ key, value });
    }
    return rows;
  }

  /** Index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  private upperBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function sortedKeyValueStore<V>(name: string, valueSerde?: Serde<V>, options: CustomStoreOptions = {}): StoreSpec {
  return customStore(name, () => new SortedKeyValueStore<V>(name, valueSerde), options);
}
