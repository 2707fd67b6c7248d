// Materialises a topic as a table: the latest value per key, a null value (tombstone) deletes the
// key. Forwards each update as a Change (new and replaced value).
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { TableStore } from '../state/table-store.ts';
import type { Change } from './change.ts';

export class TableSourceProcessor<V> implements Processor<string, V | null, string, Change<V>> {
  private ctx!: ProcessorContext<string, Change<V>>;
  private store!: TableStore<V>;

  constructor(private readonly storeName: string) {}

  init(ctx: ProcessorContext<string, Change<V>>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<TableStore<V>>(this.storeName);
  }

  process(key: string, value: V | null, timestamp: number): void {
    if (key === null || key === undefined) throw new Error(`table ${this.storeName} needs a non-null key`);
    const old = this.store.get(key) ?? null;
    if (value === null || value === undefined) {
      // A tombstone for a key the table does not hold changes nothing: nothing to tell.
      if (old === null) return;
      this.store.delete(key);
      this.ctx.forward(key, { newValue: null, oldValue: old }, timestamp);
      return;
    }
    this.store.put(key, value);
    this.ctx.forward(key, { newValue: value, oldValue: old }, timestamp);
  }
}
