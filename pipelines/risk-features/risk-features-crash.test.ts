// A crash and restart produce the same set of records. `riskstream run` is killed
// with SIGKILL at points inside the pipeline's processing and inside the sinks' landing, then run
// again to idle; the output topic (records and their offsets), `risk_features FINAL` and the lake
// files must equal those of an uncrashed run on its own data dir (computed_at aside).
import { readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { setLogLevel } from '../../engine/index.ts';
import { resolveSettings } from '../../app/settings.ts';
import { exited, finished, runCli, startCli } from '../testing/cli-process.ts';
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

// Large enough that a run takes several seconds on a shared 2-core machine.
const EVENTS = '20000';
const SEED = '3';
const RUN = ['run', 'risk-features', '--until-idle'];

interface RunResult {
  topic: TopicSnapshot;
  warehouse: string[];
  lake: LakeSnapshot;
}

async function openEnv(dataDir: string): Promise<Environment> {
  return await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
}

async function snapshot(dataDir: string): Promise<RunResult> {
  const env = await openEnv(dataDir);
  try {
    return { topic: await outputTopicSnapshot(env), warehouse: await warehouseSnapshot(dataDir), lake: await lakeSnapshot(dataDir) };
  } finally {
    await env.close();
  }
}

/** What a kill point looks at while `run` is running. */
interface Observation {
  /** Records committed to the output topic. */
  outputRecords: number;
  /** Parquet files in lake/risk_features. */
  lakeFiles: number;
}

async function observe(env: Environment, dataDir: string): Promise<Observation> {
  const admin = env.backend.admin();
  try {
    const outputRecords =
      (await admin.partitionCount(OUTPUT_TOPIC)) === undefined ? 0 : (await admin.endOffsets(OUTPUT_TOPIC)).reduce((a, b) => a + b, 0);
    return { outputRecords, lakeFiles: countParquet(join(dataDir, 'lake', 'risk_features')) };
  } finally {
    await admin.close();
  }
}

function countParquet(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
  } catch {
    return 0;
  }
}

/**
 * Starts `run --until-idle` and SIGKILLs it as soon as `killWhen` holds. Resolves with what was
 * observed at the kill; rejects if the run finished (or failed) before the kill point came.
 */
async function killRunWhen(dataDir: string, killWhen: (o: Observation) => boolean): Promise<Observation> {
  const env = await openEnv(dataDir);
  const child = startCli(dataDir, RUN);
  const outcome = finished(child, RUN).then(
    () => 'exited 0',
    (err: Error) => err.message,
  );
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`run ended before the kill point (${await outcome}): pick an earlier kill point or more events`);
      }
      const o = await observe(env, dataDir);
      if (killWhen(o)) {
        child.kill('SIGKILL');
        await exited(child);
        expect(child.signalCode).toBe('SIGKILL');
        console.info(
          `killed run at ${JSON.stringify(o)} (clean run: ${cleanOutputRecords} output records, ${clean.lake.files.length} lake files)`,
        );
        return o;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
    await env.close();
  }
}

function expectSameAsClean(actual: RunResult): void {
  expect(rowDiff(clean.topic.placed, actual.topic.placed)).toEqual(sameRows(clean.topic.placed.length));
  expect(rowDiff(clean.warehouse, actual.warehouse)).toEqual(sameRows(clean.warehouse.length));
  expect(rowDiff(clean.lake.files, actual.lake.files)).toEqual(sameRows(clean.lake.files.length));
  expect(rowDiff(clean.lake.rows, actual.lake.rows)).toEqual(sameRows(clean.lake.rows.length));
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rf-crash-'));
  dirs.push(d);
  return d;
};
let clean: RunResult;
/** Records of the clean run's output topic (what its end offsets add up to at the end). */
let cleanOutputRecords: number;

describe('risk-features after kill -9 of run, then run --until-idle', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    const cleanDir = tempDir();
    await runCli(cleanDir, ['generate', '--events', EVENTS, '--seed', SEED]);
    await runCli(cleanDir, RUN);
    clean = await snapshot(cleanDir);
    cleanOutputRecords = clean.topic.rows.length;
  }, 600_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the uncrashed run has results everywhere', () => {
    expect(cleanOutputRecords).toBeGreaterThan(20_000);
    expect(clean.warehouse.length).toBe(cleanOutputRecords);
    expect(clean.lake.rows.length).toBe(cleanOutputRecords);
  });

  it('killed at once, while the pipeline writes its output, and while the sinks land it; then run to idle: same results', async () => {
    const dataDir = tempDir();
    await runCli(dataDir, ['generate', '--events', EVENTS, '--seed', SEED]);
    // 1. Early: the first output records committed.
    await killRunWhen(dataDir, (o) => o.outputRecords > 0);
    // 2. Mid-pipeline: part of the windows committed to the output topic, most not yet.
    const mid = await killRunWhen(dataDir, (o) => o.outputRecords >= 0.3 * cleanOutputRecords);
    expect(mid.outputRecords).toBeLessThanOrEqual(cleanOutputRecords);
    // 3. Mid-sinks: part of the lake files written (the warehouse sink lands at about the same time).
    const sinking = await killRunWhen(dataDir, (o) => o.lakeFiles >= 0.4 * clean.lake.files.length);
    expect(sinking.lakeFiles).toBeGreaterThan(0);
    // 4. The restart that finishes the job.
    await runCli(dataDir, RUN);
    const after = await snapshot(dataDir);
    if (after.lake.hidden.length > 0) console.info(`temp files left in the lake by the kills: ${after.lake.hidden.join(', ')}`);
    expectSameAsClean(after);
  }, 300_000);
});
