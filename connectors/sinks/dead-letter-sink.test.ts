// Dead letters into the warehouse: the sink runner reads `<topic>.dlq` beside the topic and the
// warehouse sink lands its records in `dead_letters` (real embedded log, real chDB). Lines the file
// connector rejected and a record both sinks rejected are one row each to FINAL, also after the
// warehouse sink reads everything again.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createEmbeddedBackend } from '../../engine/index.ts';
import { openRegistry } from '../../schemas/registry/open-registry.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { ChdbWarehouse } from '../../warehouse/chdb-warehouse.ts';
import { connectFile } from '../sources/file/connect-file.ts';
import { ClickHouseSink } from './clickhouse-sink.ts';
import { LocalLakeStore } from './lake-store.ts';
import { ParquetLakeSink } from './parquet-lake-sink.ts';
import { runSinks, sinkGroupId } from './sink-runner.ts';
import { transaction } from './testing/records.ts';
import { SINK_TRANSFORMS } from './transforms.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-dlqsink-'));
const lakeDir = join(dataDir, 'lake');
const file = join(dataDir, 'txns.ndjson');
let backend: Backend;
let serde: AvroSerde;
let wh: ChdbWarehouse;

beforeAll(async () => {
  backend = createEmbeddedBackend(dataDir);
  serde = new AvroSerde(openRegistry({ kind: 'embedded', dataDir }));
  const producer = await backend.producer();
  const admin = backend.admin();
  writeFileSync(file, [JSON.stringify(transaction(1)), '{"event_id": "broken"', JSON.stringify(transaction(2)), 'not json'].join('\n'));
  await connectFile({ producer, admin, serde, topic: 'transactions', path: file });
  await producer.send([
    { topic: 'transactions', partition: 0, key: null, value: Buffer.from([0xff, 0x00, 0x01]), timestamp: Date.UTC(2024, 0, 2) },
  ]);
  await admin.close();
  await producer.close();
  wh = await ChdbWarehouse.open(dataDir);
});
afterAll(async () => {
  await wh?.close();
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function sinkUntilIdle(): Promise<void> {
  const running = await runSinks({ backend, serde, topics: ['transactions'], transforms: SINK_TRANSFORMS, deadLetters: true }, [
    new ParquetLakeSink(new LocalLakeStore(lakeDir)),
    new ClickHouseSink(wh, { batchRows: 2 }),
  ]);
  try {
    await running.untilIdle();
  } finally {
    await running.stop();
  }
}

const FINAL_ROWS = `SELECT dlq_topic, origin, error, source_topic, source_partition, source_offset, file, line, payload_encoding, payload
  FROM dead_letters FINAL ORDER BY origin`;

describe('dead letters in the warehouse', () => {
  let rows: Record<string, unknown>[];

  it('lands every dead letter of the sunk topics, one row per rejected record', async () => {
    await sinkUntilIdle();
    rows = await wh.rows(FINAL_ROWS);
    expect(
      rows.map((r) => [r.origin, r.source_topic, r.source_partition, r.source_offset, r.file, r.line, r.payload_encoding, r.payload]),
    ).toEqual([
      [`${file}:2`, 'transactions', null, null, file, 2, 'utf8', '{"event_id": "broken"'],
      [`${file}:4`, 'transactions', null, null, file, 4, 'utf8', 'not json'],
      ['transactions[0]@' + rows[2].source_offset, 'transactions', 0, rows[2].source_offset, null, null, 'base64', '/wAB'],
    ]);
    expect(rows.every((r) => r.dlq_topic === 'transactions.dlq')).toBe(true);
    expect(rows[0].error).toMatch(/JSON/);
    expect(rows[2].error).toBe('record too short for the Confluent wire format (3 bytes)');
    // both sinks rejected the Avro-less record: two dead letters, one row
    expect(await wh.rows("SELECT count() AS n FROM dead_letters WHERE origin LIKE 'transactions[%'")).toEqual([{ n: 2 }]);
    expect(await wh.rows('SELECT count() AS n FROM transactions_latest')).toEqual([{ n: 2 }]);
    expect(await wh.rows("SELECT toString(event_time) AS t FROM dead_letters_latest WHERE payload = '/wAB'")).toEqual([
      { t: '2024-01-02 00:00:00.000' },
    ]);
    expect(readdirSync(lakeDir)).toEqual(['transactions']); // dead letters are the warehouse's only
  });

  it('a re-delivery (the warehouse sink reads everything again) adds no row to FINAL', async () => {
    const admin = backend.admin();
    for (const topic of ['transactions', 'transactions.dlq']) {
      const n = (await admin.endOffsets(topic)).length;
      await admin.setCommittedOffsets(
        sinkGroupId('warehouse'),
        Array.from({ length: n }, (_, partition) => ({ topic, partition, offset: 0 })),
      );
    }
    await admin.close();
    const [{ n: before }] = await wh.rows<{ n: number }>('SELECT count() AS n FROM dead_letters');
    await sinkUntilIdle();
    const [{ n: after }] = await wh.rows<{ n: number }>('SELECT count() AS n FROM dead_letters');
    expect(after).toBeGreaterThan(before); // really delivered again
    expect(await wh.rows(FINAL_ROWS)).toEqual(rows);
  });
});
