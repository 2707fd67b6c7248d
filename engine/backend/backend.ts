// The log a pipeline reads from and writes to. Two implementations: `kafka` (kafkajs against a real
// cluster) and `embedded` (a file-backed partitioned log under the data dir). Nothing above this
// interface knows which one it runs on.

export type Headers = Record<string, string>;

/** The headers of a record that has none, shared (frozen) by every such record a backend reads. */
export const NO_HEADERS: Headers = Object.freeze({}) as Headers;

/** A record as stored in a topic partition. Offsets are per partition, starting at 0. */
export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Record timestamp, UTC ms (producers set it to the event's event_time). */
  timestamp: number;
  headers: Headers;
}

/** A record to append. Without `partition`, the partition is murmur2(key) like Kafka's default partitioner. */
export interface ProduceRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  partition?: number;
  timestamp?: number;
  headers?: Headers;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** `offset` is the next offset to read (Kafka's committed-offset convention). */
export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export interface TopicConfig {
  name: string;
  partitions: number;
  /** Changelog topics are compacted: the latest value per key is all a restore needs. */
  compacted?: boolean;
}

export interface TopicInfo {
  name: string;
  partitions: number;
  /** Records per partition (end offset; for transactional topics the last stable offset). */
  endOffsets: number[];
}

export interface LogAdmin {
  /** Creates the topics that do not exist yet; an existing topic with another partition count is an error. */
  createTopics(topics: TopicConfig[]): Promise<void>;
  listTopics(): Promise<TopicInfo[]>;
  /** Names of the topics (internal ones of the log excluded), sorted: one metadata look, no offsets. */
  topicNames(): Promise<string[]>;
  /** undefined when the topic does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  /** Partition counts of those of `topics` that exist, in one look at the log's metadata. */
  partitionCounts(topics: string[]): Promise<Map<string, number>>;
  /** Next offset to be written per partition, counting only committed (read_committed visible) data. */
  endOffsets(topic: string): Promise<number[]>;
  /** Earliest offset still in the log per partition (Kafka: after retention deleted older records). */
  startOffsets(topic: string): Promise<number[]>;
  /** Per partition, the earliest offset whose timestamp is >= ts (end offset when none). */
  offsetsForTimestamp(topic: string, ts: number): Promise<number[]>;
  /** Committed offsets of a consumer group for a topic; null where nothing is committed. */
  committedOffsets(groupId: string, topic: string): Promise<(number | null)[]>;
  /** Overwrites a group's committed offsets. The group must have no active members. */
  setCommittedOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A plain (non-transactional) producer, for connectors and tools. */
export interface LogProducer {
  send(records: ProduceRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** What a group consumer tells its owner when partitions move between workers. */
export interface RebalanceListener {
  /** Called before partitions are taken away: the owner commits and closes their tasks. */
  onRevoked(partitions: TopicPartition[]): Promise<void>;
  /** Called when partitions are given to this worker: the owner restores their tasks. */
  onAssigned(partitions: TopicPartition[]): Promise<void>;
}

/**
 * One member of a consumer group, pull style (like Kafka's Java consumer). Reads with
 * read_committed isolation. Starts each assigned partition at the group's committed offset, or at
 * the earliest offset when nothing is committed.
 */
export interface GroupConsumer {
  subscribe(topics: string[], listener: RebalanceListener): Promise<void>;
  /** Up to maxRecords records from assigned partitions, waiting at most timeoutMs for the first. */
  poll(maxRecords: number, timeoutMs: number): Promise<LogRecord[]>;
  /** Next offset poll() will return per assigned partition. */
  positions(): TopicPartitionOffset[];
  /** True when every assigned partition has been read to its end offset (nothing more to poll now). */
  caughtUp(): Promise<boolean>;
  /**
   * An offset the partition's end (read_committed: its last stable offset) is known to have
   * reached, from what the consumer already asked the log; undefined when it knows none. Ends
   * never move back, so a position below it means records are on the way, no need to ask.
   */
  knownEnd(tp: TopicPartition): number | undefined;
  /** Asks the log for the end offsets of a topic's assigned partitions: knownEnd answers them after. */
  refreshEnds(topic: string): Promise<void>;
  seek(tp: TopicPartitionOffset): void;
  /**
   * Stops handing out records of these partitions (Kafka's pause): what was fetched stays buffered
   * and the positions do not move. Partitions not assigned (any more) are ignored.
   */
  pause(tps: TopicPartition[]): void;
  /** Hands out records of these paused partitions again. */
  resume(tps: TopicPartition[]): void;
  /**
   * True when the newest assignment the group gave this member, handed to the listener yet or
   * not, holds partition p of any topic for some p in `partitions`.
   */
  assignedAnyOf(partitions: number[]): boolean;
  close(): Promise<void>;
}

/**
 * The atomic unit of the commit loop: output records, changelog records and input offsets.
 * exactly_once: all become visible together or not at all, even across kill -9.
 */
export interface CommitBatch {
  records: ProduceRecord[];
  offsets: TopicPartitionOffset[];
  groupId: string;
}

export interface TransactionalProducer {
  commit(batch: CommitBatch): Promise<void>;
  /**
   * Resolves once everything committed so far is visible to read_committed readers. Kafka answers
   * a commit once it is decided but writes the partition markers afterwards, so a reader asking
   * straight away can see the partition's end short of the last transaction.
   */
  awaitVisible(): Promise<void>;
  close(): Promise<void>;
}

/** Reads a partition range outside any group (state restore, tools). */
export interface PartitionReader {
  /** Records of [fromOffset, toOffset) in batches, committed data only. */
  read(tp: TopicPartition, fromOffset: number, toOffset: number): AsyncIterable<LogRecord[]>;
  close(): Promise<void>;
}

/** One of `count` stream threads of a process, all members of the same group. */
export interface StreamThreadSlot {
  index: number;
  count: number;
  /** Names the StreamThreads instance (one process's threads) this thread belongs to. */
  instance: string;
}

export interface GroupConsumerOptions {
  /**
   * Set for the stream threads of one process. Kafka: each thread is an ordinary group member and
   * the group coordinator assigns (the leader waits a moment for a process's missing threads).
   * Embedded: the process holds the group (`holdGroup`) and thread `index` takes the partitions p
   * with p % count === index.
   */
  thread?: StreamThreadSlot;
}

/** The group reserved for this process's stream threads, until released. */
export interface GroupHold {
  release(): void;
}

/**
 * Consumer groups kept without members while a tool rewrites what they read and where they stand
 * (replay). Embedded: holds each group's member slot, so no member can join until released.
 * Kafka: the broker has no such lock and a member may join meanwhile; `verify` asks again.
 */
export interface IdleGroupsLease {
  /** Throws GroupActiveError when a leased group has an active member. */
  verify(): Promise<void>;
  release(): Promise<void>;
}

export interface Backend {
  readonly kind: 'embedded' | 'kafka';
  admin(): LogAdmin;
  producer(): Promise<LogProducer>;
  /** transactionalId identifies the writer for zombie fencing (Kafka) / the commit lock (embedded). */
  transactionalProducer(transactionalId: string): Promise<TransactionalProducer>;
  groupConsumer(groupId: string, options?: GroupConsumerOptions): Promise<GroupConsumer>;
  /**
   * Reserves a consumer group for the stream threads of this process. Embedded: takes the group's
   * single member slot (fails if another process has it). Kafka: nothing to reserve.
   */
  holdGroup(groupId: string): Promise<GroupHold>;
  /**
   * Leases groups that have no active member, for changes no member may see half done; throws
   * GroupActiveError naming the first group that has one. While leased, LogAdmin.setCommittedOffsets
   * of this backend may reset them.
   */
  leaseIdleGroups(groupIds: string[]): Promise<IdleGroupsLease>;
  partitionReader(): Promise<PartitionReader>;
  close(): Promise<void>;
}
