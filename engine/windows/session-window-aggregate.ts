// Session window aggregation. Records of a key less than `gap` apart share a session; a record can
// bridge two sessions, which are then merged with the aggregator's `merge`. A session [start, end]
// closes when stream time >= end + gap + grace; a record with time < streamTime - grace is late
// (it could only land in, or next to, a session that may already be closed).
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { Session, SessionStore } from '../state/session-store.ts';
import type { Aggregator, EmitMode, SessionWindows, Windowed } from './window-specs.ts';

export interface SessionWindowAggregateOptions<V, A> {
  windows: SessionWindows;
  aggregator: Aggregator<string, V, A>;
  storeName: string;
  emit: EmitMode;
  lateTopic: string;
}

/** A min-heap of (closeAt, key); stale entries are skipped when popped. */
class CloseQueue {
  private times: number[] = [];
  private keys: string[] = [];

  push(t: number, key: string): void {
    this.times.push(t);
    this.keys.push(key);
    let i = this.times.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.times[p] <= this.times[i]) break;
      this.swap(i, p);
      i = p;
    }
  }

  peekTime(): number {
    return this.times.length ? this.times[0] : Infinity;
  }

  pop(): string {
    const key = this.keys[0];
    const last = this.times.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.times.length && this.times[l] < this.times[m]) m = l;
      if (r < this.times.length && this.times[r] < this.times[m]) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return key;
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b], this.times[a]];
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
  }
}

export class SessionWindowAggregateProcessor<V, A> implements Processor<string, V, Windowed<string>, A> {
  private ctx!: ProcessorContext<Windowed<string>, A>;
  private store!: SessionStore<A>;
  private readonly gap: number;
  private readonly grace: number;
  private readonly closing = new CloseQueue();

  constructor(private readonly options: SessionWindowAggregateOptions<V, A>) {
    this.gap = options.windows.gapMs;
    this.grace = options.windows.graceMs;
  }

  init(ctx: ProcessorContext<Windowed<string>, A>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<SessionStore<A>>(this.options.storeName);
    for (const key of this.store.keys()) {
      for (const s of this.store.sessions(key)!) this.closing.push(s.end + this.gap + this.grace, key);
    }
    ctx.onStreamTimeAdvance((t) => this.closeUpTo(t));
  }

  process(key: string, value: V, timestamp: number): void {
    if (key === null || key === undefined) throw new Error('session aggregation needs a non-null key');
    if (timestamp < this.ctx.streamTime - this.grace) {
      this.ctx.sendCurrentRecordTo(
        this.options.lateTopic,
        `late: event time ${timestamp} is before stream time ${this.ctx.streamTime} - grace ${this.grace}`,
      );
      return;
    }
    const agg = this.options.aggregator;
    const sessions = this.store.sessions(key) ?? [];
    const kept: Session<A>[] = [];
    let merged: Session<A> = { start: timestamp, end: timestamp, agg: agg.add(agg.init(), value, key) };
    for (const s of sessions) {
      if (timestamp - s.end < this.gap && s.start - timestamp < this.gap) {
        // Merge in time order so merge(a, b) sees the earlier partial first.
        merged =
          s.start <= merged.start
            ? { start: s.start, end: Math.max(s.end, merged.end), agg: agg.merge(s.agg, merged.agg) }
            : { start: merged.start, end: Math.max(s.end, merged.end), agg: agg.merge(merged.agg, s.agg) };
      } else kept.push(s);
    }
    kept.push(merged);
    kept.sort((a, b) => a.start - b.start);
    this.store.set(key, kept);
    this.closing.push(merged.end + this.gap + this.grace, key);
    if (this.options.emit === 'update') this.ctx.forward({ key, start: merged.start, end: merged.end }, merged.agg, merged.end);
  }

  private closeUpTo(streamTime: number): void {
    while (this.closing.peekTime() <= streamTime) {
      const key = this.closing.pop();
      const sessions = this.store.sessions(key);
      if (!sessions) continue;
      const open: Session<A>[] = [];
      for (const s of sessions) {
        if (s.end + this.gap + this.grace <= streamTime) {
          if (this.options.emit === 'final') this.ctx.forward({ key, start: s.start, end: s.end }, s.agg, s.end);
        } else open.push(s);
      }
      if (open.length !== sessions.length) this.store.set(key, open);
    }
  }
}
