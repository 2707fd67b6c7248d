// A string per slot kept as UTF-8 bytes in one shared arena instead of as a JS string: 10M ids
// cost ~18 bytes each (bytes + offset + length) instead of ~40 (a string object and its pointer),
// and they are no work for the garbage collector (no live object per debtor to mark). A value that
// grows moves to the arena's end; the arena is compacted when more than half of it is garbage.
import { grownInt32 } from './slot-heap.ts';

export class SlotStrings {
  private arena: Buffer;
  private end = 0;
  private garbage = 0;
  /** Per slot: [offset, length] side by side, one cache line for both. */
  private meta: Int32Array;

  /** `compactAbove`: garbage bytes tolerated whatever the arena's size. */
  constructor(
    capacity = 16,
    bytesPerValue = 12,
    private readonly compactAbove = 1 << 20,
  ) {
    this.arena = Buffer.alloc(Math.max(256, capacity * bytesPerValue));
    this.meta = new Int32Array(2 * Math.max(16, capacity));
  }

  set(slot: number, value: string): void {
    const n = Buffer.byteLength(value, 'utf8');
    const at = this.reserve(slot, n);
    this.arena.write(value, at, n, 'utf8');
  }

  /** Sets the slot's value to the bytes [start, end) of `src` (UTF-8), without making a string. */
  setBytes(slot: number, src: Buffer, start: number, end: number): void {
    const at = this.reserve(slot, end - start);
    src.copy(this.arena, at, start, end);
  }

  get(slot: number): string {
    const at = this.meta[2 * slot];
    return this.arena.toString('utf8', at, at + this.meta[2 * slot + 1]);
  }

  /** The arena offset of the slot's value: reading it is how a batch brings the slot's meta into cache. */
  offsetOf(slot: number): number {
    return this.meta[2 * slot];
  }

  /** The first byte of the slot's value (0 when empty): reading it brings the value into cache. */
  firstByte(slot: number): number {
    return this.meta[2 * slot + 1] === 0 ? 0 : this.arena[this.meta[2 * slot]];
  }

  /** True when the slot's value is `s` (no string made). */
  equals(slot: number, s: string): boolean {
    const at = this.meta[2 * slot];
    const n = this.meta[2 * slot + 1];
    const arena = this.arena;
    if (n === s.length) {
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80 || arena[at + i] !== c) break;
      }
      if (i === n) return true;
      if (s.charCodeAt(i) < 0x80) return false;
    } else if (n < s.length) return false; // UTF-8 has at least one byte per UTF-16 unit
    const b = Buffer.from(s, 'utf8');
    return b.length === n && b.compare(arena, at, at + n) === 0;
  }

  /** True when the slot's value is the bytes [start, end) of `src`. */
  equalsBytes(slot: number, src: Buffer, start: number, end: number): boolean {
    const at = this.meta[2 * slot];
    const n = this.meta[2 * slot + 1];
    if (n !== end - start) return false;
    const arena = this.arena;
    for (let i = 0; i < n; i++) if (arena[at + i] !== src[start + i]) return false;
    return true;
  }

  /** The values of two slots in JavaScript string order (UTF-16 code units), as `<` compares them. */
  compare(a: number, b: number): number {
    const arena = this.arena;
    const oa = this.meta[2 * a];
    const ob = this.meta[2 * b];
    const na = this.meta[2 * a + 1];
    const nb = this.meta[2 * b + 1];
    const n = Math.min(na, nb);
    for (let i = 0; i < n; i++) {
      const x = arena[oa + i];
      const y = arena[ob + i];
      if (x === y) continue;
      // ASCII bytes order as code units do; past that UTF-8 (code point order) and UTF-16 may differ.
      if (x < 0x80 && y < 0x80) return x - y;
      const sa = this.get(a);
      const sb = this.get(b);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    return na - nb;
  }

  /** Forgets the slot's value (its bytes become garbage). */
  clear(slot: number): void {
    if (2 * slot + 1 >= this.meta.length) return;
    this.garbage += this.meta[2 * slot + 1];
    this.meta[2 * slot + 1] = 0;
  }

  /** Where the slot's n bytes go: in place when they fit in its current bytes, else at the end. */
  private reserve(slot: number, n: number): number {
    if (2 * slot + 1 >= this.meta.length) this.meta = grownInt32(this.meta, 2 * slot + 2);
    const old = this.meta[2 * slot + 1];
    if (n <= old) {
      this.garbage += old - n;
      this.meta[2 * slot + 1] = n;
      return this.meta[2 * slot];
    }
    this.garbage += old;
    this.meta[2 * slot + 1] = 0;
    if (this.garbage > this.compactAbove && this.garbage * 2 > this.end) this.compact();
    if (this.end + n > this.arena.length) {
      let cap = this.arena.length;
      while (cap < this.end + n) cap *= 2;
      const next = Buffer.alloc(cap);
      this.arena.copy(next, 0, 0, this.end);
      this.arena = next;
    }
    const at = this.end;
    this.end += n;
    this.meta[2 * slot] = at;
    this.meta[2 * slot + 1] = n;
    return at;
  }

  /** Copies every live value to a fresh arena, in slot order. */
  private compact(): void {
    const next = Buffer.alloc(Math.max(256, (this.end - this.garbage) * 2));
    let end = 0;
    for (let slot = 0; 2 * slot < this.meta.length; slot++) {
      const n = this.meta[2 * slot + 1];
      if (n === 0) continue;
      this.arena.copy(next, end, this.meta[2 * slot], this.meta[2 * slot] + n);
      this.meta[2 * slot] = end;
      end += n;
    }
    this.arena = next;
    this.end = end;
    this.garbage = 0;
  }
}
