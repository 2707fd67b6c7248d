// A binary heap of slots (small integers naming entries stored elsewhere, in columns), ordered by
// a SlotOrder the owner supplies. Struct-of-arrays: the heap is an Int32Array of slots and the
// position of each slot in it another Int32Array, so a heap of 10M entries costs 8 bytes per entry
// and no object per entry. Positions may be shared by several heaps when each slot sits in at most
// one of them (see GroupedHeaps).

export interface SlotOrder {
  /** True when slot a comes strictly before slot b (a total order on the live slots). */
  before(a: number, b: number): boolean;
}

/** Grows a typed array to hold at least `min` elements, by doubling; new elements are 0. */
export function grownInt32(arr: Int32Array, min: number): Int32Array {
  if (min <= arr.length) return arr;
  let cap = Math.max(16, arr.length);
  while (cap < min) cap *= 2;
  const next = new Int32Array(cap);
  next.set(arr);
  return next;
}

export function grownFloat64(arr: Float64Array, min: number): Float64Array {
  if (min <= arr.length) return arr;
  let cap = Math.max(16, arr.length);
  while (cap < min) cap *= 2;
  const next = new Float64Array(cap);
  next.set(arr);
  return next;
}

export function grownUint8(arr: Uint8Array, min: number): Uint8Array {
  if (min <= arr.length) return arr;
  let cap = Math.max(16, arr.length);
  while (cap < min) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(arr);
  return next;
}

/**
 * Slot → position in the heap that holds it; shareable between heaps. Not cleared on removal, nor
 * filled on growth (so growing touches no new pages): SlotHeap.has checks the position against
 * the heap array instead.
 */
export class SlotPositions {
  arr: Int32Array;

  constructor(capacity = 16) {
    this.arr = new Int32Array(Math.max(16, capacity));
  }

  ensure(slot: number): void {
    if (slot >= this.arr.length) this.arr = grownInt32(this.arr, slot + 1);
  }
}

export class SlotHeap {
  private heap: Int32Array;
  private count = 0;

  constructor(
    private readonly order: SlotOrder,
    private readonly positions: SlotPositions = new SlotPositions(),
    capacity = 16,
  ) {
    this.heap = new Int32Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.count;
  }

  has(slot: number): boolean {
    const pos = this.positions.arr;
    if (slot >= pos.length) return false;
    const p = pos[slot];
    return p < this.count && this.heap[p] === slot;
  }

  /** The best slot, or -1 when empty. */
  peek(): number {
    return this.count === 0 ? -1 : this.heap[0];
  }

  /** Adds a slot not yet in this heap. */
  insert(slot: number): void {
    this.positions.ensure(slot);
    if (this.count === this.heap.length) this.heap = grownInt32(this.heap, this.count + 1);
    this.heap[this.count] = slot;
    this.positions.arr[slot] = this.count;
    this.count++;
    this.siftUp(this.count - 1);
  }

  /** Restores the order after the slot's sort key changed. */
  update(slot: number): void {
    const p = this.positions.arr[slot];
    if (!this.siftUp(p)) this.siftDown(p);
  }

  remove(slot: number): void {
    const pos = this.positions.arr;
    const p = pos[slot];
    this.count--;
    if (p === this.count) return;
    const last = this.heap[this.count];
    this.heap[p] = last;
    pos[last] = p;
    if (!this.siftUp(p)) this.siftDown(p);
  }

  /** Every slot, in heap-array order (not sorted). */
  *slots(): IterableIterator<number> {
    for (let i = 0; i < this.count; i++) yield this.heap[i];
  }

  /**
   * The best n slots that pass `accept`, best first, without touching the heap: a best-first walk
   * from the root with a small heap of candidate positions, so the cost is O(k log k) for the k
   * nodes visited (k = n without a filter) instead of a sort of everything.
   */
  top(n: number, accept?: (slot: number) => boolean): number[] {
    const out: number[] = [];
    if (n <= 0 || this.count === 0) return out;
    const heap = this.heap;
    const order = this.order;
    let cand: Int32Array = new Int32Array(64);
    let size = 1;
    cand[0] = 0;
    const better = (i: number, j: number): boolean => order.before(heap[cand[i]], heap[cand[j]]);
    while (size > 0 && out.length < n) {
      const p = cand[0];
      size--;
      if (size > 0) {
        cand[0] = cand[size];
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          const r = l + 1;
          const c = r < size && better(r, l) ? r : l;
          if (!better(c, i)) break;
          const t = cand[i];
          cand[i] = cand[c];
          cand[c] = t;
          i = c;
        }
      }
      const slot = heap[p];
      if (accept === undefined || accept(slot)) out.push(slot);
      for (let child = 2 * p + 1; child <= 2 * p + 2 && child < this.count; child++) {
        if (size === cand.length) cand = grownInt32(cand, size + 1);
        cand[size] = child;
        let i = size++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!better(i, parent)) break;
          const t = cand[i];
          cand[i] = cand[parent];
          cand[parent] = t;
          i = parent;
        }
      }
    }
    return out;
  }

  private siftUp(start: number): boolean {
    const heap = this.heap;
    const pos = this.positions.arr;
    const slot = heap[start];
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = heap[parent];
      if (!this.order.before(slot, ps)) break;
      heap[i] = ps;
      pos[ps] = i;
      i = parent;
    }
    heap[i] = slot;
    pos[slot] = i;
    return i !== start;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const pos = this.positions.arr;
    const count = this.count;
    const slot = heap[start];
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= count) break;
      const r = l + 1;
      let c = l;
      let cs = heap[l];
      if (r < count && this.order.before(heap[r], cs)) {
        c = r;
        cs = heap[r];
      }
      if (!this.order.before(cs, slot)) break;
      heap[i] = cs;
      pos[cs] = i;
      i = c;
    }
    heap[i] = slot;
    pos[slot] = i;
  }
}
