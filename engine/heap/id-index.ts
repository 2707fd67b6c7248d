// id → slot for the IndexedHeap: open addressing with linear probing over an Int32Array of slots,
// the ids themselves living in the owner's slot column. A JS Map of 10M string keys costs ~75
// resident bytes per entry (and caps at 2^24 entries); this costs ~11 (a table at most 70% full
// plus a cached 32-bit hash per slot).
import { grownInt32 } from './slot-heap.ts';

const EMPTY = 0; // table cells hold slot + 1

/** A 32-bit string hash (FNV-1a with a murmur3 finalizer, so ids that differ in one digit spread). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export class IdIndex {
  private table: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private count = 0;

  /** `idAt(slot)`: the id stored at a live slot, from the owner's column. */
  constructor(
    private readonly idAt: (slot: number) => string,
    capacity = 16,
  ) {
    let cells = 16;
    while (cells * 0.7 < capacity) cells *= 2;
    this.table = new Int32Array(cells);
    this.mask = cells - 1;
    this.hashes = new Int32Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** The id's slot, or -1. */
  get(id: string): number {
    const h = hashString(id);
    const table = this.table;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const cell = table[i];
      if (cell === EMPTY) return -1;
      const slot = cell - 1;
      if (this.hashes[slot] === h && this.idAt(slot) === id) return slot;
    }
  }

  /** Records a new id at `slot` (the id must be absent; its slot column must already hold it). */
  add(id: string, slot: number): void {
    if (this.count + 1 > this.table.length * 0.7) this.resize(this.table.length * 2);
    const h = hashString(id);
    this.hashes = grownInt32(this.hashes, slot + 1);
    this.hashes[slot] = h;
    this.place(slot, h);
    this.count++;
  }

  /** Forgets the id at `slot` (backward-shift deletion: no tombstones, probes stay short). */
  delete(id: string, slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = this.hashes[slot] & mask;
    while (table[i] !== slot + 1) {
      if (table[i] === EMPTY) throw new Error(`IdIndex: ${id} is not indexed at slot ${slot}`);
      i = (i + 1) & mask;
    }
    for (let j = (i + 1) & mask; table[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.hashes[table[j] - 1] & mask;
      // The entry at j may move back to the hole at i when its home is not within (i, j] cyclically.
      const movable = i <= j ? home <= i || home > j : home <= i && home > j;
      if (movable) {
        table[i] = table[j];
        i = j;
      }
    }
    table[i] = EMPTY;
    this.count--;
  }

  private place(slot: number, h: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    while (table[i] !== EMPTY) i = (i + 1) & mask;
    table[i] = slot + 1;
  }

  private resize(cells: number): void {
    const old = this.table;
    this.table = new Int32Array(cells);
    this.mask = cells - 1;
    for (let i = 0; i < old.length; i++) if (old[i] !== EMPTY) this.place(old[i] - 1, this.hashes[old[i] - 1]);
  }
}
