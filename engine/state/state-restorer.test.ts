// Restore from the local copy + changelog tail when the checkpoint lags the local file: commits
// append every committed changelog entry to the local file, but the checkpoint is written only
// every so many records (and on close), so after a crash the file usually holds entries past its
// checkpoint. Replaying the changelog from the checkpoint must still give the changelog's state.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProduceRecord } from '../backend/backend.ts';
import { BACKEND_KINDS, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { KeyValueStore } from './key-value-store.ts';
import { LocalTaskState } from './local-state.ts';
import { restoreTaskStores } from './state-restorer.ts';
import { changelogTopicOf } from './state-store.ts';

/** Changelog entries of rounds of puts, overwrites and deletes over 50 keys. */
function rounds(topic: string): { key: string; value: number | null }[][] {
  return Array.from({ length: 6 }, (_, round) =>
    Array.from({ length: 50 }, (_, k) => ({ key: `k${(k * 7 + round) % 50}`, value: (k + round) % 5 === 0 ? null : round * 1000 + k })),
  ).map((r) => r.map((e) => ({ ...e, topic })));
}

function asRecords(topic: string, entries: { key: string; value: number | null }[]): ProduceRecord[] {
  return entries.map((e) => ({
    topic,
    partition: 0,
    key: Buffer.from(e.key),
    value: e.value === null ? null : Buffer.from(JSON.stringify(e.value)),
  }));
}

function expectedState(all: { key: string; value: number | null }[][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of all)
    for (const e of r)
      if (e.value === null) m.delete(e.key);
      else m.set(e.key, e.value);
  return m;
}

describe.each(BACKEND_KINDS)('state restore on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('restores the changelog state when the local file runs ahead of its checkpoint', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const topic = changelogTopicOf(env.prefix, 'kv');
    await backend.admin().createTopics([{ name: topic, partitions: 1, compacted: true }]);
    const all = rounds(topic);
    const producer = await backend.producer();
    for (const r of all) await producer.send(asRecords(topic, r));
    await producer.close();
    const ends = await backend.admin().endOffsets(topic);

    // The local copy as a crash leaves it: rounds 0-3 in the file, a checkpoint taken after round 1.
    const local = new LocalTaskState(path.join(env.dir, 'state'), env.prefix, '0_0');
    for (const r of all.slice(0, 4)) local.append('kv', asRecords(topic, r));
    local.writeCheckpoint({ offsets: { kv: all[0].length + all[1].length } });
    local.closeFiles();

    const store = new KeyValueStore<number>('kv', jsonSerde<number>());
    const reader = await backend.partitionReader();
    const result = await restoreTaskStores({
      taskId: '0_0',
      partition: 0,
      stores: new Map([['kv', store]]),
      changelogTopics: new Map([['kv', topic]]),
      local,
      admin: backend.admin(),
      reader,
    });
    await reader.close();
    local.closeFiles();

    expect(result.fromLocal).toBe(true);
    // Replayed from the checkpoint (rounds 2-5), not from the file's end nor from the start.
    expect(result.replayed).toBe(ends[0] - (all[0].length + all[1].length));
    const restored = new Map(Array.from(store.dump(), (e) => [e.key.toString(), store.get(e.key.toString())]));
    expect(restored).toEqual(expectedState(all));
    expect(store.size()).toBe(expectedState(all).size);

    // The restore wrote a checkpoint at the changelog end: the next start replays nothing.
    const again = new KeyValueStore<number>('kv', jsonSerde<number>());
    const reader2 = await backend.partitionReader();
    const second = await restoreTaskStores({
      taskId: '0_0',
      partition: 0,
      stores: new Map([['kv', again]]),
      changelogTopics: new Map([['kv', topic]]),
      local,
      admin: backend.admin(),
      reader: reader2,
    });
    await reader2.close();
    local.closeFiles();
    expect(second).toMatchObject({ fromLocal: true, replayed: 0 });
    expect(new Map(Array.from(again.dump(), (e) => [e.key.toString(), again.get(e.key.toString())]))).toEqual(expectedState(all));
  });
});
