// The demo's default-risk training set, from the warehouse: one row per customer, the features of
// its last risk_features window that ends before the customer's default (or, for the others and
// for defaulters whose default the book does not show, its last window), labelled with the
// generator's ground truth (`<data-dir>/generated/labels.csv`, written by `generate` and `demo`).
//
// The default is dated by what the warehouse shows of it: the due time of the customer's first
// missed installment (a repayment with paid_at null; the generator writes those only once a
// customer has stopped paying). The missed record itself is reported days after its due time, so a
// window ending at or before the due time cannot contain it: no feature sees the default.
import { existsSync } from 'node:fs';
import { readCsvTable } from './csv-table.ts';
import { checkedDataset, type Dataset, type FeatureRow } from './dataset.ts';

/** The risk_features columns used as features (identifiers and times left out). */
export const WAREHOUSE_FEATURES = [
  'txn_count',
  'debit_total_cents',
  'credit_total_cents',
  'max_debit_cents',
  'spend_food_cents',
  'spend_shopping_cents',
  'spend_transport_cents',
  'spend_housing_cents',
  'spend_health_cents',
  'spend_entertainment_cents',
  'spend_other_cents',
  'repayments_due',
  'repayments_late',
  'max_days_late',
  'dti',
  'ltv',
  'utilization',
] as const;

export type QueryRows = <T>(sql: string) => Promise<T[]>;

export async function readGroundTruth(labelsPath: string): Promise<Map<string, 0 | 1>> {
  if (!existsSync(labelsPath)) throw new Error(`${labelsPath}: no ground-truth labels; run riskstream generate or demo with this data dir first`);
  const table = await readCsvTable(labelsPath);
  const id = table.header.indexOf('customer_id');
  const label = table.header.indexOf('defaulted');
  if (id < 0 || label < 0) throw new Error(`${labelsPath}: expected the columns customer_id,defaulted`);
  return new Map(table.rows.map((r) => [r[id], r[label].trim() === '1' ? 1 : 0]));
}

export async function warehouseDataset(query: QueryRows, labelsPath: string): Promise<Dataset> {
  const labels = await readGroundTruth(labelsPath);
  const missed = await query<{ customer_id: string; first_missed: number | string }>(
    'SELECT customer_id, toUnixTimestamp64Milli(min(due_at)) AS first_missed FROM repayments FINAL WHERE paid_at IS NULL GROUP BY customer_id',
  );
  const cutoff = new Map(missed.map((m) => [m.customer_id, Number(m.first_missed)]));
  const windows = await query<{ customer_id: string; window_end: number | string }>(
    'SELECT customer_id, toUnixTimestamp64Milli(window_end) AS window_end FROM risk_features FINAL',
  );
  const chosen = new Map<string, number>();
  for (const w of windows) {
    const y = labels.get(w.customer_id);
    if (y === undefined) continue;
    const end = Number(w.window_end);
    const limit = y === 1 ? (cutoff.get(w.customer_id) ?? Infinity) : Infinity;
    if (end <= limit && end > (chosen.get(w.customer_id) ?? -Infinity)) chosen.set(w.customer_id, end);
  }
  if (chosen.size === 0) throw new Error('risk_features holds no window of a labelled customer: run the risk-features pipeline first');
  const pairs = [...chosen].map(([c, end]) => `('${c.replace(/'/g, "''")}', ${end})`).join(', ');
  const rows = await query<Record<string, unknown>>(
    `SELECT customer_id, ${WAREHOUSE_FEATURES.join(', ')} FROM risk_features FINAL WHERE (customer_id, toUnixTimestamp64Milli(window_end)) IN (${pairs}) ORDER BY customer_id`,
  );
  const data: Dataset = { features: [...WAREHOUSE_FEATURES], rows: [], labels: [] };
  for (const r of rows) {
    const row: FeatureRow = {};
    for (const f of WAREHOUSE_FEATURES) row[f] = r[f] === null || r[f] === undefined ? null : Number(r[f]);
    data.rows.push(row);
    data.labels.push(labels.get(String(r.customer_id))!);
  }
  return checkedDataset(data, 'warehouse risk_features');
}
