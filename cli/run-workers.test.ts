// `riskstream --backend kafka run risk-features --workers 3`: the first process watches the workers it
// forks. A worker killed with kill -9 stops the whole run (one line naming the worker, exit 1, no
// worker left running) and what the group committed is kept: the next run completes it, once. A
// SIGTERM to the first process stops every worker cleanly (exit 0), and `--until-idle` ends with
// every worker gone. (The embedded log admits one member process per group: --workers needs Kafka.)
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, expect, it } from 'vitest';
import { openEnvironment } from '../app/environment.ts';
import { resolveSettings } from '../app/settings.ts';
import { exited, runCli, startCli } from '../pipelines/testing/cli-process.ts';
import { freshPipelineTopics } from '../pipelines/testing/fresh-kafka-topics.ts';
import { loadInputs, RISK_FEATURES } from '../pipelines/testing/load-inputs.ts';
import { outputTopicSnapshot, warehouseSnapshot } from '../pipelines/testing/risk-features-snapshot.ts';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';

const KAFKA = { RISKSTREAM_BACKEND: 'kafka', CLICKHOUSE_URL: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined };
/** Shutdown's deadline is not what is tested (a loaded machine may need more than 10 s). */
const ENV = { ...KAFKA, RISKSTREAM_STOP_DEADLINE_MS: '300000' };

const dirs = new TempDirs('rs-run-workers-');
afterAll(dirs.removeAll);
const started: ChildProcess[] = [];
afterEach(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(started.map(exited));
  started.length = 0;
});

async function prepare(): Promise<string> {
  const dataDir = dirs.make();
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'kafka' }, { ...process.env, ...KAFKA }));
  try {
    await freshPipelineTopics(env, RISK_FEATURES);
    await loadInputs(env, { events: 3000, seed: 31, order: 'interleaved' });
  } finally {
    await env.close();
  }
  return dataDir;
}

/** Live processes whose parent is `pid` and that run as an extra worker. */
function extraWorkersOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/environ`, 'utf8').includes('RISKSTREAM_EXTRA_WORKER=1')) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found.sort((a, b) => a - b);
}

/** A process that has exited and been reaped, or a zombie nobody runs. */
function gone(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves once stderr has a line matching. */
  saw: (re: RegExp) => Promise<void>;
}

function start(dataDir: string, args: string[]): Run {
  const child = startCli(dataDir, args, { env: ENV });
  started.push(child);
  let stderr = '';
  let stdout = '';
  const waiting: { re: RegExp; resolve: () => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of waiting) if (w.re.test(stderr)) w.resolve();
  });
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    saw: (re) =>
      new Promise((resolve, reject) => {
        if (re.test(stderr)) return resolve();
        waiting.push({ re, resolve });
        child.once('exit', () => (re.test(stderr) ? resolve() : reject(new Error(`exited before ${re}:\n${stderr}`))));
      }),
  };
}

/** The lines a person reads: no JSON log lines, no progress lines. */
const readable = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{') && !/^\S+: .* in \(/.test(l));

/** Every worker of the run has started its pipelines (each says so). */
const allRunning = (n: number) => new RegExp(`(Ctrl-C to stop[^]*){${n}}`);

/**
 * Every committed output record once (on Kafka, end offsets count transaction markers too, so the
 * records are read) and the warehouse holds one row for each.
 */
async function expectLandedOnce(dataDir: string): Promise<void> {
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'kafka' }, { ...process.env, ...KAFKA }));
  try {
    const topic = await outputTopicSnapshot(env);
    expect(topic.rows.length).toBeGreaterThan(0);
    expect(new Set(topic.rows).size).toBe(topic.rows.length);
    expect(await warehouseSnapshot(dataDir, { env: ENV })).toHaveLength(topic.rows.length);
  } finally {
    await env.close();
  }
}

it(
  'a worker killed with kill -9 stops the run: one line naming it, exit 1, no worker left, committed output kept',
  { timeout: 300_000 },
  async () => {
    const dataDir = await prepare();
    const run = start(dataDir, ['run', 'risk-features', '--workers', '3']);
    await run.saw(allRunning(3));
    const workers = extraWorkersOf(run.child.pid!);
    expect(workers).toHaveLength(2);
    process.kill(workers[0], 'SIGKILL');
    await exited(run.child);

    expect(run.child.exitCode).toBe(1);
    expect(run.stdout()).toBe('');
    const lines = readable(run.stderr());
    // The surviving worker says `stopping: ...` as it stops; only the first process names a failure.
    const failures = lines.filter((l) => l.startsWith('riskstream:'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      new RegExp(
        `^riskstream: worker \\d of 3 \\(pid ${workers[0]}\\) failed: killed by SIGKILL; stopping the run \\(commit, flush, close\\)$`,
      ),
    );
    expect(workers.filter((pid) => !gone(pid))).toEqual([]);

    // What the group committed stays; the next run completes it, once: every output record landed once.
    await runCli(dataDir, ['run', 'risk-features', '--until-idle'], { env: ENV });
    await expectLandedOnce(dataDir);
  },
);

it('SIGTERM to the first process stops every worker: exit 0, no failure line, nothing left running', { timeout: 300_000 }, async () => {
  const dataDir = await prepare();
  const run = start(dataDir, ['run', 'risk-features', '--workers', '2']);
  await run.saw(allRunning(2));
  const workers = extraWorkersOf(run.child.pid!);
  expect(workers).toHaveLength(1);
  run.child.kill('SIGTERM');
  await exited(run.child);
  expect(run.child.exitCode).toBe(0);
  expect(readable(run.stderr()).filter((l) => l.startsWith('riskstream:'))).toEqual([]);
  expect(workers.filter((pid) => !gone(pid))).toEqual([]);
});

it('--until-idle with workers: exit 0 with the summary, every worker gone', { timeout: 300_000 }, async () => {
  const dataDir = await prepare();
  const run = start(dataDir, ['run', 'risk-features', '--until-idle', '--workers', '2']);
  let workers: number[] = [];
  while (workers.length === 0 && run.child.exitCode === null) {
    workers = extraWorkersOf(run.child.pid!);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(workers).toHaveLength(1);
  await exited(run.child);
  expect(run.child.exitCode).toBe(0);
  expect(readable(run.stderr()).filter((l) => l.startsWith('riskstream:'))).toEqual([]);
  expect(run.stdout()).toMatch(/^topic records:/m);
  await expectLandedOnce(dataDir);
  expect(workers.filter((pid) => !gone(pid))).toEqual([]);
});

it('a worker whose first process is killed with kill -9 stops by itself', { timeout: 300_000 }, async () => {
  const dataDir = await prepare();
  const run = start(dataDir, ['run', 'risk-features', '--workers', '2']);
  await run.saw(allRunning(2));
  const workers = extraWorkersOf(run.child.pid!);
  expect(workers).toHaveLength(1);
  run.child.kill('SIGKILL');
  await exited(run.child);
  for (;;) {
    if (gone(workers[0])) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(gone(workers[0])).toBe(true);
});
