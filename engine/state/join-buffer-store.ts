// One side of a stream-stream windowed join: per key, the recent records (time, value) that a record
// of the other side may still join with. A key-value store of lists: one changelog entry per key
// touched since the last commit. An index of (time, key) per buffered record, in time order, lets
// stream time expire records of keys never seen again; it is derived from the entries (rebuilt
// after a restore), so it needs no changelog of its own.
import { v8Serde, type Serde } from '../serdes/serde.ts';
import { DueQueue } from './due-queue.ts';
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
  private readonly byTime = new DueQueue();
  private byTimeStale = false;

  constructor(name: string, serde: Serde<V> = v8Serde<V>()) {
    super(name, bufferedListSerde(serde));
  }

  override restore(key: Buffer, value: Buffer | null): void {
    super.restore(key, value);
    this.byTimeStale = true;
  }

  records(key: string): readonly Buffered<V>[] | undefined {
    return this.get(key);
  }

  add(key: string, time: number, value: V): void {
    const list = this.get(key) ?? [];
    list.push({ time, value });
    this.put(key, list);
    if (!this.byTimeStale) this.byTime.push(time, key);
  }

  /** Drops every record older than `minTime`, whatever its key (stream time passed it). */
  expireBefore(minTime: number): void {
    const q = this.byTime;
    // Entries of records the per-key expire() dropped first are below the same bound: popped here too.
    if (this.byTimeStale) this.reindex();
    while (q.peekDue() < minTime) {
      const key = q.peekKey()!;
      q.pop();
      this.expire(key, minTime);
    }
  }

  private reindex(): void {
    const entries: [string, number][] = [];
    for (const [key, list] of this.entries()) for (const r of list) entries.push([key, r.time]);
    this.byTime.rebuild(entries);
    this.byTimeStale = false;
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
