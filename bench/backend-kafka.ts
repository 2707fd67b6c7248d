// Kafka backend throughput against $KAFKA_BROKERS (left out, returning nothing, under --no-kafka):
// produce 1,000,000 records of 100-byte values to a 4-partition topic, then restore them all with
// the partition reader, as the engine restores a changelog.
import crypto from 'node:crypto';
import type { ProduceRecord } from '../engine/index.ts';
import { brokersFromEnv, createKafkaBackend } from '../engine/backend/kafka/kafka-backend.ts';

const RECORDS = Number(process.env.BENCH_KAFKA_RECORDS ?? 1_000_000);
const BATCH = 20_000;
const PARTITIONS = 4;

export async function run(): Promise<Record<string, number>> {
  const brokers = brokersFromEnv();
  if (brokers.length === 0) {
    process.stderr.write('  --no-kafka: kafka backend figures left out\n');
    return {};
  }
  const backend = createKafkaBackend({ brokers, clientId: 'riskstream-bench' });
  const topic = `bench-restore-${crypto.randomBytes(4).toString('hex')}`;
  try {
    await backend.admin().createTopics([{ name: topic, partitions: PARTITIONS, compacted: false }]);
    const producer = await backend.producer();
    const value = Buffer.alloc(100, 0x61);
    let started = performance.now();
    for (let done = 0; done < RECORDS; done += BATCH) {
      const records: ProduceRecord[] = [];
      for (let i = 0; i < BATCH; i++)
        records.push({ topic, key: Buffer.from(`customer-${(done + i) % 50_000}`), value, timestamp: 1_700_000_000_000 + done + i });
      await producer.send(records);
    }
    const produceSeconds = (performance.now() - started) / 1000;
    await producer.close();

    const ends = await backend.admin().endOffsets(topic);
    const reader = await backend.partitionReader();
    started = performance.now();
    let restored = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      for await (const batch of reader.read({ topic, partition: p }, 0, ends[p])) restored += batch.length;
    }
    const restoreSeconds = (performance.now() - started) / 1000;
    await reader.close();
    return {
      kafka_produce_rps: Math.round(RECORDS / produceSeconds),
      kafka_restore_rps: Math.round(restored / restoreSeconds),
    };
  } finally {
    await backend
      .admin()
      .deleteTopics([topic])
      .catch(() => {});
    await backend.close();
  }
}
