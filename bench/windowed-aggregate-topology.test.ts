// The bench's plain windowed aggregation computes what it claims: its results equal a brute-force
// recomputation from the input as stored per partition, so its throughput figures measure real work.
// On the embedded log only: the topology reads the fixed input topic names of the bench, which tests
// on the shared broker must not use; the engine's windows are tested on both backends in
// engine/windows/window-aggregation.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { StreamsApp, createEmbeddedBackend, readTopic } from '../engine/index.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { RAW_TOPICS } from './kafkajs-raw-consumer.ts';
import { DENSE, events, load } from './runtime.ts';
import { WINDOW_TOTALS_TOPIC, windowTotalsSerde, windowedAggregateTopology, type WindowTotals } from './windowed-aggregate-topology.ts';

const DAY = 86_400_000;
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('window totals equal a brute-force recomputation of the closed windows', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-windows-'));
  const registry = new FileSchemaRegistry(path.join(dir, 'registry'));
  const serde = new AvroSerde(registry);
  await serde.prepare([...RAW_TOPICS]);
  const backend = createEmbeddedBackend(path.join(dir, 'log'));
  try {
    await load(backend, events(serde, 3000, '', DENSE), '');
    const app = new StreamsApp({
      applicationId: 'bench-windows',
      topology: windowedAggregateTopology(serde, registry),
      backend,
      stateDir: path.join(dir, 'state'),
    });
    await app.runUntilIdle();
    await app.stop();

    // Per partition: stream time ends at the newest event; windows with end + grace <= it closed.
    const byPartition = new Map<number, { key: string; ts: number; kind: 'debit' | 'credit' | 'application'; cents: number }[]>();
    for (const topic of RAW_TOPICS) {
      for (const r of await readTopic(backend, topic)) {
        const v = serde.decode(topic, r.value) as unknown as Record<string, unknown>;
        const kind =
          topic === 'loan-applications' ? 'application' : topic === 'repayments' || v.direction === 'CREDIT' ? 'credit' : 'debit';
        const cents = topic === 'repayments' ? ((v.amount_paid_cents as number | null) ?? 0) : (v.amount_cents as number);
        const list = byPartition.get(r.partition) ?? [];
        list.push({ key: r.key!.toString(), ts: r.timestamp, kind, cents });
        byPartition.set(r.partition, list);
      }
    }
    const expected = new Map<string, WindowTotals>();
    for (const records of byPartition.values()) {
      const streamTime = Math.max(...records.map((r) => r.ts));
      for (const r of records) {
        const newest = Math.floor(r.ts / DAY);
        for (let j = newest - 29; j <= newest; j++) {
          const start = j * DAY;
          if (start + 31 * DAY > streamTime) continue;
          const id = `${r.key}@${start}`;
          const w = expected.get(id) ?? {
            customer_id: r.key,
            window_start: start,
            window_end: start + 30 * DAY,
            events: 0,
            debit_cents: 0,
            credit_cents: 0,
            max_debit_cents: 0,
            applications: 0,
          };
          w.events++;
          if (r.kind === 'debit') {
            w.debit_cents += r.cents;
            w.max_debit_cents = Math.max(w.max_debit_cents, r.cents);
          } else if (r.kind === 'credit') w.credit_cents += r.cents;
          else w.applications++;
          expected.set(id, w);
        }
      }
    }
    const decode = windowTotalsSerde(registry);
    const actual = (await readTopic(backend, WINDOW_TOTALS_TOPIC)).map((r) => decode.deserialize(r.value));
    const sorted = (ws: WindowTotals[]): WindowTotals[] =>
      [...ws].map((w) => ({ ...w })).sort((a, b) => a.customer_id.localeCompare(b.customer_id) || a.window_start - b.window_start);
    expect(actual.length).toBeGreaterThan(500);
    expect(sorted(actual)).toEqual(sorted([...expected.values()]));
    expect(await readTopic(backend, `${WINDOW_TOTALS_TOPIC}.late`).catch(() => [])).toEqual([]);
  } finally {
    await backend.close();
  }
});
