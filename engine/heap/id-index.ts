// id → slot for the IndexedHeap: open addressing with linear probing over an Int32Array of
// (hash, slot) pairs, the ids themselves living as bytes in the owner's per-slot storage (SlotIds). A JS Map of
// 10M string keys costs ~75 resident bytes per entry (and caps at 2^24 entries); this costs ~11-16
// (a table at most 70% full, 8 bytes a cell). Ids are found by string or by their UTF-8 bytes (a
// restore reads them from the changelog without making a string): both hash the UTF-8 bytes.

/** Where the owner keeps each slot's id, for the index to confirm a hash match. */
export interface IdsBySlot {
  equals(slot: number, id: string): boolean;
  equalsBytes(slot: number, buf: Buffer, start: number, end: number): boolean;
}

const EMPTY = 0; // table cells hold slot + 1

function finalized(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A 32-bit hash of UTF-8 bytes (FNV-1a with a murmur3 finalizer, so ids that differ in one digit spread). */
export function hashBytes(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return finalized(h);
}

/** hashBytes of the string's UTF-8 bytes (ASCII hashed in place). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      const b = Buffer.from(s, 'utf8');
      return hashBytes(b, 0, b.length);
    }
    h = Math.imul(h ^ c, 0x01000193);
  }
  return finalized(h);
}

export class IdIndex {
  /** Pairs of cells: [hash, slot + 1]; the hash beside the slot saves a random read per probe. */
  private table: Int32Array;
  private mask: number; // cells - 1
  private count = 0;

  /** `ids`: the owner's ids by slot. */
  constructor(
    private readonly ids: IdsBySlot,
    capacity = 16,
  ) {
    let cells = 16;
    while (cells * 0.7 < capacity) cells *= 2;
    this.table = new Int32Array(cells * 2);
    this.mask = cells - 1;
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
      const cell = table[2 * i + 1];
      if (cell === EMPTY) return -1;
      if (table[2 * i] === h && this.ids.equals(cell - 1, id)) return cell - 1;
    }
  }

  /**
   * The slot in the first cell of hash `h` on its probe chain, or -1 when none: the id's slot when
   * the caller confirms the id there (a different id of the same hash is possible, if rare).
   */
  slotOfHash(h: number): number {
    const table = this.table;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const cell = table[2 * i + 1];
      if (cell === EMPTY) return -1;
      if (table[2 * i] === h) return cell - 1;
    }
  }

  /** The slot of the id whose UTF-8 bytes are [start, end) of `buf` (hash: hashBytes of them), or -1. */
  getBytes(buf: Buffer, start: number, end: number, h: number): number {
    const table = this.table;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const cell = table[2 * i + 1];
      if (cell === EMPTY) return -1;
      if (table[2 * i] === h && this.ids.equalsBytes(cell - 1, buf, start, end)) return cell - 1;
    }
  }

  /** Records a new id (of hash `h`) at `slot` (the id must be absent). */
  add(h: number, slot: number): void {
    if (this.count + 1 > (this.mask + 1) * 0.7) this.resize((this.mask + 1) * 2);
    this.place(slot, h);
    this.count++;
  }

  /** Forgets the id (of hash `h`) at `slot` (backward-shift deletion: no tombstones, probes stay short). */
  delete(h: number, slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    while (table[2 * i + 1] !== slot + 1) {
      if (table[2 * i + 1] === EMPTY) throw new Error(`IdIndex: slot ${slot} is not indexed under hash ${h}`);
      i = (i + 1) & mask;
    }
    for (let j = (i + 1) & mask; table[2 * j + 1] !== EMPTY; j = (j + 1) & mask) {
      const home = table[2 * j] & mask;
      // The entry at j may move back to the hole at i when its home is not within (i, j] cyclically.
      const movable = i <= j ? home <= i || home > j : home <= i && home > j;
      if (movable) {
        table[2 * i] = table[2 * j];
        table[2 * i + 1] = table[2 * j + 1];
        i = j;
      }
    }
    table[2 * i] = 0;
    table[2 * i + 1] = EMPTY;
    this.count--;
  }

  private place(slot: number, h: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    while (table[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
    table[2 * i] = h;
    table[2 * i + 1] = slot + 1;
  }

  private resize(cells: number): void {
    const old = this.table;
    this.table = new Int32Array(cells * 2);
    this.mask = cells - 1;
    for (let i = 1; i < old.length; i += 2) if (old[i] !== EMPTY) this.place(old[i] - 1, old[i - 1]);
  }
}
