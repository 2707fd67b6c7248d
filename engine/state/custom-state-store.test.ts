// A custom store (the README's SortedKeyValueStore) gets changelog, local copy and restore from
// the engine: after its local copy (the whole state dir) is deleted, a new application instance
// restores it from the changelog, on both backends.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { BALANCES_STORE, balancesTopic, balancesTopology, expectedBalances, movements } from '../testing/balances-topology.ts';
import { BACKEND_KINDS, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { SortedKeyValueStore } from './sorted-key-value-store.ts';
import { KeyValueStore } from './key-value-store.ts';
import { StoreQueryError } from '../queries/store-query.ts';

function balancesOf(app: StreamsApp): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of app.storeEntries()) if (e.store === BALANCES_STORE) m.set(e.key.toString(), JSON.parse(e.value!.toString()) as number);
  return m;
}

describe('SortedKeyValueStore', () => {
  it('keeps keys in order through puts and deletes, and ranges by binary search', () => {
    const s = new SortedKeyValueStore<number>('s', jsonSerde<number>());
    for (const k of ['m', 'c', 'x', 'a', 'q']) s.put(k, k.charCodeAt(0));
    s.delete('x');
    s.delete('absent');
    expect([...s.entries()].map(([k]) => k)).toEqual(['a', 'c', 'm', 'q']);
    expect([...s.between('b', 'm')]).toEqual([
      ['c', 99],
      ['m', 109],
    ]);
    expect(s.query({ type: 'range', from: 'c', limit: 2 })).toEqual([
      { key: 'c', value: 99 },
      { key: 'm', value: 109 },
    ]);
    expect(s.query({ type: 'get', key: 'q' })).toEqual([{ key: 'q', value: 113 }]);
    // One changelog entry per key changed since the last commit; a deleted key is a tombstone.
    const changes = s.takeChanges().map((e) => [e.key.toString(), e.value === null ? null : e.value.toString()]);
    expect(changes.sort()).toEqual([
      ['a', '97'],
      ['c', '99'],
      ['m', '109'],
      ['q', '113'],
      ['x', null],
    ]);
    expect(s.takeChanges()).toEqual([]);
  });
});

describe.each(BACKEND_KINDS)('custom state store on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('is restored from its changelog after its local copy is deleted', { timeout: 120_000 }, async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    await backend.admin().createTopics([{ name: balancesTopic(env.prefix), partitions: 3 }]);
    const input = movements(env.prefix, 3000);
    const producer = await backend.producer();
    await producer.send(input);
    await producer.close();
    const stateDir = path.join(env.dir, 'state');
    const options = { applicationId: `${env.prefix}-app`, topology: balancesTopology(env.prefix), backend, stateDir };

    const first = new StreamsApp(options);
    await first.runUntilIdle();
    const expected = expectedBalances(input);
    expect(balancesOf(first)).toEqual(expected);
    await first.stop();

    fs.rmSync(stateDir, { recursive: true, force: true });
    const second = new StreamsApp({ ...options, topology: balancesTopology(env.prefix) });
    await second.runUntilIdle();
    expect(fs.existsSync(stateDir)).toBe(true);
    expect(balancesOf(second)).toEqual(expected);
    await second.stop();
  });
});

describe('KeyValueStore queries', () => {
  it('answers get and range in key order', () => {
    const s = new KeyValueStore<number>('kv');
    for (const k of ['m', 'c', 'x', 'a']) s.put(k, k.charCodeAt(0));
    expect(s.query({ type: 'get', key: 'c' })).toEqual([{ key: 'c', value: 99 }]);
    expect(s.query({ type: 'range', from: 'b', to: 'x', limit: 2 })).toEqual([
      { key: 'c', value: 99 },
      { key: 'm', value: 109 },
    ]);
    expect(() => s.query({ type: 'top', n: 1 })).toThrow(StoreQueryError);
  });
});
