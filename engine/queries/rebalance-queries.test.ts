// Interactive queries across a rebalance between two workers of one group: a second member joins
// while the first runs, the partitions split between them, and a caller that knows only the
// advertise dir finds which worker owns which key (queryMetadataForKey) and gets every answer
// right by fanning out and merging. Kafka only: the embedded log admits one member process per
// group and splits partitions among its stream threads statically, so nothing rebalances there
// (thread routing is covered by thread-queries.test.ts).
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { BALANCES_STORE, balancesTopic, balancesTopology, expectedBalances, movements } from '../testing/balances-topology.ts';
import { testEnv, type TestEnv } from '../testing/test-backends.ts';
import { advertisedEndpoints, queryEndpoints, queryMetadataForKey } from './query-client.ts';
import { startStateQueryServer, type StateQueryServer } from './query-server.ts';

const PARTITIONS = 4;

describe('interactive queries across a rebalance (kafka)', () => {
  let env: TestEnv;
  const apps: StreamsApp[] = [];
  const servers: StateQueryServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    for (const a of apps.splice(0)) await a.stop();
    await env?.cleanup();
  });

  it('a joining worker takes half the partitions; fanned-out queries stay right', { timeout: 180_000 }, async () => {
    env = await testEnv('kafka');
    const backend = await env.open();
    await backend.admin().createTopics([{ name: balancesTopic(env.prefix), partitions: PARTITIONS }]);
    const input = movements(env.prefix, 3000, 3);
    const producer = await backend.producer();
    await producer.send(input.slice(0, 1500));
    const advertiseDir = path.join(env.dir, 'queries');
    const worker = async (name: string): Promise<StreamsApp> => {
      const app = new StreamsApp({
        applicationId: `${env.prefix}-app`,
        topology: balancesTopology(env.prefix),
        backend,
        stateDir: path.join(env.dir, name),
        logger: pino({ level: 'warn' }),
      });
      apps.push(app);
      await app.start();
      servers.push(await startStateQueryServer({ targets: [app], advertiseDir }));
      return app;
    };
    const a = await worker('a');
    await a.runUntilIdle();
    expect(a.queryMetadata()[0].partitions).toEqual([0, 1, 2, 3]);

    const b = await worker('b');
    await producer.send(input.slice(1500));
    await producer.close();
    const owned = (app: StreamsApp) => app.queryMetadata()[0].partitions;
    await expect.poll(() => owned(a).length > 0 && owned(b).length > 0, { timeout: 90_000 }).toBe(true);
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);
    await expect.poll(() => [...owned(a), ...owned(b)].sort(), { timeout: 90_000 }).toEqual([0, 1, 2, 3]);
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);

    const endpoints = advertisedEndpoints(advertiseDir);
    expect(endpoints).toHaveLength(2);
    const expected = [...expectedBalances(input)].sort(([x], [y]) => (x < y ? -1 : 1)).map(([key, value]) => ({ key, value }));
    expect(await queryEndpoints(endpoints, BALANCES_STORE, { type: 'range' })).toEqual({ rows: expected, partitions: [0, 1, 2, 3] });
    const owners = new Set<string>();
    for (const row of expected) {
      const meta = await queryMetadataForKey(endpoints, BALANCES_STORE, row.key);
      expect(meta?.endpoint).toBeDefined();
      owners.add(meta!.endpoint!.url);
      const owner = meta!.endpoint!.url === servers[0].url ? a : b;
      expect(owned(owner)).toContain(meta!.partition);
      expect(owner.query(BALANCES_STORE, { type: 'get', key: row.key }).rows).toEqual([row]);
      expect((await queryEndpoints(endpoints, BALANCES_STORE, { type: 'get', key: row.key })).rows).toEqual([row]);
    }
    expect(owners.size).toBe(2);
  });
});
