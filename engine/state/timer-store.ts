// The state behind keyed stream-time timers (ProcessorContext.timers): one due time per key, kept
// as key -> due time (the changelog: 8-byte due time, tombstone = no timer) plus a DueQueue in
// (due time, key) order. The queue holds stale entries of moved or cancelled timers and skips them
// when they surface; it is rebuilt from the map after a restore and when stale entries pile up.
import { DueQueue } from './due-queue.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

/** Keyed stream-time timers: at most one per key; each fires once, when stream time reaches it. */
export interface TimerService {
  /**
   * Sets the key's timer to `dueTime` (epoch ms of stream time); moves it when it is already set.
   * A due time at or before the current stream time fires right after the record being processed
   * (from inside onTimer: in the same round, so a callback that always sets one in the past loops).
   */
  set(key: string, dueTime: number): void;
  /** Removes the key's timer, if any. */
  cancel(key: string): void;
  /** The key's pending due time, if it has a timer. */
  dueTime(key: string): number | undefined;
  /** Pending timers. */
  size(): number;
}

export class TimerStore implements StateStore, TimerService {
  private readonly due = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly queue = new DueQueue();
  private queueStale = false;

  constructor(readonly name: string) {}

  set(key: string, dueTime: number): void {
    if (typeof key !== 'string') throw new TypeError(`timer store ${this.name}: timer keys are strings, got ${typeof key}`);
    if (Number.isNaN(dueTime)) throw new TypeError(`timer store ${this.name}: due time of ${key} is NaN`);
    if (this.due.get(key) === dueTime) return;
    this.due.set(key, dueTime);
    this.dirty.add(key);
    if (!this.queueStale) this.queue.push(dueTime, key);
  }

  cancel(key: string): void {
    if (this.due.delete(key)) this.dirty.add(key);
  }

  dueTime(key: string): number | undefined {
    return this.due.get(key);
  }

  size(): number {
    return this.due.size;
  }

  /** Due time of the earliest pending timer; Infinity when none. */
  nextDue(): number {
    this.settle();
    return this.queue.peekDue();
  }

  /**
   * Fires, in (due time, key) order, every timer due at or before `time`, removing each before its
   * callback runs (a callback may set the key's timer again). The removals go into the next
   * commit's changelog with whatever the callbacks emitted, so a fired timer never fires again.
   */
  fireDue(time: number, onTimer: (key: string, dueTime: number) => void): number {
    this.settle();
    const q = this.queue;
    let fired = 0;
    while (q.length > 0) {
      const d = q.peekDue();
      if (d > time) break;
      const key = q.peekKey()!;
      q.pop();
      if (this.due.get(key) !== d) continue; // moved or cancelled since it was queued
      this.due.delete(key);
      this.dirty.add(key);
      fired++;
      onTimer(key, d);
    }
    return fired;
  }

  /** Drops stale queue entries in bulk once they outnumber the live timers. */
  private settle(): void {
    if (this.queueStale || this.queue.length > 2 * this.due.size + 1024) {
      this.queue.rebuild(this.due.entries());
      this.queueStale = false;
    }
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const d = this.due.get(key);
      out.push({ key: Buffer.from(key, 'utf8'), value: d === undefined ? null : encodeDue(d) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('utf8');
    if (value === null) this.due.delete(k);
    else this.due.set(k, value.readDoubleBE(0));
    this.queueStale = true;
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, d] of this.due) yield { key: Buffer.from(k, 'utf8'), value: encodeDue(d) };
  }
}

function encodeDue(d: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleBE(d, 0);
  return b;
}

/** Declares a timer store (builder.addStateStore(timerStore(name))); processors reach it with ctx.timers(name, onTimer). */
export function timerStore(name: string): StoreSpec {
  return { name, create: () => new TimerStore(name) };
}
