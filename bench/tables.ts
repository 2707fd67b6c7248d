// Table updates per second: builder.table -> mapValues -> toStream -> topic on the embedded backend,
// exactly-once, one stream thread. Every input record is an update of one of KEYS keys (a tenth of
// them tombstones), so the figure covers the table's store, its Change records and the sink.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createEmbeddedBackend, jsonSerde, StreamsApp, StreamsBuilder, type ProduceRecord } from '../engine/index.ts';
import { timeUntilIdle } from './timed-run.ts';

const UPDATES = Number(process.env.BENCH_TABLE_UPDATES ?? 300_000);
const KEYS = 30_000;
const PARTITIONS = 4;
const EPOCH = Date.UTC(2024, 0, 1);

interface Balance {
  partner: string;
  balance_cents: number;
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-tables-'));
  const backend = createEmbeddedBackend(path.join(dir, 'log'));
  try {
    const serde = jsonSerde<Balance>();
    await backend.admin().createTopics([
      { name: 'balances', partitions: PARTITIONS },
      { name: 'balances-out', partitions: PARTITIONS },
    ]);
    const producer = await backend.producer();
    for (let i = 0; i < UPDATES; i += 50_000) {
      const batch: ProduceRecord[] = [];
      for (let n = i; n < Math.min(i + 50_000, UPDATES); n++) {
        const value = n % 10 === 9 ? null : serde.serialize({ partner: `p${n % 97}`, balance_cents: n });
        batch.push({ topic: 'balances', key: Buffer.from(`debtor-${(n * 7919) % KEYS}`), value, timestamp: EPOCH + n });
      }
      await producer.send(batch);
    }
    await producer.close();

    const b = new StreamsBuilder();
    b.table('balances', { valueSerde: serde })
      .mapValues((v) => v.balance_cents)
      .toStream()
      .to('balances-out', { valueSerde: jsonSerde<number>() });
    const app = new StreamsApp({
      applicationId: 'bench-tables',
      topology: b.build(),
      backend,
      stateDir: path.join(dir, 'state'),
      logger: pino({ level: 'warn' }),
    });
    const { seconds } = await timeUntilIdle(app, UPDATES);
    await app.stop();
    return { table_updates_per_s: Math.round(UPDATES / seconds) };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
