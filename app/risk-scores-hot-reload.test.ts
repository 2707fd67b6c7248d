// A running risk-scores pipeline picks up a newly promoted model version without a restart: the
// records before the promotion name v1, those after it v2, and the swap comes within 10 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readTopic } from '../engine/index.ts';
import type { Dataset } from '../models/dataset.ts';
import { promoteModel } from '../models/model-loader.ts';
import { trainAndSave } from '../models/retrain.ts';
import type { RiskFeatures } from '../schemas/types.ts';
import { PIPELINES } from './catalog.ts';
import { openEnvironment, type Environment } from './environment.ts';
import { openModelStore } from './model-store.ts';
import { startPipelines } from './run-pipelines.ts';
import { resolveSettings } from './settings.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);
let dir: string;
let env: Environment | undefined;

afterEach(async () => {
  await env?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function features(i: number): RiskFeatures {
  const start = T0 + i * DAY;
  return {
    event_id: `c${i}:${start}`,
    tenant_id: 't',
    event_time: start + 30 * DAY,
    customer_id: `c${i}`,
    window_start: start,
    window_end: start + 30 * DAY,
    txn_count: 5,
    debit_total_cents: 1000,
    credit_total_cents: 2000,
    max_debit_cents: 300,
    spend_food_cents: 0,
    spend_shopping_cents: 0,
    spend_transport_cents: 0,
    spend_housing_cents: 0,
    spend_health_cents: 0,
    spend_entertainment_cents: 0,
    spend_other_cents: 0,
    repayments_due: 2,
    repayments_late: i % 5,
    max_days_late: 0,
    dti: 0.1 * (i % 7),
    ltv: null,
    utilization: null,
    computed_at: 0,
  };
}

/** Late repayments and dti, labelled by a noisy rule: enough signal for both models to train. */
function trainingSet(): Dataset {
  const rows = Array.from({ length: 60 }, (_, i) => ({ repayments_late: i % 5, dti: 0.1 * (i % 7) }));
  return { features: ['repayments_late', 'dti'], rows, labels: rows.map((r, i) => (r.repayments_late >= 3 !== (i % 11 === 0) ? 1 : 0)) };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a running risk-scores pipeline scores with a newly promoted version within 10 s, naming it', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hot-reload-'));
  const settings = resolveSettings({ dataDir: dir, backend: 'embedded', logLevel: 'warn' });
  env = await openEnvironment(settings);
  const store = openModelStore(settings);
  const data = { data: trainingSet(), source: 'test', sha256: 'test' };
  for (let v = 1; v <= 2; v++) await trainAndSave(store, data, { name: 'default-risk', folds: 3, seed: v, trees: 5 });
  await promoteModel(store, 'default-risk', 1, 'lr');

  await env.serde.prepare(['risk-features', 'risk-scores']);
  await env.backend.admin().createTopics([{ name: 'risk-features', partitions: 1 }]);
  const producer = await env.backend.producer();
  const produce = (i: number) =>
    producer.send([
      {
        topic: 'risk-features',
        key: Buffer.from(`c${i}`),
        value: env!.serde.encode('risk-features', features(i)),
        timestamp: features(i).event_time,
      },
    ]);
  // In the order the windows were produced (c<i>): the output topic has several partitions.
  const scores = async () =>
    (await readTopic(env!.backend, 'risk-scores').catch(() => []))
      .map((r) => env!.serde.decode('risk-scores', r.value))
      .sort((a, b) => Number(a.customer_id.slice(1)) - Number(b.customer_id.slice(1)));

  const running = await startPipelines(env, { pipelines: [PIPELINES['risk-scores']], withSinks: false });
  try {
    for (let i = 0; i < 3; i++) await produce(i);
    await until('3 scores', 30_000, async () => ((await scores()).length === 3 ? true : undefined));
    expect((await scores()).map((s) => s.model_version)).toEqual([1, 1, 1]);

    await promoteModel(store, 'default-risk', 2, 'rf');
    const promotedAt = Date.now();
    let i = 3;
    await until('a record scored by v2', 10_000, async () => {
      await produce(i++);
      await until(`score ${i}`, 10_000, async () => ((await scores()).length === i ? true : undefined));
      return (await scores()).find((s) => s.customer_id === `c${i - 1}`)!.model_version === 2 ? true : undefined;
    });
    expect(Date.now() - promotedAt).toBeLessThan(10_000);
    for (const n of [0, 1]) await produce(i + n);
    const all = await until('the last two scores', 30_000, async () => {
      const s = await scores();
      return s.length === i + 2 ? s : undefined;
    });
    const versions = all.map((s) => s.model_version);
    // v1 until the swap, v2 from then on, never back.
    expect(versions.slice(0, 3)).toEqual([1, 1, 1]);
    expect(versions.slice(versions.indexOf(2))).toEqual(versions.slice(versions.indexOf(2)).map(() => 2));
    expect(all.every((s) => s.default_probability >= 0 && s.default_probability <= 1 && s.model_name === 'default-risk')).toBe(true);
  } finally {
    await producer.close();
    await running.stop();
    await store.close();
  }
});
