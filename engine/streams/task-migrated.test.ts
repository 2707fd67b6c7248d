// A member whose commit is fenced (another producer took its transactional id, as the new owner of
// a partition does after a rebalance this member has not seen yet) drops that partition's
// uncommitted work, rejoins the group and carries on: no failure, and every record counted once.
// When the group has already told it that the partition moved (kafkajs reports a new assignment
// after the fact), it drops the partition's work without rejoining.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, GroupConsumer, RebalanceListener, TopicPartition } from '../backend/backend.ts';
import { StreamsApp } from './streams-app.ts';
import { BACKEND_KINDS, seededRandom, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { wrappedConsumer } from '../testing/wrapped-consumer.ts';
import { expectedResults, readResults, threadTestTopology, type Payment } from '../testing/thread-topology.fixture.ts';
import { pino } from 'pino';

/**
 * A member's consumer that, once armed, behaves as kafkajs does when a rebalance gives `partition`
 * (of every topic) to another member: the new assignment is known at once (assignedAnyOf), the
 * revocation reaches the listener only after the member has asked about it (its fenced commit),
 * at the next poll; from then on the partition's records are no longer handed out.
 */
class MovingPartition {
  subscriptions = 0;
  askedAfterMove = false;
  private state: 'assigned' | 'armed' | 'moved' | 'revoked' = 'assigned';
  private listener: RebalanceListener | undefined;
  private readonly revoked: TopicPartition[] = [];

  constructor(private readonly partition: number) {}

  arm(): void {
    this.state = 'armed';
  }

  wrap(inner: GroupConsumer): GroupConsumer {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapped consumer's callbacks read this migration's state
    const moving = this;
    const gone = (tp: { partition: number }): boolean => moving.state === 'revoked' && tp.partition === moving.partition;
    return wrappedConsumer(inner, {
      subscribe: (topics, listener) => {
        moving.subscriptions++;
        moving.listener = listener;
        return inner.subscribe(topics, {
          onAssigned: (tps) => listener.onAssigned(tps),
          onRevoked: (tps) => listener.onRevoked(tps),
        });
      },
      poll: async (maxRecords, timeoutMs) => {
        if (moving.state === 'moved' && moving.askedAfterMove) {
          moving.state = 'revoked';
          await moving.listener!.onRevoked(moving.revoked);
        }
        const records = await inner.poll(maxRecords, timeoutMs);
        if (moving.state === 'armed' && records.some((r) => r.partition === moving.partition)) {
          moving.state = 'moved';
          const seen = new Set<string>();
          for (const r of records) {
            if (r.partition === moving.partition && !seen.has(r.topic)) {
              seen.add(r.topic);
              moving.revoked.push({ topic: r.topic, partition: r.partition });
            }
          }
        }
        return records.filter((r) => !gone(r));
      },
      positions: () => inner.positions().filter((p) => !gone(p)),
      assignedAnyOf: (partitions) => {
        if (moving.state === 'assigned' || moving.state === 'armed' || !partitions.includes(moving.partition))
          return inner.assignedAnyOf(partitions);
        moving.askedAfterMove = true;
        return inner.assignedAnyOf(partitions.filter((p) => p !== moving.partition));
      },
    });
  }
}

/** A 2-partition payments topic and a producer of seeded random payments (all of them kept in `all`). */
async function paymentsInput(env: TestEnv, seed: number) {
  const backend = await env.open();
  const prefix = env.prefix;
  await backend.admin().createTopics([{ name: `${prefix}payments`, partitions: 2 }]);
  const rnd = seededRandom(seed);
  const all: Payment[] = [];
  const producer = await backend.producer();
  const produce = async (n: number): Promise<void> => {
    const batch = Array.from({ length: n }, (_, i) => ({
      id: all.length + i,
      customer: `c${Math.floor(rnd() * 11)}`,
      amount: Math.floor(rnd() * 1000),
    }));
    all.push(...batch);
    await producer.send(
      batch.map((p) => ({
        topic: `${prefix}payments`,
        key: Buffer.from(`acct${p.id % 31}`),
        value: Buffer.from(JSON.stringify(p)),
        timestamp: TEST_EPOCH + p.id,
      })),
    );
  };
  return { backend, prefix, applicationId: `${prefix}-app`, all, producer, produce };
}

describe.each(BACKEND_KINDS)('fenced commit (%s)', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('drops the fenced partition, rejoins and ends with exactly-once results', { timeout: 120_000 }, async () => {
    env = await testEnv(kind);
    const { backend, prefix, applicationId, all, producer, produce } = await paymentsInput(env, 7);
    const app = new StreamsApp({
      applicationId,
      topology: threadTestTopology(prefix),
      backend,
      stateDir: `${env.dir}/state`,
      logger: pino({ level: 'silent' }),
    });
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

  it(
    'drops a partition fenced after the group moved it without rejoining; a successor ends with exactly-once results',
    { timeout: 120_000 },
    async () => {
      env = await testEnv(kind);
      const { backend, prefix, applicationId, all, producer, produce } = await paymentsInput(env, 11);
      const moving = new MovingPartition(1);
      const member: Backend = {
        ...backend,
        groupConsumer: async (groupId, options) => moving.wrap(await backend.groupConsumer(groupId, options)),
      };
      const app = new StreamsApp({
        applicationId,
        topology: threadTestTopology(prefix),
        backend: member,
        stateDir: `${env.dir}/state`,
        logger: pino({ level: 'silent' }),
      });
      const successor = new StreamsApp({
        applicationId,
        topology: threadTestTopology(prefix),
        backend,
        stateDir: `${env.dir}/state-successor`,
        logger: pino({ level: 'silent' }),
      });
      try {
        await produce(500);
        await app.runUntilIdle();
        // Partition 1's new owner takes over its transactional id; this member's next commit of it is fenced.
        const newOwner = await backend.transactionalProducer(`${applicationId}-1`);
        moving.arm();
        await produce(500);
        await expect.poll(() => moving.askedAfterMove, { timeout: 60_000 }).toBe(true);
        await expect.poll(() => app.progress().tasks, { timeout: 60_000 }).toBe(2); // partition 0's two tasks
        expect(app.currentState).toBe('running');
        expect(moving.subscriptions).toBe(1);
        await app.stop();
        await newOwner.close().catch(() => undefined);
        // The successor (another member, or this one restarted) carries on from the committed offsets.
        await produce(200);
        await successor.runUntilIdle();
      } finally {
        await app.stop();
        await successor.stop();
        await producer.close();
      }
      expect(await readResults(backend, prefix)).toEqual(expectedResults(all));
    },
  );
});
