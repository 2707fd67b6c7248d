// A stream of keyed records: the chainable operations of the DSL. Each call adds a node to the
// builder's topology and returns a handle on the new stream.
import type { ProcessorSupplier } from '../processors/processor.ts';
import { processorNode } from '../topology/topology.ts';
import { sinkKeySerde } from '../processors/sink-processor.ts';
import {
  FilterProcessor,
  FlatMapProcessor,
  MapProcessor,
  MapValuesProcessor,
  PassThroughProcessor,
  PeekProcessor,
  SelectKeyProcessor,
  type KeyValue,
} from '../processors/stateless.ts';
import { StreamTableJoinProcessor } from '../joins/stream-table-join.ts';
import { StreamStreamJoinProcessor, type JoinWindow } from '../joins/stream-stream-join.ts';
import { joinBufferStore } from '../state/join-buffer-store.ts';
import { stringSerde, v8Serde, type Serde } from '../serdes/serde.ts';
import { GroupedStream } from './grouped-stream.ts';
import type { StreamsBuilder } from './streams-builder.ts';
import { VersionedTable } from './versioned-table.ts';
import type { KTable } from './ktable.ts';
import { StreamKTableJoinProcessor } from '../joins/stream-ktable-join.ts';

export interface ToOptions<K, V> {
  valueSerde: Serde<V>;
  /** Default: strings as UTF-8; a Windowed key as its grouping key. */
  keySerde?: Serde<K>;
}

export interface TableJoinOptions<K, V> {
  /** The table key of a stream record (default: the stream key). */
  tableKey?: (key: K, value: V) => string;
  /** Versioned tables only: the event time to look the table up at (default: the record's timestamp). */
  asOf?: (key: K, value: V, timestamp: number) => number;
}

export interface StreamJoinOptions {
  /** Store names for the two join buffers (default generated). */
  storeNames?: [string, string];
  lateTopic?: string;
}

export class KStream<K, V> {
  constructor(
    readonly builder: StreamsBuilder,
    /** The node whose output this stream is. */
    readonly node: string,
    /** True after a key change: a stateful operation must repartition first. */
    readonly repartitionRequired: boolean,
  ) {}

  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.add('FILTER', () => new FilterProcessor(predicate), this.repartitionRequired);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  mapValues<V2>(fn: (value: V, key: K, timestamp: number) => V2): KStream<K, V2> {
    return this.add('MAPVALUES', () => new MapValuesProcessor(fn), this.repartitionRequired);
  }

  map<K2, V2>(fn: (key: K, value: V, timestamp: number) => KeyValue<K2, V2>): KStream<K2, V2> {
    return this.add('MAP', () => new MapProcessor(fn), true);
  }

  selectKey<K2>(fn: (key: K, value: V) => K2): KStream<K2, V> {
    return this.add('SELECTKEY', () => new SelectKeyProcessor(fn), true);
  }

  flatMap<K2, V2>(fn: (key: K, value: V, timestamp: number) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2> {
    return this.add('FLATMAP', () => new FlatMapProcessor(fn), true);
  }

  flatMapValues<V2>(fn: (value: V, key: K, timestamp: number) => Iterable<V2>): KStream<K, V2> {
    return this.add(
      'FLATMAPVALUES',
      () =>
        new FlatMapProcessor<K, V, K, V2>(function* (k, v, t) {
          for (const x of fn(v, k, t)) yield { key: k, value: x };
        }),
      this.repartitionRequired,
    );
  }

  peek(fn: (key: K, value: V, timestamp: number) => void): KStream<K, V> {
    return this.add('PEEK', () => new PeekProcessor(fn), this.repartitionRequired);
  }

  /** One stream of the records of this and the other streams. */
  merge(...others: KStream<K, V>[]): KStream<K, V> {
    const name = this.builder.nameFor('MERGE');
    this.builder.addNode(
      processorNode<K, V, K, V>({ name, parents: [this.node, ...others.map((o) => o.node)] }, () => new PassThroughProcessor()),
    );
    return new KStream<K, V>(this.builder, name, this.repartitionRequired || others.some((o) => o.repartitionRequired));
  }

  /** Writes the stream to a topic through an internal repartition topic keyed by the current key. */
  repartition(options: { name?: string; valueSerde?: Serde<V> } = {}): KStream<K, V> {
    const b = this.builder;
    const suffix = `${options.name ?? b.nameFor('REPARTITION')}-repartition`;
    const sink = b.nameFor('REPARTITION-SINK');
    const valueSerde = (options.valueSerde ?? v8Serde<V>()) as Serde<unknown>;
    b.addNode({
      kind: 'sink',
      name: sink,
      parents: [this.node],
      topic: { suffix, internal: true },
      keySerde: stringSerde as Serde<unknown>,
      valueSerde,
    });
    const source = b.nameFor('REPARTITION-SOURCE');
    b.addNode({ ...b.sourceSpec(source, [{ suffix, internal: true }], { valueSerde }), keySerde: stringSerde as Serde<unknown> });
    return new KStream<K, V>(b, source, false);
  }

  groupByKey(): GroupedStream<V> {
    const s = this.copartitioned();
    return new GroupedStream<V>(s.builder, s.node);
  }

  groupBy(fn: (key: K, value: V) => string): GroupedStream<V> {
    return this.selectKey(fn).groupByKey();
  }

  /**
   * Inner stream-table join: a versioned table is read as of the record's event time, a plain
   * table (KTable) at its current value.
   */
  join<T, R>(
    table: VersionedTable<T> | KTable<T>,
    joiner: (value: V, tableValue: T, key: K) => R,
    options: TableJoinOptions<K, V> = {},
  ): KStream<K, R> {
    return this.tableJoin(table, joiner as (v: V, t: T | null, k: K) => R, options, 'inner');
  }

  /** Left stream-table join: the joiner gets null when the table has no value (as of the record's time). */
  leftJoin<T, R>(
    table: VersionedTable<T> | KTable<T>,
    joiner: (value: V, tableValue: T | null, key: K) => R,
    options: TableJoinOptions<K, V> = {},
  ): KStream<K, R> {
    return this.tableJoin(table, joiner, options, 'left');
  }

  /** Windowed stream-stream inner join on equal keys (left time l, right time r: l - before <= r <= l + after). */
  joinStream<V2, R>(
    other: KStream<K, V2>,
    joiner: (left: V, right: V2, key: K) => R,
    window: JoinWindow,
    options: StreamJoinOptions = {},
  ): KStream<K, R> {
    const left = this.copartitioned();
    const right = other.copartitioned();
    const b = this.builder;
    const [ls, rs] = options.storeNames ?? [b.nameFor('JOIN-THIS-STORE'), b.nameFor('JOIN-OTHER-STORE')];
    b.addStateStore(joinBufferStore<V>(ls));
    b.addStateStore(joinBufferStore<V2>(rs));
    b.topology.requireLookback(window.beforeMs + window.afterMs + window.graceMs);
    const j = joiner as unknown as (l: unknown, r: unknown, k: string) => R;
    const leftNode = b.nameFor('JOIN-THIS');
    const rightNode = b.nameFor('JOIN-OTHER');
    const merged = b.nameFor('JOIN-MERGE');
    // Both sides send late records to the topic of the join's output, decided at build().
    const late = b.lateTopicFor(merged, options.lateTopic);
    b.addNode(
      processorNode<string, V, string, R>(
        { name: leftNode, parents: [left.node], stores: [ls, rs] },
        () =>
          new StreamStreamJoinProcessor<V, V2, R>({ thisStore: ls, otherStore: rs, window, side: 'left', joiner: j, lateTopic: late.name }),
      ),
    );
    b.addNode(
      processorNode<string, V2, string, R>(
        { name: rightNode, parents: [right.node], stores: [rs, ls] },
        () =>
          new StreamStreamJoinProcessor<V2, V, R>({
            thisStore: rs,
            otherStore: ls,
            window,
            side: 'right',
            joiner: j,
            lateTopic: late.name,
          }),
      ),
    );
    b.addNode(processorNode<string, R, string, R>({ name: merged, parents: [leftNode, rightNode] }, () => new PassThroughProcessor()));
    return new KStream<K, R>(b, merged, false);
  }

  /** A custom processor with access to the named state stores (declared with builder.addStateStore). */
  process<K2, V2>(supplier: ProcessorSupplier<K, V, K2, V2>, ...storeNames: string[]): KStream<K2, V2> {
    const name = this.builder.nameFor('PROCESSOR');
    this.builder.addNode(processorNode({ name, parents: [this.node], stores: storeNames }, supplier));
    return new KStream<K2, V2>(this.builder, name, true);
  }

  to(topic: string, options: ToOptions<K, V>): void {
    const name = this.builder.nameFor('SINK');
    this.builder.addNode({
      kind: 'sink',
      name,
      parents: [this.node],
      topic: { name: topic, internal: false },
      keySerde: (options.keySerde ?? sinkKeySerde) as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
    });
  }

  private tableJoin<T, R>(
    table: VersionedTable<T> | KTable<T>,
    joiner: (v: V, t: T | null, k: K) => R,
    options: TableJoinOptions<K, V>,
    kind: 'inner' | 'left',
  ): KStream<K, R> {
    const s = options.tableKey ? this : this.copartitioned();
    const name = this.builder.nameFor(kind === 'inner' ? 'JOIN' : 'LEFTJOIN');
    if (!(table instanceof VersionedTable)) {
      this.builder.addNode(
        processorNode<K, V, K, R>(
          { name, parents: [s.node], stores: [...table.getter.stores] },
          () => new StreamKTableJoinProcessor<K, V, T, R>({ table: table.getter, joiner, kind, tableKey: options.tableKey }),
        ),
      );
      return new KStream<K, R>(this.builder, name, false);
    }
    this.builder.addNode(
      processorNode<K, V, K, R>(
        { name, parents: [s.node], stores: [table.storeName] },
        () =>
          new StreamTableJoinProcessor<K, V, T, R>({
            storeName: table.storeName,
            joiner,
            kind,
            tableKey: options.tableKey,
            asOf: options.asOf,
          }),
      ),
    );
    return new KStream<K, R>(this.builder, name, false);
  }

  private copartitioned(): KStream<K, V> {
    return this.repartitionRequired ? this.repartition() : this;
  }

  private add<K2, V2>(kind: string, create: ProcessorSupplier<K, V, K2, V2>, repartition: boolean): KStream<K2, V2> {
    const name = this.builder.nameFor(kind);
    this.builder.addNode(processorNode({ name, parents: [this.node] }, create));
    return new KStream<K2, V2>(this.builder, name, repartition);
  }
}
