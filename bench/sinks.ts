// Sink throughput: Parquet lake files (encode + write, 100k-row chunks), chDB inserts (ClickHouseSink →
// ChdbWarehouse.insertRecords: a Native-format block per 100k-row batch), and ClickHouse-server inserts over
// HTTP when CLICKHOUSE_URL is set.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseSink } from '../connectors/sinks/clickhouse-sink.ts';
import { LocalLakeStore } from '../connectors/sinks/lake-store.ts';
import { ParquetLakeSink } from '../connectors/sinks/parquet-lake-sink.ts';
import type { SinkRecord } from '../connectors/sinks/sink.ts';
import { transaction } from '../connectors/sinks/testing/records.ts';
import { ChdbWarehouse } from '../warehouse/chdb-warehouse.ts';
import { warehouseRowConverter } from '../warehouse/rows.ts';
import { ServerWarehouse } from '../warehouse/server-warehouse.ts';

const ROWS = 300_000;
const BATCH = 100_000;

function records(): SinkRecord[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    topic: 'transactions',
    partition: 0,
    offset: i,
    row: { ...transaction(i), event_time: Date.UTC(2024, 0, 1) + i * 1_000, category: 'food' } as unknown as Record<string, unknown>,
  }));
}

function rate(rows: number, startedAt: number): number {
  return Math.round(rows / ((performance.now() - startedAt) / 1000));
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'rs-bench-sinks-'));
  const signal = new AbortController().signal;
  const input = records();
  const out: Record<string, number> = {};
  try {
    const lake = new ParquetLakeSink(new LocalLakeStore(join(dir, 'lake')), { chunkOffsets: BATCH });
    let t = performance.now();
    for (let i = 0; i < ROWS; i += 10_000) await lake.write(input.slice(i, i + 10_000), signal);
    await lake.flush(signal);
    out.parquet_rows_s = rate(ROWS, t);

    const wh = await ChdbWarehouse.open(join(dir, 'data'));
    try {
      await wh.migrate();
      const sink = new ClickHouseSink(wh, { batchRows: BATCH });
      t = performance.now();
      for (let i = 0; i < ROWS; i += 10_000) await sink.write(input.slice(i, i + 10_000), signal);
      await sink.flush(signal);
      out.chdb_rows_s = rate(ROWS, t);
    } finally {
      await wh.close();
    }

    if (process.env.CLICKHOUSE_URL) {
      // 18.16-compatible table (the dev server is too old for DateTime64): same row shape as the sink's.
      const table = `bench_txn_${randomUUID().slice(0, 8)}`;
      const server = new ServerWarehouse({
        url: process.env.CLICKHOUSE_URL,
        username: process.env.CLICKHOUSE_USER,
        password: process.env.CLICKHOUSE_PASSWORD,
        autoMigrate: false,
        insertBatchRows: BATCH,
      });
      try {
        await server.query(
          `CREATE TABLE ${table} (event_id String, tenant_id String, event_time String, transaction_id String, customer_id String,
           account_id String, amount_cents Int64, direction String, currency String, merchant String, description String,
           category Nullable(String), channel String) ENGINE = ReplacingMergeTree() ORDER BY (customer_id, event_id)`,
          { format: 'json', write: true },
        );
        const convert = warehouseRowConverter('transactions');
        t = performance.now();
        await server.insert(
          table,
          input.map((r) => convert(r.row)),
        );
        out.clickhouse_rows_s = rate(ROWS, t);
      } finally {
        await server.query(`DROP TABLE IF EXISTS ${table}`, { format: 'json', write: true }).catch(() => undefined);
        await server.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
