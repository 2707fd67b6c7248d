// Table-table join on equal keys (Kafka Streams' KTableKTableJoin / LeftJoin): an update on either
// side looks the other side's current value up and emits the join result's change. Both sides live
// in the same task (co-partitioned), so each side sees the other as of the same point in the input.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { Change } from './change.ts';
import type { TableLookup, ValueGetter } from './value-getter.ts';

export type TableJoinKind = 'inner' | 'left';

export interface TableTableJoinOptions<L, R, J> {
  /** Which side this processor's input is. */
  side: 'left' | 'right';
  kind: TableJoinKind;
  /** The other side's table. */
  other: ValueGetter<unknown>;
  joiner: (left: L, right: R | null) => J;
}

export class TableTableJoinProcessor<L, R, J> implements Processor<string, Change<unknown>, string, Change<J>> {
  private ctx!: ProcessorContext<string, Change<J>>;
  private other!: TableLookup<unknown>;

  constructor(private readonly o: TableTableJoinOptions<L, R, J>) {}

  init(ctx: ProcessorContext<string, Change<J>>): void {
    this.ctx = ctx;
    this.other = this.o.other.create(ctx as ProcessorContext<unknown, unknown>);
  }

  process(key: string, change: Change<unknown>, timestamp: number): void {
    const other = this.other(key);
    const result =
      this.o.side === 'left'
        ? this.fromLeft(change as Change<L>, other as R | null)
        : this.fromRight(change as Change<R>, other as L | null);
    if (result === undefined || (result.newValue === null && result.oldValue === null)) return;
    this.ctx.forward(key, result, timestamp);
  }

  private fromLeft(change: Change<L>, right: R | null): Change<J> | undefined {
    if (right === null && this.o.kind === 'inner') return undefined;
    const j = this.o.joiner;
    return {
      newValue: change.newValue === null ? null : j(change.newValue, right),
      oldValue: change.oldValue === null ? null : j(change.oldValue, right),
    };
  }

  private fromRight(change: Change<R>, left: L | null): Change<J> | undefined {
    // No left value: no join result before or after, in either kind of join.
    if (left === null) return undefined;
    const j = this.o.joiner;
    if (this.o.kind === 'left') return { newValue: j(left, change.newValue), oldValue: j(left, change.oldValue) };
    return {
      newValue: change.newValue === null ? null : j(left, change.newValue),
      oldValue: change.oldValue === null ? null : j(left, change.oldValue),
    };
  }
}

/** The join result's current value for a key, computed from both sides. */
export function joinGetter<L, R, J>(
  left: ValueGetter<L>,
  right: ValueGetter<R>,
  kind: TableJoinKind,
  joiner: (l: L, r: R | null) => J,
): ValueGetter<J> {
  return {
    stores: [...new Set([...left.stores, ...right.stores])],
    create: (ctx) => {
      const l = left.create(ctx);
      const r = right.create(ctx);
      return (key) => {
        const lv = l(key);
        if (lv === null) return null;
        const rv = r(key);
        if (rv === null && kind === 'inner') return null;
        return joiner(lv, rv);
      };
    },
  };
}
