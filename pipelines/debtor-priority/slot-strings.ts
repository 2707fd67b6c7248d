// A string per slot kept as UTF-8 bytes in one shared arena instead of as a JS string: 10M customer
// ids cost ~16 bytes each (bytes + offset + length) instead of ~40 (a string object and its pointer),
// and they are no work for the garbage collector (no live object per debtor to mark). A value that
// grows moves to the arena's end; the arena is compacted when more than half of it is garbage.
import { grownInt32 } from '../../engine/index.ts';

export class SlotStrings {
  private arena: Buffer;
  private end = 0;
  private garbage = 0;
  private offsets: Int32Array;
  private lengths: Int32Array;

  /** `compactAbove`: garbage bytes tolerated whatever the arena's size. */
  constructor(
    capacity = 16,
    bytesPerValue = 12,
    private readonly compactAbove = 1 << 20,
  ) {
    this.arena = Buffer.alloc(Math.max(256, capacity * bytesPerValue));
    this.offsets = new Int32Array(Math.max(16, capacity));
    this.lengths = new Int32Array(Math.max(16, capacity));
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
    const at = this.offsets[slot];
    return this.arena.toString('utf8', at, at + this.lengths[slot]);
  }

  /** Forgets the slot's value (its bytes become garbage). */
  clear(slot: number): void {
    if (slot >= this.lengths.length) return;
    this.garbage += this.lengths[slot];
    this.lengths[slot] = 0;
  }

  /** Where the slot's n bytes go: in place when they fit in its current bytes, else at the end. */
  private reserve(slot: number, n: number): number {
    if (slot >= this.offsets.length) {
      this.offsets = grownInt32(this.offsets, slot + 1);
      this.lengths = grownInt32(this.lengths, slot + 1);
    }
    const old = this.lengths[slot];
    if (n <= old) {
      this.garbage += old - n;
      this.lengths[slot] = n;
      return this.offsets[slot];
    }
    this.garbage += old;
    this.lengths[slot] = 0;
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
    this.offsets[slot] = at;
    this.lengths[slot] = n;
    return at;
  }

  /** Copies every live value to a fresh arena, in slot order. */
  private compact(): void {
    const next = Buffer.alloc(Math.max(256, (this.end - this.garbage) * 2));
    let end = 0;
    for (let slot = 0; slot < this.lengths.length; slot++) {
      const n = this.lengths[slot];
      if (n === 0) continue;
      this.arena.copy(next, end, this.offsets[slot], this.offsets[slot] + n);
      this.offsets[slot] = end;
      end += n;
    }
    this.arena = next;
    this.end = end;
    this.garbage = 0;
  }
}
