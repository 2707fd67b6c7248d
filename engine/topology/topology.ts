// The processor graph a StreamsBuilder compiles to, and its split into sub-topologies: groups of
// nodes connected by edges or shared state stores. A repartition topic cuts the graph (written by
// one sub-topology, read by another). Each sub-topology runs as one task per input partition.
import type { Processor, ProcessorSupplier } from '../processors/processor.ts';
import type { Serde } from '../serdes/serde.ts';
import { changelogTopicOf, type StoreSpec } from '../state/state-store.ts';

/** A topic named by the user, or an internal one named `<applicationId>-<suffix>`. */
export type TopicRef = { name: string; internal: false } | { suffix: string; internal: true };

export function resolveTopic(ref: TopicRef, applicationId: string): string {
  return ref.internal ? `${applicationId}-${ref.suffix}` : ref.name;
}

export interface SourceNodeSpec {
  kind: 'source';
  name: string;
  topics: TopicRef[];
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  /** Event time of a record; default: the log record's timestamp (producers set it to event_time). */
  timestampOf?: (value: unknown, logTimestamp: number) => number;
}

export interface ProcessorNodeSpec {
  kind: 'processor';
  name: string;
  parents: string[];
  stores: string[];
  /** Builds the node's processor in a task, which hands it records untyped: processorNode() typed them. */
  create: () => Processor<unknown, unknown, unknown, unknown>;
}

/**
 * A processor node whose processor reads its parents' records as (KIn, VIn) and forwards (KOut, VOut):
 * the DSL states the record types here, where it knows them. Processor's methods take their
 * parameters bivariantly, so the typed supplier is the spec's untyped one without a cast.
 */
export function processorNode<KIn, VIn, KOut, VOut>(
  node: { name: string; parents: string[]; stores?: string[] },
  create: ProcessorSupplier<KIn, VIn, KOut, VOut>,
): ProcessorNodeSpec {
  return { kind: 'processor', name: node.name, parents: node.parents, stores: node.stores ?? [], create };
}

export interface SinkNodeSpec {
  kind: 'sink';
  name: string;
  parents: string[];
  topic: TopicRef;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
}

export type NodeSpec = SourceNodeSpec | ProcessorNodeSpec | SinkNodeSpec;

export interface SubTopology {
  id: number;
  nodes: NodeSpec[];
  sourceTopics: TopicRef[];
  sinkTopics: TopicRef[];
  stores: StoreSpec[];
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

export class Topology {
  readonly nodes = new Map<string, NodeSpec>();
  readonly stores = new Map<string, StoreSpec>();
  /** Topics to create for records that arrive too late; filled in by the builder. */
  readonly lateTopics = new Set<string>();
  /** Source topics read as tables (latest or versioned value per key), not as streams. */
  readonly tableTopics = new Set<string>();
  private lookbackMs = 0;
  private subTopologiesCache?: SubTopology[];

  addNode(node: NodeSpec): void {
    if (this.nodes.has(node.name)) throw new TopologyError(`node name ${node.name} is used twice`);
    for (const p of 'parents' in node ? node.parents : []) {
      if (!this.nodes.has(p)) throw new TopologyError(`node ${node.name} names unknown parent ${p}`);
    }
    this.nodes.set(node.name, node);
    this.subTopologiesCache = undefined;
  }

  addStore(spec: StoreSpec): void {
    if (this.stores.has(spec.name)) throw new TopologyError(`state store ${spec.name} is declared twice`);
    this.stores.set(spec.name, spec);
  }

  /**
   * Declares that state at stream time t depends on stream records back to t - ms (a window's size
   * plus grace); Infinity when no bound holds (sessions).
   */
  requireLookback(ms: number): void {
    this.lookbackMs = Math.max(this.lookbackMs, ms);
  }

  /** How far before a point in time the streams must be re-read to rebuild every piece of state open there. */
  get replayLookbackMs(): number {
    return this.lookbackMs;
  }

  /** The user topics the topology reads as streams, in declaration order. */
  streamTopics(): string[] {
    return this.userTopicsOf('source').filter((t) => !this.tableTopics.has(t));
  }

  /** The user topics the topology writes to (late topics aside). */
  outputTopics(): string[] {
    return this.userTopicsOf('sink');
  }

  private userTopicsOf(kind: 'source' | 'sink'): string[] {
    const out = new Set<string>();
    for (const n of this.nodes.values()) {
      const refs = n.kind === 'source' && kind === 'source' ? n.topics : n.kind === 'sink' && kind === 'sink' ? [n.topic] : [];
      for (const ref of refs) if (!ref.internal) out.add(ref.name);
    }
    return [...out];
  }

  children(name: string): string[] {
    const out: string[] = [];
    for (const n of this.nodes.values()) if ('parents' in n && n.parents.includes(name)) out.push(n.name);
    return out;
  }

  subTopologies(): SubTopology[] {
    if (this.subTopologiesCache) return this.subTopologiesCache;
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    const union = (a: string, b: string): void => {
      parent.set(find(a), find(b));
    };
    for (const n of this.nodes.keys()) parent.set(n, n);
    const storeOwner = new Map<string, string>();
    for (const n of this.nodes.values()) {
      if ('parents' in n) for (const p of n.parents) union(n.name, p);
      if (n.kind === 'processor') {
        for (const s of n.stores) {
          if (!this.stores.has(s)) throw new TopologyError(`processor ${n.name} uses undeclared state store ${s}`);
          const owner = storeOwner.get(s);
          if (owner) union(n.name, owner);
          else storeOwner.set(s, n.name);
        }
      }
    }
    const groups = new Map<string, NodeSpec[]>();
    for (const n of this.nodes.values()) {
      const r = find(n.name);
      if (!groups.has(r)) groups.set(r, []);
      groups.get(r)!.push(n);
    }
    const result: SubTopology[] = [];
    for (const nodes of groups.values()) {
      const sources = nodes.filter((n): n is SourceNodeSpec => n.kind === 'source');
      if (sources.length === 0) throw new TopologyError(`nodes ${nodes.map((n) => n.name).join(', ')} are not connected to any source`);
      const storeNames = new Set<string>();
      for (const n of nodes) if (n.kind === 'processor') for (const s of n.stores) storeNames.add(s);
      result.push({
        id: result.length,
        nodes,
        sourceTopics: sources.flatMap((s) => s.topics),
        sinkTopics: nodes.filter((n): n is SinkNodeSpec => n.kind === 'sink').map((n) => n.topic),
        stores: [...storeNames].map((s) => this.stores.get(s)!),
      });
    }
    this.subTopologiesCache = result;
    return result;
  }

  /** Changelog topics the application creates (a store whose changelog is its source topic has none). */
  changelogTopics(applicationId: string): string[] {
    return [...this.stores.values()].filter((s) => s.sourceTopic === undefined).map((s) => changelogTopicOf(applicationId, s.name));
  }

  describe(): string {
    const lines: string[] = [];
    for (const st of this.subTopologies()) {
      lines.push(`Sub-topology ${st.id}`);
      for (const n of st.nodes) {
        const what =
          n.kind === 'source'
            ? `topics ${n.topics.map((t) => (t.internal ? `<app>-${t.suffix}` : t.name)).join(',')}`
            : n.kind === 'sink'
              ? `topic ${n.topic.internal ? `<app>-${n.topic.suffix}` : n.topic.name}`
              : `stores [${n.stores.join(',')}]`;
        lines.push(`  ${n.kind} ${n.name} ${what}${'parents' in n ? ` <- ${n.parents.join(',')}` : ''}`);
      }
    }
    return lines.join('\n');
  }
}
