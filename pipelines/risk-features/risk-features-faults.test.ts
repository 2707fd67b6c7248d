// Issue 23 item 7: `riskstream --backend kafka run risk-features --until-idle` survives faults of the
// services it runs against, by itself (no restart), and lands every record once: the output topic,
// the warehouse (chDB under the data dir) and the lake (an S3 bucket) equal a clean run's. The file
// starts its own broker, schema registry and S3 server, since it stops and restarts them; each
// scenario has fresh topics, its own data dir and its own bucket.
//
// (a) restarts the broker on its port and log dir: it still knows the groups' members from before
// the outage, which time out while the run's new members join. A consumer the run closed during
// the outage must not come back as a member that holds partitions nobody reads.
//
// Two workers with one killed by kill -9 is covered here at the pipeline level (two CLI processes,
// sinks included); engine/streams/rebalance.test.ts covers the engine's state hand-over in detail.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment } from '../../app/environment.ts';
import { resolveSettings } from '../../app/settings.ts';
import { startKafka, type KafkaService } from '../../dev/kafka.ts';
import { sleep } from '../../dev/ports.ts';
import { startS3, type S3Service } from '../../dev/s3.ts';
import { startSchemaRegistry, type SchemaRegistryService } from '../../dev/schema-registry.ts';
import { BACKEND_RETRY, isRetriable, setLogLevel, withBackoff } from '../../engine/index.ts';
import { CliFailedError, exited, finished, runCli, startCli } from '../testing/cli-process.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { loadInputs, RISK_FEATURES } from '../testing/load-inputs.ts';
import {
  lakeSnapshot,
  OUTPUT_TOPIC,
  outputTopicSnapshot,
  rowDiff,
  sameRows,
  warehouseSnapshot,
  type LakeSnapshot,
  type TopicSnapshot,
} from '../testing/risk-features-snapshot.ts';
import { copyS3Lake } from '../testing/s3-lake-copy.ts';

const EVENTS = 4_000;
const SEED = 23;
const RUN = ['run', 'risk-features', '--until-idle'];
/** How long each service stays away (issue 23: 20 s). */
const OUTAGE_MS = 20_000;
/** A run that has not finished by then is stuck: it is killed, so the failure shows its stderr. */
const STUCK_MS = 300_000;

/** Starts the CLI with a watchdog; the result rejects with the run's stderr if it fails or gets stuck. */
function startRun(dataDir: string, env: Record<string, string | undefined>): { child: ChildProcess; outcome: Promise<string> } {
  const child = startCli(dataDir, RUN, { env });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), STUCK_MS);
  const outcome = finished(child, RUN)
    .then((r) => r.stderr)
    .finally(() => clearTimeout(watchdog));
  outcome.catch(() => undefined);
  return { child, outcome };
}

interface Landed {
  topic: TopicSnapshot;
  warehouse: string[];
  lake: LakeSnapshot;
}

/** One run's place: a data dir and a bucket of its own, on the file's services. */
interface Scenario {
  dataDir: string;
  bucket: string;
  env: Record<string, string | undefined>;
}

let kafka: KafkaService;
let registry: SchemaRegistryService;
let s3: S3Service;
let admin: Admin;
let clean: Landed;
const dirs: string[] = [];

function cliEnv(bucket: string): Record<string, string | undefined> {
  return {
    ...s3.env,
    RISKSTREAM_BACKEND: 'kafka',
    KAFKA_BROKERS: kafka.brokers,
    SCHEMA_REGISTRY_URL: registry.url,
    S3_BUCKET: bucket,
    CLICKHOUSE_URL: undefined,
  };
}

/** A fresh data dir (under `parent` if given) and bucket, with the risk-features inputs loaded on fresh topics. */
async function prepare(name: string, parent?: string): Promise<Scenario> {
  const dataDir = parent ? join(parent, 'data') : mkdtempSync(join(tmpdir(), `rf-faults-${name}-`));
  if (!parent) dirs.push(dataDir);
  const bucket = `faults-${name}`;
  const s3Client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' });
  try {
    await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3Client.destroy();
  }
  const scenario = { dataDir, bucket, env: cliEnv(bucket) };
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'kafka' }, { ...process.env, ...scenario.env }));
  try {
    // A broker just restarted by an earlier scenario may still be electing partition leaders.
    await withBackoff(() => freshPipelineTopics(env, RISK_FEATURES), isRetriable, BACKEND_RETRY);
    await loadInputs(env, { events: EVENTS, seed: SEED, order: 'interleaved' });
  } finally {
    await env.close();
  }
  return scenario;
}

/** Lake rows without their file names: names carry offsets, and an aborted transaction takes offsets. */
const lakeRows = (l: LakeSnapshot) => l.rows.map((r) => r.slice(r.indexOf(' ') + 1)).sort();
/** `partition canonical-record`: offsets differ between runs by the transaction markers. */
const byPartition = (s: TopicSnapshot) => s.placed.map((p) => p.replace(/^(\d+)\/\d+ /, '$1 ')).sort();

async function landed(s: Scenario): Promise<Landed> {
  const env = await openEnvironment(resolveSettings({ dataDir: s.dataDir, backend: 'kafka' }, { ...process.env, ...s.env }));
  try {
    const topic = await outputTopicSnapshot(env);
    const warehouse = await warehouseSnapshot(s.dataDir, { env: s.env });
    const lakeCopy = mkdtempSync(join(tmpdir(), 'rf-faults-lake-'));
    dirs.push(lakeCopy);
    await copyS3Lake({ endpoint: s3.endpoint, bucket: s.bucket, table: 'risk_features', dataDir: lakeCopy });
    return { topic, warehouse, lake: await lakeSnapshot(lakeCopy) };
  } finally {
    await env.close();
  }
}

function expectSameAsClean(actual: Landed): void {
  expect(rowDiff(byPartition(clean.topic), byPartition(actual.topic))).toEqual(sameRows(clean.topic.rows.length));
  expect(rowDiff(clean.warehouse, actual.warehouse)).toEqual(sameRows(clean.warehouse.length));
  expect(rowDiff(lakeRows(clean.lake), lakeRows(actual.lake))).toEqual(sameRows(clean.lake.rows.length));
}

async function outputRecords(): Promise<number> {
  const topics = await admin.listTopics();
  if (!topics.includes(OUTPUT_TOPIC)) return 0;
  return (await admin.fetchTopicOffsets(OUTPUT_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
}

/** The run is past its start-up (a service down at start-up is a clear error, not an outage to wait out): both sinks are in their groups. */
async function sinksRunning(): Promise<boolean> {
  const { groups } = await admin.describeGroups(['riskstream-sink-warehouse', 'riskstream-sink-lake']);
  return groups.every((g) => g.state === 'Stable');
}

async function lakeObjects(bucket: string): Promise<number> {
  const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' });
  try {
    return (await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'risk_features/' }))).KeyCount ?? 0;
  } finally {
    client.destroy();
  }
}

/** Waits until `ready()` holds while `child` runs; fails if the run ends first (the fault would come too late). */
async function whileRunning(child: ChildProcess, ready: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the run ended before the fault point: use more events');
    if (await ready().catch(() => false)) return;
    await sleep(50);
  }
}

/** Runs to idle with `service` taken away for OUTAGE_MS once `faultWhen` holds; the run must exit 0 by itself. */
async function runThroughOutage(
  s: Scenario,
  service: { down(): Promise<void>; up(): Promise<void> },
  faultWhen: () => Promise<boolean>,
): Promise<string> {
  const { child, outcome } = startRun(s.dataDir, s.env);
  try {
    await whileRunning(child, faultWhen);
    await service.down();
    await sleep(OUTAGE_MS);
    // A run that gave up during the outage fails here with its stderr.
    if (child.exitCode !== null) await outcome;
  } finally {
    await service.up();
  }
  try {
    return await outcome;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited(child);
  }
}

describe('risk-features on kafka survives faults', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    [kafka, registry, s3] = await Promise.all([startKafka(), startSchemaRegistry(), startS3()]);
    admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
    await admin.connect();
    const s = await prepare('clean');
    await startRun(s.dataDir, s.env).outcome;
    clean = await landed(s);
  }, 300_000);
  afterAll(async () => {
    await admin?.disconnect();
    await Promise.allSettled([kafka?.stop(), registry?.stop(), s3?.stop()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the clean run has results everywhere', () => {
    expect(clean.topic.rows.length).toBeGreaterThan(1_000);
    expect(clean.warehouse.length).toBe(clean.topic.rows.length);
    expect(clean.lake.rows.length).toBe(clean.topic.rows.length);
  });

  it('(a) the broker stopped for 20 s mid-run and restarted on its port and log dir: same results', { timeout: 420_000 }, async () => {
    const s = await prepare('broker');
    const stderr = await runThroughOutage(s, kafka, async () => (await sinksRunning()) && (await outputRecords()) > 0);
    // The broker went away while the run was working on it, not after it was done.
    expect(stderr).toContain('Kafka unreachable');
    expectSameAsClean(await landed(s));
  });

  it('(b) the S3 server down for 20 s while the lake sink writes: same results', { timeout: 360_000 }, async () => {
    const s = await prepare('s3');
    await runThroughOutage(s, s3, async () => (await lakeObjects(s.bucket)) > 0);
    expectSameAsClean(await landed(s));
  });

  it('(c) the schema registry down at start-up: one clear line, non-zero exit', async () => {
    const s = await prepare('registry-start');
    await registry.down();
    try {
      const err = await runCli(s.dataDir, RUN, { env: s.env }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliFailedError);
      const lastLine = (err as CliFailedError).message.trim().split('\n').pop();
      expect(lastLine).toMatch(new RegExp(`schema registry at ${registry.url} is unreachable: ECONNREFUSED`));
    } finally {
      await registry.up();
    }
  });

  it('(c) the schema registry down for 20 s mid-run: cached schemas keep it going, same results', { timeout: 360_000 }, async () => {
    const s = await prepare('registry');
    await runThroughOutage(s, registry, async () => (await sinksRunning()) && (await outputRecords()) > 0);
    expectSameAsClean(await landed(s));
  });

  it('(d) two workers, one killed by kill -9 mid-run: the other takes over, same results', { timeout: 360_000 }, async () => {
    const s = await prepare('workers');
    const extraDir = mkdtempSync(join(tmpdir(), 'rf-faults-worker-'));
    dirs.push(extraDir);
    // The second worker processes only (no sinks), as `run --workers 2` forks it; its own data dir holds its state.
    const extra = startCli(extraDir, RUN, { env: { ...s.env, RISKSTREAM_EXTRA_WORKER: '1' } });
    const { child: main, outcome } = startRun(s.dataDir, s.env);
    try {
      await whileRunning(main, async () => (await outputRecords()) >= 0.3 * clean.topic.rows.length);
      expect(extra.exitCode, 'the second worker is still working when it is killed').toBeNull();
      extra.kill('SIGKILL');
      await exited(extra);
      await outcome;
    } finally {
      for (const c of [main, extra]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all([exited(main), exited(extra)]);
    }
    expectSameAsClean(await landed(s));
  });

  it(
    '(e) a full disk on the data dir: a clear error and a non-zero exit; once space returns, a run gives the same results',
    { timeout: 360_000 },
    async () => {
      const mountPoint = mkdtempSync(join(tmpdir(), 'rf-faults-tmpfs-'));
      dirs.push(mountPoint);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
      try {
        mkdirSync(join(mountPoint, 'data'));
        const s = await prepare('disk', mountPoint);
        // Leave the run ~256 KiB: enough to start, not enough for its state and warehouse.
        const filler = join(mountPoint, 'filler');
        const { bavail, bsize } = statfsSync(mountPoint);
        writeFileSync(filler, Buffer.alloc(bavail * bsize - 256 * 1024));
        const err = await runCli(s.dataDir, RUN, { env: s.env }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CliFailedError);
        // chDB reports a full disk in its own words (NOT_ENOUGH_SPACE); the state store and the lake as ENOSPC.
        const lastLine = (err as CliFailedError).message.trim().split('\n').pop();
        expect(lastLine).toMatch(/^riskstream: .*(ENOSPC|No space left on device|NOT_ENOUGH_SPACE)/);
        rmSync(filler);
        await runCli(s.dataDir, RUN, { env: s.env });
        expectSameAsClean(await landed(s));
      } finally {
        execFileSync('umount', [mountPoint]);
      }
    },
  );
});
