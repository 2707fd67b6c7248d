// CONTRACTS §4 and DESIGN "the same topology runs on two backends": the same generated input gives
// the same risk-features records on a real Kafka broker (the one the vitest globalSetup starts) as
// on the embedded log, in the same partitions. Offsets are not compared: Kafka's transaction markers
// take offsets of their own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../environment.ts';
import { setLogLevel } from '../runtime/observability/logger.ts';
import { resolveSettings } from '../settings.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { loadInputs, RISK_FEATURES, runRiskFeaturesUntilIdle } from '../testing/load-inputs.ts';
import { runCli } from '../testing/cli-process.ts';
import { lakeSnapshot, outputTopicSnapshot, rowDiff, sameRows, warehouseSnapshot, type LakeSnapshot, type TopicSnapshot } from '../testing/risk-features-snapshot.ts';

const EVENTS = 8_000;
const SEED = 21;

/** `partition canonical-record`: the record and where murmur2 put it, without the offset. */
const byPartition = (s: TopicSnapshot) => s.placed.map((p) => p.replace(/^(\d+)\/\d+ /, '$1 ')).sort();

async function runOn(backend: 'embedded' | 'kafka', prepare?: (env: Environment) => Promise<void>): Promise<TopicSnapshot> {
  const dataDir = mkdtempSync(join(tmpdir(), `rf-${backend}-`));
  dirs.push(dataDir);
  const env = openEnvironment(resolveSettings({ dataDir, backend }));
  try {
    await prepare?.(env);
    await loadInputs(env, { events: EVENTS, seed: SEED, order: 'interleaved' });
    await runRiskFeaturesUntilIdle(env);
    return await outputTopicSnapshot(env);
  } finally {
    await env.close();
  }
}

const dirs: string[] = [];
let embedded: TopicSnapshot;

describe('risk-features on Kafka equals risk-features on the embedded log', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    embedded = await runOn('embedded');
  }, 300_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the embedded run has results', () => {
    expect(embedded.rows.length).toBeGreaterThan(5_000);
  });

  it('the same input on the kafka backend gives the same records in the same partitions', async () => {
    expect(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS (set by dev/vitest-global-setup.ts)').toBeTruthy();
    expect(process.env.SCHEMA_REGISTRY_URL, 'SCHEMA_REGISTRY_URL (set by dev/vitest-global-setup.ts)').toBeTruthy();
    const kafka = await runOn('kafka', (env) => freshPipelineTopics(env, RISK_FEATURES));
    expect(rowDiff(embedded.rows, kafka.rows)).toEqual(sameRows(embedded.rows.length));
    expect(rowDiff(byPartition(embedded), byPartition(kafka))).toEqual(sameRows(embedded.rows.length));
  }, 600_000);
});

describe('risk-features replay on the kafka backend (warehouse in chDB, lake under the data dir)', () => {
  // Kafka for the log; CLICKHOUSE_URL and S3_BUCKET unset, so the warehouse is chDB and the lake a
  // local directory under the data dir, which the snapshot helpers read back.
  const kafkaCli = { env: { RISKSTREAM_BACKEND: 'kafka', CLICKHOUSE_URL: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined } };
  let dataDir: string;
  let first: { warehouse: string[]; lake: LakeSnapshot };

  beforeAll(async () => {
    setLogLevel('warn');
    dataDir = mkdtempSync(join(tmpdir(), 'rf-kafka-replay-'));
    dirs.push(dataDir);
    const env = openEnvironment(resolveSettings({ dataDir, backend: 'kafka' }));
    try {
      await freshPipelineTopics(env, RISK_FEATURES);
      await loadInputs(env, { events: EVENTS, seed: SEED, order: 'interleaved' });
    } finally {
      await env.close();
    }
    await runCli(dataDir, ['run', 'risk-features', '--until-idle'], kafkaCli);
    first = { warehouse: await warehouseSnapshot(dataDir, kafkaCli), lake: await lakeSnapshot(dataDir, kafkaCli) };
  }, 600_000);

  it('the first run lands what the embedded run computed', () => {
    const rowsOnly = first.warehouse.length;
    expect(rowsOnly).toBe(embedded.rows.length);
    expect(first.lake.rows.length).toBe(embedded.rows.length);
  });

  it('replay --from 2024-03-30T00:00:00Z, then run: the same warehouse rows and lake rows, no duplicates', async () => {
    await runCli(dataDir, ['replay', 'risk-features', '--from', '2024-03-30T00:00:00Z'], kafkaCli);
    await runCli(dataDir, ['run', 'risk-features', '--until-idle'], kafkaCli);
    const warehouse = await warehouseSnapshot(dataDir, kafkaCli);
    const lake = await lakeSnapshot(dataDir, kafkaCli);
    expect(rowDiff(first.warehouse, warehouse)).toEqual(sameRows(first.warehouse.length));
    // Rows without file names: Kafka's transaction markers make offsets (and so file names) differ between runs.
    const rowsOf = (l: LakeSnapshot) => l.rows.map((r) => r.slice(r.indexOf(' ') + 1)).sort();
    expect(rowDiff(rowsOf(first.lake), rowsOf(lake))).toEqual(sameRows(first.lake.rows.length));
  }, 600_000);
});
