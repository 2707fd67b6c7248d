// Kafka's default partitioner, bit for bit: toPositive(murmur2(keyBytes)) % partitions, as the Java
// client (and kafkajs 2's default partitioner) compute it, so a key lands on the same partition on
// the embedded log as on a real broker. Keyless records are spread round-robin per topic.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): a signed 32-bit hash. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2] << 16;
    // falls through
    case 2:
      h ^= data[tail + 1] << 8;
    // falls through
    case 1:
      h ^= data[tail];
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

const roundRobinCounters = new Map<string, number>();

/**
 * The partition Kafka's default partitioner picks for a key. A null key goes round-robin per
 * `topic` (Kafka 2.4+ uses a "sticky" batch partition; any spread is valid since keyless records
 * carry no ordering promise).
 */
export function partitionFor(key: Buffer | null, partitions: number, topic = ''): number {
  if (partitions <= 0) throw new RangeError(`partition count must be positive, got ${partitions}`);
  if (key !== null) return toPositive(murmur2(key)) % partitions;
  const next = (roundRobinCounters.get(topic) ?? 0) + 1;
  roundRobinCounters.set(topic, next & 0x7fffffff);
  return next % partitions;
}
