// Interactive queries of an application running on two stream threads: each key is answered by
// the thread whose task owns its partition, ranges merge both threads' tasks, a bad query fails
// only itself; in process and over HTTP. On both backends.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamThreads } from '../streams/stream-threads.ts';
import { BALANCES_STORE, balancesTopic, expectedBalances, movements, type BalancesThreadArgs } from '../testing/balances-topology.ts';
import { BACKEND_KINDS, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { queryEndpoints } from './query-client.ts';
import { startStateQueryServer } from './query-server.ts';
import { StoreQueryError } from './store-query.ts';

const PARTITIONS = 4;

describe.each(BACKEND_KINDS)('interactive queries through stream threads (%s)', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('routes keys to the owning thread and merges ranges', { timeout: 120_000 }, async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    await backend.admin().createTopics([{ name: balancesTopic(env.prefix), partitions: PARTITIONS }]);
    const input = movements(env.prefix, 3000, 5);
    const producer = await backend.producer();
    await producer.send(input);
    await producer.close();
    const args: BalancesThreadArgs = { kind, dir: env.dir, prefix: env.prefix, applicationId: `${env.prefix}-app` };
    const factory = { module: new URL('../testing/balances-topology.ts', import.meta.url).href, exportName: 'balancesThreadApp', args };
    const threads = new StreamThreads({ applicationId: args.applicationId, threads: 2, factory, backend });
    const server = await startStateQueryServer({ targets: [threads] });
    try {
      await threads.runUntilIdle();
      const expected = [...expectedBalances(input)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }));
      const meta = await threads.queryMetadata();
      expect(meta).toEqual([{ store: BALANCES_STORE, partitionCount: PARTITIONS, partitions: [0, 1, 2, 3] }]);
      expect(await threads.query(BALANCES_STORE, { type: 'range' })).toEqual({ rows: expected, partitions: [0, 1, 2, 3] });
      for (const row of expected.slice(0, 10)) {
        const answer = await threads.query(BALANCES_STORE, { type: 'get', key: row.key });
        expect(answer.rows).toEqual([row]);
        expect(answer.partitions).toHaveLength(1);
      }
      await expect(threads.query('nope', { type: 'range' })).rejects.toThrow(StoreQueryError);
      // The failed query left the threads running.
      expect((await queryEndpoints([server.endpoint], BALANCES_STORE, { type: 'range', limit: 5 })).rows).toEqual(expected.slice(0, 5));
    } finally {
      await server.close();
      await threads.stop();
    }
  });
});
