// A pull-style group member over kafkajs's push API. kafkajs's fetch loop runs eachBatch, which
// only copies records into per-partition queues and pauses a partition whose queue is full; poll()
// drains the queues and resumes. kafkajs keeps heartbeating from its loop however long the engine
// takes between polls.
//
// Rebalances: kafkajs reports a new assignment (GROUP_JOIN) only after it has rejoined, and has
// no callback before partitions are taken away. poll() hands the difference to the listener:
// onRevoked after the fact, then onAssigned. A worker that lost a partition may thus still commit
// for its task briefly; the task's transactional producer (`<applicationId>-<partition>`) is
// re-initialised by the new owner in onAssigned, which fences the old one, so such a commit fails
// rather than duplicating. For the same reason start positions are read from the group's
// committed offsets after onAssigned returns, when the previous owner can no longer commit.
//
// Closing: kafkajs restarts a consumer by itself after a retriable crash (a broker going away:
// crash, disconnect, restart a moment later, again and again while it is away), and
// disconnect() stops only the current run, not a restart already scheduled or a join in flight
// (kafkajs#1639). Such a restart rejoined the group once the broker was back: a member nobody
// polls, holding partitions it never hands out, its records never read. A closed consumer
// therefore never restarts (restartOnFailure), never sends another JoinGroup (its assigner
// refuses), and a join that still gets through fails at its first batch.
//
// Positions follow kafkajs's batch ends (lastOffset + 1), not record offsets + 1: transaction
// markers occupy offsets, so only that way does a drained partition reach its last stable offset.
import { coPartitionedAssigner } from './co-partitioned-assigner.ts';
import type { Admin, Consumer, EachBatchPayload, Kafka, PartitionAssigner } from 'kafkajs';
import type { GroupConsumer, LogRecord, RebalanceListener, StreamThreadSlot, TopicPartition, TopicPartitionOffset } from '../backend.ts';
import { BackendError, ClosedError, UnknownPartitionError } from '../errors.ts';
import { toBackendError, translated } from './kafka-client.ts';
import { offsetOf, toLogRecord } from './kafka-records.ts';
import { takeQueued, type KafkaPartitionQueue } from './kafka-partition-queue.ts';

const MAX_QUEUED_PER_PARTITION = 20_000;
const RESUME_BELOW = 5_000;
const FIRST_ASSIGNMENT_TIMEOUT_MS = 60_000;

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class KafkaGroupConsumer implements GroupConsumer {
  private consumer: Consumer | undefined;
  private listener: RebalanceListener | undefined;
  private readonly queues = new Map<string, KafkaPartitionQueue>();
  private pendingAssignment: Record<string, number[]> | undefined;
  private firstAssignment: Promise<void> | undefined;
  private crashed: Error | undefined;
  private wake: (() => void) | undefined;
  private nextStart = 0;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
    private readonly brokers: string[],
    readonly groupId: string,
    private readonly thread?: StreamThreadSlot,
  ) {}

  async subscribe(topics: string[], listener: RebalanceListener): Promise<void> {
    if (this.consumer !== undefined) throw new BackendError(`consumer of group "${this.groupId}" is already subscribed`);
    this.listener = listener;
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      partitionAssigners: [this.joinsWhileOpen(coPartitionedAssigner(this.thread))],
      // kafkajs sends one fetch at a time: while it waits at the end of caught-up partitions, a
      // partition resumed meanwhile gets nothing. 500 ms there stalled the engine between polls.
      maxWaitTimeInMs: 50,
      // A worker killed with -9 holds its partitions until the session times out: keep that short.
      sessionTimeout: 10_000,
      // A member learns of a rebalance from its heartbeat; until then it works on partitions it is
      // losing (kafkajs revokes after the fact, and that work is dropped). 1 s cost up to 1 s.
      heartbeatInterval: 250,
      // Kafka's default per partition; a fetch (kafkajs: up to 10 MB) holds ten partitions' worth.
      // The broker fills a fetch in request order, so a fetch that holds fewer partitions than a
      // member reads starves the later ones until the earlier are paused, and a task waits for
      // records of all its inputs (event-time order) before it can start.
      maxBytesPerPartition: 1024 * 1024,
      // Threads that join a new group together race: the first forms generation 1 alone, its
      // SyncGroup then fails with REBALANCE_IN_PROGRESS and kafkajs rejoins after a retry delay
      // (the client's 200 ms, ~240 ms with jitter, at every start). Start the backoff at 25 ms;
      // eight doublings give up after ~6.4 s, as five from 200 ms did.
      retry: { initialRetryTime: 25, retries: 8, restartOnFailure: async () => !this.closed },
    });
    this.consumer = consumer;
    let joined: () => void = () => {};
    this.firstAssignment = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // A join that was under way when close() ran: left unpaused, its first batch ends it (onBatch).
      if (this.closed) return joined();
      this.pendingAssignment = event.payload.memberAssignment;
      this.pauseUntilReady(consumer, event.payload.memberAssignment);
      joined();
      this.notify();
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      // Batches of only transaction markers or aborted records never reach eachBatch; their end
      // still moves the position. Apply only when the batch starts where we expect (not stale).
      const { topic, partition, batchSize, firstOffset, lastOffset } = event.payload;
      const q = this.queues.get(keyOf(topic, partition));
      if (q === undefined || batchSize !== 0 || firstOffset === null) return;
      if (Number(firstOffset) === q.tail) q.tail = Math.max(q.tail, Number(lastOffset) + 1);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) {
        this.crashed = toBackendError(event.payload.error, this.brokers, `consumer of group "${this.groupId}"`);
        this.notify();
      }
    });
    await translated(this.brokers, `subscribe group "${this.groupId}"`, async () => {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (payload) => this.onBatch(payload) });
    });
    await this.waitForFirstAssignment();
    await this.applyAssignment();
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<LogRecord[]> {
    this.ensureUsable();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.applyAssignment();
      this.ensureUsable();
      const out = this.drain(maxRecords);
      if (out.length > 0) return out;
      const left = deadline - Date.now();
      if (left <= 0) return out;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
  }

  assignedAnyOf(partitions: number[]): boolean {
    if (this.pendingAssignment !== undefined)
      return Object.values(this.pendingAssignment).some((ps) => ps.some((p) => partitions.includes(p)));
    return [...this.queues.values()].some((q) => partitions.includes(q.tp.partition));
  }

  positions(): TopicPartitionOffset[] {
    return [...this.queues.values()].filter((q) => q.ready).map((q) => ({ ...q.tp, offset: this.positionOf(q) }));
  }

  async caughtUp(): Promise<boolean> {
    this.ensureUsable();
    await this.applyAssignment();
    const ready = [...this.queues.values()].filter((q) => q.ready);
    // Behind an end seen before: certainly not caught up, and no request needed.
    if (ready.some((q) => this.positionOf(q) < (this.knownEnd(q.tp) ?? 0))) return false;
    await Promise.all([...new Set(ready.map((q) => q.tp.topic))].map((topic) => this.refreshEnds(topic)));
    return ready.every((q) => this.positionOf(q) >= (this.knownEnd(q.tp) ?? 0));
  }

  async refreshEnds(topic: string): Promise<void> {
    const admin = await this.admin();
    this.learnEnds(topic, await translated(this.brokers, `end offsets of ${topic}`, () => admin.fetchTopicOffsets(topic)));
  }

  knownEnd(tp: TopicPartition): number | undefined {
    return this.knownEnds.get(keyOf(tp.topic, tp.partition));
  }

  /** "topic\0partition" -> the highest last stable offset a ListOffsets answer gave for it. */
  private readonly knownEnds = new Map<string, number>();

  private learnEnds(topic: string, ends: { partition: number; high: string }[]): void {
    for (const e of ends) {
      const key = keyOf(topic, e.partition);
      this.knownEnds.set(key, Math.max(this.knownEnds.get(key) ?? 0, Number(e.high)));
    }
  }

  seek(tp: TopicPartitionOffset): void {
    const q = this.queues.get(keyOf(tp.topic, tp.partition));
    if (q === undefined || !q.ready || this.consumer === undefined) {
      throw new UnknownPartitionError(`cannot seek ${tp.topic}-${tp.partition}: not assigned to this member of group "${this.groupId}"`);
    }
    this.seekQueue(q, tp.offset);
  }

  pause(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const q = this.queues.get(keyOf(tp.topic, tp.partition));
      if (q !== undefined) q.held = true;
    }
  }

  resume(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const q = this.queues.get(keyOf(tp.topic, tp.partition));
      if (q !== undefined) q.held = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    const consumer = this.consumer;
    this.consumer = undefined;
    this.queues.clear();
    if (consumer !== undefined) await consumer.disconnect();
  }

  private positionOf(q: KafkaPartitionQueue): number {
    return q.head < q.records.length ? q.records[q.head].offset : q.tail;
  }

  private seekQueue(q: KafkaPartitionQueue, offset: number): void {
    q.records = [];
    q.head = 0;
    q.tail = offset;
    this.consumer!.seek({ topic: q.tp.topic, partition: q.tp.partition, offset: String(offset) });
    if (q.paused) this.resumeFetch(q);
  }

  /** Batches kafkajs fetched for a partition whose start offset was not set yet (wasted work). */
  fetchedBeforeReady = 0;

  private async onBatch({ batch, isStale, pause }: EachBatchPayload): Promise<void> {
    // Not retriable: kafkajs stops this run for good, and the broker drops the member when its session times out.
    if (this.closed) throw new ClosedError(`consumer of group "${this.groupId}" is closed`);
    if (isStale()) return; // fetched before a seek: the next fetch starts at the new offset
    const q = this.queues.get(keyOf(batch.topic, batch.partition));
    // Revoked meanwhile, or its start offset not set yet: seekQueue refetches it once it is. Not
    // buffering it also keeps kafkajs from pausing it, and a consumer with every partition paused
    // sleeps a whole maxWaitTime before it fetches again.
    if (q === undefined) return;
    if (!q.ready) {
      this.fetchedBeforeReady++;
      return;
    }
    // After a rebalance kafkajs restarts a partition it kept from the group's committed offset,
    // which may lie behind what this member already delivered (the newest commit not yet
    // visible): never hand out a record twice, and move kafkajs back to where we are.
    const delivered = q.tail;
    let behind = false;
    for (const message of batch.messages) {
      const offset = offsetOf(message);
      if (offset < delivered) behind = true;
      else q.records.push(toLogRecord(batch.topic, batch.partition, message, offset));
    }
    if (behind && Number(batch.lastOffset()) + 1 < delivered) {
      this.consumer!.seek({ topic: q.tp.topic, partition: q.tp.partition, offset: String(delivered) });
      return;
    }
    q.tail = Math.max(q.tail, Number(batch.lastOffset()) + 1);
    if (q.records.length - q.head > MAX_QUEUED_PER_PARTITION) {
      pause();
      q.paused = true;
    }
    this.notify();
  }

  /** Round-robin over ready, unpaused partitions from a rotating start: an even share each, then fill up. */
  private drain(maxRecords: number): LogRecord[] {
    const out: LogRecord[] = [];
    const ready = [...this.queues.values()].filter((q) => q.ready && !q.held);
    const n = ready.length;
    if (n === 0) return out;
    const share = Math.max(1, Math.ceil(maxRecords / n));
    const start = this.nextStart++ % n;
    for (let pass = 0; pass < 2 && out.length < maxRecords; pass++) {
      for (let i = 0; i < n && out.length < maxRecords; i++) {
        const q = ready[(start + i) % n];
        const take = Math.min(q.records.length - q.head, pass === 0 ? share : maxRecords, maxRecords - out.length);
        takeQueued(q, take, out);
        if (q.paused && q.records.length - q.head < RESUME_BELOW) this.resumeFetch(q);
      }
    }
    return out;
  }

  private resumeFetch(q: KafkaPartitionQueue): void {
    q.paused = false;
    this.consumer?.resume([{ topic: q.tp.topic, partitions: [q.tp.partition] }]);
  }

  /** Hands kafkajs's latest assignment to the listener, then sets start offsets of new partitions. */
  private async applyAssignment(): Promise<void> {
    const assignment = this.pendingAssignment;
    if (assignment === undefined) return;
    this.pendingAssignment = undefined;
    const wanted = new Set<string>();
    const added: KafkaPartitionQueue[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const key = keyOf(topic, partition);
        wanted.add(key);
        if (!this.queues.has(key)) {
          // Paused at the join (pauseUntilReady); seekQueue resumes it once its start offset is set.
          const q: KafkaPartitionQueue = {
            tp: { topic, partition },
            records: [],
            head: 0,
            tail: 0,
            paused: true,
            held: false,
            ready: false,
          };
          this.queues.set(key, q);
          added.push(q);
        }
      }
    }
    const revoked = [...this.queues.entries()].filter(([key]) => !wanted.has(key));
    for (const [key] of revoked) this.queues.delete(key);
    if (revoked.length > 0) await this.listener?.onRevoked(revoked.map(([, q]) => q.tp));
    if (added.length === 0) return;
    await this.listener?.onAssigned(added.map((q) => q.tp));
    await this.startPositions(added);
  }

  /**
   * kafkajs fetches a new assignment at once, while the engine is still restoring the tasks' state;
   * those records would be decoded only to be dropped (their partitions are not ready) and fetched
   * again, and on a busy start the first fetches are full.
   */
  private pauseUntilReady(consumer: Consumer, assignment: Record<string, number[]>): void {
    for (const [topic, partitions] of Object.entries(assignment)) {
      const notReady = partitions.filter((partition) => this.queues.get(keyOf(topic, partition))?.ready !== true);
      if (notReady.length > 0) consumer.pause([{ topic, partitions: notReady }]);
    }
  }

  private async startPositions(added: KafkaPartitionQueue[]): Promise<void> {
    const admin = await this.admin();
    const topics = [...new Set(added.map((q) => q.tp.topic))];
    await translated(this.brokers, `start offsets of group "${this.groupId}"`, async () => {
      const [committed, bounds] = await Promise.all([
        admin.fetchOffsets({ groupId: this.groupId, topics }),
        Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
      ]);
      for (const [i, topic] of topics.entries()) {
        const earliest = bounds[i];
        this.learnEnds(topic, earliest);
        for (const q of added.filter((a) => a.tp.topic === topic)) {
          const stored = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === q.tp.partition);
          const low = Number(earliest.find((e) => e.partition === q.tp.partition)?.low ?? 0);
          // Records below the log start were deleted (retention) before the group read them: start
          // at the log start rather than leave kafkajs to recover from an out-of-range fetch.
          const start = stored === undefined || Number(stored.offset) < 0 ? low : Math.max(low, Number(stored.offset));
          if (this.queues.get(keyOf(topic, q.tp.partition)) !== q) continue; // revoked meanwhile
          this.seekQueue(q, start);
          q.ready = true;
        }
      }
    });
  }

  /** The assigner, refusing to make a subscription (and so a JoinGroup) once this consumer is closed. */
  private joinsWhileOpen(assigner: PartitionAssigner): PartitionAssigner {
    return (config) => {
      const inner = assigner(config);
      return {
        ...inner,
        protocol: (subscription) => {
          if (this.closed) throw new ClosedError(`consumer of group "${this.groupId}" is closed: it does not join again`);
          return inner.protocol(subscription);
        },
      };
    };
  }

  private async waitForFirstAssignment(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BackendError(
              `consumer of group "${this.groupId}" got no assignment from Kafka at ${this.brokers.join(',')} within ${FIRST_ASSIGNMENT_TIMEOUT_MS} ms`,
              { retriable: true },
            ),
          ),
        FIRST_ASSIGNMENT_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.firstAssignment, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private notify(): void {
    this.wake?.();
  }

  private ensureUsable(): void {
    if (this.closed) throw new ClosedError(`consumer of group "${this.groupId}" is closed`);
    if (this.crashed !== undefined) throw this.crashed;
  }
}
