// The entry point of the DSL, in the spirit of Kafka Streams' StreamsBuilder: declare input streams
// and tables, chain operations on them, then build() the processor graph (a Topology).
import { stringSerde, type Serde } from '../serdes/serde.ts';
import type { StoreSpec } from '../state/state-store.ts';
import { versionedStore } from '../state/versioned-store.ts';
import { VersionedTableSourceProcessor } from '../joins/stream-table-join.ts';
import {
  Topology,
  TopologyError,
  processorNode,
  resolveTopic,
  type NodeSpec,
  type SourceNodeSpec,
  type TopicRef,
} from '../topology/topology.ts';
import { KStream } from './kstream.ts';
import { LateTopic } from './late-topic.ts';
import { VersionedTable } from './versioned-table.ts';
import { KTable } from './ktable.ts';
import { tableStore } from '../state/table-store.ts';
import { TableSourceProcessor } from '../tables/table-source.ts';
import { storeGetter } from '../tables/value-getter.ts';
import { tombstonesAsNull } from '../tables/tombstones.ts';
import type { Change } from '../tables/change.ts';

export interface StreamOptions<V> {
  valueSerde: Serde<V>;
  /** Default: UTF-8 string keys. */
  keySerde?: Serde<string>;
  /** Event time of a record; default: the log record's timestamp (= event_time for project topics). */
  timestampOf?: (value: V, logTimestamp: number) => number;
  /**
   * The topic is read as a stream but holds a table's updates (latest value per key), which the
   * stream's processors keep their own state of: like a table's topic, a replay from a point in time
   * re-reads it from the beginning (Topology.tableTopics).
   */
  readAsTable?: boolean;
}

export interface VersionedTableOptions<V> extends StreamOptions<V> {
  /** Store name (and changelog `<applicationId>-<storeName>-changelog`). Default: `<topic>-versioned`. */
  storeName?: string;
  historyRetentionMs?: number;
  /** Serde of stored values (default v8). */
  storeSerde?: Serde<V>;
}

export interface TableOptions<V> extends StreamOptions<V> {
  /** Store name. Default: `<topic>-table`. */
  storeName?: string;
  /**
   * Where the table's store keeps its changelog. 'source' (default, Kafka Streams'
   * `reuse.ktable.source.topics` optimisation): the input topic itself, restored up to the
   * committed offset, no extra topic. 'separate': `<applicationId>-<storeName>-changelog`.
   */
  changelog?: 'source' | 'separate';
}

export interface BuilderOptions {
  /** Where every windowed operation sends late records unless it names its own topic. */
  lateTopic?: string;
}

export class StreamsBuilder {
  readonly topology = new Topology();
  private counter = 0;
  private readonly lateTopics: LateTopic[] = [];
  private built = false;

  constructor(readonly options: BuilderOptions = {}) {}

  /** One stream over one or more topics (their records are merged in event-time order). */
  stream<V>(topics: string | string[], options: StreamOptions<V>): KStream<string, V> {
    const list = Array.isArray(topics) ? topics : [topics];
    const name = this.nameFor('SOURCE');
    if (options.readAsTable) for (const t of list) this.topology.tableTopics.add(t);
    this.addNode(
      this.sourceSpec(
        name,
        list.map((t): TopicRef => ({ name: t, internal: false })),
        options,
      ),
    );
    return new KStream<string, V>(this, name, false);
  }

  /**
   * A versioned table over a topic: every version of every key is kept (within the retention), so
   * joins look values up as of a record's event time.
   */
  versionedTable<V>(topic: string, options: VersionedTableOptions<V>): VersionedTable<V> {
    const storeName = options.storeName ?? `${topic}-versioned`;
    this.addStateStore(versionedStore<V>(storeName, { serde: options.storeSerde, historyRetentionMs: options.historyRetentionMs }));
    this.topology.tableTopics.add(topic);
    const source = this.nameFor('TABLE-SOURCE');
    this.addNode(this.sourceSpec(source, [{ name: topic, internal: false }], options));
    const writer = this.nameFor('TABLE-MATERIALIZE');
    this.addNode(
      processorNode<string, V, string, V>(
        { name: writer, parents: [source], stores: [storeName] },
        () => new VersionedTableSourceProcessor<V>(storeName),
      ),
    );
    return new VersionedTable<V>(storeName, writer, this);
  }

  /**
   * A table over a topic: the latest value per key, a null value (tombstone) deletes the key. The
   * table tells its children every update with the value it replaces (see KTable).
   */
  table<V>(topic: string, options: TableOptions<V>): KTable<V> {
    const storeName = options.storeName ?? `${topic}-table`;
    const keySerde = options.keySerde ?? stringSerde;
    const valueSerde = tombstonesAsNull(options.valueSerde);
    this.addStateStore(tableStore<V>(storeName, keySerde, options.valueSerde, options.changelog === 'separate' ? undefined : topic));
    this.topology.tableTopics.add(topic);
    const source = this.nameFor('KTABLE-SOURCE');
    const timestampOf = options.timestampOf;
    this.addNode(
      this.sourceSpec<V | null>(source, [{ name: topic, internal: false }], {
        keySerde,
        valueSerde,
        timestampOf: timestampOf && ((v, logTs) => (v === null ? logTs : timestampOf(v, logTs))),
      }),
    );
    const materialize = this.nameFor('KTABLE-MATERIALIZE');
    this.addNode(
      processorNode<string, V | null, string, Change<V>>(
        { name: materialize, parents: [source], stores: [storeName] },
        () => new TableSourceProcessor<V>(storeName),
      ),
    );
    return new KTable<V>(this, materialize, storeGetter<V>(storeName));
  }

  addStateStore(spec: StoreSpec): this {
    if (this.built) throw new TopologyError('cannot add to a topology after build()');
    this.topology.addStore(spec);
    return this;
  }

  build(): Topology {
    if (this.built) return this.topology;
    this.built = true;
    for (const late of this.lateTopics)
      this.topology.lateTopics.add(late.decide(() => this.options.lateTopic ?? this.defaultLateTopic(late.node)));
    this.topology.subTopologies(); // validates
    return this.topology;
  }

  // ---- for the DSL classes ----------------------------------------------------------------------

  nameFor(kind: string): string {
    return `${kind}-${String(this.counter++).padStart(10, '0')}`;
  }

  addNode(node: NodeSpec): void {
    if (this.built) throw new TopologyError('cannot add to a topology after build()');
    this.topology.addNode(node);
  }

  /** Where `node` sends late records: `named`, else the topic build() decides. */
  lateTopicFor(node: string, named: string | undefined): LateTopic {
    const late = new LateTopic(node, named);
    this.lateTopics.push(late);
    return late;
  }

  sourceSpec<V>(name: string, topics: TopicRef[], options: StreamOptions<V>): SourceNodeSpec {
    return {
      kind: 'source',
      name,
      topics,
      keySerde: (options.keySerde ?? stringSerde) as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      timestampOf: options.timestampOf as SourceNodeSpec['timestampOf'],
    };
  }

  /** `<output topic>.late` of the first sink downstream of a node, else `<first input topic>.late`. */
  private defaultLateTopic(node: string): string {
    const seen = new Set<string>();
    const queue = [node];
    while (queue.length > 0) {
      const n = queue.shift()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const spec = this.topology.nodes.get(n)!;
      if (spec.kind === 'sink' && !spec.topic.internal) return `${spec.topic.name}.late`;
      queue.push(...this.topology.children(n));
    }
    const st = this.topology.subTopologies().find((s) => s.nodes.some((x) => x.name === node))!;
    const first = st.sourceTopics[0];
    return `${first.internal ? resolveTopic(first, 'app') : first.name}.late`;
  }
}
