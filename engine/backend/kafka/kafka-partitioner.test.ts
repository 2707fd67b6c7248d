import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaDefaultPartitioner } from './kafka-partitioner.ts';

function metadata(count: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
    offlineReplicas: [],
  }));
}

describe('kafka default partitioner', () => {
  it('picks the partition kafkajs 2 DefaultPartitioner picks for every keyed message', () => {
    const ours = kafkaDefaultPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const spread = new Set<number>();
    for (const count of [1, 3, 4, 12, 50]) {
      const partitionMetadata = metadata(count);
      for (let i = 0; i < 500; i++) {
        for (const key of [Buffer.from(`customer-${i * 7919}${'x'.repeat(i % 9)}`), `debtor-${i}`]) {
          const args = { topic: 't', partitionMetadata, message: { key, value: null } };
          const picked = ours(args);
          expect(picked).toBe(theirs(args));
          if (count === 50) spread.add(picked);
        }
      }
    }
    expect(spread.size).toBeGreaterThan(40);
  });

  it('keeps an explicit partition and spreads keyless messages over partitions with a leader', () => {
    const ours = kafkaDefaultPartitioner();
    expect(ours({ topic: 't', partitionMetadata: metadata(4), message: { key: 'k', value: null, partition: 3 } })).toBe(3);
    const picked = new Set<number>();
    for (let i = 0; i < 40; i++) picked.add(ours({ topic: 't', partitionMetadata: metadata(4, [1]), message: { value: null } }));
    expect([...picked].sort()).toEqual([0, 2, 3]);
  });
});
