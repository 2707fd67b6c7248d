// Exactly-once across kill -9: a worker process is killed at random instants during an exactly_once
// run and restarted; the output read with read_committed then holds exactly the records of an
// uncrashed run, and the state equals the uncrashed state. Also: deleting the local state dir
// rebuilds state from the changelog and results continue identically.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { crashInput, crashTopics, crashTopology, resultSerde } from '../testing/crash-topology.ts';
import { canonicalState } from '../testing/state-dump.ts';
import { BACKEND_KINDS, readTopic, seededRandom, testEnv, type TestEnv } from '../testing/test-backends.ts';

const FIXTURE = fileURLToPath(new URL('../testing/crash-worker.fixture.ts', import.meta.url));
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
  const t = crashTopics(prefix);
  await backend.admin().createTopics([t.debits, t.credits, t.limits].map((name) => ({ name, partitions: 4 })));
  const producer = await backend.producer();
  await producer.send(crashInput(prefix, N));
  await producer.close();
}

async function outputOf(backend: Backend, prefix: string): Promise<string[]> {
  return (await readTopic(backend, crashTopics(prefix).out)).map((r) => JSON.stringify(resultSerde.deserialize(r.value))).sort();
}

describe.each(BACKEND_KINDS)('exactly-once on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('kill -9 at random instants, restart: output and state equal an uncrashed run', async () => {
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

    const rnd = seededRandom(5);
    let kills = 0;
    // Kill anywhere from start-up (restore) to the end of processing.
    // Until three kills landed (a run may finish before its kill time on a loaded machine).
    for (let i = 0; i < 12 && kills < 3; i++) {
      if ((await runWorker(kind, crashDir, crash, Math.floor(refMs * (0.15 + 0.5 * rnd())))) === 'killed') kills++;
    }
    expect(await runWorker(kind, crashDir, crash)).toBe('done');
    expect(kills).toBeGreaterThan(0);

    const expected = await outputOf(backend, ref);
    expect(expected.length).toBeGreaterThan(100);
    expect(await outputOf(backend, crash)).toEqual(expected);
    const refState = JSON.parse(fs.readFileSync(path.join(refDir, 'state-dump.json'), 'utf8')) as string[];
    const crashState = JSON.parse(fs.readFileSync(path.join(crashDir, 'state-dump.json'), 'utf8')) as string[];
    expect(crashState.length).toBeGreaterThan(10);
    expect(crashState).toEqual(refState);
  });

  it('rebuilds deleted local state from the changelog and continues identically', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const runOnce = async (prefix: string, stateDir: string): Promise<string[]> => {
      const app = new StreamsApp({ applicationId: `${prefix}-app`, topology: crashTopology(prefix), backend, stateDir });
      await app.runUntilIdle();
      const state = canonicalState(app.storeEntries());
      await app.stop();
      return state;
    };
    const input = (prefix: string) => crashInput(prefix, 8000);
    const send = async (prefix: string, part: 0 | 1): Promise<void> => {
      const all = input(prefix);
      const producer = await backend.producer();
      await producer.send(part === 0 ? all.slice(0, 4000) : all.slice(4000));
      await producer.close();
    };
    for (const prefix of [`${env.prefix}-a`, `${env.prefix}-b`]) {
      const t = crashTopics(prefix);
      await backend.admin().createTopics([t.debits, t.credits, t.limits].map((name) => ({ name, partitions: 2 })));
      await send(prefix, 0);
    }
    // a keeps its state dir; b loses it between the two halves.
    await runOnce(`${env.prefix}-a`, path.join(env.dir, 'state-a'));
    await runOnce(`${env.prefix}-b`, path.join(env.dir, 'state-b'));
    fs.rmSync(path.join(env.dir, 'state-b'), { recursive: true, force: true });
    await send(`${env.prefix}-a`, 1);
    await send(`${env.prefix}-b`, 1);
    const stateA = await runOnce(`${env.prefix}-a`, path.join(env.dir, 'state-a'));
    const stateB = await runOnce(`${env.prefix}-b`, path.join(env.dir, 'state-b'));
    expect(stateB.length).toBeGreaterThan(10);
    expect(stateB).toEqual(stateA);
    const outA = await outputOf(backend, `${env.prefix}-a`);
    expect(outA.length).toBeGreaterThan(100);
    expect(await outputOf(backend, `${env.prefix}-b`)).toEqual(outA);
  });
});
