// Interactive queries on both backends: a running app answers get and range from its tasks, in
// process and over its advertised HTTP endpoint, correctly while records flow (every answer is a
// state the key really passed through, never older than an earlier answer), and after it stopped
// from the local copies it left, and from the changelogs.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { BALANCES_STORE, balancesTopic, balancesTopology, expectedBalances, movements } from '../testing/balances-topology.ts';
import { BACKEND_KINDS, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { advertisedEndpoints, queryEndpoints, queryMetadataForKey } from './query-client.ts';
import { queryLocalState } from './local-state-reader.ts';
import { queryCommittedState } from './committed-state-reader.ts';
import { startStateQueryServer, type StateQueryServer } from './query-server.ts';
import { StoreQueryError } from './store-query.ts';

const PARTITIONS = 3;

function sorted(m: Map<string, number>): { key: string; value: number }[] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }));
}

describe.each(BACKEND_KINDS)('interactive queries on %s', (kind) => {
  let env: TestEnv;
  let app: StreamsApp | undefined;
  let server: StateQueryServer | undefined;
  afterEach(async () => {
    await server?.close();
    await app?.stop();
    await env?.cleanup();
  });

  it('answers get and range in process, over HTTP, while records flow and after stop', { timeout: 180_000 }, async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const topic = balancesTopic(env.prefix);
    await backend.admin().createTopics([{ name: topic, partitions: PARTITIONS }]);
    const first = movements(env.prefix, 2000, 7);
    const producer = await backend.producer();
    await producer.send(first);
    const stateDir = path.join(env.dir, 'state');
    const applicationId = `${env.prefix}-app`;
    const topology = balancesTopology(env.prefix);
    app = new StreamsApp({ applicationId, topology, backend, stateDir });
    await app.runUntilIdle();
    const advertiseDir = path.join(env.dir, 'queries');
    server = await startStateQueryServer({ targets: [app], advertiseDir });

    // In process.
    let expected = expectedBalances(first);
    for (const [key, value] of expected) expect(app.query(BALANCES_STORE, { type: 'get', key })).toMatchObject({ rows: [{ key, value }] });
    expect(app.query(BALANCES_STORE, { type: 'get', key: 'nobody' }).rows).toEqual([]);
    const all = sorted(expected);
    expect(app.query(BALANCES_STORE, { type: 'range' })).toEqual({ rows: all, partitions: [0, 1, 2] });
    const from = all[5].key;
    const to = all[20].key;
    expect(app.query(BALANCES_STORE, { type: 'range', from, to, limit: 10 }).rows).toEqual(all.slice(5, 15));
    expect(() => app!.query('nope', { type: 'get', key: 'x' })).toThrow(/no queryable state store nope; queryable stores: balances/);

    // Over HTTP, through the advertised endpoint.
    const endpoints = advertisedEndpoints(advertiseDir);
    expect(endpoints.map((e) => e.pid)).toEqual([process.pid]);
    expect(await queryEndpoints(endpoints, BALANCES_STORE, { type: 'range', from, to })).toEqual({
      rows: all.slice(5, 21),
      partitions: [0, 1, 2],
    });
    expect((await queryEndpoints(endpoints, BALANCES_STORE, { type: 'get', key: all[3].key })).rows).toEqual([all[3]]);
    const meta = await queryMetadataForKey(endpoints, BALANCES_STORE, all[3].key);
    expect(meta?.endpoint?.pid).toBe(process.pid);
    await expect(queryEndpoints(endpoints, 'nope', { type: 'range' })).rejects.toThrow(StoreQueryError);
    // An endpoint whose process is gone (nothing listens on its port) is skipped.
    const gone = { url: 'http://127.0.0.1:1', pid: process.pid, token: 'x' };
    expect((await queryEndpoints([...endpoints, gone], BALANCES_STORE, { type: 'range', limit: 2 })).rows).toEqual(all.slice(0, 2));

    // While records flow: each answer is a balance the key had after some prefix of its records,
    // and that prefix never shrinks from one answer to the next.
    const second = movements(env.prefix, 4000, 11, 40, 10_000);
    const history = new Map<string, (number | undefined)[]>();
    for (const r of [...first, ...second]) {
      const key = r.key.toString();
      const h = history.get(key) ?? [undefined];
      const last = h[h.length - 1] ?? 0;
      const next = last + (JSON.parse(r.value.toString()) as { cents: number }).cents;
      h.push(next === 0 ? undefined : next);
      history.set(key, h);
    }
    const seenAt = new Map<string, number>();
    for (const [key] of history) seenAt.set(key, first.filter((r) => r.key.toString() === key).length);
    const check = async (): Promise<void> => {
      const answer = await queryEndpoints(endpoints, BALANCES_STORE, { type: 'range' });
      const got = new Map(answer.rows.map((r) => [r.key, r.value as number]));
      for (const [key, h] of history) {
        const value = got.get(key);
        let i = seenAt.get(key)!;
        while (i < h.length && h[i] !== value) i++;
        expect(i, `${key}: answer ${value} is no state at or after the previous answer`).toBeLessThan(h.length);
        seenAt.set(key, i);
      }
    };
    let checks = 0;
    for (let i = 0; i < second.length; i += 200) {
      await producer.send(second.slice(i, i + 200));
      await check();
      checks++;
    }
    await producer.close();
    await app.runUntilIdle();
    expected = expectedBalances([...first, ...second]);
    expect((await queryEndpoints(endpoints, BALANCES_STORE, { type: 'range' })).rows).toEqual(sorted(expected));
    expect(checks).toBe(20);

    // Nothing runs: the local copies answer.
    await server.close();
    server = undefined;
    await app.stop();
    app = undefined;
    expect(advertisedEndpoints(advertiseDir)).toEqual([]);
    const offline = queryLocalState(stateDir, applicationId, topology, BALANCES_STORE, { type: 'range' });
    expect(offline).toEqual({ rows: sorted(expected), partitions: [0, 1, 2] });
    const key = sorted(expected)[7];
    expect(queryLocalState(stateDir, applicationId, topology, BALANCES_STORE, { type: 'get', key: key.key }).rows).toEqual([key]);
    // Local copy plus changelog tail; and the changelog alone, on a machine without the copies.
    expect(await queryCommittedState(backend, stateDir, applicationId, topology, BALANCES_STORE, { type: 'range' })).toEqual(offline);
    const elsewhere = path.join(env.dir, 'no-state-here');
    expect(
      await queryCommittedState(backend, elsewhere, applicationId, topology, BALANCES_STORE, { type: 'get', key: key.key }),
    ).toMatchObject({
      rows: [key],
    });
    expect((await queryCommittedState(backend, elsewhere, applicationId, topology, BALANCES_STORE, { type: 'range' })).rows).toEqual(
      sorted(expected),
    );
  });
});
