// The behaviour every Backend must show, as one vitest suite run against each implementation
// (embedded-backend.test.ts, kafka-backend.test.ts). Topic and group names are unique per run
// because a real broker keeps them between runs.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, LogRecord, ProduceRecord, RebalanceListener, TopicPartition } from './backend.ts';
import { GroupActiveError, ProducerFencedError } from './errors.ts';
import { partitionFor } from './partitioner.ts';

export interface ContractFixture {
  backend: Backend;
  /** A record that makes the transaction it is part of fail (after other records were sent). */
  failingRecord(existingTopic: string): ProduceRecord;
  cleanup(): Promise<void>;
}

const noopListener: RebalanceListener = { onAssigned: async () => {}, onRevoked: async () => {} };

export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Polls until `count` records arrived (or fails after timeoutMs). */
export async function pollAll(
  consumer: { poll(n: number, t: number): Promise<LogRecord[]> },
  count: number,
  timeoutMs = 30_000,
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await consumer.poll(count - out.length, 500)));
  return out;
}

async function readRange(backend: Backend, tp: TopicPartition, from: number, to: number): Promise<LogRecord[]> {
  const reader = await backend.partitionReader();
  const out: LogRecord[] = [];
  for await (const batch of reader.read(tp, from, to)) out.push(...batch);
  await reader.close();
  return out;
}

function record(topic: string, i: number, extra: Partial<ProduceRecord> = {}): ProduceRecord {
  return {
    topic,
    key: Buffer.from(`customer-${i % 17}`),
    value: Buffer.from(JSON.stringify({ i })),
    timestamp: 1_700_000_000_000 + i * 1000,
    headers: { seq: String(i), 'content-type': 'application/json' },
    ...extra,
  };
}

function seqOf(r: LogRecord): number {
  return (JSON.parse(r.value!.toString()) as { i: number }).i;
}

export function backendContract(name: string, makeFixture: () => Promise<ContractFixture>): void {
  describe(`${name} backend contract`, () => {
    let fx: ContractFixture;
    let backend: Backend;

    beforeAll(async () => {
      fx = await makeFixture();
      backend = fx.backend;
    });
    afterAll(async () => {
      await fx?.cleanup();
    });

    it('creates, lists and deletes topics; a different partition count is an error', async () => {
      const admin = backend.admin();
      const topic = unique('t-admin');
      await admin.createTopics([
        { name: topic, partitions: 3 },
        { name: `${topic}-changelog`, partitions: 3, compacted: true },
      ]);
      await admin.createTopics([{ name: topic, partitions: 3 }]); // idempotent
      expect(await admin.partitionCount(topic)).toBe(3);
      expect(await admin.partitionCount(unique('absent'))).toBeUndefined();
      expect(await admin.partitionCounts([`${topic}-changelog`, unique('absent'), topic])).toEqual(
        new Map([
          [`${topic}-changelog`, 3],
          [topic, 3],
        ]),
      );
      const listed = (await admin.listTopics()).find((t) => t.name === topic);
      expect(listed).toEqual({ name: topic, partitions: 3, endOffsets: [0, 0, 0] });
      const names = await admin.topicNames();
      expect(names.filter((n) => n.startsWith(topic))).toEqual([topic, `${topic}-changelog`]);
      expect(names).toEqual([...names].sort());
      await expect(admin.createTopics([{ name: topic, partitions: 5 }])).rejects.toThrow(/partitions/);
      await admin.deleteTopics([topic, `${topic}-changelog`]);
      await expect.poll(() => admin.partitionCount(topic), { timeout: 20_000 }).toBeUndefined();
    });

    it('partitions by murmur2 of the key and keeps per-partition order, keys, headers and timestamps', async () => {
      const admin = backend.admin();
      const topic = unique('t-order');
      await admin.createTopics([{ name: topic, partitions: 4 }]);
      const producer = await backend.producer();
      const sent = Array.from({ length: 200 }, (_, i) => record(topic, i));
      sent.push(record(topic, 200, { key: null, partition: 2, headers: {} }));
      sent.push(record(topic, 201, { value: null, partition: 1 }));
      await producer.send(sent.slice(0, 100));
      await producer.send(sent.slice(100));
      await producer.close();

      const expectedEnds = [0, 0, 0, 0];
      for (const r of sent) expectedEnds[r.partition ?? partitionFor(r.key, 4)]++;
      expect(await admin.endOffsets(topic)).toEqual(expectedEnds);

      for (let p = 0; p < 4; p++) {
        const got = await readRange(backend, { topic, partition: p }, 0, expectedEnds[p]);
        const expected = sent.filter((r) => (r.partition ?? partitionFor(r.key, 4)) === p);
        expect(got.map((r) => r.offset)).toEqual(expected.map((_, i) => i));
        expect(got.map((r) => r.key?.toString() ?? null)).toEqual(expected.map((r) => r.key?.toString() ?? null));
        expect(got.map((r) => r.value?.toString() ?? null)).toEqual(expected.map((r) => r.value?.toString() ?? null));
        expect(got.map((r) => r.timestamp)).toEqual(expected.map((r) => r.timestamp));
        expect(got.map((r) => r.headers)).toEqual(expected.map((r) => r.headers ?? {}));
        expect(got.every((r) => r.topic === topic && r.partition === p)).toBe(true);
      }
      // A sub-range from the middle.
      const middle = await readRange(backend, { topic, partition: 0 }, 3, 7);
      expect(middle.map((r) => r.offset)).toEqual([3, 4, 5, 6]);
    });

    it('group consumer reads from the earliest offset, resumes at committed offsets and reports caughtUp', async () => {
      const admin = backend.admin();
      const topic = unique('t-group');
      const groupId = unique('g');
      await admin.createTopics([{ name: topic, partitions: 2 }]);
      const producer = await backend.producer();
      await producer.send(Array.from({ length: 40 }, (_, i) => record(topic, i)));

      const assigned: TopicPartition[] = [];
      const consumer = await backend.groupConsumer(groupId);
      await consumer.subscribe([topic], { ...noopListener, onAssigned: async (tps) => void assigned.push(...tps) });
      const first = await pollAll(consumer, 40);
      expect(first.map(seqOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(assigned.map((tp) => tp.partition).sort()).toEqual([0, 1]);
      expect(await consumer.caughtUp()).toBe(true);
      const ends = await admin.endOffsets(topic);
      expect(consumer.positions().sort((a, b) => a.partition - b.partition)).toEqual([
        { topic, partition: 0, offset: ends[0] },
        { topic, partition: 1, offset: ends[1] },
      ]);

      // Commit up to 5 records short on partition 0, then resume in a fresh member.
      const tx = await backend.transactionalProducer(unique('tx'));
      await tx.commit({
        records: [],
        groupId,
        offsets: [
          { topic, partition: 0, offset: ends[0] - 5 },
          { topic, partition: 1, offset: ends[1] },
        ],
      });
      await tx.close();
      await consumer.close();
      // Kafka shows a transaction's offsets once the coordinator has written its markers, a
      // moment after the commit returned.
      await expect.poll(() => admin.committedOffsets(groupId, topic), { timeout: 10_000 }).toEqual([ends[0] - 5, ends[1]]);

      await producer.send([record(topic, 1000, { partition: 1 })]);
      const second = await backend.groupConsumer(groupId);
      await second.subscribe([topic], noopListener);
      const resumed = await pollAll(second, 6);
      expect(resumed.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4].map((d) => ends[0] - 5 + d));
      expect(resumed.filter((r) => r.partition === 1).map(seqOf)).toEqual([1000]);
      expect(await second.caughtUp()).toBe(true);
      second.seek({ topic, partition: 0, offset: 0 });
      expect(await second.caughtUp()).toBe(false);
      const again = await pollAll(second, ends[0]);
      expect(again.map((r) => r.offset)).toEqual(Array.from({ length: ends[0] }, (_, i) => i));
      await second.close();
      await producer.close();
    });

    it('leaseIdleGroups refuses while a group has a member, all or none; under a lease the offsets may be reset', async () => {
      const admin = backend.admin();
      const topic = unique('t-lease');
      const busy = unique('g-busy');
      const idle = unique('g-idle');
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      const producer = await backend.producer();
      await producer.send([record(topic, 0), record(topic, 1)]);
      await producer.close();
      const member = await backend.groupConsumer(busy);
      await member.subscribe([topic], noopListener);
      expect((await pollAll(member, 2)).length).toBe(2);
      const refusal = await backend.leaseIdleGroups([idle, busy]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refusal).toBeInstanceOf(GroupActiveError);
      expect((refusal as Error).message).toMatch(new RegExp(`^consumer group "${busy}" has .*active member`));
      // The refusal left the idle group free: it can be leased, and its offsets reset meanwhile.
      const lease = await backend.leaseIdleGroups([idle]);
      await lease.verify();
      await admin.setCommittedOffsets(idle, [{ topic, partition: 0, offset: 1 }]);
      expect(await admin.committedOffsets(idle, topic)).toEqual([1]);
      await lease.release();
      await member.close();
      await admin.close();
    });

    it('pause() holds back a partition without losing or repeating a record; resume() hands it out again', async () => {
      const topic = unique('t-pause');
      await backend.admin().createTopics([{ name: topic, partitions: 2 }]);
      const producer = await backend.producer();
      await producer.send(Array.from({ length: 30 }, (_, i) => record(topic, i, { partition: i % 2 })));
      const consumer = await backend.groupConsumer(unique('g'));
      await consumer.subscribe([topic], noopListener);
      // What the consumer may already have fetched of partition 1 waits too; unknown partitions are ignored.
      consumer.pause([
        { topic, partition: 1 },
        { topic: unique('not-assigned'), partition: 0 },
      ]);
      const whilePaused = await pollAll(consumer, 15);
      expect(whilePaused.every((r) => r.partition === 0)).toBe(true);
      expect(await consumer.poll(100, 300)).toEqual([]);
      consumer.resume([{ topic, partition: 1 }]);
      const afterResume = await pollAll(consumer, 15);
      expect(afterResume.map(seqOf)).toEqual(Array.from({ length: 15 }, (_, i) => 2 * i + 1));
      expect(afterResume.map((r) => r.offset)).toEqual(Array.from({ length: 15 }, (_, i) => i));
      await consumer.close();
      await producer.close();
    });

    it('sets committed offsets of an idle group and finds offsets by timestamp', async () => {
      const admin = backend.admin();
      const topic = unique('t-ts');
      const groupId = unique('g');
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      expect(await admin.committedOffsets(groupId, topic)).toEqual([null]);
      const producer = await backend.producer();
      const timestamps = [1000, 2000, 2000, 1500, 3000, 5000];
      await producer.send(timestamps.map((timestamp, i) => record(topic, i, { partition: 0, timestamp })));
      await producer.close();
      expect(await admin.offsetsForTimestamp(topic, 0)).toEqual([0]);
      expect(await admin.offsetsForTimestamp(topic, 2000)).toEqual([1]);
      expect(await admin.offsetsForTimestamp(topic, 2500)).toEqual([4]);
      expect(await admin.offsetsForTimestamp(topic, 5000)).toEqual([5]);
      expect(await admin.offsetsForTimestamp(topic, 9000)).toEqual([6]);

      await admin.setCommittedOffsets(groupId, [{ topic, partition: 0, offset: 4 }]);
      expect(await admin.committedOffsets(groupId, topic)).toEqual([4]);
      const consumer = await backend.groupConsumer(groupId);
      await consumer.subscribe([topic], noopListener);
      const got = await pollAll(consumer, 2);
      expect(got.map((r) => r.timestamp)).toEqual([3000, 5000]);
      await consumer.close();
    });

    it('commits records and offsets of a transaction atomically; a failed one leaves no trace', async () => {
      const admin = backend.admin();
      const input = unique('t-in');
      const output = unique('t-out');
      const changelog = unique('t-changelog');
      const groupId = unique('g');
      await admin.createTopics([
        { name: input, partitions: 1 },
        { name: output, partitions: 2 },
        { name: changelog, partitions: 2, compacted: true },
      ]);
      const producer = await backend.producer();
      await producer.send(Array.from({ length: 10 }, (_, i) => record(input, i, { partition: 0 })));
      await producer.close();

      const tx = await backend.transactionalProducer(unique('tx'));
      await tx.commit({
        groupId,
        records: [record(output, 1), record(output, 2), record(changelog, 3)],
        offsets: [{ topic: input, partition: 0, offset: 5 }],
      });
      await expect(
        tx.commit({
          groupId,
          records: [record(output, 4), record(changelog, 5), fx.failingRecord(output)],
          offsets: [{ topic: input, partition: 0, offset: 10 }],
        }),
      ).rejects.toThrow();
      // Kafka's coordinator applies transactional offsets when the commit marker reaches it, a
      // moment after the commit returned.
      await expect.poll(() => admin.committedOffsets(groupId, input), { timeout: 10_000 }).toEqual([5]);

      // The producer stays usable after a failed transaction.
      const tx2 = await backend.transactionalProducer(unique('tx'));
      await tx2.commit({ groupId, records: [record(output, 6)], offsets: [{ topic: input, partition: 0, offset: 7 }] });
      await tx2.close();
      await tx.close();
      await expect.poll(() => admin.committedOffsets(groupId, input), { timeout: 10_000 }).toEqual([7]);

      const reader = await backend.groupConsumer(unique('g-reader'));
      await reader.subscribe([output, changelog], noopListener);
      const visible = await pollAll(reader, 4);
      // Let anything that should not be there show up, then check nothing did.
      visible.push(...(await reader.poll(100, 1000)));
      expect(visible.map(seqOf).sort((a, b) => a - b)).toEqual([1, 2, 3, 6]);
      expect(await reader.caughtUp()).toBe(true);
      await reader.close();
      const readBack: number[] = [];
      for (const [topic, count] of [
        [output, 2],
        [changelog, 2],
      ] as const) {
        const e = await admin.endOffsets(topic);
        for (let p = 0; p < count; p++) readBack.push(...(await readRange(backend, { topic, partition: p }, 0, e[p])).map(seqOf));
      }
      expect(readBack.sort((a, b) => a - b)).toEqual([1, 2, 3, 6]);
    });

    it("commits a transaction larger than the broker's 1 MiB batch limit, in order", async () => {
      const admin = backend.admin();
      const topic = unique('t-large');
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      const tx = await backend.transactionalProducer(unique('tx-large'));
      const padding = 'x'.repeat(1000);
      const records = Array.from({ length: 3000 }, (_, i) => ({
        ...record(topic, i, { partition: 0 }),
        value: Buffer.from(JSON.stringify({ i, padding })),
      }));
      await tx.commit({ groupId: unique('g'), records, offsets: [] });
      await tx.awaitVisible();
      const got = await readRange(backend, { topic, partition: 0 }, 0, Number.MAX_SAFE_INTEGER);
      expect(got.map(seqOf)).toEqual(records.map((_, i) => i));
      await tx.close();
    });

    it('fences an older producer with the same transactional id', async () => {
      const admin = backend.admin();
      const topic = unique('t-fence');
      const groupId = unique('g');
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      const transactionalId = unique('task');
      const zombie = await backend.transactionalProducer(transactionalId);
      await zombie.commit({ groupId, records: [record(topic, 1, { partition: 0 })], offsets: [] });
      const successor = await backend.transactionalProducer(transactionalId);
      const failure = await zombie.commit({ groupId, records: [record(topic, 2, { partition: 0 })], offsets: [] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(ProducerFencedError);
      expect((failure as ProducerFencedError).retriable).toBe(false);
      await successor.commit({ groupId, records: [record(topic, 3, { partition: 0 })], offsets: [] });
      await successor.awaitVisible();
      const got = await readRange(backend, { topic, partition: 0 }, 0, 100);
      expect(got.map(seqOf)).toEqual([1, 3]);
      await successor.close();
      await zombie.close().catch(() => {});
    });
  });
}
