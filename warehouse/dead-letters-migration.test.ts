// Migration 0008 (dead_letters) on the ClickHouse server at CLICKHOUSE_URL. Debian's 18.16 has no
// DateTime64 (no migration of ours runs there as written), so on a server that old the time column is
// downgraded to DateTime and everything else runs as the file says: the types, the ReplacingMergeTree
// key and the view, and a re-delivered dead letter is one row to FINAL. chDB runs the file as it is
// (connectors/sinks/dead-letter-sink.test.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrations.ts';
import { ServerWarehouse } from './server-warehouse.ts';
import { requireEnv } from './testing/tcp-proxy.ts';

const suffix = randomUUID().slice(0, 8);
const table = `dead_letters_${suffix}`;
let wh: ServerWarehouse;

beforeAll(async () => {
  wh = new ServerWarehouse({
    url: requireEnv('CLICKHOUSE_URL'),
    username: process.env.CLICKHOUSE_USER,
    password: process.env.CLICKHOUSE_PASSWORD,
    autoMigrate: false,
  });
});
afterAll(async () => {
  for (const t of [`${table}_latest`, table])
    await wh?.query(`DROP TABLE IF EXISTS ${t}`, { format: 'json', write: true }).catch(() => undefined);
  await wh?.close();
});

describe('migration 0008_dead_letters on a ClickHouse server', () => {
  it('creates dead_letters and its view; a re-delivered dead letter is one row to FINAL', async () => {
    const [{ v }] = await wh.rows<{ v: string }>('SELECT version() AS v');
    const noDateTime64 = Number(v.split('.')[0]) < 20;
    const migration = loadMigrations().find((m) => m.name === '0008_dead_letters');
    expect(migration?.statements).toHaveLength(2);
    for (const statement of migration!.statements) {
      const sql = statement.replace(/dead_letters/g, table);
      await wh.query(noDateTime64 ? sql.replace("DateTime64(3, 'UTC')", "DateTime('UTC')") : sql, { format: 'json', write: true });
    }
    const row = (offset: number) => ({
      dlq_topic: 'transactions.dlq',
      partition: 0,
      offset,
      event_time: '2024-01-02 00:00:00',
      error: 'line 3: invalid JSON',
      source_topic: 'transactions',
      source_partition: null,
      source_offset: null,
      file: 'in.csv',
      line: 3,
      origin: 'in.csv:3',
      payload_encoding: 'utf8',
      payload: '{oops',
    });
    await wh.insert(table, [row(0)]);
    await wh.insert(table, [row(1)]); // the same line dead-lettered again (connect re-run, re-delivery)
    expect(await wh.rows(`SELECT count() AS n FROM ${table}`)).toEqual([{ n: 2 }]);
    expect(await wh.rows(`SELECT origin, offset, line, source_partition FROM ${table}_latest`)).toEqual([
      { origin: 'in.csv:3', offset: 1, line: 3, source_partition: null },
    ]);
  });
});
