// Encodes Avro records in the Confluent wire format straight into a large shared slab, handing out
// views of it: one encode pass, no per-record allocation and copy (the output path of a windowed
// pipeline encodes several records per input event). A slab is freed once every record cut from it
// has been written and dropped.
import type avro from 'avsc';
import { HEADER_BYTES, writeWireHeader } from './serde.ts';

const SLAB_BYTES = 1 << 20;

export class AvroSlabWriter {
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private pos = 0;

  write(schemaId: number, type: avro.Type, value: unknown): Buffer {
    for (;;) {
      const start = this.pos;
      if (this.slab.length - start >= HEADER_BYTES) {
        writeWireHeader(this.slab, schemaId, start);
        const end = type.encode(value, this.slab, start + HEADER_BYTES);
        if (end > 0) {
          this.pos = end;
          return this.slab.subarray(start, end);
        }
        // Not enough room: `end` is minus the missing byte count.
        this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (HEADER_BYTES - end + (this.slab.length - start))));
      } else {
        this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      }
      this.pos = 0;
    }
  }
}
