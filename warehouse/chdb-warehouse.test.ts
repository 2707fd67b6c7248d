import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOPICS, avroSchemaOf, tableOf } from '../schemas/topics.ts';
import type { Statement, Transaction } from '../schemas/types.ts';
import { ChdbWarehouse } from './chdb-warehouse.ts';
import { WarehouseBusyError, WarehouseReadOnlyError } from './errors.ts';
import { loadMigrations } from './migrations.ts';
import { warehouseRowConverter } from './rows.ts';
import { clickhouseMismatches } from './testing/avsc-columns.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-wh-'));
let wh: ChdbWarehouse;

beforeAll(async () => {
  wh = await ChdbWarehouse.open(dataDir);
});
afterAll(async () => {
  await wh?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const txn = (i: number): Transaction => ({
  event_id: `evt-${i}`,
  tenant_id: 'tenant-a',
  event_time: Date.UTC(2024, 0, 1 + (i % 40), 12, 0, 0, i % 1000),
  transaction_id: `tx-${i}`,
  customer_id: `c-${i % 7}`,
  account_id: `a-${i % 7}`,
  amount_cents: 1000 + i,
  direction: i % 2 ? 'DEBIT' : 'CREDIT',
  currency: 'EUR',
  merchant: `Shop ${i}`,
  description: 'groceries',
  category: i % 3 === 0 ? null : 'food',
  channel: 'CARD',
});

describe('ChdbWarehouse', () => {
  it('applies every migration once, records it, and is idempotent', async () => {
    const names = loadMigrations().map((m) => m.name);
    expect(await wh.migrate()).toEqual(names);
    const recorded = await wh.rows<{ name: string }>('SELECT name FROM riskstream_migrations FINAL ORDER BY version');
    expect(recorded.map((r) => r.name)).toEqual(names);
  });

  it('has one table and one _latest view per topic whose columns, after every migration, are the .avsc fields', async () => {
    for (const topic of ALL_TOPICS) {
      const table = tableOf(topic);
      for (const relation of [table, `${table}_latest`]) {
        const cols = await wh.rows<{ name: string; type: string }>(`DESCRIBE TABLE ${relation}`);
        expect(clickhouseMismatches(avroSchemaOf(topic), cols, relation)).toEqual([]);
      }
    }
  });

  it('shows a row inserted twice once through FINAL and the view, with exact times and money', async () => {
    const convert = warehouseRowConverter('transactions');
    const rows = Array.from({ length: 50 }, (_, i) => convert(txn(i)));
    await wh.insert('transactions', rows);
    await wh.insert('transactions', rows.slice(0, 20)); // a redelivery
    expect(await wh.rows('SELECT count() AS n FROM transactions')).toEqual([{ n: 70 }]);
    expect(await wh.rows('SELECT count() AS n FROM transactions FINAL')).toEqual([{ n: 50 }]);
    expect(await wh.rows('SELECT count() AS n FROM transactions_latest')).toEqual([{ n: 50 }]);
    const [r7] = await wh.rows<Record<string, unknown>>(
      "SELECT toUnixTimestamp64Milli(event_time) AS t, amount_cents, category FROM transactions_latest WHERE event_id = 'evt-7'",
    );
    expect(r7).toEqual({ t: txn(7).event_time, amount_cents: 1007, category: 'food' });
    const [r3] = await wh.rows<Record<string, unknown>>("SELECT category FROM transactions_latest WHERE event_id = 'evt-3'");
    expect(r3.category).toBeNull();
  });

  it('stores statement lines as named tuples and risk_features once per (customer, window)', async () => {
    const st: Statement = {
      event_id: 's-1',
      tenant_id: 't',
      event_time: Date.UTC(2024, 1, 1),
      statement_id: 'st-1',
      customer_id: 'c-1',
      account_id: 'a-1',
      period_start: Date.UTC(2024, 0, 1),
      period_end: Date.UTC(2024, 1, 1),
      opening_balance_cents: 100,
      closing_balance_cents: -50,
      lines: [{ line_no: 1, posted_at: Date.UTC(2024, 0, 5, 1, 2, 3, 4), description: 'rent', amount_cents: 150, direction: 'DEBIT' }],
    };
    await wh.insert('statements', [warehouseRowConverter('statements')(st)]);
    expect(await wh.rows('SELECT lines.description AS d, toUnixTimestamp64Milli(lines.posted_at[1]) AS p FROM statements_latest')).toEqual([
      { d: ['rent'], p: Date.UTC(2024, 0, 5, 1, 2, 3, 4) },
    ]);

    const base = {
      event_id: 'c-1:w',
      tenant_id: 't',
      event_time: Date.UTC(2024, 1, 1),
      customer_id: 'c-1',
      window_start: Date.UTC(2024, 0, 2),
      window_end: Date.UTC(2024, 1, 1),
      txn_count: 3,
      debit_total_cents: 10,
      credit_total_cents: 0,
      max_debit_cents: 5,
      spend_food_cents: 10,
      spend_shopping_cents: 0,
      spend_transport_cents: 0,
      spend_housing_cents: 0,
      spend_health_cents: 0,
      spend_entertainment_cents: 0,
      spend_other_cents: 0,
      repayments_due: 0,
      repayments_late: 0,
      max_days_late: 0,
      dti: 0.25,
      ltv: null,
      utilization: null,
    };
    const conv = warehouseRowConverter('risk-features');
    await wh.insert('risk_features', [conv({ ...base, computed_at: 1000 })]);
    await wh.insert('risk_features', [conv({ ...base, computed_at: 2000 })]);
    expect(await wh.rows('SELECT toUnixTimestamp64Milli(computed_at) AS c, dti, ltv FROM risk_features_latest')).toEqual([
      { c: 2000, dti: 0.25, ltv: null },
    ]);
  });

  it('insertRecords (Native path) stores exactly what insert (JSON path) stores', async () => {
    const st = (id: string, i: number): Statement => ({
      event_id: id,
      tenant_id: 't',
      event_time: Date.UTC(2023, 11, 31, 23, 59, 59, 999),
      statement_id: `st-${i}`,
      customer_id: 'c-9',
      account_id: 'a',
      period_start: 0,
      period_end: 1,
      opening_balance_cents: -(2 ** 50),
      closing_balance_cents: 2 ** 52 + 1,
      lines: i ? [{ line_no: 1, posted_at: 1, description: 'ü "q"\n', amount_cents: -1, direction: 'CREDIT' }] : [],
    });
    for (const i of [0, 1]) {
      await wh.insertRecords('statements', [st(`native-${i}`, i)]);
      await wh.insert('statements', [warehouseRowConverter('statements')(st(`json-${i}`, i))]);
    }
    const rows = await wh.rows<Record<string, unknown>>(
      "SELECT * EXCEPT event_id FROM statements_latest WHERE customer_id = 'c-9' ORDER BY event_id",
    );
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual(rows[0]);
    expect(rows[3]).toEqual(rows[1]);
    expect(rows[1]).toMatchObject({
      opening_balance_cents: -(2 ** 50),
      closing_balance_cents: 2 ** 52 + 1,
      event_time: '2023-12-31 23:59:59.999',
    });

    const tx = { ...txn(999), event_id: 'native-tx' };
    await wh.insertRecords('transactions', [tx]);
    const [a, b] = await wh.rows(
      "SELECT * EXCEPT event_id FROM transactions_latest WHERE event_id IN ('native-tx', 'evt-999') ORDER BY event_id",
    );
    await wh.insert('transactions', [warehouseRowConverter('transactions')(txn(999))]);
    expect(a).toBeDefined();
    expect(await wh.rows("SELECT * EXCEPT event_id FROM transactions_latest WHERE event_id = 'evt-999'")).toEqual([a]);
    expect(b).toBeUndefined();
  });

  it('is read-only unless write is set, with a clear error', async () => {
    await expect(wh.query("INSERT INTO partner_records (event_id) VALUES ('x')", { format: 'json' })).rejects.toThrow(
      WarehouseReadOnlyError,
    );
    await expect(wh.query('DROP TABLE debtors', { format: 'json' })).rejects.toThrow(/read-only.*--write/);
    await wh.query("INSERT INTO partner_records (event_id, debtor_id) VALUES ('x', 'd')", { format: 'json', write: true });
    expect(await wh.rows('SELECT event_id, debtor_id FROM partner_records')).toEqual([{ event_id: 'x', debtor_id: 'd' }]);
  });

  it('formats results as an aligned table, JSON lines and CSV with a header', async () => {
    const sql =
      "SELECT customer_id, count() AS n, sum(amount_cents) AS total FROM transactions_latest WHERE customer_id IN ('c-1', 'c-2') GROUP BY customer_id ORDER BY customer_id";
    expect(await wh.query(sql, { format: 'json' })).toBe(
      '{"customer_id":"c-1","n":7,"total":7154}\n{"customer_id":"c-2","n":7,"total":7161}\n',
    );
    expect(await wh.query(sql, { format: 'csv' })).toBe('"customer_id","n","total"\n"c-1",7,7154\n"c-2",7,7161\n');
    expect(await wh.query(sql, { format: 'table' })).toBe(
      ['customer_id  n  total', '-----------  -  -----', 'c-1          7   7154', 'c-2          7   7161', '(2 rows)', ''].join('\n'),
    );
  });

  it('refuses a second owner of the same data dir', async () => {
    await expect(ChdbWarehouse.open(dataDir)).rejects.toThrow(/already open/);
    const { acquireOwnerLock } = await import('./owner-lock.ts');
    expect(() => acquireOwnerLock(join(dataDir, 'warehouse'))).toThrow(WarehouseBusyError);
  });
});
