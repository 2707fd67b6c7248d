// One side of a stream-stream windowed join: per key, the recent records (time, value) that a record
// of the other side may still join with. One changelog entry per key touched since the last commit.
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

export interface Buffered<V> {
  time: number;
  value: V;
}

export class JoinBufferStore<V> implements StateStore {
  private readonly data = new Map<string, Buffered<V>[]>();
  private readonly dirty = new Set<string>();
  private readonly listSerde = v8Serde<{ time: number; value: Buffer | null }[]>();

  constructor(readonly name: string, private readonly serde: Serde<V> = v8Serde<V>()) {}

  records(key: string): readonly Buffered<V>[] | undefined {
    return this.data.get(key);
  }

  add(key: string, time: number, value: V): void {
    let list = this.data.get(key);
    if (!list) {
      list = [];
      this.data.set(key, list);
    }
    list.push({ time, value });
    this.dirty.add(key);
  }

  /** Drops records of `key` older than `minTime`. */
  expire(key: string, minTime: number): void {
    const list = this.data.get(key);
    if (!list) return;
    const kept = list.filter((r) => r.time >= minTime);
    if (kept.length === list.length) return;
    if (kept.length === 0) this.data.delete(key);
    else this.data.set(key, kept);
    this.dirty.add(key);
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  size(): number {
    return this.data.size;
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const list = this.data.get(key);
      out.push({ key: Buffer.from(key, 'utf8'), value: list ? this.encode(list) : null });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('utf8');
    if (value === null) this.data.delete(k);
    else this.data.set(k, this.listSerde.deserialize(value).map((r) => ({ time: r.time, value: this.serde.deserialize(r.value) })));
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, list] of this.data) yield { key: Buffer.from(k, 'utf8'), value: this.encode(list) };
  }

  private encode(list: Buffered<V>[]): Buffer {
    return this.listSerde.serialize(list.map((r) => ({ time: r.time, value: this.serde.serialize(r.value) }))) as Buffer;
  }
}

export function joinBufferStore<V>(name: string, serde?: Serde<V>): StoreSpec {
  return { name, create: () => new JoinBufferStore<V>(name, serde) };
}
