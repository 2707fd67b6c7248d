// A stream grouped by its (string) key: the entry to aggregations, plain or windowed.
import { keyValueStore, type KeyValueStore } from '../state/key-value-store.ts';
import { sliceSlotsFor, sliceStore } from '../state/slice-store.ts';
import { sessionStore } from '../state/session-store.ts';
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import { processorNode } from '../topology/topology.ts';
import type { Serde } from '../serdes/serde.ts';
import { SlicedWindowAggregateProcessor } from '../windows/sliced-window-aggregate.ts';
import { SessionWindowAggregateProcessor } from '../windows/session-window-aggregate.ts';
import { SessionWindows, TimeWindows, type Aggregator } from '../windows/window-specs.ts';
import { WindowedAggregation, WindowedTable } from './windowed-table.ts';
import { KStream } from './kstream.ts';
import type { StreamsBuilder } from './streams-builder.ts';

export interface AggregateOptions<A> {
  /**
   * Store name (and changelog `<applicationId>-<storeName>-changelog`); default generated. A windowed
   * aggregation streamed with both emit modes keeps the mode streamed second in `<storeName>-<mode>`.
   */
  storeName?: string;
  /** Serde of the aggregate in the store and changelog (default v8). */
  aggregateSerde?: Serde<A>;
  /** Where records that fit no open window go (default `<output topic>.late`). */
  lateTopic?: string;
}

export class GroupedStream<V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly node: string,
  ) {}

  windowedBy(windows: TimeWindows): TimeWindowedStream<V>;
  windowedBy(windows: SessionWindows): SessionWindowedStream<V>;
  windowedBy(windows: TimeWindows | SessionWindows): TimeWindowedStream<V> | SessionWindowedStream<V> {
    return windows instanceof TimeWindows
      ? new TimeWindowedStream<V>(this.builder, this.node, windows)
      : new SessionWindowedStream<V>(this.builder, this.node, windows);
  }

  /** A running aggregate per key; emits the new aggregate on every record. */
  aggregate<A>(aggregator: Pick<Aggregator<string, V, A>, 'init' | 'add'>, options: AggregateOptions<A> = {}): KStream<string, A> {
    const b = this.builder;
    const storeName = options.storeName ?? b.nameFor('AGGREGATE-STATE-STORE');
    b.addStateStore(keyValueStore<A>(storeName, options.aggregateSerde));
    const name = b.nameFor('AGGREGATE');
    b.addNode(
      processorNode<string, V, string, A>(
        { name, parents: [this.node], stores: [storeName] },
        () => new KeyAggregateProcessor<V, A>(storeName, aggregator),
      ),
    );
    return new KStream<string, A>(b, name, false);
  }

  count(options: AggregateOptions<number> = {}): KStream<string, number> {
    return this.aggregate<number>({ init: () => 0, add: (n) => n + 1 }, options);
  }
}

class KeyAggregateProcessor<V, A> implements Processor<string, V, string, A> {
  private ctx!: ProcessorContext<string, A>;
  private store!: KeyValueStore<A>;
  constructor(
    private readonly storeName: string,
    private readonly aggregator: Pick<Aggregator<string, V, A>, 'init' | 'add'>,
  ) {}
  init(ctx: ProcessorContext<string, A>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<KeyValueStore<A>>(this.storeName);
  }
  process(key: string, value: V, timestamp: number): void {
    if (key === null || key === undefined) throw new Error('aggregation needs a non-null key');
    const next = this.aggregator.add(this.store.get(key) ?? this.aggregator.init(), value, key);
    this.store.put(key, next);
    this.ctx.forward(key, next, timestamp);
  }
}

export class TimeWindowedStream<V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly node: string,
    private readonly windows: TimeWindows,
  ) {}

  /**
   * Aggregates into slices of the advance and combines them when a window is read: O(1) state work
   * per record however many windows overlap. The table emits every update; suppress() returns one
   * that emits final results only.
   */
  aggregate<A>(aggregator: Aggregator<string, V, A>, options: AggregateOptions<A> = {}): WindowedTable<A> {
    const b = this.builder;
    const windows = this.windows;
    const storeName = options.storeName ?? b.nameFor('WINDOW-SLICES-STATE-STORE');
    b.topology.requireLookback(this.windows.sizeMs + this.windows.graceMs);
    const aggregation = new WindowedAggregation<V, A>(b, {
      parent: this.node,
      kind: 'WINDOW-AGGREGATE',
      firstNode: b.nameFor('WINDOW-AGGREGATE'),
      storeName,
      lateTopic: options.lateTopic,
      store: (name) => sliceStore<A>(name, sliceSlotsFor(windows), options.aggregateSerde),
      processor: (o) => new SlicedWindowAggregateProcessor<V, A>({ windows, aggregator, ...o }),
    });
    return new WindowedTable<A>(aggregation, 'update');
  }

  count(options: AggregateOptions<number> = {}): WindowedTable<number> {
    return this.aggregate<number>({ init: () => 0, add: (n) => n + 1, merge: (a, b) => a + b }, options);
  }

  /** reduce with an associative combiner; windows hold the combination of their values. */
  reduce(combine: (a: V, b: V) => V, options: AggregateOptions<V | null> = {}): WindowedTable<V | null> {
    return this.aggregate<V | null>(
      {
        init: () => null,
        add: (a, v) => (a === null ? v : combine(a, v)),
        merge: (a, b) => (a === null ? b : b === null ? a : combine(a, b)),
      },
      options,
    );
  }
}

export class SessionWindowedStream<V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly node: string,
    private readonly windows: SessionWindows,
  ) {}

  aggregate<A>(aggregator: Aggregator<string, V, A>, options: AggregateOptions<A> = {}): WindowedTable<A> {
    const b = this.builder;
    const windows = this.windows;
    const storeName = options.storeName ?? b.nameFor('SESSION-STATE-STORE');
    // A session can grow without bound: no point in time short of the beginning rebuilds it.
    b.topology.requireLookback(Infinity);
    const aggregation = new WindowedAggregation<V, A>(b, {
      parent: this.node,
      kind: 'SESSION-AGGREGATE',
      firstNode: b.nameFor('SESSION-AGGREGATE'),
      storeName,
      lateTopic: options.lateTopic,
      store: (name) => sessionStore<A>(name, options.aggregateSerde),
      processor: (o) => new SessionWindowAggregateProcessor<V, A>({ windows, aggregator, ...o }),
    });
    return new WindowedTable<A>(aggregation, 'update');
  }

  count(options: AggregateOptions<number> = {}): WindowedTable<number> {
    return this.aggregate<number>({ init: () => 0, add: (n) => n + 1, merge: (a, b) => a + b }, options);
  }
}
