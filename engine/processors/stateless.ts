// Stateless record-at-a-time processors behind filter, map, mapValues, flatMap, merge and peek.
import type { Processor, ProcessorContext } from './processor.ts';

export interface KeyValue<K, V> {
  key: K;
  value: V;
}

/** Forwards every record unchanged (merge of several streams, repartition sources). */
export class PassThroughProcessor<K, V> implements Processor<K, V, K, V> {
  private ctx!: ProcessorContext<K, V>;
  init(ctx: ProcessorContext<K, V>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    this.ctx.forward(key, value, timestamp);
  }
}

export class FilterProcessor<K, V> implements Processor<K, V, K, V> {
  private ctx!: ProcessorContext<K, V>;
  constructor(private readonly predicate: (key: K, value: V) => boolean) {}
  init(ctx: ProcessorContext<K, V>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    if (this.predicate(key, value)) this.ctx.forward(key, value, timestamp);
  }
}

export class MapProcessor<K, V, K2, V2> implements Processor<K, V, K2, V2> {
  private ctx!: ProcessorContext<K2, V2>;
  constructor(private readonly fn: (key: K, value: V, timestamp: number) => KeyValue<K2, V2>) {}
  init(ctx: ProcessorContext<K2, V2>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    const kv = this.fn(key, value, timestamp);
    this.ctx.forward(kv.key, kv.value, timestamp);
  }
}

export class MapValuesProcessor<K, V, V2> implements Processor<K, V, K, V2> {
  private ctx!: ProcessorContext<K, V2>;
  constructor(private readonly fn: (value: V, key: K, timestamp: number) => V2) {}
  init(ctx: ProcessorContext<K, V2>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    this.ctx.forward(key, this.fn(value, key, timestamp), timestamp);
  }
}

export class SelectKeyProcessor<K, V, K2> implements Processor<K, V, K2, V> {
  private ctx!: ProcessorContext<K2, V>;
  constructor(private readonly fn: (key: K, value: V) => K2) {}
  init(ctx: ProcessorContext<K2, V>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    this.ctx.forward(this.fn(key, value), value, timestamp);
  }
}

export class FlatMapProcessor<K, V, K2, V2> implements Processor<K, V, K2, V2> {
  private ctx!: ProcessorContext<K2, V2>;
  constructor(private readonly fn: (key: K, value: V, timestamp: number) => Iterable<KeyValue<K2, V2>>) {}
  init(ctx: ProcessorContext<K2, V2>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    for (const kv of this.fn(key, value, timestamp)) this.ctx.forward(kv.key, kv.value, timestamp);
  }
}

export class PeekProcessor<K, V> implements Processor<K, V, K, V> {
  private ctx!: ProcessorContext<K, V>;
  constructor(private readonly fn: (key: K, value: V, timestamp: number) => void) {}
  init(ctx: ProcessorContext<K, V>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V, timestamp: number): void {
    this.fn(key, value, timestamp);
    this.ctx.forward(key, value, timestamp);
  }
}
