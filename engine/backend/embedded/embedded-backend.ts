// The embedded backend: Kafka's semantics on a file-backed partitioned log under <dataDir>/log,
// for running everything on one machine with no servers. See embedded-log.ts for how commits stay
// atomic across kill -9 and how several processes share one data dir.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type {
  Backend,
  CommitBatch,
  IdleGroupsLease,
  LogAdmin,
  LogProducer,
  LogRecord,
  PartitionReader,
  ProduceRecord,
  TopicConfig,
  TopicInfo,
  TopicPartition,
  TopicPartitionOffset,
  TransactionalProducer,
} from '../backend.ts';
import {
  BackendError,
  ClosedError,
  GroupActiveError,
  ProducerFencedError,
  TopicConflictError,
  UnknownPartitionError,
  UnknownTopicError,
} from '../errors.ts';
import { partitionFor } from '../partitioner.ts';
import { EmbeddedLog, type EmbeddedLogOptions, type LogWriter } from './embedded-log.ts';
import type { FileLock } from './file-lock.ts';
import { EmbeddedGroupConsumer, groupActive, groupTaken } from './group-consumer.ts';
import { emptyPartition, type Manifest, type PartitionState, type TopicState } from './manifest.ts';
import { PartitionCursor } from './partition-cursor.ts';
import { encodeRecords, topicDir, type EncodedRecords } from './partition-files.ts';

/** Kafka's legal topic names (no path tricks possible). */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const READ_BATCH_RECORDS = 10_000;

export function createEmbeddedBackend(dataDir: string, options: EmbeddedLogOptions = {}): Backend {
  const log = new EmbeddedLog(dataDir, options);
  const closables = new Set<{ close(): Promise<void> }>();
  const track = <T extends { close(): Promise<void> }>(c: T): T => {
    closables.add(c);
    return c;
  };
  return {
    kind: 'embedded',
    admin: () => new EmbeddedAdmin(log),
    producer: async () => track(new EmbeddedProducer(log)),
    transactionalProducer: async (transactionalId) => track(await EmbeddedTransactionalProducer.open(log, transactionalId)),
    groupConsumer: async (groupId, options) => track(new EmbeddedGroupConsumer(log, groupId, options?.thread)),
    holdGroup: async (groupId) => {
      const member = log.groupMemberLock(groupId);
      if (!member.tryAcquire()) throw groupTaken(log, groupId, member);
      return { release: () => member.release() };
    },
    leaseIdleGroups: async (groupIds) => track(leaseIdleGroups(log, groupIds)),
    partitionReader: async () => track(new EmbeddedPartitionReader(log)),
    close: async () => {
      for (const c of closables) await c.close();
      closables.clear();
      log.close();
    },
  };
}

/** Takes the member slot of each group, all or none: a member joining later fails until release. */
function leaseIdleGroups(log: EmbeddedLog, groupIds: string[]): IdleGroupsLease & { close(): Promise<void> } {
  const members = new Map<string, FileLock>();
  let released = false;
  const release = async (): Promise<void> => {
    released = true;
    for (const [groupId, member] of members) {
      log.leasedGroups.delete(groupId);
      member.release();
    }
    members.clear();
  };
  for (const groupId of new Set(groupIds)) {
    const member = log.groupMemberLock(groupId);
    if (!member.tryAcquire()) {
      void release();
      throw groupActive(log, groupId, member);
    }
    members.set(groupId, member);
    log.leasedGroups.add(groupId);
  }
  return {
    // Nobody can join while the slots are ours.
    verify: async () => {
      if (released) throw new ClosedError('idle groups lease used after release');
    },
    release,
    close: release,
  };
}

function requireTopic(manifest: Manifest, topic: string, where: string): TopicState {
  if (!Object.hasOwn(manifest.topics, topic)) throw new UnknownTopicError(topic, where);
  return manifest.topics[topic];
}

function requirePartition(state: TopicState, topic: string, partition: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= state.partitions.length) {
    throw new UnknownPartitionError(`topic "${topic}" has no partition ${partition} (it has ${state.partitions.length})`);
  }
}

/** The records of one send or commit for one topic, by partition, encoded before the commit lock. */
interface EncodedTopic {
  topic: string;
  /** The topic incarnation the records were partitioned for. */
  topicId: string;
  partitions: (EncodedRecords | undefined)[];
}

/**
 * Groups records by topic and partition (keeping their order) and encodes them, against this
 * process's view of the manifest: the expensive part of an append, done before the lock is taken.
 */
function encodeByPartition(log: EmbeddedLog, records: ProduceRecord[], where: string): EncodedTopic[] {
  const byTopic = new Map<string, { state: TopicState; perPartition: ProduceRecord[][] }>();
  const now = Date.now();
  for (const r of records) {
    let t = byTopic.get(r.topic);
    if (t === undefined) {
      const state = knownTopic(log, r.topic, where);
      t = { state, perPartition: state.partitions.map(() => []) };
      byTopic.set(r.topic, t);
    }
    const partition = r.partition ?? partitionFor(r.key, t.state.partitions.length, r.topic);
    requirePartition(t.state, r.topic, partition);
    t.perPartition[partition].push(r);
  }
  return [...byTopic].map(([topic, t]) => ({
    topic,
    topicId: t.state.id,
    partitions: t.perPartition.map((rs) => (rs.length > 0 ? encodeRecords(rs, now) : undefined)),
  }));
}

function knownTopic(log: EmbeddedLog, topic: string, where: string): TopicState {
  const state = log.topic(topic);
  if (state !== undefined) return state;
  log.refresh(); // created by another process since this one last looked?
  return requireTopic(log.manifest, topic, where);
}

/** Under the commit lock: appends what encodeByPartition prepared, if its topics are still the same. */
function appendEncoded(manifest: Manifest, writer: LogWriter, topics: EncodedTopic[], where: string): void {
  for (const t of topics) {
    if (requireTopic(manifest, t.topic, where).id !== t.topicId)
      throw new BackendError(`topic "${t.topic}" was deleted and created again during ${where}: nothing of it was written`);
  }
  for (const t of topics) {
    for (let p = 0; p < t.partitions.length; p++) {
      const records = t.partitions[p];
      if (records !== undefined) writer.append(t.topic, p, records);
    }
  }
}

function setGroupOffsets(manifest: Manifest, groupId: string, offsets: TopicPartitionOffset[], where: string): void {
  const group = (manifest.groups[groupId] ??= {});
  for (const o of offsets) {
    const state = requireTopic(manifest, o.topic, where);
    requirePartition(state, o.topic, o.partition);
    if (!Number.isInteger(o.offset) || o.offset < 0)
      throw new RangeError(`invalid offset ${o.offset} for ${o.topic}-${o.partition} in ${where}`);
    const perPartition = (group[o.topic] ??= state.partitions.map(() => null));
    perPartition[o.partition] = o.offset;
  }
}

class EmbeddedAdmin implements LogAdmin {
  constructor(private readonly log: EmbeddedLog) {}

  async createTopics(topics: TopicConfig[]): Promise<void> {
    for (const t of topics) {
      if (!TOPIC_NAME.test(t.name)) throw new RangeError(`invalid topic name "${t.name}" (letters, digits, . _ - only)`);
      if (!Number.isInteger(t.partitions) || t.partitions < 1)
        throw new RangeError(`topic "${t.name}" needs a positive partition count, got ${t.partitions}`);
    }
    if (topics.every((t) => this.log.manifest.topics[t.name]?.partitions.length === t.partitions)) return;
    await this.log.transact('createTopics', (manifest) => {
      for (const t of topics) {
        const existing = manifest.topics[t.name];
        if (existing !== undefined) {
          if (existing.partitions.length !== t.partitions) {
            throw new TopicConflictError(`topic "${t.name}" exists with ${existing.partitions.length} partitions, not ${t.partitions}`);
          }
          continue;
        }
        const state: TopicState = {
          id: crypto.randomBytes(4).toString('hex'),
          compacted: t.compacted ?? false,
          partitions: Array.from({ length: t.partitions }, emptyPartition),
        };
        fs.mkdirSync(topicDir(this.log.dir, t.name, state), { recursive: true });
        manifest.topics[t.name] = state;
      }
    });
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.log.refresh();
    return Object.entries(this.log.manifest.topics)
      .map(([name, state]) => ({ name, partitions: state.partitions.length, endOffsets: state.partitions.map((p) => p.end) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async topicNames(): Promise<string[]> {
    this.log.refresh();
    return Object.keys(this.log.manifest.topics).sort();
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return (await this.partitionCounts([topic])).get(topic);
  }

  async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    this.log.refresh();
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const n = this.log.topic(topic)?.partitions.length;
      if (n !== undefined) counts.set(topic, n);
    }
    return counts;
  }

  async endOffsets(topic: string): Promise<number[]> {
    this.log.refresh();
    return requireTopic(this.log.manifest, topic, 'endOffsets').partitions.map((p) => p.end);
  }

  /** The embedded log never deletes records. */
  async startOffsets(topic: string): Promise<number[]> {
    this.log.refresh();
    return requireTopic(this.log.manifest, topic, 'startOffsets').partitions.map(() => 0);
  }

  async offsetsForTimestamp(topic: string, ts: number): Promise<number[]> {
    this.log.refresh();
    const state = requireTopic(this.log.manifest, topic, 'offsetsForTimestamp');
    return state.partitions.map((committed, p) => {
      if (committed.maxTimestamp === null || committed.maxTimestamp < ts) return committed.end;
      const cursor = new PartitionCursor(this.log.paths(topic, state, p), topic, p);
      try {
        return cursor.offsetForTimestamp(ts, committed);
      } finally {
        cursor.close();
      }
    });
  }

  async committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    this.log.refresh();
    const state = requireTopic(this.log.manifest, topic, 'committedOffsets');
    const stored = this.log.manifest.groups[groupId]?.[topic];
    return state.partitions.map((_, p) => stored?.[p] ?? null);
  }

  async setCommittedOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const member = this.log.leasedGroups.has(groupId) ? undefined : this.log.groupMemberLock(groupId).liveOwner();
    if (member !== undefined) {
      throw new GroupActiveError(
        `cannot reset offsets of consumer group "${groupId}": it has an active member (pid ${member.pid}); stop it first`,
      );
    }
    await this.log.transact('setCommittedOffsets', (manifest) => setGroupOffsets(manifest, groupId, offsets, 'setCommittedOffsets'));
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const dirs = await this.log.transact('deleteTopics', (manifest) => {
      const removed: string[] = [];
      for (const topic of topics) {
        const state = manifest.topics[topic];
        if (state === undefined) continue;
        removed.push(topicDir(this.log.dir, topic, state));
        delete manifest.topics[topic];
        for (const group of Object.values(manifest.groups)) delete group[topic];
      }
      return removed;
    });
    // After the commit: a crash before this line leaves only unreferenced files behind.
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {}
}

class EmbeddedProducer implements LogProducer {
  private closed = false;

  constructor(private readonly log: EmbeddedLog) {}

  async send(records: ProduceRecord[]): Promise<void> {
    if (this.closed) throw new ClosedError('producer is closed');
    if (records.length === 0) return;
    const encoded = encodeByPartition(this.log, records, 'send');
    await this.log.transact('send', (manifest, writer) => appendEncoded(manifest, writer, encoded, 'send'));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * Fencing like Kafka's: opening a producer bumps its transactional id's epoch in the manifest, and
 * a commit from an older epoch fails, so a zombie worker cannot write after its task moved.
 */
class EmbeddedTransactionalProducer implements TransactionalProducer {
  private closed = false;

  private constructor(
    private readonly log: EmbeddedLog,
    private readonly transactionalId: string,
    private readonly epoch: number,
  ) {}

  static async open(log: EmbeddedLog, transactionalId: string): Promise<EmbeddedTransactionalProducer> {
    const epoch = await log.transact('initTransactions', (manifest) => {
      const next = (manifest.producers[transactionalId] ?? 0) + 1;
      manifest.producers[transactionalId] = next;
      return next;
    });
    return new EmbeddedTransactionalProducer(log, transactionalId, epoch);
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (this.closed) throw new ClosedError(`transactional producer "${this.transactionalId}" is closed`);
    if (batch.records.length === 0 && batch.offsets.length === 0) return;
    const where = `commit of ${this.transactionalId}`;
    const encoded = encodeByPartition(this.log, batch.records, where);
    await this.log.transact(where, (manifest, writer) => {
      const current = manifest.producers[this.transactionalId];
      if (current !== this.epoch) throw new ProducerFencedError(this.transactionalId, `epoch ${this.epoch} is older than ${current}`);
      appendEncoded(manifest, writer, encoded, where);
      setGroupOffsets(manifest, batch.groupId, batch.offsets, `commit of ${this.transactionalId}`);
    });
  }

  /** The manifest rename that commits also makes the batch visible. */
  async awaitVisible(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}

class EmbeddedPartitionReader implements PartitionReader {
  private closed = false;

  constructor(private readonly log: EmbeddedLog) {}

  async *read(tp: TopicPartition, fromOffset: number, toOffset: number): AsyncIterable<LogRecord[]> {
    if (this.closed) throw new ClosedError('partition reader is closed');
    this.log.refresh();
    const state = requireTopic(this.log.manifest, tp.topic, 'partitionReader.read');
    requirePartition(state, tp.topic, tp.partition);
    const committed: PartitionState = state.partitions[tp.partition];
    const end = Math.min(toOffset, committed.end);
    if (fromOffset >= end) return;
    const cursor = new PartitionCursor(this.log.paths(tp.topic, state, tp.partition), tp.topic, tp.partition);
    try {
      cursor.seek(fromOffset, committed);
      const limit: PartitionState = { ...committed, end };
      while (cursor.offset < end && !this.closed) {
        const batch: LogRecord[] = [];
        cursor.read(limit, READ_BATCH_RECORDS, batch);
        yield batch;
      }
    } finally {
      cursor.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
