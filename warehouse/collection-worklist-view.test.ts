// Migration 0010: the view collection_worklist gives the same list as `riskstream worklist` from the rows
// of collection_priorities: each debtor's latest record (event_time, then event_id, whose text order is record order),
// those on the worklist, by priority_score descending, debtor_id ascending. Run on embedded chDB as the
// file says, and on the ClickHouse server at CLICKHOUSE_URL; Debian's 18.16 there has no DateTime64,
// LowCardinality or Bool, so on a server that old those types are downgraded and the rest (the view
// included) runs as written.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionPriority, DebtorStatus } from '../schemas/types.ts';
import { ChdbWarehouse } from './chdb-warehouse.ts';
import { loadMigrations } from './migrations.ts';
import { ServerWarehouse } from './server-warehouse.ts';
import { requireEnv } from './testing/tcp-proxy.ts';

const T0 = Date.UTC(2024, 2, 1);
const MINUTE = 60_000;

function rec(debtor: string, seq: number, minute: number, status: DebtorStatus, score: number, partner = 'p-1'): CollectionPriority {
  const onWorklist = status === 'ACTIVE' || status === 'PAYING';
  return {
    event_id: `${debtor}:${String(seq).padStart(12, '0')}`,
    tenant_id: debtor === 'd-4' ? 'tenant-b' : 'tenant-a',
    event_time: T0 + minute * MINUTE,
    debtor_id: debtor,
    customer_id: `c-${debtor}`,
    partner_id: partner,
    debt_amount_cents: Math.round(score * 100),
    days_past_due: 30 + seq,
    status,
    default_probability: seq % 2 ? null : 0.25,
    priority_score: onWorklist ? score : score / 2,
    on_worklist: onWorklist,
  };
}

/** Each debtor's records in output order; the comments say where the debtor ends up. */
const RECORDS: CollectionPriority[] = [
  // d-1: up, leaves (SETTLED), re-enters lower: on the list at 50
  rec('d-1', 1, 0, 'ACTIVE', 100),
  rec('d-1', 2, 5, 'ACTIVE', 300),
  rec('d-1', 3, 9, 'SETTLED', 300),
  rec('d-1', 4, 12, 'PAYING', 50),
  // d-2: written off: not on the list, though its last on-list score was the highest
  rec('d-2', 1, 1, 'ACTIVE', 900),
  rec('d-2', 2, 3, 'WRITTEN_OFF', 900),
  // d-3 and d-4 tie at 300: d-3 first
  rec('d-3', 1, 2, 'ACTIVE', 10, 'p-2'),
  rec('d-3', 2, 2, 'PAYING', 300, 'p-2'),
  rec('d-4', 1, 4, 'ACTIVE', 300),
  // d-5: two records at the same event_time; the later one (by sequence) leaves
  rec('d-5', 1, 6, 'ACTIVE', 500),
  rec('d-5', 2, 6, 'SETTLED', 500),
  // d-6: sequences 9 and 10 at the same event_time: 10 is the later one (the zero padding orders them)
  rec('d-6', 9, 7, 'ACTIVE', 10, 'p-2'),
  rec('d-6', 10, 7, 'ACTIVE', 20, 'p-2'),
  // d-7: leaves, re-enters, leaves again
  rec('d-7', 1, 0, 'ACTIVE', 700),
  rec('d-7', 2, 1, 'WRITTEN_OFF', 700),
  rec('d-7', 3, 2, 'ACTIVE', 710),
  rec('d-7', 4, 3, 'SETTLED', 710),
];

const EXPECTED = [
  { debtor_id: 'd-3', priority_score: 300, status: 'PAYING', event_id: 'd-3:000000000002' },
  { debtor_id: 'd-4', priority_score: 300, status: 'ACTIVE', event_id: 'd-4:000000000001' },
  { debtor_id: 'd-1', priority_score: 50, status: 'PAYING', event_id: 'd-1:000000000004' },
  { debtor_id: 'd-6', priority_score: 20, status: 'ACTIVE', event_id: 'd-6:000000000010' },
];

/** Arrival order at the warehouse is not output order: a sink flushes partitions in any order. */
function shuffled<T>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, k: (i * 7919) % 101 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.item);
}

interface Db {
  rows<T>(sql: string): Promise<T[]>;
  insert(records: CollectionPriority[]): Promise<void>;
  table: string;
  view: string;
}

function worklistBehaviour(db: () => Db): void {
  it('lists each debtor by its latest record, only those on the worklist, by score then debtor_id', async () => {
    const { rows, insert, view } = db();
    await insert(shuffled(RECORDS));
    const cols = 'debtor_id, priority_score, status, event_id';
    expect(await rows(`SELECT ${cols} FROM ${view}`)).toEqual(EXPECTED);
    expect(await rows(`SELECT debtor_id FROM ${view} LIMIT 2`)).toEqual([{ debtor_id: 'd-3' }, { debtor_id: 'd-4' }]);
    expect(await rows(`SELECT debtor_id FROM ${view} WHERE partner_id = 'p-2'`)).toEqual([{ debtor_id: 'd-3' }, { debtor_id: 'd-6' }]);
    expect(await rows(`SELECT debtor_id FROM ${view} WHERE tenant_id = 'tenant-b'`)).toEqual([{ debtor_id: 'd-4' }]);
  });

  it('gives the same list after every record is delivered again', async () => {
    const { rows, insert, table, view } = db();
    await insert(RECORDS);
    expect(await rows<{ n: number }>(`SELECT count() AS n FROM ${table} FINAL`)).toEqual([{ n: RECORDS.length }]);
    expect(await rows(`SELECT debtor_id, priority_score, status, event_id FROM ${view}`)).toEqual(EXPECTED);
  });

  it('moves a debtor when a newer record arrives, and drops it when it leaves', async () => {
    const { rows, insert, view } = db();
    await insert([rec('d-6', 11, 20, 'ACTIVE', 1000), rec('d-3', 3, 20, 'SETTLED', 300)]);
    expect(await rows(`SELECT debtor_id, priority_score FROM ${view}`)).toEqual([
      { debtor_id: 'd-6', priority_score: 1000 },
      { debtor_id: 'd-4', priority_score: 300 },
      { debtor_id: 'd-1', priority_score: 50 },
    ]);
  });
}

const migration = loadMigrations().find((m) => m.name === '0010_collection_priorities');

describe('migration 0010_collection_priorities on chDB: the collection_worklist view', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-worklist-view-'));
  let wh: ChdbWarehouse;
  beforeAll(async () => {
    wh = await ChdbWarehouse.open(dataDir);
    await wh.migrate();
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  worklistBehaviour(() => ({
    rows: (sql) => wh.rows(sql),
    insert: (records) => wh.insertRecords('collection-priorities', records),
    table: 'collection_priorities',
    view: 'collection_worklist',
  }));

  it('shows the view columns as the .avsc fields, in order', async () => {
    const table = await wh.rows<{ name: string; type: string }>('DESCRIBE TABLE collection_priorities');
    const view = await wh.rows<{ name: string; type: string }>('DESCRIBE TABLE collection_worklist');
    expect(view.map((c) => [c.name, c.type])).toEqual(table.map((c) => [c.name, c.type]));
  });
});

describe('migration 0010_collection_priorities on a ClickHouse server: the collection_worklist view', () => {
  const suffix = randomUUID().slice(0, 8);
  const table = `collection_priorities_${suffix}`;
  const view = `collection_worklist_${suffix}`;
  let wh: ServerWarehouse;
  let old = false;

  beforeAll(async () => {
    wh = new ServerWarehouse({
      url: requireEnv('CLICKHOUSE_URL'),
      username: process.env.CLICKHOUSE_USER,
      password: process.env.CLICKHOUSE_PASSWORD,
      autoMigrate: false,
    });
    const [{ v }] = await wh.rows<{ v: string }>('SELECT version() AS v');
    old = Number(v.split('.')[0]) < 20;
    expect(migration?.statements).toHaveLength(3);
    for (const statement of migration!.statements) {
      let sql = statement.replace(/collection_priorities/g, table).replace(/collection_worklist/g, view);
      if (old)
        sql = sql
          .replace(/DateTime64\(3, 'UTC'\)/g, "DateTime('UTC')")
          .replace(/LowCardinality\(String\)/g, 'String')
          .replace(/\bBool\b/g, 'UInt8');
      await wh.query(sql, { format: 'json', write: true });
    }
  });
  afterAll(async () => {
    for (const t of [view, `${table}_latest`, table])
      await wh?.query(`DROP TABLE IF EXISTS ${t}`, { format: 'json', write: true }).catch(() => undefined);
    await wh?.close();
  });

  const asRow = (r: CollectionPriority) => {
    const iso = new Date(r.event_time).toISOString();
    return {
      ...r,
      event_time: old ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`,
      on_worklist: old ? Number(r.on_worklist) : r.on_worklist,
    };
  };

  worklistBehaviour(() => ({
    rows: (sql) => wh.rows(sql),
    insert: (records) => wh.insert(table, records.map(asRow)),
    table,
    view,
  }));
});
