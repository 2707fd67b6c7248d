// The sink runner end to end on the embedded log: Avro records in topics → warehouse tables (chDB) and
// lake files, read back independently; a malformed record and one of an unknown schema id; more data
// arriving later; a replay from earliest that must leave rows and file names exactly as they were.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  type GroupConsumer,
  type LogRecord,
  type ProduceRecord,
  createEmbeddedBackend,
  dlqTopicOf,
} from '../../engine/index.ts';
import { openRegistry } from '../../schemas/registry/open-registry.ts';
import type { SchemaRegistryClient } from '../../schemas/registry/registry-client.ts';
import { AvroSerde, toWireFormat } from '../../schemas/serde.ts';
import { avroSchemaOf, subjectOf } from '../../schemas/topics.ts';
import type { TopicName } from '../../schemas/types.ts';
import { ChdbWarehouse } from '../../warehouse/chdb-warehouse.ts';
import { ClickHouseSink } from './clickhouse-sink.ts';
import { LocalLakeStore } from './lake-store.ts';
import { ParquetLakeSink } from './parquet-lake-sink.ts';
import { runSinks, sinkGroupId, type RunningSinks } from './sink-runner.ts';
import { fileSource, lakeRows, tableRows } from './testing/lake-reader.ts';
import { statement, transaction } from './testing/records.ts';
import { SINK_TRANSFORMS } from './transforms.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-sinkrun-'));
const lakeDir = join(dataDir, 'lake');
const TOPICS: TopicName[] = ['transactions', 'statements'];
let backend: Backend;
let registry: SchemaRegistryClient;
let serde: AvroSerde;
let wh: ChdbWarehouse;

beforeAll(async () => {
  backend = createEmbeddedBackend(dataDir);
  registry = openRegistry({ kind: 'embedded', dataDir });
  serde = new AvroSerde(registry);
  await serde.prepare(TOPICS);
  const admin = backend.admin();
  await admin.createTopics([
    { name: 'transactions', partitions: 3 },
    { name: 'statements', partitions: 2 },
  ]);
  await admin.close();
  wh = await ChdbWarehouse.open(dataDir);
});
afterAll(async () => {
  await wh?.close();
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function produce(records: ProduceRecord[]): Promise<void> {
  const producer = await backend.producer();
  await producer.send(records);
  await producer.close();
}

function encoded<T extends TopicName>(topic: T, rows: object[], keyField: string): ProduceRecord[] {
  return rows.map((row) => ({
    topic,
    key: Buffer.from(String((row as Record<string, unknown>)[keyField])),
    value: serde.encode(topic, row as never),
    timestamp: (row as { event_time: number }).event_time,
  }));
}

function start(on: Backend = backend): Promise<RunningSinks> {
  return runSinks({ backend: on, serde, topics: TOPICS, transforms: SINK_TRANSFORMS }, [
    new ParquetLakeSink(new LocalLakeStore(lakeDir), { chunkOffsets: 16 }),
    new ClickHouseSink(wh, { batchRows: 40 }),
  ]);
}

function lakeFiles(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(lakeDir, p), readFileSync(p));
    }
  };
  walk(lakeDir);
  return out;
}

/** The backend, counting the records each consumer group's polls return into `read`. */
function countingReads(read: Map<string, number>): Backend {
  return Object.create(backend, {
    groupConsumer: {
      value: async (groupId: string, options?: Parameters<Backend['groupConsumer']>[1]): Promise<GroupConsumer> => {
        const real = await backend.groupConsumer(groupId, options);
        read.set(groupId, read.get(groupId) ?? 0);
        return new Proxy(real, {
          get: (target, name) => {
            if (name === 'poll') {
              return async (max: number, timeoutMs: number) => {
                const records = await target.poll(max, timeoutMs);
                read.set(groupId, (read.get(groupId) ?? 0) + records.length);
                return records;
              };
            }
            const v = Reflect.get(target, name) as unknown;
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
      },
    },
  }) as Backend;
}

async function readTopic(topic: string): Promise<LogRecord[]> {
  const admin = backend.admin();
  const ends = await admin.endOffsets(topic);
  await admin.close();
  const reader = await backend.partitionReader();
  const out: LogRecord[] = [];
  for (let p = 0; p < ends.length; p++) for await (const batch of reader.read({ topic, partition: p }, 0, ends[p])) out.push(...batch);
  await reader.close();
  return out;
}

async function expectLakeEqualsWarehouse(): Promise<void> {
  for (const table of ['transactions', 'statements']) {
    expect(await lakeRows(wh, fileSource(join(lakeDir, `${table}/*/*.parquet`))), table).toEqual(await tableRows(wh, table));
  }
}

describe('runSinks on the embedded log', () => {
  let running: RunningSinks;
  let filesAfterFirstRun: Map<string, Buffer>;

  it('sinks every record once into the warehouse and the lake; bad records go to the DLQ', async () => {
    await produce([
      ...encoded(
        'transactions',
        Array.from({ length: 150 }, (_, i) => transaction(i)),
        'customer_id',
      ),
      ...encoded(
        'statements',
        Array.from({ length: 20 }, (_, i) => statement(i)),
        'customer_id',
      ),
      { topic: 'transactions', partition: 1, key: null, value: Buffer.from('not avro at all'), headers: { origin: 'test' } },
    ]);
    // a record written with a newer (BACKWARD compatible) schema the sink has never seen: fetched by id
    const v1 = avroSchemaOf('transactions') as { fields: object[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
    const v2Id = await registry.register(subjectOf('transactions'), v2);
    const body = avro.Type.forSchema(v2 as avro.Schema, { wrapUnions: false }).toBuffer({ ...transaction(150), note: 'evolved' });
    await produce([{ topic: 'transactions', key: Buffer.from('cust-0'), value: toWireFormat(v2Id, body) }]);

    running = await start();
    await running.untilIdle();

    expect(await wh.rows('SELECT count() AS n, uniqExact(event_id) AS u FROM transactions_latest')).toEqual([{ n: 151, u: 151 }]);
    expect(await wh.rows('SELECT count() AS n FROM statements_latest')).toEqual([{ n: 20 }]);
    // the categorizer's category is stored; a record's own named category is kept
    expect(
      await wh.rows(
        "SELECT countIf(category IS NULL OR category = '') AS missing, countIf(category = 'shopping') >= 38 AS kept FROM transactions_latest",
      ),
    ).toEqual([{ missing: 0, kept: 1 }]);
    await expectLakeEqualsWarehouse();

    const dlq = await readTopic(dlqTopicOf('transactions'));
    expect(dlq).toHaveLength(2); // one per sink: each sink dead-letters what it cannot read
    for (const r of dlq) {
      expect(r.value?.toString()).toBe('not avro at all');
      expect(r.headers).toMatchObject({ source_topic: 'transactions', source_partition: '1', origin: 'test' });
      expect(r.headers.error).toMatch(/magic byte/);
      expect(Number(r.headers.source_offset)).toBeGreaterThanOrEqual(0);
    }

    // offsets: both groups are committed to the end (the lake's open chunks are in partial files)
    const admin = backend.admin();
    const ends = await admin.endOffsets('transactions');
    const committed = async (sink: string) => (await admin.committedOffsets(sinkGroupId(sink), 'transactions')).map((c) => c ?? 0);
    expect(ends.filter((e) => e > 0).length).toBeGreaterThan(1);
    expect(await committed('warehouse')).toEqual(ends);
    expect(await committed('lake')).toEqual(ends);
    await admin.close();
    const progress = await running.progress();
    expect(progress.map((p) => p.sink)).toEqual(['lake', 'warehouse']);
    expect(progress[1].partitions.every((p) => p.lag === 0)).toBe(true);
  });

  it('picks up records that arrive later, completing the chunks it wrote partially', async () => {
    await produce(
      encoded(
        'transactions',
        Array.from({ length: 60 }, (_, i) => transaction(200 + i)),
        'customer_id',
      ),
    );
    await running.untilIdle();
    expect(await wh.rows('SELECT count() AS n FROM transactions_latest')).toEqual([{ n: 211 }]);
    await expectLakeEqualsWarehouse();
    await running.stop();
  });

  it('resumes where it stopped: a run with nothing new reads nothing; a later record has its open chunk read again', async () => {
    const landed = lakeFiles();
    const read = new Map<string, number>();
    running = await start(countingReads(read));
    await running.untilIdle();
    await running.stop();
    expect(read.get(sinkGroupId('lake'))).toBe(0);
    expect(read.get(sinkGroupId('warehouse'))).toBe(0);
    expect(lakeFiles()).toEqual(landed);

    // six more records: the open chunk of each partition they land in is read again and rewritten whole
    await produce(encoded('transactions', [300, 301, 302, 303, 304, 305].map(transaction), 'customer_id'));
    read.clear();
    running = await start(countingReads(read));
    await running.untilIdle();
    await running.stop();
    expect(read.get(sinkGroupId('warehouse'))).toBe(6);
    expect(read.get(sinkGroupId('lake'))).toBeGreaterThan(6);
    expect(await wh.rows('SELECT count() AS n FROM transactions_latest')).toEqual([{ n: 217 }]);
    await expectLakeEqualsWarehouse();
    filesAfterFirstRun = lakeFiles();
  });

  it('after a replay from earliest, warehouse views and lake files hold the same rows and names', async () => {
    const admin = backend.admin();
    for (const group of [sinkGroupId('lake'), sinkGroupId('warehouse')]) {
      for (const topic of TOPICS) {
        const n = (await admin.endOffsets(topic)).length;
        await admin.setCommittedOffsets(
          group,
          Array.from({ length: n }, (_, partition) => ({ topic, partition, offset: 0 })),
        );
      }
    }
    await admin.close();
    const before = await tableRows(wh, 'transactions');
    running = await start();
    await running.untilIdle();
    await running.stop();
    expect(await wh.rows('SELECT count() AS n FROM transactions')).not.toEqual([{ n: 217 }]); // really redelivered
    expect(await tableRows(wh, 'transactions')).toEqual(before);
    expect(lakeFiles()).toEqual(filesAfterFirstRun);
    await expectLakeEqualsWarehouse();
  });

  it('replays from an offset inside a chunk by starting the lake at the chunk boundary', async () => {
    const admin = backend.admin();
    await admin.setCommittedOffsets(sinkGroupId('lake'), [{ topic: 'transactions', partition: 0, offset: 21 }]);
    await admin.close();
    running = await start();
    await running.untilIdle();
    await running.stop();
    expect(lakeFiles()).toEqual(filesAfterFirstRun);
  });
});

describe('sink progress', () => {
  it('asks one admin client for all its reports and closes it when the sink stops', async () => {
    // `riskstream run` reports every 0.5 s; on Kafka every backend.admin() is a connection.
    let opened = 0;
    let closed = 0;
    const counting: Backend = Object.create(backend, {
      admin: {
        value: () => {
          opened++;
          const real = backend.admin();
          return new Proxy(real, {
            get: (target, name) => {
              if (name === 'close')
                return async () => {
                  closed++;
                  await target.close();
                };
              const v = Reflect.get(target, name) as unknown;
              return typeof v === 'function' ? v.bind(target) : v;
            },
          });
        },
      },
    });
    const sinks = await runSinks({ backend: counting, serde, topics: TOPICS, transforms: SINK_TRANSFORMS }, [
      new ParquetLakeSink(new LocalLakeStore(join(dataDir, 'lake-progress')), { chunkOffsets: 16 }),
    ]);
    await sinks.untilIdle();
    const setUp = opened; // runSink's own, for the dead-letter topics
    expect(closed).toBe(setUp);
    const reports = [];
    for (let i = 0; i < 5; i++) reports.push(...(await sinks.progress()));
    expect(opened).toBe(setUp + 1);
    expect(reports.map((r) => r.partitions.reduce((n, p) => n + p.end, 0))).toEqual(
      Array(5).fill(reports[0].partitions.reduce((n, p) => n + p.end, 0)),
    );
    expect(reports[0].partitions.reduce((n, p) => n + p.end, 0)).toBeGreaterThan(0);
    await sinks.stop();
    expect(closed).toBe(opened);
  });
});
