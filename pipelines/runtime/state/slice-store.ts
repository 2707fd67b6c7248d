// The state of a sliced (tumbling/hopping) window aggregation: per key, partial aggregates of
// consecutive time slices of length `advance`, oldest first. One changelog entry per (key, slice)
// touched since the last commit; a slice whose last window has closed is deleted (tombstone).
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

export interface Slice<A> {
  /** Slice number: the slice covers [index * advance, (index + 1) * advance). */
  index: number;
  agg: A;
  /** True while the slice is in the dirty list (write cache). */
  dirty: boolean;
  removed: boolean;
}

export interface KeySlices<A> {
  key: string;
  /** Ascending by index. */
  slices: Slice<A>[];
}

const SEP = '\u0000';

export class SliceStore<A> implements StateStore {
  private readonly keys = new Map<string, KeySlices<A>>();
  private dirtySlices: { owner: KeySlices<A>; slice: Slice<A> }[] = [];
  private tombstones: string[] = [];

  constructor(readonly name: string, private readonly serde: Serde<A> = v8Serde<A>()) {}

  keyState(key: string): KeySlices<A> | undefined {
    return this.keys.get(key);
  }

  allKeys(): IterableIterator<KeySlices<A>> {
    return this.keys.values();
  }

  /** The slice `index` of `key`, created with `init()` when absent. */
  slice(key: string, index: number, init: () => A): Slice<A> {
    let ks = this.keys.get(key);
    if (!ks) {
      ks = { key, slices: [] };
      this.keys.set(key, ks);
    }
    const slices = ks.slices;
    let i = slices.length;
    // Events mostly arrive in time order: look from the newest slice backwards.
    while (i > 0 && slices[i - 1].index > index) i--;
    if (i > 0 && slices[i - 1].index === index) return slices[i - 1];
    const s: Slice<A> = { index, agg: init(), dirty: false, removed: false };
    if (i === slices.length) slices.push(s);
    else slices.splice(i, 0, s);
    return s;
  }

  /** Marks a slice changed: written to the changelog at the next commit. */
  touch(key: string, slice: Slice<A>): void {
    if (slice.dirty) return;
    slice.dirty = true;
    this.dirtySlices.push({ owner: this.keys.get(key)!, slice });
  }

  /** Drops the slices of `key` with index <= maxIndex. */
  removeUpTo(key: string, maxIndex: number): void {
    const ks = this.keys.get(key);
    if (!ks) return;
    let n = 0;
    while (n < ks.slices.length && ks.slices[n].index <= maxIndex) {
      const s = ks.slices[n];
      s.removed = true;
      this.tombstones.push(key + SEP + s.index);
      n++;
    }
    if (n === 0) return;
    ks.slices.splice(0, n);
    if (ks.slices.length === 0) this.keys.delete(key);
  }

  size(): number {
    return this.keys.size;
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const { owner, slice } of this.dirtySlices) {
      slice.dirty = false;
      if (slice.removed) continue;
      out.push({ key: Buffer.from(owner.key + SEP + slice.index, 'utf8'), value: this.serde.serialize(slice.agg) });
    }
    for (const k of this.tombstones) out.push({ key: Buffer.from(k, 'utf8'), value: null });
    this.dirtySlices = [];
    this.tombstones = [];
    return out;
  }

  restore(keyBytes: Buffer, value: Buffer | null): void {
    const composite = keyBytes.toString('utf8');
    const sep = composite.lastIndexOf(SEP);
    const key = composite.slice(0, sep);
    const index = Number(composite.slice(sep + 1));
    if (value === null) {
      const ks = this.keys.get(key);
      if (!ks) return;
      const at = ks.slices.findIndex((s) => s.index === index);
      if (at >= 0) ks.slices.splice(at, 1);
      if (ks.slices.length === 0) this.keys.delete(key);
      return;
    }
    const s = this.slice(key, index, () => undefined as A);
    s.agg = this.serde.deserialize(value);
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const ks of this.keys.values()) {
      for (const s of ks.slices) yield { key: Buffer.from(ks.key + SEP + s.index, 'utf8'), value: this.serde.serialize(s.agg) };
    }
  }
}

export function sliceStore<A>(name: string, serde?: Serde<A>): StoreSpec {
  return { name, create: () => new SliceStore<A>(name, serde) };
}
