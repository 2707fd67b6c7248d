// The stateless table operations: filter and mapValues apply to both sides of a Change (so an
// update that stops passing the filter becomes a delete downstream), toStream emits the new value.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { Change } from './change.ts';

export class TableFilterProcessor<V> implements Processor<string, Change<V>, string, Change<V>> {
  private ctx!: ProcessorContext<string, Change<V>>;
  constructor(private readonly predicate: (key: string, value: V) => boolean) {}
  init(ctx: ProcessorContext<string, Change<V>>): void {
    this.ctx = ctx;
  }
  process(key: string, change: Change<V>, timestamp: number): void {
    const n = change.newValue !== null && this.predicate(key, change.newValue) ? change.newValue : null;
    const o = change.oldValue !== null && this.predicate(key, change.oldValue) ? change.oldValue : null;
    // Out before and out now: the filtered table did not change.
    if (n === null && o === null) return;
    this.ctx.forward(key, { newValue: n, oldValue: o }, timestamp);
  }
}

export class TableMapValuesProcessor<V, V2> implements Processor<string, Change<V>, string, Change<V2>> {
  private ctx!: ProcessorContext<string, Change<V2>>;
  constructor(private readonly fn: (value: V, key: string) => V2) {}
  init(ctx: ProcessorContext<string, Change<V2>>): void {
    this.ctx = ctx;
  }
  process(key: string, change: Change<V>, timestamp: number): void {
    this.ctx.forward(
      key,
      {
        newValue: change.newValue === null ? null : this.fn(change.newValue, key),
        oldValue: change.oldValue === null ? null : this.fn(change.oldValue, key),
      },
      timestamp,
    );
  }
}

export class TableToStreamProcessor<V> implements Processor<string, Change<V>, string, V | null> {
  private ctx!: ProcessorContext<string, V | null>;
  init(ctx: ProcessorContext<string, V | null>): void {
    this.ctx = ctx;
  }
  process(key: string, change: Change<V>, timestamp: number): void {
    this.ctx.forward(key, change.newValue, timestamp);
  }
}
