// The warehouse sink against a real ClickHouse server over HTTP, fed by the sink runner from the
// embedded log. CLICKHOUSE_URL is Debian's clickhouse-server 18.16, too old for DateTime64 and our
// migrations, so the test creates `partner_records` in its own database in 18.16-compatible SQL (times
// as String, which holds the sink's 'YYYY-MM-DD hh:mm:ss.fff' text exactly). The server is taken away
// mid-run by a TCP proxy: the sink retries, commits only what was acknowledged, and nothing is lost
// or shows twice through FINAL.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createEmbeddedBackend } from '../../engine/index.ts';
import { openRegistry } from '../../schemas/registry/open-registry.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { PartnerRecord } from '../../schemas/types.ts';
import { ServerWarehouse } from '../../warehouse/server-warehouse.ts';
import { requireEnv, TcpProxy } from '../../warehouse/testing/tcp-proxy.ts';
import { ClickHouseSink } from './clickhouse-sink.ts';
import { runSink, sinkGroupId } from './sink-runner.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-chsink-'));
const database = `rs_sink_${randomUUID().slice(0, 8)}`;
let url: string;
let proxy: TcpProxy;
let admin: ServerWarehouse;
let backend: Backend;
let serde: AvroSerde;

const partnerRecord = (i: number): PartnerRecord => ({
  event_id: `pr-${i}`,
  tenant_id: 't',
  event_time: Date.UTC(2024, 5, 1) + i * 1000 + 7,
  partner_id: `P${i % 3}`,
  debtor_id: `d-${i % 17}`,
  reported_balance_cents: 1_000_000 + i,
  reported_status: i % 2 ? 'OPEN' : 'CLOSED',
});

beforeAll(async () => {
  url = requireEnv('CLICKHOUSE_URL');
  proxy = await TcpProxy.start(url);
  admin = new ServerWarehouse({
    url,
    username: process.env.CLICKHOUSE_USER,
    password: process.env.CLICKHOUSE_PASSWORD,
    autoMigrate: false,
  });
  await admin.query(`CREATE DATABASE ${database}`, { format: 'json', write: true });
  await admin.query(
    `CREATE TABLE ${database}.partner_records (event_id String, tenant_id String, event_time String, partner_id String, debtor_id String,
     reported_balance_cents Int64, reported_status String) ENGINE = ReplacingMergeTree() ORDER BY (debtor_id, event_id)`,
    { format: 'json', write: true },
  );
  backend = createEmbeddedBackend(dataDir);
  serde = new AvroSerde(openRegistry({ kind: 'embedded', dataDir }));
  await serde.prepare(['partner-records']);
  const a = backend.admin();
  await a.createTopics([{ name: 'partner-records', partitions: 2 }]);
  await a.close();
});
afterAll(async () => {
  await proxy?.up();
  await admin?.query(`DROP DATABASE IF EXISTS ${database}`, { format: 'json', write: true }).catch(() => undefined);
  await admin?.close();
  await proxy?.down();
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function produce(from: number, to: number): Promise<void> {
  const producer = await backend.producer();
  const records = [];
  for (let i = from; i < to; i++) {
    const r = partnerRecord(i);
    records.push({
      topic: 'partner-records',
      key: Buffer.from(r.debtor_id),
      value: serde.encode('partner-records', r),
      timestamp: r.event_time,
    });
  }
  await producer.send(records);
  await producer.close();
}

function startSink() {
  const wh = new ServerWarehouse({
    url: proxy.url(url),
    username: process.env.CLICKHOUSE_USER,
    password: process.env.CLICKHOUSE_PASSWORD,
    database,
    autoMigrate: false,
    retry: { initialDelayMs: 50, maxDelayMs: 300, maxElapsedMs: 1_000 },
  });
  const sink = new ClickHouseSink(wh, { batchRows: 50, retry: { initialDelayMs: 50, maxDelayMs: 300 } });
  return { wh, running: runSink({ backend, serde, sink, topics: ['partner-records'], pollRecords: 40 }) };
}

const totals = () =>
  admin.rows(`SELECT count() AS n, uniqExact(event_id) AS u, sum(reported_balance_cents) AS s FROM ${database}.partner_records FINAL`);
const expected = (n: number) => [{ n, u: n, s: n * 1_000_000 + (n * (n - 1)) / 2 }];

describe('ClickHouseSink on a ClickHouse server', () => {
  it('keeps retrying while the server is down, then lands every record exactly once', async () => {
    await produce(0, 300);
    await proxy.down();
    const { wh, running } = startSink();
    const sink = await running;
    await new Promise((r) => setTimeout(r, 1_500));
    await proxy.up();
    await sink.untilIdle();
    expect(await totals()).toEqual(expected(300));
    expect(await admin.rows(`SELECT event_time FROM ${database}.partner_records FINAL WHERE event_id = 'pr-3'`)).toEqual([
      { event_time: '2024-06-01 00:00:03.007' },
    ]);
    await sink.stop();
    await wh.close();
  });

  it('stops within seconds while the server is down, commits nothing unacknowledged, and catches up on restart', async () => {
    const a = backend.admin();
    const committedBefore = await a.committedOffsets(sinkGroupId('warehouse'), 'partner-records');
    const first = startSink();
    const sink = await first.running;
    await sink.untilIdle();
    await proxy.down();
    await produce(300, 420);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    await sink.stop();
    expect(Date.now() - t0).toBeLessThan(8_000);
    await first.wh.close();
    expect(await a.committedOffsets(sinkGroupId('warehouse'), 'partner-records')).toEqual(committedBefore);

    await proxy.up();
    const second = startSink();
    const again = await second.running;
    await again.untilIdle();
    await again.stop();
    await second.wh.close();
    expect(await totals()).toEqual(expected(420));
    expect(await a.committedOffsets(sinkGroupId('warehouse'), 'partner-records')).toEqual(await a.endOffsets('partner-records'));
    await a.close();
  });
});
