// Scoring throughput of the risk-scores pipeline on the embedded log: risk-features windows in,
// scored records out, exactly-once, with a logistic regression and a 100-tree random forest
// trained on the seventeen risk-features numbers (BENCH_SCORE_EVENTS windows, default 100,000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { LocalLakeStore } from '../connectors/sinks/lake-store.ts';
import { createEmbeddedBackend, StreamsApp, type Backend } from '../engine/index.ts';
import type { Dataset } from '../models/dataset.ts';
import type { Algo } from '../models/evaluate.ts';
import { loadModel } from '../models/model-loader.ts';
import { Random } from '../models/random.ts';
import { trainAndSave } from '../models/retrain.ts';
import { WAREHOUSE_FEATURES } from '../models/warehouse-dataset.ts';
import { DEFAULT_RISK_MODEL, riskScoresTopology } from '../pipelines/risk-scores/topology.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { RiskFeatures } from '../schemas/types.ts';
import { timeUntilIdle } from './timed-run.ts';

const EVENTS = Number(process.env.BENCH_SCORE_EVENTS ?? 100_000);
const DAY = 86_400_000;

function windowOf(i: number, random: Random): RiskFeatures {
  const start = Date.UTC(2024, 0, 1) + (i % 300) * DAY;
  const cents = () => Math.floor(random.next() * 200_000);
  return {
    event_id: `c${i % 5000}:${start}`,
    tenant_id: 't',
    event_time: start + 30 * DAY,
    customer_id: `c${i % 5000}`,
    window_start: start,
    window_end: start + 30 * DAY,
    txn_count: Math.floor(random.next() * 40),
    debit_total_cents: cents(),
    credit_total_cents: cents(),
    max_debit_cents: cents(),
    spend_food_cents: cents(),
    spend_shopping_cents: cents(),
    spend_transport_cents: cents(),
    spend_housing_cents: cents(),
    spend_health_cents: cents(),
    spend_entertainment_cents: cents(),
    spend_other_cents: cents(),
    repayments_due: Math.floor(random.next() * 3),
    repayments_late: Math.floor(random.next() * 3),
    max_days_late: Math.floor(random.next() * 40),
    dti: random.next(),
    ltv: random.next() < 0.5 ? null : random.next(),
    utilization: random.next(),
    computed_at: 0,
  };
}

function trainingSet(random: Random): Dataset {
  const rows = Array.from({ length: 600 }, (_, i) => windowOf(i, random) as unknown as Record<string, number | null>);
  return {
    features: [...WAREHOUSE_FEATURES],
    rows,
    labels: rows.map((r) => (Number(r.repayments_late) + Number(r.dti) + random.next() > 2 ? 1 : 0)),
  };
}

async function scoreRun(dir: string, avro: AvroSerde, store: LocalLakeStore, algo: Algo): Promise<number> {
  const backend: Backend = createEmbeddedBackend(path.join(dir, `log-${algo}`));
  try {
    await backend.admin().createTopics([{ name: 'risk-features', partitions: 4 }]);
    const producer = await backend.producer();
    const random = new Random(7);
    for (let i = 0; i < EVENTS; i += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, EVENTS - i) }, (_, k) => windowOf(i + k, random));
      await producer.send(
        batch.map((w) => ({
          topic: 'risk-features',
          key: Buffer.from(w.customer_id),
          value: avro.encode('risk-features', w),
          timestamp: w.event_time,
        })),
      );
    }
    await producer.close();
    const scorer = await loadModel(store, DEFAULT_RISK_MODEL, 1, algo);
    const models = new Map([[DEFAULT_RISK_MODEL, { current: () => scorer }]]);
    const app = new StreamsApp({
      applicationId: `bench-scores-${algo}`,
      topology: riskScoresTopology(avro, { models }),
      backend,
      stateDir: path.join(dir, `state-${algo}`),
      logger: pino({ level: 'warn' }),
    });
    const { seconds } = await timeUntilIdle(app, EVENTS);
    await app.stop();
    return Math.round(EVENTS / seconds);
  } finally {
    await backend.close();
  }
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scores-'));
  try {
    const avro = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    await avro.prepare(['risk-features']);
    const store = new LocalLakeStore(dir);
    await trainAndSave(
      store,
      { data: trainingSet(new Random(3)), source: 'bench', sha256: 'bench' },
      { name: DEFAULT_RISK_MODEL, folds: 3, seed: 42 },
    );
    return {
      risk_scores_lr_embedded_eps: await scoreRun(dir, avro, store, 'lr'),
      risk_scores_rf_embedded_eps: await scoreRun(dir, avro, store, 'rf'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
