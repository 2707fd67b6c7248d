// The topic a stateful node sends the records that come too late for it: the one its operation
// names, or else the one StreamsBuilder.build() decides (the builder's, or one derived from the
// node's downstream sink, which may be added after the node).
import { TopologyError } from '../topology/topology.ts';

export class LateTopic {
  private topic: string | undefined;

  constructor(
    /** The node whose late records go there. */
    readonly node: string,
    named: string | undefined,
  ) {
    this.topic = named || undefined; // an empty name names no topic
  }

  /** The topic; the node's processor reads it when a task creates it, after build(). */
  get name(): string {
    if (this.topic === undefined) throw new TopologyError(`the late topic of node ${this.node} is decided at build(), which has not run`);
    return this.topic;
  }

  /** For build(): keeps the named topic, else takes `fallback()`; returns the topic. */
  decide(fallback: () => string): string {
    this.topic ??= fallback();
    return this.topic;
  }
}
