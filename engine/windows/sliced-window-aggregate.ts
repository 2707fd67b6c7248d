// Tumbling and hopping window aggregation in O(1) state work per record: a record updates the one
// slice (of length `advance`) it falls in; when a window closes, its size/advance slices are merged.
//
// Closing: window j = [j*A, j*A + S) closes when stream time >= j*A + S + grace. A record whose
// newest window is already closed fits no open window and is late. Keys wait in buckets by the next
// window of theirs that holds data, so closing touches only keys with something to emit.
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import type { KeySlices, SliceStore } from '../state/slice-store.ts';
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

/**
 * What the processor keeps of a key, found with one lookup per record: its slices (the store's
 * own entry, so the store is not looked up again), the bucket of `due` it waits in, its partials.
 * It lives as long as the key has slices: fire() drops it when the last one is removed.
 */
interface KeyWindows<A> {
  slices: KeySlices<A>;
  /** Index of the key's next window with data, i.e. the bucket of `due` holding it. */
  nextDue: number | undefined;
  /** Cached partial merges, for keys with many slices (memory only, rebuilt lazily after a restore). */
  partials: WindowPartials<A> | undefined;
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
  private readonly due = new Map<number, Set<KeyWindows<A>>>();
  /** key -> what is kept of it, for every key with slices. */
  private readonly keys = new Map<string, KeyWindows<A>>();
  private readonly newAgg: () => A;

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
      if (left) this.schedule(this.track(left), Math.max(this.closedThrough + 1, left.slices[0].index - this.n + 1));
    }
    ctx.onStreamTimeAdvance((t) => this.closeUpTo(t));
  }

  process(key: string, value: V, timestamp: number): void {
    if (key === null || key === undefined) throw new Error('windowed aggregation needs a non-null key');
    const index = Math.floor(timestamp / this.advance);
    const streamTime = this.ctx.streamTime;
    if (index * this.advance + this.size + this.grace <= streamTime) {
      this.ctx.sendCurrentRecordTo(
        this.options.lateTopic,
        `late: event time ${timestamp} fits no open window at stream time ${streamTime}`,
      );
      return;
    }
    const kw = this.keys.get(key) ?? this.track(this.store.keySlicesFor(key));
    const slice = this.store.sliceOf(kw.slices, index, this.newAgg);
    slice.agg = this.options.aggregator.add(slice.agg, value, key);
    this.store.touch(kw.slices, slice);
    kw.partials?.changed(index);
    const first = Math.max(index - this.n + 1, this.closedThrough + 1);
    if (kw.nextDue === undefined || first < kw.nextDue) this.schedule(kw, first);
    if (this.options.emit === 'update') {
      for (let j = first; j <= index; j++) this.emit(kw, j);
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
    for (const kw of [...keys].sort(byKey)) {
      kw.nextDue = undefined;
      if (this.options.emit === 'final') this.emit(kw, j);
      const key = kw.slices.key;
      this.store.removeUpTo(key, j);
      if (kw.slices.slices.length > 0) this.schedule(kw, Math.max(j + 1, kw.slices.slices[0].index - this.n + 1));
      else this.keys.delete(key);
    }
  }

  /** Starts keeping a key (not scheduled yet). */
  private track(slices: KeySlices<A>): KeyWindows<A> {
    const kw: KeyWindows<A> = { slices, nextDue: undefined, partials: undefined };
    this.keys.set(slices.key, kw);
    return kw;
  }

  private schedule(kw: KeyWindows<A>, j: number): void {
    if (kw.nextDue !== undefined) this.due.get(kw.nextDue)?.delete(kw);
    kw.nextDue = j;
    let bucket = this.due.get(j);
    if (!bucket) {
      bucket = new Set();
      this.due.set(j, bucket);
    }
    bucket.add(kw);
  }

  /** Merges the slices of window j of a key and forwards the result (timestamp = end - 1). */
  private emit(kw: KeyWindows<A>, j: number): void {
    const ks = kw.slices;
    if (ks.slices.length === 0) return;
    const agg =
      ks.slices.length >= Math.min(PARTIALS_MIN_SLICES, this.n)
        ? (kw.partials ??= new WindowPartials(this.n, this.options.aggregator)).window(ks, j)
        : this.mergeSlices(ks.slices, j);
    if (agg === undefined) return;
    const start = j * this.advance;
    this.ctx.forward({ key: ks.key, start, end: start + this.size }, agg, start + this.size - 1);
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

/** Keys in the order Array.prototype.sort gives their strings (UTF-16 code units). */
function byKey<A>(a: KeyWindows<A>, b: KeyWindows<A>): number {
  const x = a.slices.key;
  const y = b.slices.key;
  return x < y ? -1 : x > y ? 1 : 0;
}
