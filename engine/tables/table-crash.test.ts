// Tables across kill -9: a table whose changelog is its source topic, an aggregation with its
// subtractor and a stream-table join, killed at random instants and restarted (restore from the
// source topic up to the committed offset, from the local copy or both). The table's changes and
// the join's output read with read_committed hold exactly the records of an uncrashed run, and the
// table's state equals its state (on embedded: the aggregation's too).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { changelogTopicOf } from '../state/state-store.ts';
import { readStateDump, runRefAndCrashed } from '../testing/crash-harness.ts';
import { tableCrashInput, tableCrashTopics } from '../testing/table-crash-topology.ts';
import { BACKEND_KINDS, readTopic, testEnv, type TestEnv } from '../testing/test-backends.ts';

const N = 20_000;

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
    const { ref, crash, refDir, crashDir } = await runRefAndCrashed(env, {
      topology: 'tables',
      setUp: (prefix) => setUp(backend, prefix),
      seed: 8,
      killAt: { from: 0.1, span: 0.6 },
      // Kill delays count from the worker's state dir, so that kills land while it processes.
      killFrom: 'state-dir',
      // Once, the local state goes too: the next start restores the table from its source topic.
      afterRun: (i, dir) => {
        if (i === 1) fs.rmSync(path.join(dir, 'state'), { recursive: true, force: true });
      },
    });

    const r = tableCrashTopics(ref);
    const c = tableCrashTopics(crash);
    const changes = await lines(backend, r.changes);
    expect(changes.length).toBeGreaterThan(1000);
    expect(await lines(backend, c.changes)).toEqual(changes);
    const joined = await lines(backend, r.joined);
    expect(joined.length).toBeGreaterThan(10_000);
    expect(await lines(backend, c.joined)).toEqual(joined);
    const refState = readStateDump(refDir);
    const crashState = readStateDump(crashDir);
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
