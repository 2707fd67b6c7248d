// An in-memory key-value store with a changelog. String keys; values through a serde (v8 by default).
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

export class KeyValueStore<V> implements StateStore {
  private readonly data = new Map<string, V>();
  private readonly dirty = new Set<string>();

  constructor(
    readonly name: string,
    private readonly serde: Serde<V> = v8Serde<V>(),
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

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const value = this.data.get(key);
      out.push({ key: Buffer.from(key, 'utf8'), value: value === undefined ? null : this.serde.serialize(value) });
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
    for (const [k, v] of this.data) yield { key: Buffer.from(k, 'utf8'), value: this.serde.serialize(v) };
  }
}

export function keyValueStore<V>(name: string, serde?: Serde<V>): StoreSpec {
  return { name, create: () => new KeyValueStore<V>(name, serde) };
}
