// A crash and restart produce the same set of records. `riskstream run` is killed
// with SIGKILL at points inside the pipeline's processing and inside the sinks' landing, then run
// again to idle; the output topic (records and their offsets), `risk_features FINAL` and the lake
// files must equal those of an uncrashed run on its own data dir (computed_at aside).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { setLogLevel } from '../../engine/index.ts';
import { resolveSettings } from '../../app/settings.ts';
import { runCli } from '../testing/cli-process.ts';
import { committedRecords, countParquet, killRunWhen as killCliRunWhen } from '../testing/kill-run.ts';
import { expectSameLanded, landedSnapshot, OUTPUT_TOPIC, type LandedSnapshot } from '../testing/risk-features-snapshot.ts';
import { TempDirs } from '../testing/temp-dirs.ts';

// Large enough that a run takes several seconds on a shared 2-core machine.
const EVENTS = '20000';
const SEED = '3';
const RUN = ['run', 'risk-features', '--until-idle'];

async function openEnv(dataDir: string): Promise<Environment> {
  return await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
}

async function snapshot(dataDir: string): Promise<LandedSnapshot> {
  const env = await openEnv(dataDir);
  try {
    return await landedSnapshot(env, dataDir);
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
  return {
    outputRecords: await committedRecords(env.backend, OUTPUT_TOPIC),
    lakeFiles: countParquet(join(dataDir, 'lake', 'risk_features')),
  };
}

/**
 * Starts `run --until-idle` and SIGKILLs it as soon as `killWhen` holds. Resolves with what was
 * observed at the kill; rejects if the run finished (or failed) before the kill point came.
 */
async function killRunWhen(dataDir: string, killWhen: (o: Observation) => boolean): Promise<Observation> {
  const env = await openEnv(dataDir);
  try {
    return await killCliRunWhen(dataDir, {
      args: RUN,
      observe: () => observe(env, dataDir),
      killWhen,
      pollMs: 25,
      describe: (o) =>
        `killed run at ${JSON.stringify(o)} (clean run: ${cleanOutputRecords} output records, ${clean.lake.files.length} lake files)`,
    });
  } finally {
    await env.close();
  }
}

const temp = new TempDirs('rf-crash-');
const tempDir = temp.make;
let clean: LandedSnapshot;
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
  afterAll(temp.removeAll);

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
    expectSameLanded(clean, after);
  }, 300_000);
});
