// Timers and stream-time punctuations exactly once across kill -9: a worker whose keyed timers and
// punctuation emit records is killed at random instants during an exactly_once run and restarted;
// the output read with read_committed then holds each timer's and each punctuation's emission
// once, and equals (with the state) an uncrashed run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { BACKEND_KINDS, readTopic, seededRandom, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { timerCrashInput, timerCrashTopics, timerResultSerde, type TimerResult } from '../testing/timer-crash-topology.ts';

const FIXTURE = fileURLToPath(new URL('../testing/timer-crash-worker.fixture.ts', import.meta.url));
const N = 20_000;

function runWorker(kind: string, dir: string, prefix: string, killAfterMs?: number): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, kind, dir, prefix], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RISKSTREAM_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

async function setUp(backend: Backend, prefix: string): Promise<void> {
  await backend.admin().createTopics([{ name: timerCrashTopics(prefix).book, partitions: 4 }]);
  const producer = await backend.producer();
  await producer.send(timerCrashInput(prefix, N));
  await producer.close();
}

async function outputOf(backend: Backend, prefix: string): Promise<TimerResult[]> {
  return (await readTopic(backend, timerCrashTopics(prefix).out)).map((r) => timerResultSerde.deserialize(r.value));
}

const idOf = (r: TimerResult): string => (r.kind === 'SUMMARY' ? `S|${r.task}|${r.streamTime}` : `M|${r.debtor}|${r.firstBookId}`);

describe.each(BACKEND_KINDS)('timers exactly once on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('kill -9 at random instants, restart: each timer and punctuation emits once, as in an uncrashed run', async () => {
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
    // Embedded: each process opens the same log dir.
    if (kind === 'embedded') {
      fs.symlinkSync(path.join(env.dir, 'log'), path.join(refDir, 'log'));
      fs.symlinkSync(path.join(env.dir, 'log'), path.join(crashDir, 'log'));
    }
    const t0 = Date.now();
    expect(await runWorker(kind, refDir, ref)).toBe('done');
    const refMs = Date.now() - t0;

    const rnd = seededRandom(11);
    let kills = 0;
    for (let i = 0; i < 12 && kills < 3; i++) {
      if ((await runWorker(kind, crashDir, crash, Math.floor(refMs * (0.15 + 0.5 * rnd())))) === 'killed') kills++;
    }
    expect(await runWorker(kind, crashDir, crash)).toBe('done');
    expect(kills).toBeGreaterThan(0);

    const expected = await outputOf(backend, ref);
    const actual = await outputOf(backend, crash);
    const missing = expected.filter((r) => r.kind === 'MISSING_AT_PARTNER').length;
    expect(missing).toBeGreaterThan(100);
    expect(expected.length - missing).toBeGreaterThan(100);
    // Once each: no timer or punctuation emitted twice.
    expect(new Set(actual.map(idOf)).size).toBe(actual.length);
    expect(new Set(expected.map(idOf)).size).toBe(expected.length);
    const sorted = (rs: TimerResult[]) => rs.map((r) => JSON.stringify(r)).sort();
    expect(sorted(actual)).toEqual(sorted(expected));
    const refState = JSON.parse(fs.readFileSync(path.join(refDir, 'state-dump.json'), 'utf8')) as string[];
    const crashState = JSON.parse(fs.readFileSync(path.join(crashDir, 'state-dump.json'), 'utf8')) as string[];
    expect(crashState.some((l) => l.includes('|match-timers|'))).toBe(true);
    expect(crashState).toEqual(refState);
  });
});
