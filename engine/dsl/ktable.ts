// A table: the latest value per (string) key, in the spirit of Kafka Streams' KTable. Every update
// travels downstream as a Change (new and old value). Sources and aggregations are materialised in
// stores; filter, mapValues and joins compute their values from their parents' when looked up.
import { processorNode } from '../topology/topology.ts';
import { keyValueStore } from '../state/key-value-store.ts';
import { stringSerde, type Serde } from '../serdes/serde.ts';
import { changeSerde, type Change } from '../tables/change.ts';
import { TableFilterProcessor, TableMapValuesProcessor, TableToStreamProcessor } from '../tables/change-processors.ts';
import { joinGetter, TableTableJoinProcessor, type TableJoinKind } from '../tables/table-table-join.ts';
import {
  TableAggregateProcessor,
  TableGroupByProcessor,
  type TableAggregator,
  type TableKeyValueMapper,
} from '../tables/table-aggregate.ts';
import { storeGetter, type ValueGetter } from '../tables/value-getter.ts';
import { PassThroughProcessor } from '../processors/stateless.ts';
import { KStream } from './kstream.ts';
import type { StreamsBuilder } from './streams-builder.ts';

export interface TableGroupByOptions<V> {
  /** Names the repartition topic `<applicationId>-<name>-repartition` (default generated). */
  name?: string;
  /** Serde of the re-keyed values in the repartition topic (default v8). */
  valueSerde?: Serde<V>;
}

export interface TableAggregateOptions<A> {
  /** Store name (and changelog `<applicationId>-<storeName>-changelog`); default generated. */
  storeName?: string;
  /** Serde of the aggregate in the store and changelog (default v8). */
  aggregateSerde?: Serde<A>;
}

export class KTable<V> {
  constructor(
    readonly builder: StreamsBuilder,
    /** The node whose output (Change<V> records) this table is. */
    readonly node: string,
    /** How a processor reads the table's current value for a key. */
    readonly getter: ValueGetter<V>,
  ) {}

  /** The rows for which the predicate holds; an update that stops passing deletes the row downstream. */
  filter(predicate: (key: string, value: V) => boolean): KTable<V> {
    const parent = this.getter;
    return this.derive<V>('KTABLE-FILTER', () => new TableFilterProcessor<V>(predicate), {
      stores: parent.stores,
      create: (ctx) => {
        const get = parent.create(ctx);
        return (key) => {
          const v = get(key);
          return v !== null && predicate(key, v) ? v : null;
        };
      },
    });
  }

  filterNot(predicate: (key: string, value: V) => boolean): KTable<V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  mapValues<V2>(fn: (value: V, key: string) => V2): KTable<V2> {
    const parent = this.getter;
    return this.derive<V2>('KTABLE-MAPVALUES', () => new TableMapValuesProcessor<V, V2>(fn), {
      stores: parent.stores,
      create: (ctx) => {
        const get = parent.create(ctx);
        return (key) => {
          const v = get(key);
          return v === null ? null : fn(v, key);
        };
      },
    });
  }

  /** The table's changelog stream: the new value of every update, null for a delete. */
  toStream(): KStream<string, V | null> {
    const b = this.builder;
    const name = b.nameFor('KTABLE-TOSTREAM');
    b.addNode(processorNode<string, Change<V>, string, V | null>({ name, parents: [this.node] }, () => new TableToStreamProcessor<V>()));
    return new KStream<string, V | null>(b, name, false);
  }

  /** Inner table-table join on equal keys: a row while both tables hold the key. */
  join<V2, R>(other: KTable<V2>, joiner: (value: V, otherValue: V2) => R): KTable<R> {
    return this.tableJoin(other, joiner as (v: V, o: V2 | null) => R, 'inner');
  }

  /** Left table-table join: a row while this table holds the key, the other's value or null. */
  leftJoin<V2, R>(other: KTable<V2>, joiner: (value: V, otherValue: V2 | null) => R): KTable<R> {
    return this.tableJoin(other, joiner, 'left');
  }

  /**
   * Re-keys the table for an aggregation, through repartition topic `<applicationId>-<name>-repartition`.
   * An update sends the subtraction of the old row to the old group and the addition of the new
   * row to the new one.
   */
  groupBy<V2>(selector: TableKeyValueMapper<V, V2>, options: TableGroupByOptions<V2> = {}): GroupedTable<V2> {
    const b = this.builder;
    const mapper = b.nameFor('KTABLE-GROUPBY');
    b.addNode(
      processorNode<string, Change<V>, string, Change<V2>>(
        { name: mapper, parents: [this.node] },
        () => new TableGroupByProcessor<V, V2>(selector),
      ),
    );
    const suffix = `${options.name ?? b.nameFor('KTABLE-AGGREGATE')}-repartition`;
    const serde = changeSerde<V2>(options.valueSerde) as Serde<unknown>;
    const sink = b.nameFor('KTABLE-REPARTITION-SINK');
    b.addNode({
      kind: 'sink',
      name: sink,
      parents: [mapper],
      topic: { suffix, internal: true },
      keySerde: stringSerde as Serde<unknown>,
      valueSerde: serde,
    });
    const source = b.nameFor('KTABLE-REPARTITION-SOURCE');
    b.addNode({ ...b.sourceSpec(source, [{ suffix, internal: true }], { valueSerde: serde }), keySerde: stringSerde as Serde<unknown> });
    return new GroupedTable<V2>(b, source);
  }

  private tableJoin<V2, R>(other: KTable<V2>, joiner: (v: V, o: V2 | null) => R, kind: TableJoinKind): KTable<R> {
    const b = this.builder;
    const prefix = kind === 'inner' ? 'KTABLE-JOIN' : 'KTABLE-LEFTJOIN';
    const thisSide = b.nameFor(`${prefix}-THIS`);
    const otherSide = b.nameFor(`${prefix}-OTHER`);
    const merged = b.nameFor(`${prefix}-MERGE`);
    b.addNode(
      processorNode<string, Change<V>, string, Change<R>>(
        { name: thisSide, parents: [this.node], stores: [...other.getter.stores] },
        () => new TableTableJoinProcessor<V, V2, R>({ side: 'left', kind, other: other.getter as ValueGetter<unknown>, joiner }),
      ),
    );
    b.addNode(
      processorNode<string, Change<V2>, string, Change<R>>(
        { name: otherSide, parents: [other.node], stores: [...this.getter.stores] },
        () => new TableTableJoinProcessor<V, V2, R>({ side: 'right', kind, other: this.getter as ValueGetter<unknown>, joiner }),
      ),
    );
    b.addNode(
      processorNode<string, Change<R>, string, Change<R>>(
        { name: merged, parents: [thisSide, otherSide] },
        () => new PassThroughProcessor(),
      ),
    );
    return new KTable<R>(b, merged, joinGetter(this.getter, other.getter, kind, joiner));
  }

  private derive<V2>(
    kind: string,
    create: () => TableFilterProcessor<V> | TableMapValuesProcessor<V, V2>,
    getter: ValueGetter<V2>,
  ): KTable<V2> {
    const b = this.builder;
    const name = b.nameFor(kind);
    b.addNode(
      processorNode<string, Change<V>, string, Change<V2>>({ name, parents: [this.node] }, create as () => TableMapValuesProcessor<V, V2>),
    );
    return new KTable<V2>(b, name, getter);
  }
}

/** A re-keyed table, ready for an aggregation with adder and subtractor. */
export class GroupedTable<V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly node: string,
  ) {}

  /**
   * A running aggregate per group: `adder` folds a row in, `subtractor` takes a row's old value
   * out when the row changes, moves to another group or is deleted.
   */
  aggregate<A>(
    initializer: () => A,
    adder: (key: string, value: V, aggregate: A) => A,
    subtractor: (key: string, value: V, aggregate: A) => A,
    options: TableAggregateOptions<A> = {},
  ): KTable<A> {
    return this.aggregateWith({ init: initializer, add: adder, subtract: subtractor }, options);
  }

  /** reduce with an adder and a subtractor; the first row of a group is its initial value. */
  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    options: TableAggregateOptions<V> = {},
  ): KTable<V> {
    // The aggregate is null only before a group's first row (the processor subtracts from a present aggregate only).
    return this.aggregateWith<V | null>(
      { init: () => null, add: (_k, v, agg) => (agg === null ? v : adder(agg, v)), subtract: (_k, v, agg) => subtractor(agg!, v) },
      options as TableAggregateOptions<V | null>,
    ) as KTable<V>;
  }

  /** Rows per group. */
  count(options: TableAggregateOptions<number> = {}): KTable<number> {
    return this.aggregateWith<number>({ init: () => 0, add: (_k, _v, n) => n + 1, subtract: (_k, _v, n) => n - 1 }, options);
  }

  private aggregateWith<A>(aggregator: TableAggregator<V, A>, options: TableAggregateOptions<A>): KTable<A> {
    const b = this.builder;
    const storeName = options.storeName ?? b.nameFor('KTABLE-AGGREGATE-STATE-STORE');
    b.addStateStore(keyValueStore<A>(storeName, options.aggregateSerde));
    const name = b.nameFor('KTABLE-AGGREGATE');
    b.addNode(
      processorNode<string, Change<V>, string, Change<A>>(
        { name, parents: [this.node], stores: [storeName] },
        () => new TableAggregateProcessor<V, A>(storeName, aggregator),
      ),
    );
    return new KTable<A>(b, name, storeGetter<A>(storeName));
  }
}
