// A group assigner that keeps co-partitioned topics together: partition p of every subscribed topic
// goes to the same member (members sorted, p mod member count). A stream task owns partition p of
// each of its inputs, so the default round-robin over all topic-partitions, which splits them as soon
// as the partition count is not a multiple of the member count, would break joins and windows.
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const NAME = 'RiskstreamCoPartitioned';
const VERSION = 1;

export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: NAME,
  version: VERSION,
  async assign({ members, topics }) {
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
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: VERSION, assignment: assignment.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData: Buffer.alloc(0) }) };
  },
});
