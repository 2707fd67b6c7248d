// Child process of embedded-crash.test.ts: commits numbered batches forever, each writing records
// to two topics plus the group offset "next batch = n + 1", until the test kills it with SIGKILL.
// Batch n's shape is a pure function of n (batchShape), so the test can tell whole from partial.
import { createEmbeddedBackend } from './embedded-backend.ts';
import type { ProduceRecord } from '../backend.ts';

export const CRASH_GROUP = 'crash-app';
export const SEQ_TOPIC = 'seq';
export const TOPIC_A = 'a';
export const TOPIC_B = 'b';

/** How many records batch n writes to topic a and to topic b, and the size of their values. */
export function batchShape(n: number): { a: number; b: number; valueBytes: number } {
  return { a: 1 + ((n * 7) % 40), b: 1 + ((n * 3) % 15), valueBytes: n % 10 === 0 ? 200_000 : 50 + (n % 300) };
}

export function recordValue(n: number, topic: string, i: number, bytes: number): Buffer {
  const head = `${n}:${topic}:${i}:`;
  return Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(0, bytes - head.length), 0x2e)]);
}

async function main(dataDir: string): Promise<void> {
  const backend = createEmbeddedBackend(dataDir, { durable: false });
  await backend.admin().createTopics([
    { name: SEQ_TOPIC, partitions: 1 },
    { name: TOPIC_A, partitions: 3 },
    { name: TOPIC_B, partitions: 2, compacted: true },
  ]);
  const committed = await backend.admin().committedOffsets(CRASH_GROUP, SEQ_TOPIC);
  let n = committed[0] ?? 0;
  const producer = await backend.transactionalProducer('crash-writer');
  process.stdout.write(`ready ${n}\n`);
  for (;;) {
    const shape = batchShape(n);
    const records: ProduceRecord[] = [];
    for (let i = 0; i < shape.a; i++)
      records.push({
        topic: TOPIC_A,
        key: Buffer.from(`k${(n + i) % 11}`),
        value: recordValue(n, TOPIC_A, i, shape.valueBytes),
        headers: { batch: String(n) },
      });
    for (let i = 0; i < shape.b; i++)
      records.push({ topic: TOPIC_B, key: Buffer.from(`k${i}`), value: recordValue(n, TOPIC_B, i, shape.valueBytes), timestamp: n });
    await producer.commit({ groupId: CRASH_GROUP, records, offsets: [{ topic: SEQ_TOPIC, partition: 0, offset: n + 1 }] });
    n++;
  }
}

if (process.argv[2] !== undefined) {
  main(process.argv[2]).catch((err: unknown) => {
    process.stderr.write(`crash-writer failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
