// Embedded log throughput: 1,000,000 records of 100-byte values over 8 partitions, appended in
// transactional commits of 10,000 (fsync per commit, as the engine commits), then read back by a
// group consumer and by the partition reader used for state restore.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ProduceRecord, createEmbeddedBackend } from '../engine/index.ts';

const RECORDS = 1_000_000;
const BATCH = 10_000;
const PARTITIONS = 8;

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-backend-'));
  const backend = createEmbeddedBackend(dir);
  try {
    await backend.admin().createTopics([{ name: 'bench', partitions: PARTITIONS }]);
    const value = Buffer.alloc(100, 0x61);
    const keys = Array.from({ length: 10_000 }, (_, i) => Buffer.from(`customer-${i}`));
    const tx = await backend.transactionalProducer('bench-0');
    let started = performance.now();
    for (let done = 0; done < RECORDS; done += BATCH) {
      const records: ProduceRecord[] = new Array(BATCH);
      for (let i = 0; i < BATCH; i++) {
        const n = done + i;
        records[i] = {
          topic: 'bench',
          key: keys[n % keys.length],
          value,
          timestamp: 1_700_000_000_000 + n,
          headers: n % 100 === 0 ? { kind: 'marker' } : undefined,
        };
      }
      await tx.commit({ groupId: 'bench-app', records, offsets: [{ topic: 'bench', partition: 0, offset: done }] });
    }
    const appendSeconds = (performance.now() - started) / 1000;

    const consumer = await backend.groupConsumer('bench-reader');
    await consumer.subscribe(['bench'], { onAssigned: async () => {}, onRevoked: async () => {} });
    started = performance.now();
    let consumed = 0;
    while (consumed < RECORDS) consumed += (await consumer.poll(5_000, 100)).length;
    const consumeSeconds = (performance.now() - started) / 1000;
    await consumer.close();

    const reader = await backend.partitionReader();
    const ends = await backend.admin().endOffsets('bench');
    started = performance.now();
    let restored = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      for await (const batch of reader.read({ topic: 'bench', partition: p }, 0, ends[p])) restored += batch.length;
    }
    const restoreSeconds = (performance.now() - started) / 1000;
    return {
      embedded_append_rps: Math.round(RECORDS / appendSeconds),
      embedded_consume_rps: Math.round(consumed / consumeSeconds),
      embedded_restore_rps: Math.round(restored / restoreSeconds),
    };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
