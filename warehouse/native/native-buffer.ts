// A growing byte buffer that writes the primitive encodings of ClickHouse's Native format: LEB128
// lengths, length-prefixed UTF-8 strings, little-endian fixed-width numbers.

export class NativeBuffer {
  private buf: Buffer;
  private view: DataView;
  private pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for `bytes` more: callers reserve once per column of fixed-width values. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Unsigned LEB128, as ClickHouse writes sizes and string lengths. Reserves its own room. */
  varUInt(n: number): void {
    this.reserve(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  /** A String value: LEB128 byte length, then UTF-8. Reserves its own room. */
  string(s: string): void {
    const len = s.length;
    // Most values are short ASCII: a byte-per-char loop beats a call into C++ for each of them.
    if (len < 0x80) {
      this.reserve(len + 1);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      while (i < len) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
        i++;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = start + len;
        return;
      }
    }
    // Anything else (non-ASCII, long): overwrite with the real UTF-8 bytes.
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varUInt(bytes);
    this.reserve(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  // Fixed-width values: the caller has reserved room for the whole column.

  uint8(n: number): void {
    this.buf[this.pos++] = n;
  }

  uint16(n: number): void {
    this.view.setUint16(this.pos, n, true);
    this.pos += 2;
  }

  uint32(n: number): void {
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }

  int32(n: number): void {
    this.view.setInt32(this.pos, n, true);
    this.pos += 4;
  }

  /** A safe integer as a two's-complement Int64 (or a UInt64, when not negative), written as two 32-bit halves (exact, no BigInt). */
  int64(n: number): void {
    const high = Math.floor(n / 0x1_0000_0000);
    this.view.setUint32(this.pos, n - high * 0x1_0000_0000, true);
    this.view.setInt32(this.pos + 4, high, true);
    this.pos += 8;
  }

  float64(n: number): void {
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }
}
