// Timers and stream-time punctuations exactly once across kill -9: a worker whose keyed timers and
// punctuation emit records is killed at random instants during an exactly_once run and restarted;
// the output read with read_committed then holds each timer's and each punctuation's emission
// once, and equals (with the state) an uncrashed run.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { readStateDump, runRefAndCrashed } from '../testing/crash-harness.ts';
import { BACKEND_KINDS, readTopic, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { timerCrashInput, timerCrashTopics, timerResultSerde, type TimerResult } from '../testing/timer-crash-topology.ts';

const N = 20_000;

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
    const { ref, crash, refDir, crashDir } = await runRefAndCrashed(env, {
      topology: 'timers',
      setUp: (prefix) => setUp(backend, prefix),
      seed: 11,
      killAt: { from: 0.15, span: 0.5 },
    });

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
    const refState = readStateDump(refDir);
    const crashState = readStateDump(crashDir);
    expect(crashState.some((l) => l.includes('|match-timers|'))).toBe(true);
    expect(crashState).toEqual(refState);
  });
});
