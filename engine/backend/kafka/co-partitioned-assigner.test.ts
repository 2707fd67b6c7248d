// The co-partitioned assigner on its own: the subscriptions stream threads send, how the leader
// reads them (a process short of threads), and that partition p of every topic lands together.
import { AssignerProtocol, type Cluster, type GroupMember } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { coPartitionedAssigner, instanceShortOfThreads } from './co-partitioned-assigner.ts';

const partitionsOf: Record<string, number> = { payments: 4, refunds: 4 };
const cluster = {
  findTopicPartitionMetadata: (topic: string) => Array.from({ length: partitionsOf[topic] }, (_, partitionId) => ({ partitionId })),
} as unknown as Cluster;

function member(memberId: string, thread?: { index: number; count: number; instance: string }): GroupMember {
  const assigner = coPartitionedAssigner(thread)({ cluster, groupId: 'g', logger: undefined as never });
  return { memberId, memberMetadata: assigner.protocol({ topics: ['payments', 'refunds'] }).metadata };
}

describe('co-partitioned assigner', () => {
  it('sees a process whose stream threads have not all joined', () => {
    const a0 = member('m-a0', { index: 0, count: 2, instance: 'A' });
    const a1 = member('m-a1', { index: 1, count: 2, instance: 'A' });
    const b0 = member('m-b0', { index: 0, count: 1, instance: 'B' });
    const plain = member('m-plain');
    const foreign = {
      memberId: 'm-foreign',
      memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['payments'], userData: Buffer.from('not json') }),
    };
    expect(instanceShortOfThreads([a0, b0])).toBe(true);
    expect(instanceShortOfThreads([a0, a1, b0])).toBe(false);
    // Members without thread data (a single StreamsApp, another client) never hold the group up.
    expect(instanceShortOfThreads([plain, foreign, b0])).toBe(false);
    expect(instanceShortOfThreads([plain, a1])).toBe(true);
  });

  it('gives partition p of every topic to the same member, members in id order', async () => {
    const members = [member('m-2', { index: 1, count: 2, instance: 'A' }), member('m-1', { index: 0, count: 2, instance: 'A' })];
    const assigner = coPartitionedAssigner()({ cluster, groupId: 'g', logger: undefined as never });
    const assigned = await assigner.assign({ members, topics: ['payments', 'refunds'] });
    const byMember = Object.fromEntries(
      assigned.map((a) => [a.memberId, AssignerProtocol.MemberAssignment.decode(a.memberAssignment)?.assignment]),
    );
    expect(byMember).toEqual({
      'm-1': { payments: [0, 2], refunds: [0, 2] },
      'm-2': { payments: [1, 3], refunds: [1, 3] },
    });
  });
});
