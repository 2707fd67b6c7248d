// A table's source reads a null value as a tombstone (delete the key) without asking the topic's
// serde, which may not accept null (an Avro serde reads no value from no bytes).
import type { Serde } from '../serdes/serde.ts';

export function tombstonesAsNull<V>(serde: Serde<V>): Serde<V | null> {
  return {
    serialize: (v) => (v === null || v === undefined ? null : serde.serialize(v)),
    deserialize: (b) => (b === null ? null : serde.deserialize(b)),
    prepare: serde.prepare && (() => serde.prepare!()),
    preload: serde.preload && ((b) => (b === null ? undefined : serde.preload!(b))),
  };
}
