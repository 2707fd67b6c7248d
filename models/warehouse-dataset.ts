// The demo's default-risk training set, from the warehouse: one row per customer, the features of
// one of its risk_features windows, labelled with the generator's ground truth
// (`<data-dir>/generated/labels.csv`, written by `generate` and `demo`).
//
// A defaulter's window is its last one that ends before the default, less a random 0-29 days
// (seeded): installments fall due every 30 days and a window ending right at a due time holds
// neither that installment (reported after it) nor, mostly, the one before (paid a little early,
// before the window starts), so cutting every defaulter there would mark defaulters by an empty
// repayment count. The others' windows end
// before the end of the book, at times matched to the defaulters': each takes its last window
// ending by a time drawn (seeded) from the defaulters' window ends. Taking the others' last windows
// instead would teach the model when in the book a window lies (loans age, installments pile up),
// not who defaults: on the demo that gave LR 0.697 / RF 0.606, led by repayments_due.
//
// The default is dated by what the warehouse shows of it: the due time of the customer's first
// missed installment (a repayment with paid_at null; the generator writes those only once a
// customer has stopped paying). The missed record itself is reported days after its due time, so a
// window ending at or before the due time cannot contain it: no feature sees the default.
import { existsSync } from 'node:fs';
import { avroSchemaOf } from '../schemas/topics.ts';
import { readCsvTable } from './csv-table.ts';
import { checkedDataset, type Dataset, type FeatureRow } from './dataset.ts';
import { Random } from './random.ts';

const DAY_MS = 86_400_000;

/** The risk_features columns used as features: its numbers, as its .avsc declares them (identifiers and times left out). */
export const WAREHOUSE_FEATURES: readonly string[] = (avroSchemaOf('risk-features') as { fields: { name: string; type: unknown }[] }).fields
  .filter((f) => isPlainNumber(f.type))
  .map((f) => f.name);

/** int, long, double or float, or a union of those with null; not a logical type such as timestamp-millis. */
function isPlainNumber(type: unknown): boolean {
  if (Array.isArray(type)) return type.filter((t) => t !== 'null').every(isPlainNumber);
  return typeof type === 'string' && ['int', 'long', 'float', 'double'].includes(type);
}

export type QueryRows = <T>(sql: string) => Promise<T[]>;

export async function readGroundTruth(labelsPath: string): Promise<Map<string, 0 | 1>> {
  if (!existsSync(labelsPath))
    throw new Error(`${labelsPath}: no ground-truth labels; run riskstream generate or demo with this data dir first`);
  const table = await readCsvTable(labelsPath);
  const id = table.header.indexOf('customer_id');
  const label = table.header.indexOf('defaulted');
  if (id < 0 || label < 0) throw new Error(`${labelsPath}: expected the columns customer_id,defaulted`);
  return new Map(table.rows.map((r) => [r[id], r[label].trim() === '1' ? 1 : 0]));
}

export async function warehouseDataset(query: QueryRows, labelsPath: string, seed: number): Promise<Dataset> {
  const labels = await readGroundTruth(labelsPath);
  const missed = await query<{ customer_id: string; first_missed: number | string }>(
    'SELECT customer_id, toUnixTimestamp64Milli(min(due_at)) AS first_missed FROM repayments FINAL WHERE paid_at IS NULL GROUP BY customer_id',
  );
  const cutoff = new Map(missed.map((m) => [m.customer_id, Number(m.first_missed)]));
  const windows = await query<{ customer_id: string; window_end: number | string }>(
    'SELECT customer_id, toUnixTimestamp64Milli(window_end) AS window_end FROM risk_features FINAL',
  );
  const ends = new Map<string, number[]>();
  for (const w of windows) {
    if (!labels.has(w.customer_id)) continue;
    const list = ends.get(w.customer_id) ?? [];
    list.push(Number(w.window_end));
    ends.set(w.customer_id, list);
  }
  const lastEndBy = (list: number[], limit: number): number | undefined => {
    let best: number | undefined;
    for (const e of list) if (e <= limit && (best === undefined || e > best)) best = e;
    return best;
  };
  const chosen = new Map<string, number>();
  const customers = [...ends.keys()].sort();
  const rng = new Random(seed);
  for (const c of customers) {
    if (labels.get(c) !== 1) continue;
    const end = lastEndBy(ends.get(c)!, (cutoff.get(c) ?? Infinity) - rng.int(0, 29) * DAY_MS);
    if (end !== undefined) chosen.set(c, end);
  }
  const defaulterEnds = [...chosen.values()].sort((a, b) => a - b);
  for (const c of customers) {
    if (labels.get(c) === 1) continue;
    const list = ends.get(c)!;
    const target = defaulterEnds.length > 0 ? defaulterEnds[Math.floor(rng.next() * defaulterEnds.length)] : Infinity;
    // A customer whose first window ends after the drawn time gives its first window.
    chosen.set(c, lastEndBy(list, target) ?? Math.min(...list));
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
