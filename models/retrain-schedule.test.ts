// Retraining from a small real warehouse (chDB): the training rows come from windows before each
// defaulter's first missed installment, and the cron schedule saves and promotes a new version.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalLakeStore } from '../connectors/sinks/lake-store.ts';
import type { Repayment, RiskFeatures } from '../schemas/types.ts';
import { ChdbWarehouse } from '../warehouse/chdb-warehouse.ts';
import { parseJsonEachRow } from '../warehouse/warehouse.ts';
import { listVersions, readPromoted } from './model-registry.ts';
import { Random } from './random.ts';
import { retrainAndPromote, type RetrainResult } from './retrain.ts';
import { scheduleRetraining } from './retrain-schedule.ts';
import { datasetSha256 } from './train.ts';
import { warehouseDataset, type QueryRows } from './warehouse-dataset.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'models-wh-'));
const labelsPath = join(dir, 'labels.csv');
let wh: ChdbWarehouse;
let query: QueryRows;

function window(customer: string, endDay: number, late: number, dti: number | null): RiskFeatures {
  return {
    event_id: `${customer}-${endDay}`,
    tenant_id: 't',
    event_time: endDay * DAY,
    customer_id: customer,
    window_start: (endDay - 30) * DAY,
    window_end: endDay * DAY,
    txn_count: 10,
    debit_total_cents: 1000,
    credit_total_cents: 2000,
    max_debit_cents: 300,
    spend_food_cents: 100,
    spend_shopping_cents: 0,
    spend_transport_cents: 0,
    spend_housing_cents: 500,
    spend_health_cents: 0,
    spend_entertainment_cents: 0,
    spend_other_cents: 400,
    repayments_due: 1,
    repayments_late: late,
    max_days_late: late * 3,
    dti,
    ltv: null,
    utilization: 0.5,
    computed_at: 0,
  };
}

beforeAll(async () => {
  wh = await ChdbWarehouse.open(join(dir, 'data'));
  query = async <T>(sql: string) => parseJsonEachRow<T>(await wh.query(sql, { format: 'json' }));
  const rng = new Random(9);
  const features: RiskFeatures[] = [];
  const repayments: Repayment[] = [];
  let labels = 'customer_id,defaulted\n';
  for (let i = 0; i < 90; i++) {
    const c = `c${i}`;
    const defaulted = rng.chance(0.35);
    labels += `${c},${defaulted ? 1 : 0}\n`;
    const late = defaulted ? (rng.chance(0.7) ? 1 : 0) : rng.chance(0.2) ? 1 : 0;
    const dti = i % 11 === 0 ? null : (defaulted ? 0.4 : 0.25) + rng.next() * 0.3;
    features.push(...[10, 20, 30, 40].map((day) => window(c, day, late, dti)));
    // After the default: a window that shows it (99 late) and must never be trained on.
    features.push(window(c, 70, defaulted ? 99 : late, dti));
    if (defaulted) {
      repayments.push({
        event_id: `r-${c}`,
        tenant_id: 't',
        event_time: 45 * DAY,
        loan_id: `l-${c}`,
        customer_id: c,
        installment_no: 2,
        due_at: 41 * DAY,
        paid_at: null,
        amount_due_cents: 100,
        amount_paid_cents: 0,
      });
    }
  }
  writeFileSync(labelsPath, labels);
  await wh.insertRecords('risk-features', features);
  await wh.insertRecords('repayments', repayments);
});
afterAll(async () => {
  await wh?.close();
});

it("takes a window before each defaulter's first missed installment", async () => {
  const data = await warehouseDataset(query, labelsPath, 1);
  expect(data.rows).toHaveLength(90);
  expect(data.rows.every((r) => r.repayments_late !== 99)).toBe(true);
  expect(data.labels.filter((y) => y === 1).length).toBeGreaterThan(15);
  expect(data.rows.filter((r) => r.dti === null).length).toBe(9);
});

it('retrains on a cron schedule and promotes the new version', async () => {
  const store = new LocalLakeStore(join(dir, 'store'));
  const data = await warehouseDataset(query, labelsPath, 1);
  const results: RetrainResult[] = [];
  let done!: () => void;
  const twoRounds = new Promise<void>((resolve) => (done = resolve));
  const job = scheduleRetraining(
    '*/2 * * * * *',
    async () => {
      results.push(
        await retrainAndPromote(
          store,
          { data, source: 'warehouse', sha256: datasetSha256(data) },
          { name: 'default-risk', folds: 3, seed: 1, trees: 10 },
        ),
      );
      if (results.length === 2) done();
    },
    (err) => {
      throw err;
    },
  );
  await twoRounds;
  await job.stop();
  expect(await listVersions(store, 'default-risk')).toEqual([1, 2]);
  // Same data, same seed: the second round is exactly as good, so it is promoted too.
  expect(results.map((r) => r.promoted)).toEqual([true, true]);
  expect((await readPromoted(store, 'default-risk'))?.version).toBe(2);
  expect(results[0].metadata.metrics.lr.auc).toBeGreaterThan(0.6);
});
