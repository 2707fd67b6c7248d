// Stream-stream inner join over a time window: a left record at time l and a right record at time r
// with the same key join when l - before <= r <= l + after. Each side buffers its records; a pair is
// emitted once, when its second record arrives (timestamp = the later of the two). A record older
// than streamTime - grace is late. A buffered record is dropped once no future non-late record of
// the other side can reach it: when its key is touched, and when stream time passes it (so keys
// never seen again do not stay buffered).
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { JoinBufferStore } from '../state/join-buffer-store.ts';

export interface JoinWindow {
  beforeMs: number;
  afterMs: number;
  graceMs: number;
}

export interface StreamStreamJoinSide<VThis, VOther, R> {
  /** This side's buffer and the other side's. */
  thisStore: string;
  otherStore: string;
  window: JoinWindow;
  side: 'left' | 'right';
  joiner: (left: VThis | VOther, right: VThis | VOther, key: string) => R;
  lateTopic: string;
}

export class StreamStreamJoinProcessor<VThis, VOther, R> implements Processor<string, VThis, string, R> {
  private ctx!: ProcessorContext<string, R>;
  private mine!: JoinBufferStore<VThis>;
  private other!: JoinBufferStore<VOther>;

  constructor(private readonly options: StreamStreamJoinSide<VThis, VOther, R>) {}

  init(ctx: ProcessorContext<string, R>): void {
    this.ctx = ctx;
    this.mine = ctx.getStateStore<JoinBufferStore<VThis>>(this.options.thisStore);
    this.other = ctx.getStateStore<JoinBufferStore<VOther>>(this.options.otherStore);
    const w = this.options.window;
    const reach = this.options.side === 'left' ? w.afterMs : w.beforeMs;
    ctx.onStreamTimeAdvance((t) => this.mine.expireBefore(t - w.graceMs - reach));
  }

  process(key: string, value: VThis, timestamp: number): void {
    if (key === null || key === undefined) throw new Error('stream-stream join needs a non-null key');
    const { window: w, side, joiner } = this.options;
    const horizon = this.ctx.streamTime - w.graceMs;
    if (timestamp < horizon) {
      this.ctx.sendCurrentRecordTo(this.options.lateTopic, `late: event time ${timestamp} is before stream time - grace (${horizon})`);
      return;
    }
    // Window of other-side times this record joins with.
    const lo = side === 'left' ? timestamp - w.beforeMs : timestamp - w.afterMs;
    const hi = side === 'left' ? timestamp + w.afterMs : timestamp + w.beforeMs;
    const others = this.other.records(key);
    if (others) {
      for (const o of others) {
        if (o.time < lo || o.time > hi) continue;
        const result = side === 'left' ? joiner(value, o.value, key) : joiner(o.value, value, key);
        this.ctx.forward(key, result, Math.max(timestamp, o.time));
      }
    }
    this.mine.add(key, timestamp, value);
    // A left record l is needed while l + after >= horizon; a right record r while r + before >= horizon.
    this.mine.expire(key, horizon - (side === 'left' ? w.afterMs : w.beforeMs));
    this.other.expire(key, horizon - (side === 'left' ? w.beforeMs : w.afterMs));
  }
}
