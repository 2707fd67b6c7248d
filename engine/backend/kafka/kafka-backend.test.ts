import { describe, expect, it } from 'vitest';
import type { TopicPartition } from '../backend.ts';
import { backendContract, pollAll, unique } from '../backend-contract.ts';
import { BrokerConnectionError } from '../errors.ts';
import { brokersFromEnv, createKafkaBackend } from './kafka-backend.ts';
import type { KafkaGroupConsumer } from './kafka-group-consumer.ts';

function brokers(): string[] {
  const list = brokersFromEnv();
  if (list.length === 0) {
    throw new Error(
      'KAFKA_BROKERS is not set: the Kafka backend tests need a real broker (npm test starts one; or export KAFKA_BROKERS=host:port)',
    );
  }
  return list;
}

backendContract('kafka', async () => {
  const backend = createKafkaBackend({ brokers: brokers(), clientId: 'riskstream-contract-test' });
  return {
    backend,
    // Over the broker's message.max.bytes: the broker rejects it after the other records of the
    // transaction were appended, so only the abort keeps them invisible.
    failingRecord: (topic) => ({ topic, key: null, partition: 0, value: Buffer.alloc(2 * 1024 * 1024, 1) }),
    cleanup: () => backend.close(),
  };
});

describe('kafka backend specifics', () => {
  it('names the broker list when Kafka cannot be reached', { timeout: 60_000 }, async () => {
    const backend = createKafkaBackend({ brokers: ['127.0.0.1:1'] });
    const failure = await backend
      .admin()
      .listTopics()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(BrokerConnectionError);
    expect((failure as Error).message).toMatch(/^cannot reach Kafka at 127\.0\.0\.1:1: /);
    expect((failure as Error).message).not.toContain('\n');
    await backend.close();
  });

  it('keeps answering after another client deletes a topic it had read (a shared broker)', { timeout: 120_000 }, async () => {
    const backend = createKafkaBackend({ brokers: brokers(), clientId: 'riskstream-deleted-elsewhere-test' });
    const reader = backend.admin();
    const other = backend.admin();
    const [gone, kept, later] = [unique('t-gone'), unique('t-kept'), unique('t-later')];
    await other.createTopics([gone, kept, later].map((name) => ({ name, partitions: 2 })));
    expect(await reader.endOffsets(gone)).toEqual([0, 0]);
    expect(await reader.committedOffsets(unique('g'), kept)).toEqual([null, null]);
    await other.deleteTopics([gone]);
    await expect.poll(() => other.partitionCount(gone), { timeout: 20_000 }).toBeUndefined();
    expect(await reader.endOffsets(later)).toEqual([0, 0]);
    const listed = await reader.listTopics();
    expect(listed.map((t) => t.name)).toEqual(expect.arrayContaining([kept, later]));
    expect(listed.map((t) => t.name)).not.toContain(gone);
    expect(await reader.topicNames()).not.toContain(gone);
    await other.deleteTopics([kept, later]);
    await backend.close();
  });
});

describe('kafka group rebalances', () => {
  it('splits partitions between two members and reports revocation to the first', { timeout: 120_000 }, async () => {
    const backend = createKafkaBackend({ brokers: brokers(), clientId: 'riskstream-rebalance-test' });
    const topic = unique('t-rebalance');
    const groupId = unique('g');
    await backend.admin().createTopics([{ name: topic, partitions: 4 }]);
    const producer = await backend.producer();
    await producer.send(Array.from({ length: 40 }, (_, i) => ({ topic, partition: i % 4, key: null, value: Buffer.from(String(i)) })));
    const events: string[] = [];
    const listener = (name: string) => ({
      onAssigned: async (tps: TopicPartition[]) =>
        void events.push(
          `${name}+${tps
            .map((t) => t.partition)
            .sort()
            .join('')}`,
        ),
      onRevoked: async (tps: TopicPartition[]) =>
        void events.push(
          `${name}-${tps
            .map((t) => t.partition)
            .sort()
            .join('')}`,
        ),
    });
    const first = await backend.groupConsumer(groupId);
    await first.subscribe([topic], listener('a'));
    expect((await pollAll(first, 40)).length).toBe(40);
    const second = await backend.groupConsumer(groupId);
    await second.subscribe([topic], listener('b'));
    await first.poll(10, 2000); // applies the new assignment
    const mine = first.positions().map((p) => p.partition);
    const theirs = second.positions().map((p) => p.partition);
    expect(mine.length + theirs.length).toBe(4);
    expect([...mine, ...theirs].sort()).toEqual([0, 1, 2, 3]);
    expect(events[0]).toBe('a+0123');
    expect(events).toContain(`a-${theirs.sort().join('')}`);
    expect(events).toContain(`b+${theirs.sort().join('')}`);
    // The second member starts at the group's committed offsets (none: earliest).
    expect((await pollAll(second, 20)).length).toBe(20);
    await second.close();
    await first.close();
    await producer.close();
    await backend.close();
  });

  it(
    'fetches nothing for new partitions while their tasks restore, then everything from the start offset',
    { timeout: 120_000 },
    async () => {
      const backend = createKafkaBackend({ brokers: brokers(), clientId: 'riskstream-restore-fetch-test' });
      const topic = unique('t-restoring');
      await backend.admin().createTopics([{ name: topic, partitions: 2 }]);
      const producer = await backend.producer();
      await producer.send(Array.from({ length: 400 }, (_, i) => ({ topic, partition: i % 2, key: null, value: Buffer.from(String(i)) })));
      const consumer = (await backend.groupConsumer(unique('g'))) as KafkaGroupConsumer;
      // A slow restore: kafkajs used to fetch (and the consumer to drop) the partitions meanwhile.
      await consumer.subscribe([topic], { onAssigned: () => new Promise((r) => setTimeout(r, 1500)), onRevoked: async () => {} });
      const records = await pollAll(consumer, 400);
      expect(consumer.fetchedBeforeReady).toBe(0);
      for (const p of [0, 1]) {
        const mine = records.filter((r) => r.partition === p);
        expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 200 }, (_, i) => i));
        expect(mine.map((r) => Number(r.value!.toString()))).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i + p));
      }
      await consumer.close();
      await producer.close();
      await backend.close();
    },
  );

  it('keeps partition p of co-partitioned topics on one member, whatever the member count', { timeout: 120_000 }, async () => {
    const backend = createKafkaBackend({ brokers: brokers(), clientId: 'riskstream-copartition-test' });
    const topics = [unique('t-left'), unique('t-right')];
    const groupId = unique('g');
    await backend.admin().createTopics(topics.map((name) => ({ name, partitions: 4 })));
    const noop = { onAssigned: async () => undefined, onRevoked: async () => undefined };
    const members = [];
    for (let i = 0; i < 3; i++) {
      const m = await backend.groupConsumer(groupId);
      await m.subscribe(topics, noop);
      members.push(m);
    }
    // Let every member see the final generation's assignment.
    for (let round = 0; round < 3; round++) for (const m of members) await m.poll(10, 1000);
    const byMember = members.map((m) => {
      const byTopic = topics.map((t) =>
        m
          .positions()
          .filter((p) => p.topic === t)
          .map((p) => p.partition)
          .sort(),
      );
      return byTopic;
    });
    for (const [left, right] of byMember) expect(left).toEqual(right);
    expect(byMember.flatMap(([left]) => left).sort()).toEqual([0, 1, 2, 3]);
    expect(byMember.filter(([left]) => left.length > 0).length).toBe(3);
    for (const m of members) await m.close();
    await backend.close();
  });
});
