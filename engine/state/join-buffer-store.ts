// One side of a stream-stream windowed join: per key, the recent records (time, value) that a record
// of the other side may still join with. A key-value store of lists: one changelog entry per key
// touched since the last commit.
import { v8Serde, type Serde } from '../serdes/serde.ts';
import { KeyValueStore } from './key-value-store.ts';
import type { StoreSpec } from './state-store.ts';

export interface Buffered<V> {
  time: number;
  value: V;
}

function bufferedListSerde<V>(serde: Serde<V>): Serde<Buffered<V>[]> {
  const list = v8Serde<{ time: number; value: Buffer | null }[]>();
  return {
    serialize: (records) => list.serialize(records.map((r) => ({ time: r.time, value: serde.serialize(r.value) }))),
    deserialize: (bytes) => list.deserialize(bytes).map((r) => ({ time: r.time, value: serde.deserialize(r.value) })),
  };
}

export class JoinBufferStore<V> extends KeyValueStore<Buffered<V>[]> {
  constructor(name: string, serde: Serde<V> = v8Serde<V>()) {
    super(name, bufferedListSerde(serde));
  }

  records(key: string): readonly Buffered<V>[] | undefined {
    return this.get(key);
  }

  add(key: string, time: number, value: V): void {
    const list = this.get(key) ?? [];
    list.push({ time, value });
    this.put(key, list);
  }

  /** Drops records of `key` older than `minTime`. */
  expire(key: string, minTime: number): void {
    const list = this.get(key);
    if (!list) return;
    const kept = list.filter((r) => r.time >= minTime);
    if (kept.length === list.length) return;
    if (kept.length === 0) this.delete(key);
    else this.put(key, kept);
  }
}

export function joinBufferStore<V>(name: string, serde?: Serde<V>): StoreSpec {
  return { name, create: () => new JoinBufferStore<V>(name, serde) };
}
