// Replay: after `replay` + `run --until-idle`, the warehouse and the lake hold the same
// rows as a single clean run: no duplicates, nothing missing. Driven through the CLI as a user would
// (generate, run, replay, query), on the embedded backend; compared with a clean run on its own data
// dir: the output topic (records and the offsets they sit at), `risk_features FINAL`, and the lake
// files (the set of names, and every row read back with chDB's file()). computed_at aside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINES } from '../../app/catalog.ts';
import { openEnvironment } from '../../app/environment.ts';
import { replayPipeline } from '../../app/replay.ts';
import { setLogLevel, readTopic } from '../../engine/index.ts';
import { resolveSettings } from '../../app/settings.ts';
import { runCli } from '../testing/cli-process.ts';
import { expectSameLanded, landedSnapshot, rowDiff, sameRows, type LandedSnapshot } from '../testing/risk-features-snapshot.ts';
import { TempDirs } from '../testing/temp-dirs.ts';

const EVENTS = '9000';
const SEED = '5';

interface RunResult extends LandedSnapshot {
  late: string[];
}

async function withEnv<T>(dataDir: string, work: (env: Awaited<ReturnType<typeof openEnvironment>>) => Promise<T>): Promise<T> {
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
  try {
    return await work(env);
  } finally {
    await env.close();
  }
}

async function snapshot(dataDir: string): Promise<RunResult> {
  return await withEnv(dataDir, async (env) => ({
    ...(await landedSnapshot(env, dataDir)),
    late: (await readTopic(env.backend, 'risk-features.late')).map((r) => `${r.partition} ${r.value?.toString('base64')}`).sort(),
  }));
}

function expectSameAsClean(actual: RunResult): void {
  expectSameLanded(clean, actual);
  expect(rowDiff(clean.late, actual.late)).toEqual(sameRows(clean.late.length));
  expect(actual.lake.hidden).toEqual([]);
}

async function generateAndRun(dataDir: string): Promise<void> {
  await runCli(dataDir, ['generate', '--events', EVENTS, '--seed', SEED]);
  await runCli(dataDir, ['run', 'risk-features', '--until-idle']);
}

const temp = new TempDirs('rf-replay-');
const tempDir = temp.make;
let clean: RunResult;
let replayed: string;

describe('risk-features replay leaves what a single clean run leaves', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    const cleanDir = tempDir();
    replayed = tempDir();
    await Promise.all([generateAndRun(cleanDir), generateAndRun(replayed)]);
    clean = await snapshot(cleanDir);
  }, 600_000);
  afterAll(temp.removeAll);

  it('the clean run has results in all three places, one per window', () => {
    expect(clean.topic.rows.length).toBeGreaterThan(8_000);
    expect(clean.warehouse.length).toBe(clean.topic.rows.length);
    // Some records arrive too late for any open window: the replays must not send them to .late twice.
    expect(clean.late.length).toBeGreaterThan(0);
    expect(clean.lake.rows.length).toBe(clean.topic.rows.length);
    expect(clean.lake.files.every((f) => /^dt=\d{4}-\d{2}-\d{2}\/risk-features-\d+-\d+-\d+\.parquet$/.test(f))).toBe(true);
  });

  it('replay from earliest (module API), then run --until-idle', async () => {
    const summary = await withEnv(replayed, (env) => replayPipeline(env, PIPELINES['risk-features'], 'earliest'));
    expect(summary.rewindTo).toBe(0);
    expect(summary.outputRecordsKept).toBe(0);
    expect(summary.outputRecordsDropped).toBe(clean.topic.rows.length);
    await runCli(replayed, ['run', 'risk-features', '--until-idle']);
    expectSameAsClean(await snapshot(replayed));
  }, 300_000);

  it('replay --from 2024-03-30T00:00:00Z (CLI), then run --until-idle', async () => {
    const { stdout } = await runCli(replayed, ['replay', 'risk-features', '--from', '2024-03-30T00:00:00Z']);
    // Windows still open on 2024-03-30 started up to 31 days (size + grace) earlier.
    expect(stdout).toContain('rewound to 2024-02-28T00:00:00.000Z');
    const kept = Number(/output records kept (\d+)/.exec(stdout)?.[1]);
    const startsBefore = clean.topic.rows.filter(
      (r) => (JSON.parse(r) as { window_start: number }).window_start < Date.parse('2024-02-28T00:00:00Z'),
    ).length;
    expect(kept).toBe(startsBefore);
    expect(kept).toBeGreaterThan(0);
    await runCli(replayed, ['run', 'risk-features', '--until-idle']);
    expectSameAsClean(await snapshot(replayed));
  }, 300_000);

  it('replay from a time inside a day (2024-05-17T13:45:00Z), then run --until-idle', async () => {
    await runCli(replayed, ['replay', 'risk-features', '--from', '2024-05-17T13:45:00Z']);
    await runCli(replayed, ['run', 'risk-features', '--until-idle']);
    expectSameAsClean(await snapshot(replayed));
  }, 300_000);
});
