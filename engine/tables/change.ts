// What a table tells its children on every update (Kafka Streams' Change<V>): the key's new value
// and the value it replaces, null for "none" (a delete has newValue null, an insert oldValue null).
// Old values let an aggregation subtract what a key contributed before, and a filter or join turn
// an update that leaves its result into a delete.
import { v8Serde, type Serde } from '../serdes/serde.ts';

export interface Change<V> {
  newValue: V | null;
  oldValue: V | null;
}

/** A Change through a repartition topic: v8 of both sides, or each side through `valueSerde`. */
export function changeSerde<V>(valueSerde?: Serde<V>): Serde<Change<V>> {
  if (!valueSerde) return v8Serde<Change<V>>();
  const inner = v8Serde<{ n: Buffer | null; o: Buffer | null }>();
  const enc = (v: V | null): Buffer | null => (v === null ? null : valueSerde.serialize(v));
  const dec = (b: Buffer | null): V | null => (b === null ? null : valueSerde.deserialize(b));
  return {
    serialize: (c) => inner.serialize({ n: enc(c.newValue), o: enc(c.oldValue) }),
    deserialize: (b) => {
      const raw = inner.deserialize(b);
      return { newValue: dec(raw.n), oldValue: dec(raw.o) };
    },
  };
}
