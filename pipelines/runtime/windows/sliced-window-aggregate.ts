// Tumbling and hopping window aggregation in O(1) state work per record: a record updates the one
// slice (of length `advance`) it falls in; when a window closes, its size/advance slices are merged.
//
// Closing: window j = [j*A, j*A + S) closes when stream time >= j*A + S + grace. A record whose
// newest window is already closed fits no open window and is late. Keys wait in buckets by the next
// window of theirs that holds data, so closing touches only keys with something to emit.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { SliceStore } from '../state/slice-store.ts';
import type { Aggregator, EmitMode, TimeWindows, Windowed } from './window-specs.ts';
import { WindowPartials } from './window-partials.ts';

/** Below this many slices a key's windows are merged slice by slice (cheaper than keeping partials). */
const PARTIALS_MIN_SLICES = 8;

export interface SlicedWindowAggregateOptions<V, A> {
  windows: TimeWindows;
  aggregator: Aggregator<string, V, A>;
  storeName: string;
  emit: EmitMode;
  lateTopic: string;
}

export class SlicedWindowAggregateProcessor<V, A> implements Processor<string, V, Windowed<string>, A> {
  private ctx!: ProcessorContext<Windowed<string>, A>;
  private store!: SliceStore<A>;
  private readonly size: number;
  private readonly advance: number;
  private readonly grace: number;
  /** Slices per window. */
  private readonly n: number;
  /** Every window with index <= closedThrough is closed (and emitted). */
  private closedThrough = -Infinity;
  /** window index -> keys whose next window with data is that one. */
  private readonly due = new Map<number, Set<string>>();
  private readonly nextDue = new Map<string, number>();
  private readonly newAgg: () => A;
  /** Keys with many slices: cached partial merges (memory only, rebuilt lazily after a restore). */
  private readonly partials = new Map<string, WindowPartials<A>>();

  constructor(private readonly options: SlicedWindowAggregateOptions<V, A>) {
    this.size = options.windows.sizeMs;
    this.advance = options.windows.advanceMs;
    this.grace = options.windows.graceMs;
    this.n = this.size / this.advance;
    this.newAgg = () => options.aggregator.init();
  }

  init(ctx: ProcessorContext<Windowed<string>, A>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<SliceStore<A>>(this.options.storeName);
    if (ctx.streamTime > -Infinity) this.closedThrough = this.closedIndexAt(ctx.streamTime);
    // After a restore: drop slices of windows already emitted, schedule the rest.
    for (const ks of [...this.store.allKeys()]) {
      this.store.removeUpTo(ks.key, this.closedThrough);
      const left = this.store.keyState(ks.key);
      if (left) this.schedule(ks.key, Math.max(this.closedThrough + 1, left.slices[0].index - this.n + 1));
    }
    ctx.onStreamTimeAdvance((t) => this.closeUpTo(t));
  }

  process(key: string, value: V, timestamp: number): void {
    if (key === null || key === undefined) throw new Error('windowed aggregation needs a non-null key');
    const index = Math.floor(timestamp / this.advance);
    const streamTime = this.ctx.streamTime;
    if (index * this.advance + this.size + this.grace <= streamTime) {
      this.ctx.sendCurrentRecordTo(this.options.lateTopic, `late: event time ${timestamp} fits no open window at stream time ${streamTime}`);
      return;
    }
    const slice = this.store.slice(key, index, this.newAgg);
    slice.agg = this.options.aggregator.add(slice.agg, value, key);
    this.store.touch(key, slice);
    this.partials.get(key)?.changed(index);
    const first = Math.max(index - this.n + 1, this.closedThrough + 1);
    const scheduled = this.nextDue.get(key);
    if (scheduled === undefined || first < scheduled) this.schedule(key, first);
    if (this.options.emit === 'update') {
      for (let j = first; j <= index; j++) this.emit(key, j);
    }
  }

  /** Index of the newest window closed at stream time t. */
  private closedIndexAt(t: number): number {
    return Math.floor((t - this.size - this.grace) / this.advance);
  }

  private closeUpTo(streamTime: number): void {
    const target = this.closedIndexAt(streamTime);
    if (target <= this.closedThrough) return;
    this.closedThrough = target;
    // Buckets only exist for open windows (about (size + grace) / advance of them), so finding the
    // smallest by a scan is cheap. Firing may re-schedule a key into a later bucket <= target.
    while (this.due.size > 0) {
      let min = Infinity;
      for (const j of this.due.keys()) if (j < min) min = j;
      if (min > target) return;
      this.fire(min);
    }
  }

  private fire(j: number): void {
    const keys = this.due.get(j);
    if (!keys) return;
    this.due.delete(j);
    // Key order, not arrival order: a restored or replayed task must emit in the same order as an
    // uninterrupted one, so output offsets (and lake file names) do not depend on history.
    for (const key of [...keys].sort()) {
      this.nextDue.delete(key);
      if (this.options.emit === 'final') this.emit(key, j);
      this.store.removeUpTo(key, j);
      const ks = this.store.keyState(key);
      if (ks) this.schedule(key, Math.max(j + 1, ks.slices[0].index - this.n + 1));
      else this.partials.delete(key);
    }
  }

  private schedule(key: string, j: number): void {
    const old = this.nextDue.get(key);
    if (old !== undefined) this.due.get(old)?.delete(key);
    this.nextDue.set(key, j);
    let bucket = this.due.get(j);
    if (!bucket) {
      bucket = new Set();
      this.due.set(j, bucket);
    }
    bucket.add(key);
  }

  /** Merges the slices of window j of key and forwards the result (timestamp = end - 1). */
  private emit(key: string, j: number): void {
    const ks = this.store.keyState(key);
    if (!ks) return;
    const agg = ks.slices.length >= Math.min(PARTIALS_MIN_SLICES, this.n) ? this.partialsOf(key).window(ks, j) : this.mergeSlices(ks.slices, j);
    if (agg === undefined) return;
    const start = j * this.advance;
    this.ctx.forward({ key, start, end: start + this.size }, agg, start + this.size - 1);
  }

  private partialsOf(key: string): WindowPartials<A> {
    let p = this.partials.get(key);
    if (p === undefined) {
      p = new WindowPartials(this.n, this.options.aggregator);
      this.partials.set(key, p);
    }
    return p;
  }

  private mergeSlices(slices: { index: number; agg: A }[], j: number): A | undefined {
    const last = j + this.n - 1;
    const aggregator = this.options.aggregator;
    let agg: A | undefined;
    for (const s of slices) {
      if (s.index < j) continue;
      if (s.index > last) break;
      agg = aggregator.merge(agg ?? aggregator.init(), s.agg);
    }
    return agg;
  }
}
