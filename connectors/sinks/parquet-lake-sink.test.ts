// The lake sink's write path on the local file system, read back by an independent reader (ClickHouse's
// Parquet reader through chDB file()) and compared with the warehouse table the warehouse sink filled.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicName } from '../../schemas/types.ts';
import { ChdbWarehouse } from '../../warehouse/chdb-warehouse.ts';
import { ClickHouseSink } from './clickhouse-sink.ts';
import { LocalLakeStore } from './lake-store.ts';
import { ParquetLakeSink } from './parquet-lake-sink.ts';
import type { SinkRecord } from './sink.ts';
import { fileSource, lakeRows, tableRows } from './testing/lake-reader.ts';
import { debtor, riskFeatures, statement, transaction } from './testing/records.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-lake-'));
const signal = new AbortController().signal;
let wh: ChdbWarehouse;

beforeAll(async () => {
  wh = await ChdbWarehouse.open(join(root, 'data'));
});
afterAll(async () => {
  await wh?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Records of a topic over `partitions` partitions, offsets counted per partition as a log would. */
function logOf(topic: TopicName, make: (i: number) => object, n: number, partitions: number): SinkRecord[] {
  const next = new Array(partitions).fill(0);
  return Array.from({ length: n }, (_, i) => {
    const partition = i % partitions;
    return { topic, partition, offset: next[partition]++, row: make(i) as Record<string, unknown> };
  });
}

function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

async function sinkAll(lakeDir: string, records: SinkRecord[], chunkOffsets: number, batches = 1): Promise<ParquetLakeSink> {
  const sink = new ParquetLakeSink(new LocalLakeStore(lakeDir), { chunkOffsets });
  const size = Math.ceil(records.length / batches);
  for (let i = 0; i < records.length; i += size) await sink.write(records.slice(i, i + size), signal);
  await sink.flush(signal);
  return sink;
}

describe('ParquetLakeSink (local lake)', () => {
  const txns = logOf('transactions', transaction, 95, 2);

  it('writes <table>/dt=<day>/<topic>-<partition>-<first>-<last>.parquet holding exactly the warehouse rows', async () => {
    const lake = join(root, 'lake1');
    await sinkAll(lake, txns, 10);
    const warehouseSink = new ClickHouseSink(wh);
    await warehouseSink.write(txns, signal);
    await warehouseSink.flush(signal);

    const files = [...filesUnder(lake).keys()].sort();
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const m = /^transactions\/dt=(\d{4}-\d{2}-\d{2})\/transactions-(\d)-(\d+)-(\d+)\.parquet$/.exec(f);
      expect(m, f).not.toBeNull();
      const [, dt, partition, first, last] = m!;
      // every row of the file is of its day, its partition and inside its offset range
      const expected = txns.filter(
        (r) =>
          r.partition === Number(partition) &&
          r.offset >= Number(first) &&
          r.offset <= Number(last) &&
          new Date(r.row.event_time as number).toISOString().startsWith(dt),
      );
      const rows = await lakeRows(wh, fileSource(join(lake, f)));
      expect(
        rows.map((r) => r.event_id),
        f,
      ).toEqual(expected.map((r) => r.row.event_id).sort());
    }
    const all = await lakeRows(wh, fileSource(join(lake, 'transactions/*/*.parquet')));
    expect(all).toHaveLength(95);
    expect(all).toEqual(await tableRows(wh, 'transactions'));
    expect(all.find((r) => r.event_id === 'txn-3')).toMatchObject({ amount_cents: 211, category: null, direction: 'CREDIT' });
  });

  it('keeps nested statement lines, nullable times and doubles, and 64-bit money identical to the warehouse', async () => {
    const lake = join(root, 'lake2');
    const records = [
      ...logOf('statements', statement, 12, 1),
      ...logOf('debtors', debtor, 9, 3),
      ...logOf('risk-features', riskFeatures, 6, 2),
    ];
    await sinkAll(lake, records, 4);
    const warehouseSink = new ClickHouseSink(wh);
    await warehouseSink.write(records, signal);
    await warehouseSink.flush(signal);
    for (const table of ['statements', 'debtors', 'risk_features']) {
      const fromLake = await lakeRows(wh, fileSource(join(lake, `${table}/*/*.parquet`)));
      expect(fromLake, table).toEqual(await tableRows(wh, table));
    }
    const [withLines] = await lakeRows(wh, fileSource(join(lake, 'statements/*/*.parquet')), "WHERE event_id = 'st-2'");
    expect(withLines.lines).toEqual([
      { line_no: 1, posted_at: '2024-03-30 20:00:00.000', description: 'line 0', amount_cents: -250, direction: 'DEBIT' },
      { line_no: 2, posted_at: '2024-03-29 20:00:00.000', description: 'line 1', amount_cents: -500, direction: 'CREDIT' },
    ]);
    const debtors = await lakeRows(wh, fileSource(join(lake, 'debtors/*/*.parquet')));
    expect(debtors.slice(0, 2)).toMatchObject([
      { event_id: 'debt-0', debt_amount_cents: 2 ** 42, last_payment_at: '2024-03-30 20:00:00.000', status: 'WRITTEN_OFF' },
      { event_id: 'debt-1', debt_amount_cents: 2 ** 42 + 1, last_payment_at: null, status: 'ACTIVE' },
    ]);
  });

  it('commits complete chunks, and what it read once flushed; completing a chunk replaces its partial files, so names depend only on the log', async () => {
    const lake = join(root, 'lake3');
    const sink = new ParquetLakeSink(new LocalLakeStore(lake), { chunkOffsets: 10 });
    const p0 = txns.filter((r) => r.partition === 0); // offsets 0..47
    await sink.write(p0.slice(0, 13), signal);
    sink.advance([{ topic: 'transactions', partition: 0, offset: 13 }]);
    expect(sink.committable()).toEqual([{ topic: 'transactions', partition: 0, offset: 10 }]);
    await sink.flush(signal); // idle: the open chunk 10..12 is written as partial files, and everything read is in files
    expect(sink.committable()).toEqual([{ topic: 'transactions', partition: 0, offset: 13 }]);
    const partial = [...filesUnder(lake).keys()].filter((f) => /-0-1\d-1[0-2]\.parquet$/.test(f));
    expect(partial.length).toBeGreaterThan(0);

    // the rest arrives after a restart from the committed offset 13: the chunk is read again from 10
    const restarted = new ParquetLakeSink(new LocalLakeStore(lake), { chunkOffsets: 10 });
    expect(restarted.alignStart({ topic: 'transactions', partition: 0 }, 13)).toBe(10);
    await restarted.write(p0.slice(10), signal);
    await restarted.flush(signal);
    expect(restarted.committable()).toEqual([{ topic: 'transactions', partition: 0, offset: 40 }]);

    const oneRun = join(root, 'lake3-single');
    await sinkAll(oneRun, p0, 10);
    expect(filesUnder(lake)).toEqual(filesUnder(oneRun));
    expect(partial.some((f) => !filesUnder(lake).has(f))).toBe(true);
  });

  it('rewrites the same names with the same bytes on a replay', async () => {
    const lake = join(root, 'lake4');
    await sinkAll(lake, txns, 16, 3);
    const first = filesUnder(lake);
    await sinkAll(lake, txns, 16, 7);
    expect(filesUnder(lake)).toEqual(first);
  });

  it('lets timers run while it writes a chunk of many files', async () => {
    // One partition, a transaction an hour for 300 days: one chunk, a file per UTC day. On a local
    // directory every step is synchronous; without turns no timer runs until the chunk is written.
    const sink = new ParquetLakeSink(new LocalLakeStore(join(root, 'lake-turns')));
    await sink.write(logOf('transactions', transaction, 24 * 300, 1), signal);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await sink.flush(signal);
    } finally {
      clearInterval(timer);
    }
    expect(sink.filesWritten).toBeGreaterThanOrEqual(300);
    expect(ticks).toBeGreaterThan(0);
  });
});
