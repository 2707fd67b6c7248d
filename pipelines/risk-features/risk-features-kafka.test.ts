// The same topology runs on both backends: the same generated input gives
// the same risk-features records on a real Kafka broker (the one the vitest globalSetup starts) as
// on the embedded log, in the same partitions; and a replay on Kafka leaves the warehouse and the
// lake as they were after the first run. Offsets are not compared: Kafka's transaction markers take
// offsets of their own.
//
// The Kafka runs go through the CLI with CLICKHOUSE_URL and S3_BUCKET unset, so the warehouse is chDB
// and the lake a directory under the data dir (kafka mode's development set-up), read back by the
// same helpers as the embedded tests.
import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { setLogLevel } from '../../engine/index.ts';
import { resolveSettings } from '../../app/settings.ts';
import { runCli } from '../testing/cli-process.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { loadInputs, RISK_FEATURES, runRiskFeaturesUntilIdle } from '../testing/load-inputs.ts';
import {
  byPartition,
  lakeRowsWithoutFile,
  landedSnapshot,
  outputTopicSnapshot,
  rowDiff,
  sameRows,
  type LandedSnapshot,
  type TopicSnapshot,
} from '../testing/risk-features-snapshot.ts';

const EVENTS = 8_000;
const SEED = 21;
const KAFKA_CLI = { env: { RISKSTREAM_BACKEND: 'kafka', CLICKHOUSE_URL: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined } };
const RUN = ['run', 'risk-features', '--until-idle'];

async function openEnv(dataDir: string, backend: 'embedded' | 'kafka'): Promise<Environment> {
  return await openEnvironment(resolveSettings({ dataDir, backend }));
}

async function landed(dataDir: string): Promise<LandedSnapshot> {
  const env = await openEnv(dataDir, 'kafka');
  try {
    return await landedSnapshot(env, dataDir, KAFKA_CLI);
  } finally {
    await env.close();
  }
}

const dirs: string[] = [];
const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `rf-${name}-`));
  dirs.push(d);
  return d;
};
let embedded: TopicSnapshot;
let kafkaDir: string;
let first: LandedSnapshot;

describe('risk-features on the kafka backend', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    expect(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS (set by dev/vitest-global-setup.ts)').toBeTruthy();
    expect(process.env.SCHEMA_REGISTRY_URL, 'SCHEMA_REGISTRY_URL (set by dev/vitest-global-setup.ts)').toBeTruthy();
    const embeddedEnv = await openEnv(tempDir('embedded'), 'embedded');
    try {
      await loadInputs(embeddedEnv, { events: EVENTS, seed: SEED, order: 'interleaved' });
      await runRiskFeaturesUntilIdle(embeddedEnv);
      embedded = await outputTopicSnapshot(embeddedEnv);
    } finally {
      await embeddedEnv.close();
    }
    kafkaDir = tempDir('kafka');
    const kafkaEnv = await openEnv(kafkaDir, 'kafka');
    try {
      await freshPipelineTopics(kafkaEnv, RISK_FEATURES);
      await loadInputs(kafkaEnv, { events: EVENTS, seed: SEED, order: 'interleaved' });
    } finally {
      await kafkaEnv.close();
    }
    await runCli(kafkaDir, RUN, KAFKA_CLI);
    first = await landed(kafkaDir);
  }, 600_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('gives the same records as the embedded log, in the same partitions', () => {
    expect(embedded.rows.length).toBeGreaterThan(5_000);
    expect(rowDiff(embedded.rows, first.topic.rows)).toEqual(sameRows(embedded.rows.length));
    expect(rowDiff(byPartition(embedded), byPartition(first.topic))).toEqual(sameRows(embedded.rows.length));
  });

  it('keeps records with old event times: no time-based retention on the topics it created', async () => {
    // Record timestamps are event times (2024 here): under the broker's default 7-day retention the
    // broker deletes them at its next retention check, and a later run finds its inputs gone.
    const admin = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics())
        .filter((n) => ['transactions', 'repayments', 'loan-applications', 'risk-features', 'risk-features.late'].includes(n))
        .sort();
      expect(names).toEqual(['loan-applications', 'repayments', 'risk-features', 'risk-features.late', 'transactions']);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
      });
      const retention = Object.fromEntries(
        resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue]),
      );
      expect(retention).toEqual(Object.fromEntries(names.map((n) => [n, '-1'])));
    } finally {
      await admin.disconnect();
    }
  });

  it('lands each record once in the warehouse and the lake', () => {
    expect(first.warehouse.length).toBe(embedded.rows.length);
    expect(first.lake.rows.length).toBe(embedded.rows.length);
  });

  it('replay --from 2024-03-30T00:00:00Z, then run: the same records, warehouse rows and lake rows, no duplicates', async () => {
    await runCli(kafkaDir, ['replay', 'risk-features', '--from', '2024-03-30T00:00:00Z'], KAFKA_CLI);
    await runCli(kafkaDir, RUN, KAFKA_CLI);
    const again = await landed(kafkaDir);
    expect(rowDiff(first.topic.rows, again.topic.rows)).toEqual(sameRows(first.topic.rows.length));
    expect(rowDiff(first.warehouse, again.warehouse)).toEqual(sameRows(first.warehouse.length));
    expect(rowDiff(lakeRowsWithoutFile(first.lake), lakeRowsWithoutFile(again.lake))).toEqual(sameRows(first.lake.rows.length));
  }, 600_000);
});
