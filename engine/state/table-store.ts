// The store behind builder.table(): the latest value per key, written with the source topic's own
// serdes, so that the source topic can serve as its changelog (restore applies the topic's records
// as they are). Values restored as bytes are decoded once restore is over: a source serde may
// first need to fetch a writer schema (Serde.preload).
import type { Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

export class TableStore<V> implements StateStore {
  private readonly data = new Map<string, V>();
  private readonly dirty = new Set<string>();
  private pending: Map<string, Buffer> | undefined;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<string>,
    private readonly valueSerde: Serde<V>,
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

  entries(): IterableIterator<[string, V]> {
    return this.data.entries();
  }

  size(): number {
    return this.data.size + (this.pending?.size ?? 0);
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const value = this.data.get(key);
      out.push({ key: this.keyBytes(key), value: value === undefined ? null : this.valueSerde.serialize(value) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    let k: string;
    try {
      k = this.keySerde.deserialize(key);
    } catch {
      return; // a key the source serde cannot read went to the dead letters when it was processed
    }
    this.data.delete(k);
    if (value === null) this.pending?.delete(k);
    else (this.pending ??= new Map()).set(k, Buffer.from(value));
  }

  async afterRestore(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    for (const [k, bytes] of pending) {
      try {
        await this.valueSerde.preload?.(bytes);
        this.data.set(k, this.valueSerde.deserialize(bytes));
      } catch {
        // Read from the source topic: a value its serde cannot read went to the dead letters when
        // it was processed, and never reached the table.
      }
    }
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, v] of this.data) yield { key: this.keyBytes(k), value: this.valueSerde.serialize(v) };
  }

  private keyBytes(key: string): Buffer {
    return this.keySerde.serialize(key) ?? Buffer.alloc(0);
  }
}

/** A table store; with `sourceTopic`, that topic is its changelog (no changelog topic is created). */
export function tableStore<V>(name: string, keySerde: Serde<string>, valueSerde: Serde<V>, sourceTopic?: string): StoreSpec {
  return { name, create: () => new TableStore<V>(name, keySerde, valueSerde), sourceTopic };
}
