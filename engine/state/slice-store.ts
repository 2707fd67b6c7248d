// The state of a sliced (tumbling/hopping) window aggregation: per key, partial aggregates of
// consecutive time slices of length `advance`, oldest first.
//
// Changelog layout: a key's slices live in `slots` rotating changelog keys, slot = index mod slots
// ("<key>\u0001<slot>", value = a kind byte, the slice index, then the aggregate). The store is sized so that no
// two live slices of a key share a slot (see sliceSlotsFor), so the slice that takes a slot over
// overwrites an expired one and compaction drops the old value: an expired slice needs no
// tombstone. Tombstones are written only when a key has no slice left, for the slots it wrote.
// Before this layout every expired slice was deleted with a tombstone under "<key>\u0000<index>"
// (a fifth of all records a dense run wrote); such entries are still read, and deleted as before.
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

export interface Slice<A> {
  /** Slice number: the slice covers [index * advance, (index + 1) * advance). */
  index: number;
  agg: A;
  /** True while the slice is in the dirty list (write cache). */
  dirty: boolean;
  removed: boolean;
  /** Restored from an entry of the old per-index layout: its old key is deleted with it. */
  legacy?: true;
}

export interface KeySlices<A> {
  key: string;
  /** Ascending by index. */
  slices: Slice<A>[];
  /** Slots whose changelog entry holds a value (written, not yet deleted). */
  written: number[];
}

/** Separator of the old per-index changelog keys. */
const LEGACY_SEP = '\u0000';
const SLOT_SEP = '\u0001';
/** In front of the aggregate in a changelog value: a kind byte, then the slice index (int48 LE). */
const HEADER_BYTES = 7;
const KIND_SLICE = 0;
/** Only in the local copy: the slot holds an expired slice's value in the changelog. */
const KIND_EXPIRED_SLOT = 1;

/**
 * Slots a key needs so that no two of its live slices share one. A record is accepted while its
 * slice index is above the last closed window, and slice indexes never exceed stream time / advance,
 * so live indexes span at most ceil((size + grace) / advance) values; one more for safety.
 */
export function sliceSlotsFor(windows: { sizeMs: number; advanceMs: number; graceMs: number }): number {
  return Math.ceil((windows.sizeMs + windows.graceMs) / windows.advanceMs) + 1;
}

export class SliceStore<A> implements StateStore {
  private readonly keys = new Map<string, KeySlices<A>>();
  private dirtySlices: { owner: KeySlices<A>; slice: Slice<A> }[] = [];
  private tombstones: string[] = [];

  constructor(
    readonly name: string,
    private readonly slots: number,
    private readonly serde: Serde<A> = v8Serde<A>(),
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`slice store ${name} needs a positive whole number of slots, got ${slots}`);
  }

  keyState(key: string): KeySlices<A> | undefined {
    return this.keys.get(key);
  }

  allKeys(): IterableIterator<KeySlices<A>> {
    return this.keys.values();
  }

  /** The slices of `key`, created (with none) when absent: the handle sliceOf and touch take. */
  keySlicesFor(key: string): KeySlices<A> {
    let ks = this.keys.get(key);
    if (!ks) {
      ks = { key, slices: [], written: [] };
      this.keys.set(key, ks);
    }
    return ks;
  }

  /** The slice `index` of `key`, created with `init()` when absent. */
  slice(key: string, index: number, init: () => A): Slice<A> {
    return this.sliceOf(this.keySlicesFor(key), index, init);
  }

  /** slice() for a key's slices already at hand (no lookup of the key). */
  sliceOf(ks: KeySlices<A>, index: number, init: () => A): Slice<A> {
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

  /** Marks a slice of `owner` changed: written to the changelog at the next commit. */
  touch(owner: KeySlices<A>, slice: Slice<A>): void {
    if (slice.dirty) return;
    slice.dirty = true;
    this.dirtySlices.push({ owner, slice });
  }

  /** Drops the slices of `key` with index <= maxIndex. */
  removeUpTo(key: string, maxIndex: number): void {
    const ks = this.keys.get(key);
    if (!ks) return;
    let n = 0;
    while (n < ks.slices.length && ks.slices[n].index <= maxIndex) {
      const s = ks.slices[n];
      s.removed = true;
      if (s.legacy) this.tombstones.push(key + LEGACY_SEP + s.index);
      n++;
    }
    if (n > 0) ks.slices.splice(0, n);
    if (ks.slices.length > 0) return;
    for (const slot of ks.written) this.tombstones.push(key + SLOT_SEP + slot);
    this.keys.delete(key);
  }

  size(): number {
    return this.keys.size;
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    // Tombstones first: one is for a slot of a key that has since lost every slice, and a slice
    // written after that (the key came back) may take the same slot.
    for (const k of this.tombstones) out.push({ key: Buffer.from(k, 'utf8'), value: null });
    for (const { owner, slice } of this.dirtySlices) {
      slice.dirty = false;
      if (slice.removed) continue;
      const slot = this.slotOf(slice.index);
      if (!owner.written.includes(slot)) owner.written.push(slot);
      out.push({ key: Buffer.from(owner.key + SLOT_SEP + slot, 'utf8'), value: this.encode(slice) });
    }
    this.dirtySlices = [];
    this.tombstones = [];
    return out;
  }

  restore(keyBytes: Buffer, value: Buffer | null): void {
    const composite = keyBytes.toString('utf8');
    const slotAt = composite.lastIndexOf(SLOT_SEP);
    const legacyAt = composite.lastIndexOf(LEGACY_SEP);
    if (legacyAt > slotAt) return this.restoreLegacy(composite.slice(0, legacyAt), Number(composite.slice(legacyAt + 1)), value);
    const key = composite.slice(0, slotAt);
    const slot = Number(composite.slice(slotAt + 1));
    const ks = this.keySlicesFor(key);
    // The slot's previous slice was overwritten (or deleted) in the changelog: drop it here too.
    const at = ks.slices.findIndex((s) => this.slotOf(s.index) === slot);
    if (value === null) {
      if (at >= 0) ks.slices.splice(at, 1);
      ks.written = ks.written.filter((w) => w !== slot);
      this.forgetIfEmpty(ks);
      return;
    }
    if (value.length < HEADER_BYTES || value[0] > KIND_EXPIRED_SLOT)
      throw new Error(
        `slice store ${this.name}: changelog value of ${JSON.stringify(key)} slot ${slot} is damaged (${value.length} bytes, kind ${value[0]})`,
      );
    if (!ks.written.includes(slot)) ks.written.push(slot);
    if (value[0] === KIND_EXPIRED_SLOT) return;
    const index = value.readIntLE(1, 6);
    if (at >= 0 && ks.slices[at].index !== index) ks.slices.splice(at, 1);
    const s = this.slice(key, index, () => undefined as A);
    s.agg = this.serde.deserialize(value.subarray(HEADER_BYTES));
  }

  private restoreLegacy(key: string, index: number, value: Buffer | null): void {
    if (value === null) {
      const ks = this.keys.get(key);
      if (!ks) return;
      const at = ks.slices.findIndex((s) => s.index === index);
      if (at >= 0) ks.slices.splice(at, 1);
      this.forgetIfEmpty(ks);
      return;
    }
    const s = this.slice(key, index, () => undefined as A);
    s.agg = this.serde.deserialize(value);
    s.legacy = true;
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const ks of this.keys.values()) {
      for (const s of ks.slices) yield { key: Buffer.from(ks.key + SLOT_SEP + this.slotOf(s.index), 'utf8'), value: this.encode(s) };
    }
  }

  /**
   * What the local copy is rewritten with: the live slices, and for each slot a key wrote whose
   * slice has expired, a placeholder (KIND_EXPIRED_SLOT), so that the key's tombstones still cover
   * that slot after a restart. Legacy entries are rewritten in the slot layout, and their old keys
   * are no longer deleted (an expired value there is dropped at every restore, like any other).
   */
  *localCopy(): Iterable<ChangelogEntry> {
    const placeholder = Buffer.alloc(HEADER_BYTES);
    placeholder[0] = KIND_EXPIRED_SLOT;
    for (const ks of this.keys.values()) {
      const live = new Set<number>();
      for (const s of ks.slices) {
        const slot = this.slotOf(s.index);
        live.add(slot);
        yield { key: Buffer.from(ks.key + SLOT_SEP + slot, 'utf8'), value: this.encode(s) };
      }
      for (const slot of ks.written) if (!live.has(slot)) yield { key: Buffer.from(ks.key + SLOT_SEP + slot, 'utf8'), value: placeholder };
    }
  }

  /** Restore: a key with no slice and no written slot left is no state at all. */
  private forgetIfEmpty(ks: KeySlices<A>): void {
    if (ks.slices.length === 0 && ks.written.length === 0) this.keys.delete(ks.key);
  }

  private slotOf(index: number): number {
    const slot = index % this.slots;
    return slot < 0 ? slot + this.slots : slot;
  }

  private encode(slice: Slice<A>): Buffer {
    let out: Buffer;
    if (this.serde.serializeAfter) out = this.serde.serializeAfter(slice.agg, HEADER_BYTES);
    else {
      const agg = this.serde.serialize(slice.agg)!;
      out = Buffer.allocUnsafe(HEADER_BYTES + agg.length);
      agg.copy(out, HEADER_BYTES);
    }
    out[0] = KIND_SLICE;
    out.writeIntLE(slice.index, 1, 6);
    return out;
  }
}

export function sliceStore<A>(name: string, slots: number, serde?: Serde<A>): StoreSpec {
  return { name, create: () => new SliceStore<A>(name, slots, serde) };
}
