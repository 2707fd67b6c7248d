// The risk_features table against an independent recomputation in SQL over the raw warehouse tables.
// The SQL below is the specification; it shares no code with the pipeline.
//
// Lateness depends on the order a task processes records, which the contract fixes: within a task
// (one partition of each input), records go in event-time order of the partitions' heads. The test
// replays that order over the log to find each record's stream time before it was processed
// ("st_before") and hands it to SQL; everything else (windows, sums, categories, the as-of join,
// ratios) is computed in SQL alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateInto } from '../../cli/commands/generate.ts';
import { pipelinesNamed } from '../../app/catalog.ts';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { startPipelines } from '../../app/run-pipelines.ts';
import { type LogRecord, setLogLevel } from '../../engine/index.ts';
import { resolveSettings } from '../../app/settings.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';

const INPUTS = ['transactions', 'repayments', 'loan-applications'] as const;
const DAY = 86_400_000;

type Row = Record<string, number | string | null>;

let dir: string;
let env: Environment;
let warehouse: Warehouse;
let stop: () => Promise<void>;

beforeAll(async () => {
  setLogLevel('warn');
  dir = mkdtempSync(join(tmpdir(), 'rs-features-sql-'));
  env = await openEnvironment(resolveSettings({ dataDir: dir, backend: 'embedded', logLevel: 'warn' }, {}));
  await generateInto(env, { events: 12_000, seed: 7 });
  const running = await startPipelines(env, { pipelines: pipelinesNamed(['risk-features']) });
  stop = running.stop;
  await running.untilIdle();
  warehouse = running.warehouse!;
  await warehouse.query('CREATE TABLE t_order (event_id String, task UInt32, offset_in_task UInt64, st_before Int64) ENGINE = Memory', {
    format: 'csv',
    write: true,
  });
  await warehouse.query('CREATE TABLE t_task (task UInt32, stream_time Int64) ENGINE = Memory', { format: 'csv', write: true });
  const { order, finalStreamTime } = await processingOrder(env);
  await warehouse.insert('t_order', order);
  await warehouse.insert(
    't_task',
    [...finalStreamTime].map(([task, stream_time]) => ({ task, stream_time })),
  );
}, 180_000);

afterAll(async () => {
  await stop?.();
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every record of the three inputs, with its task and the stream time the task had before it. */
async function processingOrder(e: Environment): Promise<{ order: Row[]; finalStreamTime: Map<number, number> }> {
  const admin = e.backend.admin();
  const reader = await e.backend.partitionReader();
  await e.serde.prepare([...INPUTS]);
  const partitions = (await admin.partitionCount('transactions'))!;
  const order: Row[] = [];
  const finalStreamTime = new Map<number, number>();
  for (let task = 0; task < partitions; task++) {
    const queues: { topic: (typeof INPUTS)[number]; records: LogRecord[]; next: number }[] = [];
    for (const topic of INPUTS) {
      const end = (await admin.endOffsets(topic))[task];
      const records: LogRecord[] = [];
      for await (const batch of reader.read({ topic, partition: task }, 0, end)) records.push(...batch);
      queues.push({ topic, records, next: 0 });
    }
    let streamTime = -Infinity;
    let n = 0;
    for (;;) {
      let pick: (typeof queues)[number] | undefined;
      for (const q of queues) {
        if (q.next >= q.records.length) continue;
        if (!pick || q.records[q.next].timestamp < pick.records[pick.next].timestamp) pick = q;
      }
      if (!pick) break;
      const r = pick.records[pick.next++];
      const value = (await e.serde.decodeAsync(pick.topic, r.value)) as { event_id: string; event_time: number };
      order.push({ event_id: value.event_id, task, offset_in_task: n++, st_before: Number.isFinite(streamTime) ? streamTime : -1 });
      streamTime = Math.max(streamTime, value.event_time);
    }
    finalStreamTime.set(task, streamTime);
  }
  await reader.close();
  await admin.close();
  return { order, finalStreamTime };
}

// Each transaction or repayment lands in every window [s, s + 30 d) holding it that was still open
// (s + 31 d > the task's stream time) when it was processed.
const EXPECTED_SQL = `
WITH
  activity AS (
    SELECT customer_id, tenant_id, toUnixTimestamp64Milli(event_time) AS t, event_id,
           1 AS is_txn, amount_cents, toString(direction) AS direction, coalesce(toString(category), '') AS category,
           0 AS is_rep, toInt64(0) AS due, CAST(NULL AS Nullable(Int64)) AS paid
    FROM transactions FINAL
    UNION ALL
    SELECT customer_id, tenant_id, toUnixTimestamp64Milli(event_time), event_id,
           0, toInt64(0), 'CREDIT', '',
           1, toUnixTimestamp64Milli(due_at), toUnixTimestamp64Milli(paid_at)
    FROM repayments FINAL
  ),
  placed AS (
    SELECT a.*, o.task, (intDiv(a.t, ${DAY}) - k) * ${DAY} AS ws
    FROM activity a
    INNER JOIN t_order o ON o.event_id = a.event_id
    ARRAY JOIN range(30) AS k
    WHERE ws + ${31 * DAY} > o.st_before
  ),
  windows AS (
    SELECT customer_id, any(task) AS task, min(tenant_id) AS tenant_id, ws AS window_start, ws + ${30 * DAY} AS window_end,
      toInt64(sum(is_txn)) AS txn_count,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT')) AS debit_total_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'CREDIT')) AS credit_total_cents,
      toInt64(maxIf(amount_cents, is_txn = 1 AND direction = 'DEBIT')) AS max_debit_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category = 'food')) AS spend_food_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category = 'shopping')) AS spend_shopping_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category = 'transport')) AS spend_transport_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category = 'housing')) AS spend_housing_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category = 'health')) AS spend_health_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category = 'entertainment')) AS spend_entertainment_cents,
      toInt64(sumIf(amount_cents, is_txn = 1 AND direction = 'DEBIT' AND category NOT IN ('food','shopping','transport','housing','health','entertainment'))) AS spend_other_cents,
      toInt64(sum(is_rep)) AS repayments_due,
      toInt64(countIf(is_rep = 1 AND (paid IS NULL OR paid > due))) AS repayments_late,
      toInt64(greatest(0, maxIf(intDiv(coalesce(paid, t) - due, ${DAY}), is_rep = 1 AND (paid IS NULL OR paid > due)))) AS max_days_late
    FROM placed
    GROUP BY customer_id, ws
  ),
  closed AS (
    SELECT w.* FROM windows w INNER JOIN t_task tt ON tt.task = w.task
    WHERE w.window_end + ${DAY} <= tt.stream_time
  ),
  apps AS (
    SELECT la.customer_id AS customer_id, toUnixTimestamp64Milli(la.event_time) AS at, o.offset_in_task AS seq, o.st_before AS st_before,
      la.amount_cents AS amount, la.term_months AS term, la.annual_rate_bps / 10000 / 12 AS r,
      la.collateral_value_cents AS collateral, la.annual_income_cents AS income,
      la.monthly_debt_payments_cents AS debts, la.credit_limit_cents AS climit, la.credit_balance_cents AS balance
    FROM loan_applications la FINAL
    INNER JOIN t_order o ON o.event_id = la.event_id
  ),
  -- The application in force for a window: the latest with event_time < window_end, the last to
  -- arrive among equal times, and processed before the window closed.
  chosen AS (
    SELECT c.customer_id AS customer_id, c.window_start AS window_start,
      argMax(tuple(a.amount, a.term, a.r, a.collateral, a.income, a.debts, a.climit, a.balance), tuple(a.at, a.seq)) AS app
    FROM closed c INNER JOIN apps a ON a.customer_id = c.customer_id
    WHERE a.at < c.window_end AND a.st_before < c.window_end + ${DAY}
    GROUP BY c.customer_id, c.window_start
  )
SELECT c.customer_id AS customer_id, c.tenant_id AS tenant_id, c.window_start AS window_start, c.window_end AS window_end,
  c.txn_count AS txn_count, c.debit_total_cents AS debit_total_cents, c.credit_total_cents AS credit_total_cents,
  c.max_debit_cents AS max_debit_cents, c.spend_food_cents AS spend_food_cents, c.spend_shopping_cents AS spend_shopping_cents,
  c.spend_transport_cents AS spend_transport_cents, c.spend_housing_cents AS spend_housing_cents, c.spend_health_cents AS spend_health_cents,
  c.spend_entertainment_cents AS spend_entertainment_cents, c.spend_other_cents AS spend_other_cents,
  c.repayments_due AS repayments_due, c.repayments_late AS repayments_late, c.max_days_late AS max_days_late,
  if(ch.customer_id = '' OR app.5 = 0 OR app.2 = 0, NULL,
     (app.6 + if(app.3 = 0, app.1 / app.2, app.1 * app.3 / (1 - pow(1 + app.3, -app.2)))) / (app.5 / 12)) AS dti,
  if(ch.customer_id = '' OR app.4 IS NULL OR app.4 = 0, NULL, app.1 / app.4) AS ltv,
  if(ch.customer_id = '' OR app.7 = 0, NULL, app.8 / app.7) AS utilization
FROM closed c LEFT JOIN chosen ch ON ch.customer_id = c.customer_id AND ch.window_start = c.window_start
SETTINGS join_use_nulls = 0
`;

const ACTUAL_SQL = `
SELECT customer_id, tenant_id, toUnixTimestamp64Milli(window_start) AS window_start, toUnixTimestamp64Milli(window_end) AS window_end,
  txn_count, debit_total_cents, credit_total_cents, max_debit_cents, spend_food_cents, spend_shopping_cents, spend_transport_cents,
  spend_housing_cents, spend_health_cents, spend_entertainment_cents, spend_other_cents, repayments_due, repayments_late, max_days_late,
  dti, ltv, utilization
FROM risk_features FINAL`;

function keyed(rows: Row[]): Map<string, Row> {
  return new Map(rows.map((r) => [`${r.customer_id}@${Number(r.window_start)}`, r]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a);
    const y = Number(b);
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return a === b;
}

describe('risk_features equals an independent SQL recomputation', () => {
  it('the generated data covers the edge cases', async () => {
    const [c] = await warehouse.rows<Record<string, number>>(`
      SELECT
        (SELECT countIf(toUnixTimestamp64Milli(event_time) % ${DAY} = 0) FROM transactions FINAL) +
        (SELECT countIf(toUnixTimestamp64Milli(event_time) % ${DAY} = 0) FROM repayments FINAL) AS on_day_boundary,
        (SELECT count() FROM t_order o INNER JOIN (SELECT event_id, toUnixTimestamp64Milli(event_time) AS t FROM transactions FINAL) x ON x.event_id = o.event_id WHERE o.st_before > x.t) AS out_of_order,
        (SELECT count() FROM (SELECT customer_id FROM loan_applications FINAL GROUP BY customer_id HAVING count() > 1)) AS several_applications,
        (SELECT countIf(collateral_value_cents IS NULL) FROM loan_applications FINAL) AS unsecured,
        (SELECT countIf(credit_limit_cents = 0) FROM loan_applications FINAL) AS zero_limits,
        (SELECT countIf(annual_income_cents = 0) FROM loan_applications FINAL) AS zero_incomes`);
    for (const [name, n] of Object.entries(c)) expect(Number(n), name).toBeGreaterThan(0);
    const admin = env.backend.admin();
    const late = (await admin.endOffsets('risk-features.late')).reduce((a, b) => a + b, 0);
    await admin.close();
    expect(late).toBeGreaterThan(0);
  });

  it('every closed window, every field', async () => {
    const expected = keyed(await warehouse.rows<Row>(EXPECTED_SQL));
    const actual = keyed(await warehouse.rows<Row>(ACTUAL_SQL));
    expect(expected.size).toBeGreaterThan(1000);
    const missing = [...expected.keys()].filter((k) => !actual.has(k));
    const extra = [...actual.keys()].filter((k) => !expected.has(k));
    expect(missing.slice(0, 5), `${missing.length} windows missing`).toEqual([]);
    expect(extra.slice(0, 5), `${extra.length} windows not expected`).toEqual([]);
    const differences: string[] = [];
    for (const [key, want] of expected) {
      const got = actual.get(key)!;
      for (const field of Object.keys(want)) {
        if (!sameValue(got[field], want[field])) differences.push(`${key}.${field}: got ${got[field]}, want ${want[field]}`);
      }
    }
    expect(differences.slice(0, 10), `${differences.length} differing fields`).toEqual([]);
    // The nullable ratios take every branch: present, and null for each reason.
    const values = [...actual.values()];
    expect(values.some((r) => r.dti !== null) && values.some((r) => r.dti === null)).toBe(true);
    expect(values.some((r) => r.ltv !== null) && values.some((r) => r.ltv === null)).toBe(true);
    expect(values.some((r) => r.utilization !== null) && values.some((r) => r.utilization === null)).toBe(true);
  });
});
