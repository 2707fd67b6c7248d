// An indexed binary max-heap keyed by string id: priority descending, id ascending on ties.
// upsert/remove are O(log n) through a position index; top(n) walks the heap without touching it.
// Built to hold 10M entries in one process: each entry is a slot (a small integer) into typed-array
// columns, so the only per-entry object is the id string (the id index is a typed-array hash table). Owners that keep more
// per entry (payload columns, secondary GroupedHeaps) index their own columns by the same slot.
import { IdIndex } from './id-index.ts';
import { grownFloat64, SlotHeap, SlotPositions, type SlotOrder } from './slot-heap.ts';

export interface HeapEntry {
  id: string;
  priority: number;
}

export class IndexedHeap implements SlotOrder {
  private ids: (string | undefined)[] = [];
  private readonly slotById: IdIndex;
  private priorities: Float64Array;
  private freeSlots: number[] = [];
  private readonly heap: SlotHeap;

  /** `capacity`: entries expected, to size the columns once instead of doubling up to it. */
  constructor(capacity = 16) {
    this.priorities = new Float64Array(Math.max(16, capacity));
    this.heap = new SlotHeap(this, new SlotPositions(capacity), capacity);
    this.slotById = new IdIndex((slot) => this.ids[slot] as string, capacity);
  }

  get size(): number {
    return this.slotById.size;
  }

  /** One past the highest slot ever handed out: columns indexed by slot need this many elements. */
  get slotCount(): number {
    return this.ids.length;
  }

  before(a: number, b: number): boolean {
    const pa = this.priorities[a];
    const pb = this.priorities[b];
    return pa > pb || (pa === pb && (this.ids[a] as string) < (this.ids[b] as string));
  }

  /** Inserts the id or moves it to its new priority; returns its slot (stable while it stays). */
  upsert(id: string, priority: number): number {
    if (Number.isNaN(priority)) throw new RangeError(`IndexedHeap: priority of ${id} is NaN`);
    let slot = this.slotById.get(id);
    if (slot !== -1) {
      if (this.priorities[slot] !== priority) {
        this.priorities[slot] = priority;
        this.heap.update(slot);
      }
      return slot;
    }
    slot = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.ids.length;
    if (slot === this.ids.length) this.ids.push(id);
    else this.ids[slot] = id;
    this.priorities = grownFloat64(this.priorities, slot + 1);
    this.priorities[slot] = priority;
    this.slotById.add(id, slot);
    this.heap.insert(slot);
    return slot;
  }

  /** Removes the id; returns the slot it had (free for reuse from now on), or -1 when absent. */
  remove(id: string): number {
    const slot = this.slotById.get(id);
    if (slot === -1) return -1;
    this.heap.remove(slot);
    this.slotById.delete(id, slot);
    this.ids[slot] = undefined;
    this.freeSlots.push(slot);
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
    return this.ids[slot] as string;
  }

  priorityAt(slot: number): number {
    return this.priorities[slot];
  }

  priorityOf(id: string): number | undefined {
    const slot = this.slotById.get(id);
    return slot === -1 ? undefined : this.priorities[slot];
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
    return this.topSlots(n, accept).map((slot) => ({ id: this.ids[slot] as string, priority: this.priorities[slot] }));
  }

  /** Live slots in no particular order. */
  slots(): IterableIterator<number> {
    return this.heap.slots();
  }

  /** Live entries in no particular order. */
  *[Symbol.iterator](): IterableIterator<HeapEntry> {
    for (const slot of this.heap.slots()) yield { id: this.ids[slot] as string, priority: this.priorities[slot] };
  }
}
