// Exactly-once across kill -9: a worker process is killed at random instants during an exactly_once
// run and restarted; the output read with read_committed then holds exactly the records of an
// uncrashed run, and the state equals the uncrashed state. Also: deleting the local state dir
// rebuilds state from the changelog and results continue identically.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { readStateDump, runRefAndCrashed } from '../testing/crash-harness.ts';
import { crashInput, crashTopics, crashTopology, resultSerde } from '../testing/crash-topology.ts';
import { canonicalState } from '../testing/state-dump.ts';
import { BACKEND_KINDS, readTopic, testEnv, type TestEnv } from '../testing/test-backends.ts';

const N = 20_000;

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
    // Kill anywhere from start-up (restore) to the end of processing.
    const { ref, crash, refDir, crashDir } = await runRefAndCrashed(env, {
      topology: 'balances',
      setUp: (prefix) => setUp(backend, prefix),
      seed: 5,
      killAt: { from: 0.15, span: 0.5 },
    });

    const expected = await outputOf(backend, ref);
    expect(expected.length).toBeGreaterThan(100);
    expect(await outputOf(backend, crash)).toEqual(expected);
    const refState = readStateDump(refDir);
    const crashState = readStateDump(crashDir);
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
