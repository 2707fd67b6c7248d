// The result of a windowed aggregation: a table keyed by Windowed<key>. suppress(untilWindowCloses())
// turns its update stream into exactly one final result per window, emitted when the window closes.
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
    private readonly builder: StreamsBuilder,
    private readonly node: string,
    /** The aggregate node's options; suppress() switches its emit mode before build(). */
    private readonly options: { emit: EmitMode },
  ) {}

  suppress(suppression: Suppression): WindowedTable<A> {
    if (suppression.kind === 'untilWindowCloses') this.options.emit = 'final';
    return this;
  }

  toStream(): KStream<Windowed<string>, A> {
    return new KStream<Windowed<string>, A>(this.builder, this.node, false);
  }
}
