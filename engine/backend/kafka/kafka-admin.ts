// LogAdmin over the kafkajs admin client. End offsets come from ListOffsets with read_committed
// isolation (kafkajs's default), i.e. the last stable offset, which counts transaction markers.
import type { Admin, Kafka } from 'kafkajs';
import type { LogAdmin, TopicConfig, TopicInfo, TopicPartitionOffset } from '../backend.ts';
import { GroupActiveError, TopicConflictError, UnknownTopicError } from '../errors.ts';
import { hasErrorType, translated } from './kafka-client.ts';

export class KafkaAdmin implements LogAdmin {
  private connected: Promise<void> | undefined;
  private admin: Admin;
  /** Replaced kafkajs clients, disconnected on close (another caller may still be using one). */
  private readonly retired: Admin[] = [];
  /**
   * Topics the kafkajs client refreshes the metadata of: kafkajs keeps every topic it was asked
   * about (offsets, group offsets) and refreshes them all in one request, which fails (after ~8 s
   * of retries) once any of them was deleted, e.g. by another process on a shared broker.
   */
  private readonly tracked = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly brokers: string[],
  ) {
    this.admin = kafka.admin();
  }

  /**
   * Before asking kafkajs about topics it does not track yet (which refreshes the metadata of all
   * it tracks): when a tracked topic no longer exists, continue on a new kafkajs client. `existing`
   * spares a metadata request when the caller just listed the topics.
   */
  private async clientFor(topics: string[], existing?: Set<string>): Promise<Admin> {
    let admin = await this.client();
    if (topics.every((t) => this.tracked.has(t))) return admin;
    if (this.tracked.size > 0) {
      const names = existing ?? new Set(await admin.listTopics());
      if ([...this.tracked].some((t) => !names.has(t))) admin = await this.renew();
    }
    for (const t of topics) this.tracked.add(t);
    return admin;
  }

  private async renew(): Promise<Admin> {
    this.retired.push(this.admin);
    this.admin = this.kafka.admin();
    this.connected = undefined;
    this.tracked.clear();
    return this.client();
  }

  /** The connected kafkajs admin (other parts of the backend share it). */
  async client(): Promise<Admin> {
    for (;;) {
      const admin = this.admin;
      this.connected ??= translated(this.brokers, 'connect admin', () => admin.connect()).catch((err: unknown) => {
        if (this.admin === admin) this.connected = undefined;
        throw err;
      });
      await this.connected;
      // Renewed meanwhile: the new client is the one to connect and use.
      if (this.admin === admin) return admin;
    }
  }

  private run<T>(what: string, action: (admin: Admin) => Promise<T>): Promise<T> {
    return translated(this.brokers, what, async () => action(await this.client()));
  }

  /**
   * An action on `topics` (see clientFor). A tracked topic deleted between the check and the
   * action fails it with UNKNOWN_TOPIC_OR_PARTITION although `topics` exist: once more on a new client.
   */
  private runOn<T>(what: string, topics: string[], action: (admin: Admin) => Promise<T>): Promise<T> {
    return translated(this.brokers, what, async () => {
      try {
        return await action(await this.clientFor(topics));
      } catch (err) {
        if (!(err instanceof UnknownTopicError) && !hasErrorType(err, 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
        const existing = new Set(await (await this.client()).listTopics());
        for (const t of topics) if (!existing.has(t)) this.tracked.delete(t);
        if (!topics.every((t) => existing.has(t))) throw err;
        await this.renew();
        return action(await this.clientFor(topics));
      }
    });
  }

  async createTopics(topics: TopicConfig[]): Promise<void> {
    await this.runOn('createTopics', [], async (admin) => {
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
      const names = missing.map((t) => t.name);
      await leadersOf(await this.clientFor(names), names);
    });
  }

  async listTopics(): Promise<TopicInfo[]> {
    return this.run('listTopics', async (first) => {
      let listed = new Set(await first.listTopics());
      const names = [...listed].filter((n) => !n.startsWith('__')).sort();
      const out: TopicInfo[] = [];
      for (const name of names) {
        let endOffsets: number[] | undefined;
        for (let attempt = 1; endOffsets === undefined; attempt++) {
          try {
            endOffsets = await this.endOffsetsWith(await this.clientFor([name], listed), name);
          } catch (err) {
            listed = new Set(await (await this.client()).listTopics());
            // Deleted since it was listed (its partitions lose their leaders first): not a topic any more.
            if (!listed.has(name)) {
              this.tracked.delete(name);
              break;
            }
            // Just created: its partitions may not have a leader yet; or another topic this client
            // tracks was deleted meanwhile (clientFor moves to a new client).
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

  async topicNames(): Promise<string[]> {
    return this.run('listTopics', async (admin) => (await admin.listTopics()).filter((n) => !n.startsWith('__')).sort());
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return (await this.partitionCounts([topic])).get(topic);
  }

  async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    return this.run('partitionCounts', (admin) => partitionCountsWith(admin, topics));
  }

  async endOffsets(topic: string): Promise<number[]> {
    return this.runOn('endOffsets', [topic], (admin) => this.endOffsetsWith(admin, topic));
  }

  async startOffsets(topic: string): Promise<number[]> {
    return this.runOn('startOffsets', [topic], (admin) => this.boundsWith(admin, topic, 'low', 'startOffsets'));
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
    return this.runOn('offsetsForTimestamp', [topic], async (admin) => {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
      return byPartition(offsets.map((o) => ({ partition: o.partition, value: Number(o.offset) })));
    });
  }

  async committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    return this.runOn('committedOffsets', [topic], async (admin) => {
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
    await this.runOn('setCommittedOffsets', [...byTopic.keys()], async (admin) => {
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
    for (const old of this.retired.splice(0)) await old.disconnect().catch(() => undefined);
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
