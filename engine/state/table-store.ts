// The store behind builder.table(): the latest value per key, written with the source topic's own
// serdes, so that the source topic can serve as its changelog (restore applies the topic's records
// as they are). Values restored as bytes are decoded once restore is over: a source serde may
// first need to fetch a writer schema (Serde.preload).
import type { Serde } from '../serdes/serde.ts';
import { KeyValueStore } from './key-value-store.ts';
import type { StoreSpec } from './state-store.ts';

export class TableStore<V> extends KeyValueStore<V> {
  private pending: Map<string, Buffer> | undefined;

  constructor(
    name: string,
    private readonly keySerde: Serde<string>,
    valueSerde: Serde<V>,
  ) {
    super(name, valueSerde);
  }

  override size(): number {
    return super.size() + (this.pending?.size ?? 0);
  }

  override restore(key: Buffer, value: Buffer | null): void {
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
        await this.serde.preload?.(bytes);
        this.data.set(k, this.serde.deserialize(bytes));
      } catch {
        // Read from the source topic: a value its serde cannot read went to the dead letters when
        // it was processed, and never reached the table.
      }
    }
  }

  protected override keyBytes(key: string): Buffer {
    return this.keySerde.serialize(key) ?? Buffer.alloc(0);
  }
}

/** A table store; with `sourceTopic`, that topic is its changelog (no changelog topic is created). */
export function tableStore<V>(name: string, keySerde: Serde<string>, valueSerde: Serde<V>, sourceTopic?: string): StoreSpec {
  return { name, create: () => new TableStore<V>(name, keySerde, valueSerde), sourceTopic };
}
