// The result of a windowed aggregation: a table keyed by Windowed<key>. suppress(untilWindowCloses())
// returns a table of exactly one final result per window, emitted when the window closes; the table
// it was called on keeps emitting every update.
//
// The aggregate node is added at toStream(), emitting as the table it is called on says: one
// processor aggregates into slices and emits final results itself at window close (no processor per
// window update). A stream of the other emit mode gets a node and a store of its own.
import type { Processor } from '../processors/processor.ts';
import type { StoreSpec } from '../state/state-store.ts';
import { processorNode } from '../topology/topology.ts';
import type { EmitMode, Windowed } from '../windows/window-specs.ts';
import { KStream } from './kstream.ts';
import type { StreamsBuilder } from './streams-builder.ts';

export interface Suppression {
  kind: 'untilWindowCloses';
}

/** Emit nothing until a window closes (stream time >= end + grace), then its final result once. */
export function untilWindowCloses(): Suppression {
  return { kind: 'untilWindowCloses' };
}

export class WindowedTable<A> {
  constructor(
    private readonly aggregation: WindowedAggregation<unknown, A>,
    private readonly emit: EmitMode,
  ) {}

  /** A new table over the same aggregation; this one is left as it is. */
  suppress(suppression: Suppression): WindowedTable<A> {
    const emit: EmitMode = suppression.kind === 'untilWindowCloses' ? 'final' : this.emit;
    return new WindowedTable<A>(this.aggregation, emit);
  }

  toStream(): KStream<Windowed<string>, A> {
    return this.aggregation.streamOf(this.emit);
  }
}

/** A windowed aggregation as aggregate() declares it; its nodes are built by toStream(). */
export interface WindowedAggregateSpec<V, A> {
  /** The grouped stream's node. */
  parent: string;
  /** Kind of the names of nodes beyond the first. */
  kind: string;
  /** Name of the first node, taken at aggregate() so generated names follow declaration order. */
  firstNode: string;
  /** Store of the first node; another node's is `<storeName>-<emit mode>`. */
  storeName: string;
  /** Where late records go (default: decided at build()). */
  lateTopic: string | undefined;
  store(name: string): StoreSpec;
  processor(options: { storeName: string; emit: EmitMode; lateTopic: string }): Processor<string, V, Windowed<string>, A>;
}

/** The nodes of one windowed aggregation, one per emit mode asked for, built on first use. */
export class WindowedAggregation<V, A> {
  private readonly nodes = new Map<EmitMode, string>();

  constructor(
    private readonly builder: StreamsBuilder,
    private readonly spec: WindowedAggregateSpec<V, A>,
  ) {}

  streamOf(emit: EmitMode): KStream<Windowed<string>, A> {
    return new KStream<Windowed<string>, A>(this.builder, this.nodeFor(emit), false);
  }

  private nodeFor(emit: EmitMode): string {
    const built = this.nodes.get(emit);
    if (built !== undefined) return built;
    const { builder: b, spec } = this;
    const first = this.nodes.size === 0;
    const name = first ? spec.firstNode : b.nameFor(spec.kind);
    const storeName = first ? spec.storeName : `${spec.storeName}-${emit}`;
    b.addStateStore(spec.store(storeName));
    const late = b.lateTopicFor(name, spec.lateTopic);
    b.addNode(
      processorNode<string, V, Windowed<string>, A>({ name, parents: [spec.parent], stores: [storeName] }, () =>
        spec.processor({ storeName, emit, lateTopic: late.name }),
      ),
    );
    this.nodes.set(emit, name);
    return name;
  }
}
