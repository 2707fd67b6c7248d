// LogAdmin over the kafkajs admin client. End offsets come from ListOffsets with read_committed
// isolation (kafkajs's default), i.e. the last stable offset, which counts transaction markers.
import type { Admin, Kafka } from 'kafkajs';
import type { LogAdmin, TopicConfig, TopicInfo, TopicPartitionOffset } from '../backend.ts';
import { GroupActiveError, TopicConflictError, UnknownTopicError } from '../errors.ts';
import { hasErrorType, translated } from './kafka-client.ts';

export class KafkaAdmin implements LogAdmin {
  private connected: Promise<void> | undefined;
  private readonly admin: Admin;

  constructor(
    kafka: Kafka,
    private readonly brokers: string[],
  ) {
    this.admin = kafka.admin();
  }

  /** The connected kafkajs admin (other parts of the backend share it). */
  async client(): Promise<Admin> {
    this.connected ??= translated(this.brokers, 'connect admin', () => this.admin.connect()).catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    await this.connected;
    return this.admin;
  }

  private run<T>(what: string, action: (admin: Admin) => Promise<T>): Promise<T> {
    return translated(this.brokers, what, async () => action(await this.client()));
  }

  async createTopics(topics: TopicConfig[]): Promise<void> {
    await this.run('createTopics', async (admin) => {
      const existing = await partitionCountsWith(
        admin,
        topics.map((t) => t.name),
      );
      for (const t of topics) {
        const count = existing.get(t.name);
        if (count !== undefined && count !== t.partitions)
          throw new TopicConflictError(`topic "${t.name}" exists with ${count} partitions, not ${t.partitions}`);
      }
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length === 0) return;
      await admin.createTopics({
        // kafkajs's wait for leaders sleeps 100 ms before it first looks: ask at once instead.
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          // Records carry their event time as timestamp, often months old (backfills, the generator);
          // time-based retention (broker default 7 days, judged by record timestamps) would delete them
          // within minutes of arrival. Replays and as-of joins read from the earliest offset: keep all.
          configEntries: t.compacted === true ? [{ name: 'cleanup.policy', value: 'compact' }] : [{ name: 'retention.ms', value: '-1' }],
        })),
      });
      await leadersOf(
        admin,
        missing.map((t) => t.name),
      );
    });
  }

  async listTopics(): Promise<TopicInfo[]> {
    return this.run('listTopics', async (admin) => {
      const names = (await admin.listTopics()).filter((n) => !n.startsWith('__')).sort();
      const out: TopicInfo[] = [];
      for (const name of names) {
        let endOffsets: number[] | undefined;
        for (let attempt = 1; endOffsets === undefined; attempt++) {
          try {
            endOffsets = await this.endOffsetsWith(admin, name);
          } catch (err) {
            // Deleted since it was listed (its partitions lose their leaders first): not a topic any more.
            if (!(await admin.listTopics()).includes(name)) break;
            // Just created: its partitions may not have a leader yet.
            if (attempt >= 10) throw err;
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
        }
        if (endOffsets === undefined) continue;
        out.push({ name, partitions: endOffsets.length, endOffsets });
      }
      return out;
    });
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return (await this.partitionCounts([topic])).get(topic);
  }

  async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    return this.run('partitionCounts', (admin) => partitionCountsWith(admin, topics));
  }

  async endOffsets(topic: string): Promise<number[]> {
    return this.run('endOffsets', (admin) => this.endOffsetsWith(admin, topic));
  }

  async startOffsets(topic: string): Promise<number[]> {
    return this.run('startOffsets', (admin) => this.boundsWith(admin, topic, 'low', 'startOffsets'));
  }

  private endOffsetsWith(admin: Admin, topic: string): Promise<number[]> {
    return this.boundsWith(admin, topic, 'high', 'endOffsets');
  }

  /** Per partition, the log start (low) or the last stable offset (high, read_committed). */
  private async boundsWith(admin: Admin, topic: string, bound: 'low' | 'high', op: string): Promise<number[]> {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return byPartition(offsets.map((o) => ({ partition: o.partition, value: Number(o[bound]) })));
    } catch (err) {
      if (hasErrorType(err, 'UNKNOWN_TOPIC_OR_PARTITION')) throw new UnknownTopicError(topic, op);
      throw err;
    }
  }

  async offsetsForTimestamp(topic: string, ts: number): Promise<number[]> {
    return this.run('offsetsForTimestamp', async (admin) => {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
      return byPartition(offsets.map((o) => ({ partition: o.partition, value: Number(o.offset) })));
    });
  }

  async committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    return this.run('committedOffsets', async (admin) => {
      const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return byPartition(result.partitions.map((p) => ({ partition: p.partition, value: Number(p.offset) < 0 ? null : Number(p.offset) })));
    });
  }

  async setCommittedOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: String(o.offset) });
      byTopic.set(o.topic, list);
    }
    await this.run('setCommittedOffsets', async (admin) => {
      for (const [topic, partitions] of byTopic) {
        try {
          await admin.setOffsets({ groupId, topic, partitions });
        } catch (err) {
          if (/no running instances/.test((err as Error).message)) {
            throw new GroupActiveError(`cannot reset offsets of consumer group "${groupId}": it has active members; stop them first`);
          }
          throw err;
        }
      }
    });
  }

  /** Throws GroupActiveError naming the first of the groups (in order) that has members. */
  async requireIdleGroups(groupIds: string[]): Promise<void> {
    const { groups } = await this.run('describeGroups', (admin) => admin.describeGroups(groupIds));
    for (const groupId of groupIds) {
      const members = groups.find((g) => g.groupId === groupId)?.members ?? [];
      if (members.length === 0) continue;
      const who = [...new Set(members.map((m) => `${m.clientId}@${m.clientHost}`))].join(', ');
      throw new GroupActiveError(
        `consumer group "${groupId}" has ${members.length} active member${members.length === 1 ? '' : 's'} (${who}) on Kafka ${this.brokers.join(',')}`,
      );
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    await this.run('deleteTopics', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      if (present.length > 0) await admin.deleteTopics({ topics: present });
    });
  }

  async close(): Promise<void> {
    if (this.connected === undefined) return;
    this.connected = undefined;
    await this.admin.disconnect();
  }
}

/** Partition counts of those of `topics` that exist. */
async function partitionCountsWith(admin: Admin, topics: string[]): Promise<Map<string, number>> {
  // Listed first: asking for the metadata of a topic that does not exist is an error.
  const existing = new Set(await admin.listTopics());
  const present = [...new Set(topics)].filter((t) => existing.has(t));
  const counts = new Map<string, number>();
  if (present.length === 0) return counts;
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present });
  for (const t of metadata) counts.set(t.name, t.partitions.length);
  return counts;
}

const LEADER_WAIT_MS = 30_000;

/**
 * Resolves once every partition of `topics` has a leader that serves it (new topics are usable
 * within milliseconds): the metadata names a leader, and the leader answers a ListOffsets, which
 * it refuses (NOT_LEADER_FOR_PARTITION) until it has taken the partition on.
 */
async function leadersOf(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      // Retries LEADER_NOT_AVAILABLE itself, with the client's backoff.
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)));
        return;
      }
    } catch (err) {
      // A broker's metadata, or its own partitions, may lag the controller by a moment.
      if (!['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION'].some((type) => hasErrorType(err, type)))
        throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${LEADER_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function byPartition<T>(entries: { partition: number; value: T }[]): T[] {
  const out = new Array<T>(entries.length);
  for (const e of entries) out[e.partition] = e.value;
  return out;
}
