// A member whose commit is fenced (another producer took its transactional id, as the new owner of
// a partition does after a rebalance this member has not seen yet) drops that partition's
// uncommitted work, rejoins the group and carries on: no failure, and every record counted once.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from './streams-app.ts';
import { BACKEND_KINDS, seededRandom, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { expectedResults, readResults, threadTestTopology, type Payment } from '../testing/thread-topology.fixture.ts';
import { pino } from 'pino';

describe.each(BACKEND_KINDS)('fenced commit (%s)', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('drops the fenced partition, rejoins and ends with exactly-once results', { timeout: 120_000 }, async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const prefix = env.prefix;
    const applicationId = `${prefix}-app`;
    await backend.admin().createTopics([{ name: `${prefix}payments`, partitions: 2 }]);
    const rnd = seededRandom(7);
    const all: Payment[] = [];
    const producer = await backend.producer();
    const produce = async (n: number) => {
      const batch = Array.from({ length: n }, (_, i) => ({ id: all.length + i, customer: `c${Math.floor(rnd() * 11)}`, amount: Math.floor(rnd() * 1000) }));
      all.push(...batch);
      await producer.send(batch.map((p) => ({ topic: `${prefix}payments`, key: Buffer.from(`acct${p.id % 31}`), value: Buffer.from(JSON.stringify(p)), timestamp: 1_000 + p.id })));
    };
    const app = new StreamsApp({ applicationId, topology: threadTestTopology(prefix), backend, stateDir: `${env.dir}/state`, logger: pino({ level: 'silent' }) });
    try {
      await produce(500);
      await app.runUntilIdle();
      // What the new owner of partition 1 does first: take over its transactional id.
      const newOwner = await backend.transactionalProducer(`${applicationId}-1`);
      await produce(500);
      await app.runUntilIdle();
      expect(app.currentState).toBe('running');
      await newOwner.close().catch(() => undefined);
      await produce(200);
      await app.runUntilIdle();
    } finally {
      await app.stop();
      await producer.close();
    }
    expect(app.currentState).toBe('stopped');

    expect(await readResults(backend, prefix)).toEqual(expectedResults(all));
  });
});
