// Tables across kill -9: a table whose changelog is its source topic, an aggregation with its
// subtractor and a stream-table join, killed at random instants and restarted (restore from the
// source topic up to the committed offset, from the local copy or both). The table's changes and
// the join's output read with read_committed hold exactly the records of an uncrashed run, and the
// table's state equals its state (on embedded: the aggregation's too).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { changelogTopicOf } from '../state/state-store.ts';
import { tableCrashInput, tableCrashTopics } from '../testing/table-crash-topology.ts';
import { BACKEND_KINDS, readTopic, seededRandom, testEnv, type TestEnv } from '../testing/test-backends.ts';

const FIXTURE = fileURLToPath(new URL('../testing/table-crash-worker.fixture.ts', import.meta.url));
const N = 20_000;

/**
 * Runs the worker; with `killAfterMs`, kills it that long after its state dir appears (once it has
 * joined and restored), so that kills land while it processes rather than while it starts.
 * Resolves with the outcome and how long the worker ran after its state dir appeared.
 */
function runWorker(
  kind: string,
  dir: string,
  prefix: string,
  killAfterMs?: number,
): Promise<{ outcome: 'killed' | 'done'; processingMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, kind, dir, prefix], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RISKSTREAM_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let stateAt: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const watch = setInterval(() => {
      if (stateAt !== undefined || !fs.existsSync(path.join(dir, 'state'))) return;
      stateAt = Date.now();
      if (killAfterMs !== undefined) killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }, 5);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      if (killTimer) clearTimeout(killTimer);
      const processingMs = stateAt === undefined ? 0 : Date.now() - stateAt;
      if (signal === 'SIGKILL') resolve({ outcome: 'killed', processingMs });
      else if (code === 0) resolve({ outcome: 'done', processingMs });
      else reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

async function setUp(backend: Backend, prefix: string): Promise<void> {
  const t = tableCrashTopics(prefix);
  await backend.admin().createTopics([t.debtors, t.payments].map((name) => ({ name, partitions: 4 })));
  const producer = await backend.producer();
  await producer.send(tableCrashInput(prefix, N));
  await producer.close();
}

/** Records of a topic as "key=value" lines, sorted. */
async function lines(backend: Backend, topic: string): Promise<string[]> {
  return (await readTopic(backend, topic)).map((r) => `${r.key?.toString()}=${r.value?.toString() ?? 'null'}`).sort();
}

/** The last value of each key (a key lives in one partition). */
async function lastPerKey(backend: Backend, topic: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of await readTopic(backend, topic)) out[r.key!.toString()] = r.value?.toString() ?? 'null';
  return out;
}

describe.each(BACKEND_KINDS)('tables across kill -9 on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('table changes, join output and table state equal an uncrashed run', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const ref = `${env.prefix}-ref`;
    const crash = `${env.prefix}-crash`;
    await setUp(backend, ref);
    await setUp(backend, crash);
    const refDir = path.join(env.dir, 'ref');
    const crashDir = path.join(env.dir, 'crash');
    fs.mkdirSync(refDir);
    fs.mkdirSync(crashDir);
    if (kind === 'embedded') {
      fs.symlinkSync(path.join(env.dir, 'log'), path.join(refDir, 'log'));
      fs.symlinkSync(path.join(env.dir, 'log'), path.join(crashDir, 'log'));
    }
    const refRun = await runWorker(kind, refDir, ref);
    expect(refRun.outcome).toBe('done');

    const rnd = seededRandom(8);
    let kills = 0;
    for (let i = 0; i < 12 && kills < 3; i++) {
      const run = await runWorker(kind, crashDir, crash, Math.floor(refRun.processingMs * (0.1 + 0.6 * rnd())));
      if (run.outcome === 'killed') kills++;
      // Once, the local state goes too: the next start restores the table from its source topic.
      if (i === 1) fs.rmSync(path.join(crashDir, 'state'), { recursive: true, force: true });
    }
    expect((await runWorker(kind, crashDir, crash)).outcome).toBe('done');
    expect(kills).toBeGreaterThan(0);

    const r = tableCrashTopics(ref);
    const c = tableCrashTopics(crash);
    const changes = await lines(backend, r.changes);
    expect(changes.length).toBeGreaterThan(1000);
    expect(await lines(backend, c.changes)).toEqual(changes);
    const joined = await lines(backend, r.joined);
    expect(joined.length).toBeGreaterThan(10_000);
    expect(await lines(backend, c.joined)).toEqual(joined);
    const refState = JSON.parse(fs.readFileSync(path.join(refDir, 'state-dump.json'), 'utf8')) as string[];
    const crashState = JSON.parse(fs.readFileSync(path.join(crashDir, 'state-dump.json'), 'utf8')) as string[];
    const tableRows = (state: string[]) => state.filter((l) => l.includes('|debtors|'));
    expect(tableRows(crashState).length).toBeGreaterThan(100);
    expect(tableRows(crashState)).toEqual(tableRows(refState));
    // Records of several upstream tasks interleave in the repartition topic as their commits do:
    // the intermediate sums differ between runs, the final ones may not.
    expect(await lastPerKey(backend, c.sums)).toEqual(await lastPerKey(backend, r.sums));
    expect(crashState).toEqual(refState);
    const topics = (await backend.admin().listTopics()).map((x) => x.name);
    expect(topics).not.toContain(changelogTopicOf(`${crash}-app`, 'debtors'));
  });
});
