// An indexed binary max-heap keyed by string id: priority descending, id ascending on ties.
// upsert/remove are O(log n) through a position index; top(n) walks the heap without touching it.
// Built to hold 10M entries in one process: each entry is a slot (a small integer) into typed-array
// columns and the ids are UTF-8 bytes in a 32-byte record per slot beside its heap position
// (SlotIds), so there is no object per entry for the garbage collector to mark, and one update
// reads the index cell, the slot's record, then the heap around the position; a restore can upsert
// ids straight from changelog bytes. Owners that keep more per entry (payload columns, secondary
// GroupedHeaps) index their own columns by the same slot.
import { hashBytes, hashString, IdIndex } from './id-index.ts';
import { SlotIds } from './slot-ids.ts';
import { SlotHeap, type SlotOrder } from './slot-heap.ts';

/** Ids per chunk of upsertMany: enough misses to overlap, few enough that what they bring stays in cache. */
const BATCH_CHUNK = 256;

export interface HeapEntry {
  id: string;
  priority: number;
}

export class IndexedHeap implements SlotOrder {
  /** Per slot: heap position and id (the heap's SlotPositions). */
  private readonly ids: SlotIds;
  private readonly slotById: IdIndex;
  private freeSlots: number[] = [];
  private nextSlot = 0;
  private readonly heap: SlotHeap;
  /** Scratch of upsertMany: per id of a chunk, its slot (-1: absent) and heap position. */
  private readonly chunkSlots = new Int32Array(BATCH_CHUNK);
  private readonly chunkPositions = new Int32Array(BATCH_CHUNK);
  /** Where upsert and upsertMany leave what their warming reads summed, so the compiler keeps the reads. */
  warmth = 0;

  /** `capacity`: entries expected, to size the columns once instead of doubling up to it. */
  constructor(capacity = 16) {
    this.ids = new SlotIds(capacity);
    this.heap = new SlotHeap(this, this.ids, capacity);
    this.slotById = new IdIndex(this.ids, capacity);
  }

  get size(): number {
    return this.slotById.size;
  }

  /** One past the highest slot ever handed out: columns indexed by slot need this many elements. */
  get slotCount(): number {
    return this.nextSlot;
  }

  /** The priority is kept only in the heap, in heap order (see SlotHeap). */
  keyOf(slot: number): number {
    return this.heap.keyAt(slot);
  }

  /** Equal priorities: id ascending. */
  before(a: number, b: number): boolean {
    return this.ids.compare(a, b) < 0;
  }

  /** Inserts the id or moves it to its new priority; returns its slot (stable while it stays). */
  upsert(id: string, priority: number): number {
    if (Number.isNaN(priority)) throw new RangeError(`IndexedHeap: priority of ${id} is NaN`);
    let slot = this.slotById.get(id);
    if (slot !== -1) {
      this.warmth = this.heap.reach(this.heap.positionOf(slot)); // one update alone: its neighbours are cold
      if (this.heap.keyAt(slot) !== priority) this.heap.update(slot, priority);
      return slot;
    }
    slot = this.newSlot();
    this.ids.set(slot, id);
    this.slotById.add(hashString(id), slot);
    this.heap.insert(slot, priority);
    return slot;
  }

  /**
   * upsert() of ids[i] to priorities[i] for i < count, in that order, with the same result as
   * those upserts one by one (a NaN priority throws before any is applied). Faster for many ids:
   * it goes through them in chunks, a few passes per chunk that each do one step of every id's
   * lookup (hash and index cell; the slot's record of id and position; heap neighbours), so the
   * cache misses of different ids overlap instead of following each other, then applies the
   * updates in order.
   * `slotsOut`, when given, receives the slot of ids[i] at i (what upsert() returns).
   */
  upsertMany(ids: ArrayLike<string>, priorities: ArrayLike<number>, count = ids.length, slotsOut?: Int32Array): void {
    for (let i = 0; i < count; i++) if (Number.isNaN(priorities[i])) throw new RangeError(`IndexedHeap: priority of ${ids[i]} is NaN`);
    for (let from = 0; from < count; from += BATCH_CHUNK)
      this.upsertChunk(ids, priorities, from, Math.min(count, from + BATCH_CHUNK), slotsOut);
  }

  private upsertChunk(ids: ArrayLike<string>, priorities: ArrayLike<number>, from: number, to: number, slotsOut?: Int32Array): void {
    const slots = this.chunkSlots;
    const positions = this.chunkPositions;
    const n = to - from;
    // Each pass does little per id, so the CPU has the next ids' reads in flight while one misses.
    let warm = 0;
    for (let k = 0; k < n; k++) warm += ids[from + k].length; // the string
    for (let k = 0; k < n; k++) slots[k] = hashString(ids[from + k]);
    for (let k = 0; k < n; k++) slots[k] = this.slotById.slotOfHash(slots[k]); // the index cell: a candidate slot
    for (let k = 0; k < n; k++) if (slots[k] !== -1) positions[k] = this.ids.touch(slots[k]); // the record: position and id
    for (let k = 0; k < n; k++) if (slots[k] !== -1) warm += this.heap.touch(positions[k]);
    for (let k = 0; k < n; k++) {
      const slot = slots[k];
      if (slot !== -1 && !this.ids.equals(slot, ids[from + k])) slots[k] = this.slotById.get(ids[from + k]); // another id of the same hash
    }
    this.warmth = warm;
    // Apply in order; an id absent at the start (new, or added earlier in this chunk) takes the single path.
    for (let k = 0; k < n; k++) {
      let slot = slots[k];
      const priority = priorities[from + k];
      if (slot === -1) slot = this.upsert(ids[from + k], priority);
      else if (this.heap.keyAt(slot) !== priority) this.heap.update(slot, priority);
      if (slotsOut !== undefined) slotsOut[from + k] = slot;
    }
  }

  /** upsert() of the id whose UTF-8 bytes are [start, end) of `buf`, without making a string. */
  upsertBytes(buf: Buffer, start: number, end: number, priority: number): number {
    if (Number.isNaN(priority)) throw new RangeError(`IndexedHeap: priority of ${buf.toString('utf8', start, end)} is NaN`);
    const h = hashBytes(buf, start, end);
    let slot = this.slotById.getBytes(buf, start, end, h);
    if (slot !== -1) {
      if (this.heap.keyAt(slot) !== priority) this.heap.update(slot, priority);
      return slot;
    }
    slot = this.newSlot();
    this.ids.setBytes(slot, buf, start, end);
    this.slotById.add(h, slot);
    this.heap.insert(slot, priority);
    return slot;
  }

  /** remove() of the id whose UTF-8 bytes are [start, end) of `buf`. */
  removeBytes(buf: Buffer, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const slot = this.slotById.getBytes(buf, start, end, h);
    if (slot === -1) return -1;
    this.removeSlot(slot, h);
    return slot;
  }

  private newSlot(): number {
    return this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.nextSlot++;
  }

  private removeSlot(slot: number, h: number): void {
    this.heap.remove(slot);
    this.slotById.delete(h, slot);
    this.ids.clear(slot);
    this.freeSlots.push(slot);
  }

  /** Removes the id; returns the slot it had (free for reuse from now on), or -1 when absent. */
  remove(id: string): number {
    const slot = this.slotById.get(id);
    if (slot === -1) return -1;
    this.removeSlot(slot, hashString(id));
    return slot;
  }

  has(id: string): boolean {
    return this.slotById.get(id) !== -1;
  }

  /** The id's slot, or -1. */
  slotOf(id: string): number {
    return this.slotById.get(id);
  }

  idAt(slot: number): string {
    return this.ids.get(slot);
  }

  priorityAt(slot: number): number {
    return this.heap.keyAt(slot);
  }

  priorityOf(id: string): number | undefined {
    const slot = this.slotById.get(id);
    return slot === -1 ? undefined : this.heap.keyAt(slot);
  }

  /** The best slot, or -1 when empty. */
  peekSlot(): number {
    return this.heap.peek();
  }

  /** The best n slots passing `accept`, best first; the heap is left as it was. */
  topSlots(n: number, accept?: (slot: number) => boolean): number[] {
    return this.heap.top(n, accept);
  }

  /** The best n entries passing `accept`, best first. */
  top(n: number, accept?: (slot: number) => boolean): HeapEntry[] {
    return this.topSlots(n, accept).map((slot) => ({ id: this.ids.get(slot), priority: this.heap.keyAt(slot) }));
  }

  /** Live slots in no particular order. */
  slots(): IterableIterator<number> {
    return this.heap.slots();
  }

  /** Live entries in no particular order. */
  *[Symbol.iterator](): IterableIterator<HeapEntry> {
    for (const slot of this.heap.slots()) yield { id: this.ids.get(slot), priority: this.heap.keyAt(slot) };
  }
}
