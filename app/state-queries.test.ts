// `riskstream state` over a pipeline with a queryable store (the engine's balances test topology):
// live from the advertised endpoint while the app runs, from the checkpointed local copies after it
// stopped, and a one-line error naming the queryable stores for an unknown one.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../engine/index.ts';
import { BALANCES_STORE, balancesTopic, balancesTopology, expectedBalances, movements } from '../engine/testing/balances-topology.ts';
import { resolveSettings } from './settings.ts';
import { formatStateRows, getStateEntry, NoEntryError, NothingToQueryError, queriesDirOf, queryState } from './state-queries.ts';
import { standInPipeline } from './testing/stand-in-pipeline.ts';

describe('state queries (embedded)', () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('answers live while the app runs and from checkpointed state after', { timeout: 60_000 }, async () => {
    env = await testEnv('embedded');
    const backend = await env.open();
    await backend.admin().createTopics([{ name: balancesTopic(env.prefix), partitions: 2 }]);
    const input = movements(env.prefix, 500);
    const producer = await backend.producer();
    await producer.send(input);
    await producer.close();
    const settings = resolveSettings({ dataDir: env.dir, backend: 'embedded' });
    const balances = standInPipeline('balances', `${env.prefix}-balances`, () => balancesTopology(env.prefix));
    const def = balances.def;
    const expected = [...expectedBalances(input)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }));

    await expect(queryState(settings, BALANCES_STORE, { type: 'range' }, [def], () => env.open())).rejects.toThrow(
      new NothingToQueryError('balances'),
    );
    const running = await balances.runServingQueries(settings, backend);
    try {
      const live = await queryState(settings, BALANCES_STORE, { type: 'range', limit: 3 }, [def]);
      expect(live).toEqual({ rows: expected.slice(0, 3), partitions: [0, 1], source: 'live' });
      expect((await queryState(settings, BALANCES_STORE, { type: 'get', key: expected[4].key }, [def])).rows).toEqual([expected[4]]);
      await expect(getStateEntry(settings, BALANCES_STORE, 'acct-none', [def])).rejects.toThrow(
        "no entry for key 'acct-none' in store balances (live state)",
      );
    } finally {
      await running.stop();
    }
    expect((await getStateEntry(settings, BALANCES_STORE, expected[1].key, [def], () => env.open())).rows).toEqual([expected[1]]);
    await expect(getStateEntry(settings, BALANCES_STORE, 'acct-none', [def], () => env.open())).rejects.toThrow(
      new NoEntryError(BALANCES_STORE, 'acct-none', 'checkpointed'),
    );
    const checkpointed = await queryState(settings, BALANCES_STORE, { type: 'range', from: expected[2].key }, [def], () => env.open());
    expect(checkpointed).toEqual({ rows: expected.slice(2), partitions: [0, 1], source: 'checkpointed' });
    const logDown = () => Promise.reject(new Error('unreachable'));
    const localOnly = await queryState(settings, BALANCES_STORE, { type: 'get', key: expected[2].key }, [def], logDown);
    expect(localOnly).toEqual({ rows: [expected[2]], partitions: [expect.any(Number)], source: 'checkpointed' });
    await expect(queryState(settings, 'nope', { type: 'range' }, [def])).rejects.toThrow(
      "unknown state store 'nope' (queryable: balances)",
    );
    expect(formatStateRows(expected.slice(0, 1), 'json')).toBe(`${JSON.stringify(expected[0])}\n`);
    expect(formatStateRows(expected.slice(0, 2), 'table')).toContain(expected[1].key);
    expect(path.basename(queriesDirOf(settings.dataDir))).toBe('queries');
  });
});
