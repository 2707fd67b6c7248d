import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendContract, pollAll, unique } from '../backend-contract.ts';
import { GroupActiveError, GroupMemberConflictError } from '../errors.ts';
import { createEmbeddedBackend } from './embedded-backend.ts';

const noopListener = { onAssigned: async () => {}, onRevoked: async () => {} };

function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-embedded-'));
}

backendContract('embedded', async () => {
  const dir = tempDataDir();
  const backend = createEmbeddedBackend(dir);
  return {
    backend,
    failingRecord: () => ({ topic: 'no-such-topic', key: null, value: Buffer.from('x') }),
    cleanup: async () => {
      await backend.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded backend specifics', () => {
  it('allows one live member per group and refuses offset resets while it runs', async () => {
    const dir = tempDataDir();
    const a = createEmbeddedBackend(dir);
    const b = createEmbeddedBackend(dir);
    await a.admin().createTopics([{ name: 'in', partitions: 2 }]);
    const first = await a.groupConsumer('app');
    await first.subscribe(['in'], noopListener);
    const second = await b.groupConsumer('app');
    await expect(second.subscribe(['in'], noopListener)).rejects.toBeInstanceOf(GroupMemberConflictError);
    await expect(b.admin().setCommittedOffsets('app', [{ topic: 'in', partition: 0, offset: 0 }])).rejects.toBeInstanceOf(GroupActiveError);
    await first.close();
    await second.subscribe(['in'], noopListener);
    await second.close();
    await a.close();
    await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows a consumer the commits of another backend instance on the same data dir, and topics created later', async () => {
    const dir = tempDataDir();
    const reader = createEmbeddedBackend(dir);
    const writer = createEmbeddedBackend(dir);
    const consumer = await reader.groupConsumer('g');
    const assigned: string[] = [];
    await consumer.subscribe(['late'], {
      ...noopListener,
      onAssigned: async (tps) => void assigned.push(...tps.map((t) => `${t.topic}-${t.partition}`)),
    });
    expect(await consumer.poll(10, 50)).toEqual([]);
    expect(await consumer.caughtUp()).toBe(true);
    await writer.admin().createTopics([{ name: 'late', partitions: 1 }]);
    const producer = await writer.producer();
    await producer.send([{ topic: 'late', key: Buffer.from('k'), value: Buffer.from('v1') }]);
    const got = await pollAll(consumer, 1, 5000);
    expect(got.map((r) => r.value?.toString())).toEqual(['v1']);
    expect(assigned).toEqual(['late-0']);
    await reader.close();
    await writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads large partitions across read chunks and index entries, and seeks into them', async () => {
    const dir = tempDataDir();
    const backend = createEmbeddedBackend(dir, { durable: false });
    const topic = unique('big');
    await backend.admin().createTopics([{ name: topic, partitions: 1 }]);
    const producer = await backend.producer();
    const value = Buffer.alloc(300, 7);
    for (let batch = 0; batch < 5; batch++) {
      await producer.send(
        Array.from({ length: 4000 }, (_, i) => ({
          topic,
          partition: 0,
          key: Buffer.from(String(batch * 4000 + i)),
          value,
          timestamp: batch * 4000 + i,
        })),
      );
    }
    const big = Buffer.alloc(3 * 1024 * 1024, 1); // larger than one read chunk
    await producer.send([{ topic, partition: 0, key: Buffer.from('big'), value: big }]);
    const reader = await backend.partitionReader();
    let n = 0;
    for await (const records of reader.read({ topic, partition: 0 }, 12_345, 20_001)) {
      for (const r of records) {
        expect(r.offset).toBe(12_345 + n);
        if (r.offset < 20_000) expect(r.key?.toString()).toBe(String(r.offset));
        else expect(r.value?.equals(big)).toBe(true);
        n++;
      }
    }
    expect(n).toBe(20_001 - 12_345);
    expect(await backend.admin().offsetsForTimestamp(topic, 17_777)).toEqual([17_777]);
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('embedded group commit', () => {
  it('writes concurrent transactions together, and a failing member leaves no trace while the others land', async () => {
    const dir = tempDataDir();
    const backend = createEmbeddedBackend(dir);
    try {
      await backend.admin().createTopics([{ name: 'out', partitions: 2 }]);
      const producers = await Promise.all(['t0', 't1', 't2'].map((id) => backend.transactionalProducer(id)));
      const value = (s: string) => Buffer.from(s);
      const outcomes = await Promise.allSettled([
        producers[0].commit({
          groupId: 'g',
          records: [
            { topic: 'out', partition: 0, key: null, value: value('a1') },
            { topic: 'out', partition: 1, key: null, value: value('a2') },
          ],
          offsets: [],
        }),
        // Fails after appending to partition 0 (unknown topic): none of it may show.
        producers[1].commit({
          groupId: 'g',
          records: [
            { topic: 'out', partition: 0, key: null, value: value('b1') },
            { topic: 'no-such-topic', key: null, value: value('b2') },
          ],
          offsets: [],
        }),
        producers[2].commit({
          groupId: 'g',
          records: [{ topic: 'out', partition: 0, key: null, value: value('c1') }],
          offsets: [{ topic: 'out', partition: 1, offset: 5 }],
        }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const reader = await backend.partitionReader();
      const read = async (partition: number) => {
        const got: string[] = [];
        for await (const batch of reader.read({ topic: 'out', partition }, 0, 100))
          for (const r of batch) got.push(`${r.offset}:${r.value!.toString()}`);
        return got;
      };
      expect(await read(0)).toEqual(['0:a1', '1:c1']);
      expect(await read(1)).toEqual(['0:a2']);
      await reader.close();
      expect(await backend.admin().committedOffsets('g', 'out')).toEqual([null, 5]);
    } finally {
      await backend.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
