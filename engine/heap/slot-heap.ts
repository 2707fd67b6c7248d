// A binary heap of slots (small integers naming entries stored elsewhere, in columns), ordered by
// a SlotOrder the owner supplies. Struct-of-arrays: the heap is an Int32Array of slots, beside it
// a Float64Array of their keys in the same heap order (so a sift compares neighbours without a
// random read into the owner's columns: one cache miss per level instead of three at 10M entries),
// and the position of each slot in an Int32Array indexed by slot (SlotPositions; the IndexedHeap's
// keeps each slot's id beside it): 16 bytes per entry and no object per entry. Positions may be
// shared by several heaps when each slot sits in at most one of them (see GroupedHeaps).

/**
 * Children per node: a binary heap, as CONTRACTS 9 names it. Four children (half the depth, the
 * children's keys in one cache line) measured the same at 10M debtors, batched or not.
 */
const ARITY = 2;

export interface SlotOrder {
  /** The slot's sort key: a higher key comes first. */
  keyOf(slot: number): number;
  /** For two slots of equal keys: true when a comes strictly before b (so the order is total). */
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
 * the heap array instead. The position of a slot is arr[slot << shift]: a subclass may keep more
 * per slot in the ints between (SlotIds keeps the id there).
 */
export class SlotPositions {
  arr: Int32Array;

  constructor(
    capacity = 16,
    readonly shift = 0,
  ) {
    this.arr = new Int32Array(Math.max(16, capacity) << shift);
  }

  ensure(slot: number): void {
    if (slot << this.shift >= this.arr.length) this.arr = grownInt32(this.arr, (slot + 1) << this.shift);
  }
}

export class SlotHeap {
  private heap: Int32Array;
  /** keys[i] = order.keyOf(heap[i]). */
  private keys: Float64Array;
  private count = 0;

  constructor(
    private readonly order: SlotOrder,
    private readonly positions: SlotPositions = new SlotPositions(),
    capacity = 16,
  ) {
    this.heap = new Int32Array(Math.max(16, capacity));
    this.keys = new Float64Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.count;
  }

  has(slot: number): boolean {
    const pos = this.positions.arr;
    const at = slot << this.positions.shift;
    if (at >= pos.length) return false;
    const p = pos[at];
    return p < this.count && this.heap[p] === slot;
  }

  /** The best slot, or -1 when empty. */
  peek(): number {
    return this.count === 0 ? -1 : this.heap[0];
  }

  /** The key the slot has in this heap (the slot must be in it). */
  keyAt(slot: number): number {
    return this.keys[this.positions.arr[slot << this.positions.shift]];
  }

  /** The slot's position in the heap array (the slot must be in it). */
  positionOf(slot: number): number {
    return this.positions.arr[slot << this.positions.shift];
  }

  /**
   * Reads the keys an update of the slot at position `p` compares first (its own, its parent's,
   * its children's, and their slots), so that a batch can bring them into cache for many slots at once, the
   * CPU overlapping those misses, before it applies the updates one by one. Returns their sum.
   */
  touch(p: number): number {
    const keys = this.keys;
    const heap = this.heap;
    const parent = p > 0 ? ((p - 1) / ARITY) | 0 : 0;
    const child = ARITY * p + 1 < this.count ? ARITY * p + 1 : p;
    return keys[p] + keys[parent] + keys[child] + heap[p] + heap[parent] + heap[child];
  }

  /**
   * Reads the keys and slots a sift from position `p` may compare and move first (three ancestors,
   * the first child and grandchild: the children of a node share a cache line), for a caller to
   * call before update() when they are likely not in cache: their addresses depend on p alone, so
   * their misses overlap instead of each waiting for the comparison before it. Returns their sum.
   */
  reach(p: number): number {
    const keys = this.keys;
    const heap = this.heap;
    const last = this.count - 1;
    const a1 = p > 0 ? (p - 1) >> 1 : 0;
    const a2 = a1 > 0 ? (a1 - 1) >> 1 : 0;
    const a3 = a2 > 0 ? (a2 - 1) >> 1 : 0;
    const c1 = Math.min(2 * p + 1, last);
    const c2 = Math.min(4 * p + 3, last);
    return keys[a1] + keys[a2] + keys[a3] + keys[c1] + keys[c2] + heap[a1] + heap[a2] + heap[a3] + heap[c1] + heap[c2];
  }

  /** Adds a slot not yet in this heap (`key`: its key, when the caller has it at hand). */
  insert(slot: number, key = this.order.keyOf(slot)): void {
    this.positions.ensure(slot);
    if (this.count === this.heap.length) {
      this.heap = grownInt32(this.heap, this.count + 1);
      this.keys = grownFloat64(this.keys, this.count + 1);
    }
    this.count++;
    this.siftUp(this.count - 1, slot, key);
  }

  /** Restores the order after the slot's sort key changed (`key`: the new key, when at hand). */
  update(slot: number, key = this.order.keyOf(slot)): void {
    const p = this.positions.arr[slot << this.positions.shift];
    if (!this.siftUp(p, slot, key)) this.siftDown(p, slot, key);
  }

  remove(slot: number): void {
    const p = this.positions.arr[slot << this.positions.shift];
    this.count--;
    if (p === this.count) return;
    const last = this.heap[this.count];
    const key = this.keys[this.count];
    if (!this.siftUp(p, last, key)) this.siftDown(p, last, key);
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
    const keys = this.keys;
    const order = this.order;
    let cand: Int32Array = new Int32Array(64);
    let size = 1;
    cand[0] = 0;
    const better = (i: number, j: number): boolean => {
      const ki = keys[cand[i]];
      const kj = keys[cand[j]];
      return ki > kj || (ki === kj && order.before(heap[cand[i]], heap[cand[j]]));
    };
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
      for (let child = ARITY * p + 1; child <= ARITY * p + ARITY && child < this.count; child++) {
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

  /** Moves `slot` (key `key`), to be placed at position `start`, up while it beats its parent; true when it moved. */
  private siftUp(start: number, slot: number, key: number): boolean {
    const heap = this.heap;
    const keys = this.keys;
    const pos = this.positions.arr;
    const shift = this.positions.shift;
    let i = start;
    while (i > 0) {
      const parent = ((i - 1) / ARITY) | 0;
      const pk = keys[parent];
      if (!(key > pk || (key === pk && this.order.before(slot, heap[parent])))) break;
      const ps = heap[parent];
      heap[i] = ps;
      keys[i] = pk;
      pos[ps << shift] = i;
      i = parent;
    }
    heap[i] = slot;
    keys[i] = key;
    pos[slot << shift] = i;
    return i !== start;
  }

  private siftDown(start: number, slot: number, key: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const pos = this.positions.arr;
    const shift = this.positions.shift;
    const count = this.count;
    const order = this.order;
    let i = start;
    for (;;) {
      const first = ARITY * i + 1;
      if (first >= count) break;
      // The best of the (up to ARITY) children: their keys are side by side, one or two cache lines.
      const last = Math.min(first + ARITY, count);
      let c = first;
      let ck = keys[first];
      for (let j = first + 1; j < last; j++) {
        const jk = keys[j];
        if (jk > ck || (jk === ck && order.before(heap[j], heap[c]))) {
          c = j;
          ck = jk;
        }
      }
      if (!(ck > key || (ck === key && order.before(heap[c], slot)))) break;
      const cs = heap[c];
      heap[i] = cs;
      keys[i] = ck;
      pos[cs << shift] = i;
      i = c;
    }
    heap[i] = slot;
    keys[i] = key;
    pos[slot << shift] = i;
  }
}
