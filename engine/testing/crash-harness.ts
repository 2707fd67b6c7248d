// What the kill -9 crash tests share: a reference and a crash run of the same crash topology, each in
// its own worker process (crash-worker.fixture.ts) and its own dir, the crash run killed at random
// instants and restarted until it finishes; then both runs' outputs and state dumps are compared.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CrashTopologyName } from './crash-topologies.ts';
import { seededRandom, type TestEnv } from './test-backends.ts';

const FIXTURE = fileURLToPath(new URL('./crash-worker.fixture.ts', import.meta.url));

export interface CrashWorkerRun {
  outcome: 'killed' | 'done';
  /** How long the worker ran, from its start or (with `killFrom: 'state-dir'`) from its state dir's appearance. */
  processingMs: number;
}

export interface CrashWorkerOptions {
  /** Kill the worker with SIGKILL this long after `killFrom`. */
  killAfterMs?: number;
  /**
   * `'start'`: count from the spawn, so kills land anywhere from start-up (restore) on. `'state-dir'`:
   * count from when the worker's state dir appears (once it has joined and restored), so that kills
   * land while it processes rather than while it starts.
   */
  killFrom?: 'start' | 'state-dir';
}

/** Runs the worker on `topology` in `dir`; resolves with how it ended, rejects if it failed. */
export function runCrashWorker(
  topology: CrashTopologyName,
  env: Pick<TestEnv, 'kind'>,
  dir: string,
  prefix: string,
  opts: CrashWorkerOptions = {},
): Promise<CrashWorkerRun> {
  const { killAfterMs, killFrom = 'start' } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, topology, env.kind, dir, prefix], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RISKSTREAM_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let startedAt: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const start = (): void => {
      startedAt = Date.now();
      if (killAfterMs !== undefined) killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    };
    let watch: NodeJS.Timeout | undefined;
    if (killFrom === 'start') start();
    else {
      watch = setInterval(() => {
        if (startedAt === undefined && fs.existsSync(path.join(dir, 'state'))) start();
      }, 5);
    }
    child.on('exit', (code, signal) => {
      if (watch) clearInterval(watch);
      if (killTimer) clearTimeout(killTimer);
      const processingMs = startedAt === undefined ? 0 : Date.now() - startedAt;
      if (signal === 'SIGKILL') resolve({ outcome: 'killed', processingMs });
      else if (code === 0) resolve({ outcome: 'done', processingMs });
      else reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** The reference and the crash run's dirs under the test's dir (on embedded each links the shared log dir). */
function crashRunDirs(env: TestEnv): { refDir: string; crashDir: string } {
  const refDir = path.join(env.dir, 'ref');
  const crashDir = path.join(env.dir, 'crash');
  for (const dir of [refDir, crashDir]) {
    fs.mkdirSync(dir);
    // Embedded: each process opens the same log dir.
    if (env.kind === 'embedded') fs.symlinkSync(path.join(env.dir, 'log'), path.join(dir, 'log'));
  }
  return { refDir, crashDir };
}

/**
 * Runs `run` (with a kill delay of `killAfterMs(r)`, r seeded-random in [0, 1)) until three kills
 * landed or twelve runs went by (a run may finish before its kill time on a loaded machine).
 * Resolves with the number of kills.
 */
async function killAtRandomInstants(
  seed: number,
  killAfterMs: (r: number) => number,
  run: (killAfterMs: number, i: number) => Promise<CrashWorkerRun>,
): Promise<number> {
  const rnd = seededRandom(seed);
  let kills = 0;
  for (let i = 0; i < 12 && kills < 3; i++) {
    if ((await run(Math.floor(killAfterMs(rnd())), i)).outcome === 'killed') kills++;
  }
  return kills;
}

/** The state dump a worker wrote at the end of its run. */
export function readStateDump(dir: string): string[] {
  return JSON.parse(fs.readFileSync(path.join(dir, 'state-dump.json'), 'utf8')) as string[];
}

export interface RefAndCrashOptions {
  topology: CrashTopologyName;
  /** Creates the input topics under `prefix` and produces the input. */
  setUp: (prefix: string) => Promise<void>;
  /** Seed of the kill instants. */
  seed: number;
  /** Kill delays: from `from` to `from + span` times the reference run's processing time. */
  killAt: { from: number; span: number };
  killFrom?: CrashWorkerOptions['killFrom'];
  /** Called after each killed (or finished) run of the crash loop, with its index. */
  afterRun?: (i: number, crashDir: string) => void;
}

export interface RefAndCrashRuns {
  /** Topic prefixes and dirs of the uncrashed and the crashed run. */
  ref: string;
  crash: string;
  refDir: string;
  crashDir: string;
}

/**
 * Sets up the same input under two prefixes, runs the reference worker to the end, then runs the
 * crash worker killed at random instants (at least one kill landing) and once more to the end.
 */
export async function runRefAndCrashed(env: TestEnv, opts: RefAndCrashOptions): Promise<RefAndCrashRuns> {
  const ref = `${env.prefix}-ref`;
  const crash = `${env.prefix}-crash`;
  await opts.setUp(ref);
  await opts.setUp(crash);
  const { refDir, crashDir } = crashRunDirs(env);
  const killFrom = opts.killFrom ?? 'start';
  const refRun = await runCrashWorker(opts.topology, env, refDir, ref, { killFrom });
  expect(refRun.outcome).toBe('done');

  const kills = await killAtRandomInstants(
    opts.seed,
    (r) => refRun.processingMs * (opts.killAt.from + opts.killAt.span * r),
    async (killAfterMs, i) => {
      const run = await runCrashWorker(opts.topology, env, crashDir, crash, { killFrom, killAfterMs });
      opts.afterRun?.(i, crashDir);
      return run;
    },
  );
  expect((await runCrashWorker(opts.topology, env, crashDir, crash, { killFrom })).outcome).toBe('done');
  expect(kills).toBeGreaterThan(0);
  return { ref, crash, refDir, crashDir };
}
