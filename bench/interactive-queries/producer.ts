// The producer process of the interactive-query bench: argv[3] movements over 10,000 accounts, in
// sends of argv[4] records, to the embedded log at argv[2], as fast as the log takes them.
import path from 'node:path';
import { createEmbeddedBackend, jsonSerde } from '../../engine/index.ts';
import { MOVEMENTS, type Movement } from './balances.ts';
import type { ProducerMessage } from './messages.ts';

const [dir, records, chunk] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const ACCOUNTS = 10_000;
const EPOCH = Date.UTC(2024, 0, 1);
const serde = jsonSerde<Movement>();
const backend = createEmbeddedBackend(path.join(dir, 'log'));
const producer = await backend.producer();
for (let done = 0; done < records; done += chunk) {
  await producer.send(
    Array.from({ length: Math.min(chunk, records - done) }, (_, i) => ({
      topic: MOVEMENTS,
      key: Buffer.from(`acct-${String((done + i) % ACCOUNTS).padStart(5, '0')}`),
      value: serde.serialize({ cents: 1 + ((done + i) % 7) }),
      timestamp: EPOCH + done + i,
    })),
  );
}
await producer.close();
await backend.close();
process.send!({ type: 'produced' } satisfies ProducerMessage);
process.disconnect();
