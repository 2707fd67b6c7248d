// The ClickHouse-server path of the warehouse, over real HTTP. CLICKHOUSE_URL points at Debian's
// clickhouse-server 18.16, too old for DateTime64 and for our migrations, so this test creates its
// own table in 18.16-compatible SQL and exercises what the server path adds over chDB: batched HTTP
// inserts, retries while the server is unreachable, dedup through FINAL, read-only queries.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseReadOnlyError } from './errors.ts';
import { ServerWarehouse } from './server-warehouse.ts';
import { requireEnv, TcpProxy } from './testing/tcp-proxy.ts';

const table = `wh_test_${randomUUID().slice(0, 8)}`;
let url: string;
let proxy: TcpProxy;
let wh: ServerWarehouse;

beforeAll(async () => {
  url = requireEnv('CLICKHOUSE_URL');
  proxy = await TcpProxy.start(url);
  wh = new ServerWarehouse({
    url: proxy.url(url),
    username: process.env.CLICKHOUSE_USER,
    password: process.env.CLICKHOUSE_PASSWORD,
    autoMigrate: false,
    insertBatchRows: 7,
    retry: { initialDelayMs: 50, maxDelayMs: 300, maxElapsedMs: 20_000 },
  });
  await wh.query(
    `CREATE TABLE ${table} (event_id String, customer_id String, amount_cents Int64, event_time DateTime) ENGINE = ReplacingMergeTree() ORDER BY (customer_id, event_id)`,
    { format: 'json', write: true },
  );
});

afterAll(async () => {
  await proxy?.up();
  await wh?.query(`DROP TABLE IF EXISTS ${table}`, { format: 'json', write: true }).catch(() => undefined);
  await wh?.close();
  await proxy?.down();
});

const row = (i: number) => ({
  event_id: `e-${i}`,
  customer_id: `c-${i % 3}`,
  amount_cents: 2 ** 40 + i,
  event_time: '2024-01-02 03:04:05',
});

describe('ServerWarehouse (ClickHouse over HTTP)', () => {
  it('inserts in batches and shows a redelivered row once through FINAL', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(i));
    await wh.insert(table, rows);
    await wh.insert(table, rows.slice(0, 10));
    expect(await wh.rows(`SELECT count() AS n, sum(amount_cents) AS s FROM ${table} FINAL`)).toEqual([{ n: 30, s: 30 * 2 ** 40 + 435 }]);
  });

  it('keeps retrying an insert while the server is unreachable and succeeds once it is back', async () => {
    await proxy.down();
    const rows = Array.from({ length: 20 }, (_, i) => row(100 + i));
    const pending = wh.insert(table, rows);
    await new Promise((r) => setTimeout(r, 1_500));
    await proxy.up();
    await pending;
    expect(await wh.rows(`SELECT count() AS n FROM ${table} FINAL WHERE event_id LIKE 'e-1__'`)).toEqual([{ n: 20 }]);
  });

  it('fails a non-retriable insert at once with a one-line message', async () => {
    await expect(wh.insert(`${table}_missing`, [row(1)])).rejects.toThrow(/^insert into wh_test_\w+_missing at .* failed: .*doesn't exist/);
  });

  it('is read-only unless write is set, and renders the three formats', async () => {
    await expect(wh.query(`INSERT INTO ${table} VALUES ('x', 'c', 1, now())`, { format: 'json' })).rejects.toThrow(WarehouseReadOnlyError);
    const sql = `SELECT customer_id, count() AS n FROM ${table} FINAL WHERE amount_cents - 1099511627776 < 11 GROUP BY customer_id ORDER BY customer_id`;
    expect(await wh.query(sql, { format: 'json' })).toBe(
      '{"customer_id":"c-0","n":4}\n{"customer_id":"c-1","n":4}\n{"customer_id":"c-2","n":3}\n',
    );
    expect(await wh.query(sql, { format: 'csv' })).toBe('"customer_id","n"\n"c-0",4\n"c-1",4\n"c-2",3\n');
    expect(await wh.query(sql, { format: 'table' })).toBe(
      'customer_id  n\n-----------  -\nc-0          4\nc-1          4\nc-2          3\n(3 rows)\n',
    );
  });
});
