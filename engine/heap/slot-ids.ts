// The IndexedHeap's per-slot record: the slot's heap position and its id's UTF-8 bytes side by
// side in 32 bytes, so that the id index's cell leads to one record that both confirms the id and
// gives the position (one cache miss where an offset, the arena bytes and a position column took
// three). Ids of up to INLINE_BYTES bytes live in the record; longer ones in an overflow SlotStrings.
import { grownInt32, SlotPositions } from './slot-heap.ts';
import { SlotStrings } from './slot-strings.ts';

/** Ints per record (a power of two: a record never straddles a cache line). */
const RECORD_SHIFT = 3;
const LENGTH = 1; // record[1]: the id's byte length
const BYTES = 8; // byte offset of the inline id in a record
export const INLINE_BYTES = 24;

export class SlotIds extends SlotPositions {
  /** A byte view of `arr`: the inline ids. */
  private bytes: Uint8Array;
  private readonly long = new SlotStrings(16, 40);

  constructor(capacity = 16) {
    super(capacity, RECORD_SHIFT);
    this.bytes = new Uint8Array(this.arr.buffer);
  }

  override ensure(slot: number): void {
    if (slot << RECORD_SHIFT >= this.arr.length) {
      this.arr = grownInt32(this.arr, (slot + 1) << RECORD_SHIFT);
      this.bytes = new Uint8Array(this.arr.buffer);
    }
  }

  set(slot: number, value: string): void {
    this.ensure(slot);
    const n = Buffer.byteLength(value, 'utf8');
    if (!this.setLength(slot, n)) {
      this.long.set(slot, value);
      return;
    }
    const at = (slot << (RECORD_SHIFT + 2)) + BYTES;
    if (n === value.length) for (let i = 0; i < n; i++) this.bytes[at + i] = value.charCodeAt(i);
    else Buffer.from(value, 'utf8').copy(this.bytes, at);
  }

  /** Sets the slot's id to the bytes [start, end) of `src` (UTF-8), without making a string. */
  setBytes(slot: number, src: Buffer, start: number, end: number): void {
    this.ensure(slot);
    if (!this.setLength(slot, end - start)) {
      this.long.setBytes(slot, src, start, end);
      return;
    }
    const bytes = this.bytes;
    const at = (slot << (RECORD_SHIFT + 2)) + BYTES - start;
    for (let i = start; i < end; i++) bytes[at + i] = src[i];
  }

  get(slot: number): string {
    const n = this.arr[(slot << RECORD_SHIFT) + LENGTH];
    if (n > INLINE_BYTES) return this.long.get(slot);
    const at = (slot << (RECORD_SHIFT + 2)) + BYTES;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + at, n).toString('utf8');
  }

  /** The slot's first record int (its position): reading it brings the record into cache. */
  touch(slot: number): number {
    return this.arr[slot << RECORD_SHIFT];
  }

  /** True when the slot's id is `s` (no string made). */
  equals(slot: number, s: string): boolean {
    const n = this.arr[(slot << RECORD_SHIFT) + LENGTH];
    if (n > INLINE_BYTES) return this.long.equals(slot, s);
    if (n !== s.length) {
      if (n < s.length) return false; // UTF-8 has at least one byte per UTF-16 unit
      const b = Buffer.from(s, 'utf8');
      return b.length === n && this.equalsBytes(slot, b, 0, n);
    }
    const bytes = this.bytes;
    const at = (slot << (RECORD_SHIFT + 2)) + BYTES;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // A non-ASCII unit takes more than one UTF-8 byte, so an s of n units that has one is not n bytes.
      if (c >= 0x80 || bytes[at + i] !== c) return false;
    }
    return true;
  }

  /** True when the slot's id is the bytes [start, end) of `src`. */
  equalsBytes(slot: number, src: Uint8Array, start: number, end: number): boolean {
    const n = this.arr[(slot << RECORD_SHIFT) + LENGTH];
    if (n !== end - start) return false;
    if (n > INLINE_BYTES) return this.long.equalsBytes(slot, src as Buffer, start, end);
    const bytes = this.bytes;
    const at = (slot << (RECORD_SHIFT + 2)) + BYTES - start;
    for (let i = start; i < end; i++) if (bytes[at + i] !== src[i]) return false;
    return true;
  }

  /** The ids of two slots in JavaScript string order (UTF-16 code units), as `<` compares them. */
  compare(a: number, b: number): number {
    const arr = this.arr;
    const na = arr[(a << RECORD_SHIFT) + LENGTH];
    const nb = arr[(b << RECORD_SHIFT) + LENGTH];
    if (na <= INLINE_BYTES && nb <= INLINE_BYTES) {
      const bytes = this.bytes;
      const oa = (a << (RECORD_SHIFT + 2)) + BYTES;
      const ob = (b << (RECORD_SHIFT + 2)) + BYTES;
      const n = Math.min(na, nb);
      let i = 0;
      while (i < n && bytes[oa + i] === bytes[ob + i]) i++;
      // One a byte prefix of the other: a string prefix too, the shorter first.
      if (i === n) return na - nb;
      const x = bytes[oa + i];
      const y = bytes[ob + i];
      // ASCII bytes order as code units do; past that UTF-8 (code point order) and UTF-16 may differ.
      if (x < 0x80 && y < 0x80) return x - y;
    }
    const sa = this.get(a);
    const sb = this.get(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }

  /** Records the slot's new id length; true when the id goes inline, false when to the overflow. */
  private setLength(slot: number, n: number): boolean {
    const at = (slot << RECORD_SHIFT) + LENGTH;
    if (this.arr[at] > INLINE_BYTES) this.long.clear(slot);
    this.arr[at] = n;
    return n <= INLINE_BYTES;
  }

  /** Forgets the slot's id. */
  clear(slot: number): void {
    if (slot << RECORD_SHIFT >= this.arr.length) return;
    this.setLength(slot, 0);
  }
}
