// Interactive-query latency under load: an embedded-backend app keeps a balance per account in a
// queryable SortedKeyValueStore (4 partitions) while 200,000 movements are produced in chunks;
// meanwhile a caller sends `get` queries one after another to the app's HTTP query endpoint (what
// `riskstream state get` does). A query waits for the batch being processed, so the figures
// include that wait.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createEmbeddedBackend,
  jsonSerde,
  queryEndpoint,
  sortedKeyValueStore,
  startStateQueryServer,
  StreamsApp,
  StreamsBuilder,
  type Processor,
  type ProcessorContext,
  type SortedKeyValueStore,
} from '../engine/index.ts';

const RECORDS = 200_000;
const CHUNK = 5_000;
const ACCOUNTS = 10_000;
const EPOCH = Date.UTC(2024, 0, 1);

class Balance implements Processor<string, { cents: number }, never, never> {
  private store!: SortedKeyValueStore<number>;
  init(ctx: ProcessorContext<never, never>): void {
    this.store = ctx.getStateStore('balances');
  }
  process(key: string, m: { cents: number }): void {
    this.store.put(key, (this.store.get(key) ?? 0) + m.cents);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-iq-'));
  const backend = createEmbeddedBackend(path.join(dir, 'log'));
  const serde = jsonSerde<{ cents: number }>();
  try {
    await backend.admin().createTopics([{ name: 'movements', partitions: 4 }]);
    const b = new StreamsBuilder();
    b.addStateStore(sortedKeyValueStore<number>('balances', jsonSerde<number>(), { queryable: true }));
    b.stream('movements', { valueSerde: serde }).process(() => new Balance(), 'balances');
    const app = new StreamsApp({ applicationId: 'bench-iq', topology: b.build(), backend, stateDir: path.join(dir, 'state') });
    await app.start();
    const server = await startStateQueryServer({ targets: [app] });
    const producer = await backend.producer();
    let producing = true;
    const produced = (async () => {
      for (let done = 0; done < RECORDS; done += CHUNK) {
        await producer.send(
          Array.from({ length: CHUNK }, (_, i) => ({
            topic: 'movements',
            key: Buffer.from(`acct-${(done + i) % ACCOUNTS}`),
            value: serde.serialize({ cents: 1 + ((done + i) % 7) }),
            timestamp: EPOCH + done + i,
          })),
        );
      }
      producing = false;
    })();
    const latencies: number[] = [];
    let n = 0;
    while (producing || app.progress().recordsIn < RECORDS) {
      const started = performance.now();
      await queryEndpoint(server.endpoint, 'balances', { type: 'get', key: `acct-${(n++ * 7919) % ACCOUNTS}` });
      latencies.push(performance.now() - started);
    }
    await produced;
    await producer.close();
    await server.close();
    await app.stop();
    latencies.sort((x, y) => x - y);
    return {
      iq_get_p50_ms: Number(percentile(latencies, 50).toFixed(3)),
      iq_get_p99_ms: Number(percentile(latencies, 99).toFixed(3)),
      iq_gets_under_load: latencies.length,
    };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
