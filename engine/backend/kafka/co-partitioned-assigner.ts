// A group assigner that keeps co-partitioned topics together: partition p of every subscribed topic
// goes to the same member (members sorted, p mod member count). A stream task owns partition p of
// each of its inputs, so the default round-robin over all topic-partitions, which splits them as soon
// as the partition count is not a multiple of the member count, would break joins and windows.
//
// The stream threads of one process join together, yet a broker without an initial rebalance delay
// (group.initial.rebalance.delay.ms=0, usual in development) may form the first generation from
// whichever joined first. That member then starts every task, and a rebalance a moment later moves
// half of them (restored, fenced, redone). Each thread names its process's StreamThreads instance
// and thread count in its subscription; a leader that sees an instance short of threads waits a
// moment before it answers: the missing threads' joins arrive meanwhile, the broker answers the
// leader's SyncGroup with REBALANCE_IN_PROGRESS, and the group re-forms with everyone. Should they
// not come, it assigns what it has.
import { AssignerProtocol, type GroupMember, type PartitionAssigner } from 'kafkajs';
import type { StreamThreadSlot } from '../backend.ts';

const NAME = 'RiskstreamCoPartitioned';
const VERSION = 1;
const MISSING_THREADS_WAIT_MS = 60;

interface MemberThreads {
  instance: string;
  threads: number;
}

export function coPartitionedAssigner(thread?: StreamThreadSlot): PartitionAssigner {
  const userData =
    thread === undefined
      ? Buffer.alloc(0)
      : Buffer.from(JSON.stringify({ instance: thread.instance, threads: thread.count } satisfies MemberThreads));
  return ({ cluster }) => ({
    name: NAME,
    version: VERSION,
    async assign({ members, topics }) {
      if (instanceShortOfThreads(members)) await new Promise((resolve) => setTimeout(resolve, MISSING_THREADS_WAIT_MS));
      const memberIds = members.map((m) => m.memberId).sort();
      const assignment = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const byTopic = assignment.get(memberIds[partitionId % memberIds.length])!;
          (byTopic[topic] ??= []).push(partitionId);
        }
      }
      return memberIds.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment: assignment.get(memberId)!,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return { name: NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData }) };
    },
  });
}

/** True when some process's StreamThreads has fewer members in the group than it has threads. */
export function instanceShortOfThreads(members: GroupMember[]): boolean {
  const seen = new Map<string, { threads: number; members: number }>();
  for (const m of members) {
    const threads = memberThreads(m);
    if (threads === undefined) continue;
    const entry = seen.get(threads.instance) ?? { threads: threads.threads, members: 0 };
    entry.members++;
    seen.set(threads.instance, entry);
  }
  return [...seen.values()].some((e) => e.members < e.threads);
}

function memberThreads(m: GroupMember): MemberThreads | undefined {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(m.memberMetadata) ?? {};
    if (userData === undefined || userData.length === 0) return undefined;
    const parsed = JSON.parse(userData.toString('utf8')) as Partial<MemberThreads>;
    return typeof parsed.instance === 'string' && typeof parsed.threads === 'number'
      ? { instance: parsed.instance, threads: parsed.threads }
      : undefined;
  } catch {
    return undefined; // another client's or an older version's subscription
  }
}
