// A handle on a versioned table declared with StreamsBuilder.versionedTable(): what joins need.
import { KStream } from './kstream.ts';
import type { StreamsBuilder } from './streams-builder.ts';

export class VersionedTable<V> {
  /** Phantom field so VersionedTable<A> and VersionedTable<B> stay distinct types. */
  declare readonly valueType: V;
  constructor(
    readonly storeName: string,
    readonly materializerNode: string,
    private readonly builder?: StreamsBuilder,
  ) {}

  /**
   * The table's updates as a stream, each passed on once the store holds it: a processor that also
   * names `storeName` reads the table as of any time, and reacts to its updates, in one task.
   */
  toStream(): KStream<string, V> {
    if (!this.builder) throw new Error(`versioned table ${this.storeName} was not declared through a StreamsBuilder`);
    return new KStream<string, V>(this.builder, this.materializerNode, false);
  }
}
