// A replay deletes what the sinks landed of a pipeline's outputs and lands them again from their
// first record. On Kafka, retention may already have removed an output's older records: their
// warehouse rows and lake files exist nowhere else, so the replay must refuse before it changes
// anything. Runs on the dev broker (retention is Kafka's; the embedded log keeps every record).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setLogLevel } from '../engine/index.ts';
import { PIPELINES } from './catalog.ts';
import { openEnvironment, type Environment } from './environment.ts';
import { ReplayError, replayPipeline } from './replay.ts';
import { resolveSettings } from './settings.ts';
import { freshPipelineTopics } from '../pipelines/testing/fresh-kafka-topics.ts';

const DEBTOR_PRIORITY = PIPELINES['debtor-priority'];
const OUTPUT = 'collection-priorities';
let dataDir: string;
let env: Environment;

beforeAll(async () => {
  expect(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS (set by dev/vitest-global-setup.ts)').toBeTruthy();
  setLogLevel('warn');
  dataDir = mkdtempSync(join(tmpdir(), 'replay-trimmed-'));
  // The embedded warehouse (chDB): the dev ClickHouse server is too old for the migrations.
  env = await openEnvironment(resolveSettings({ dataDir, backend: 'kafka' }, { ...process.env, CLICKHOUSE_URL: undefined }));
  await freshPipelineTopics(env, DEBTOR_PRIORITY);
  const admin = env.backend.admin();
  try {
    await admin.createTopics([{ name: OUTPUT, partitions: 2 }]);
  } finally {
    await admin.close();
  }
  const producer = await env.backend.producer();
  try {
    const record = (key: string) => ({ topic: OUTPUT, partition: 0, key: Buffer.from(key), value: Buffer.from('x'), timestamp: 1 });
    await producer.send([record('dbt-1'), record('dbt-2'), record('dbt-3')]);
  } finally {
    await producer.close();
  }
  // What retention does to the oldest segment: the partition's first two records are gone.
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  try {
    await kafkaAdmin.fetchTopicMetadata({ topics: [OUTPUT] });
    await kafkaAdmin.deleteTopicRecords({ topic: OUTPUT, partitions: [{ partition: 0, offset: '2' }] });
  } finally {
    await kafkaAdmin.disconnect();
  }
}, 120_000);

afterAll(async () => {
  await env?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('refuses a replay whose output lost records to retention, and changes nothing', async () => {
  const offsets = async (): Promise<number[][]> => {
    const admin = env.backend.admin();
    try {
      return [await admin.startOffsets(OUTPUT), await admin.endOffsets(OUTPUT)];
    } finally {
      await admin.close();
    }
  };
  expect(await offsets()).toEqual([
    [2, 0],
    [3, 0],
  ]);
  const refusal = await replayPipeline(env, DEBTOR_PRIORITY, 'earliest').then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refusal).toBeInstanceOf(ReplayError);
  expect((refusal as Error).message).toBe(
    `${OUTPUT} partition 0 starts at offset 2 (older records removed by retention): the replay lands its outputs again ` +
      'from their first record and would lose the warehouse rows and lake files of the removed ones; nothing changed',
  );
  expect(await offsets()).toEqual([
    [2, 0],
    [3, 0],
  ]);
}, 120_000);
