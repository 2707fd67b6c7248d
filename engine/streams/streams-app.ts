// The application object: one worker of a stream-processing application (Kafka Streams'
// KafkaStreams, Quix Streams' Application). Consumes every input topic of the topology in one
// consumer group (= applicationId), runs tasks, and commits every commitIntervalMs.
import type http from 'node:http';
import type { Backend, GroupConsumer, LogAdmin, LogRecord, StreamThreadSlot, TopicConfig } from '../backend/backend.ts';
import { TaskMigratedError, type ProcessingGuarantee } from '../commit/partition-committer.ts';
import { SerialLock } from '../commit/serial-lock.ts';
import { logger as rootLogger, type Logger } from '../observability/logger.ts';
import { StreamsMetrics } from '../observability/metrics.ts';
import { startObservabilityServer } from '../observability/http-server.ts';
import type { Serde } from '../serdes/serde.ts';
import { changelogTopicOf } from '../state/state-store.ts';
import type { RestoreProgress } from '../state/state-restorer.ts';
import { dlqTopicOf } from '../tasks/dead-letters.ts';
import { DEFAULT_EVENT_TIME_BOUNDS, type EventTimeBounds } from '../tasks/event-time-bounds.ts';
import { streamTimeStoreName, type StreamTask } from '../tasks/stream-task.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { resolveTopic, type Topology } from '../topology/topology.ts';
import { PartitionPauser } from './partition-pauser.ts';
import { settledOnce } from './settled-once.ts';
import { EventLoopSlices } from './event-loop-slices.ts';
import { answerQuery, queryableSpecs, type QueryAnswer } from '../queries/query-router.ts';
import type { StoreQuery } from '../queries/store-query.ts';
import { BACKEND_RETRY, isRetriable, withBackoff } from '../errors/retry.ts';
import { closeAbandoned, isBrokerUnreachable, reconnectAfterOutage } from '../errors/broker-outage.ts';

/** Until-idle: how soon the group's committed offsets are looked at again after they were behind. */
const GROUP_CHECK_FIRST_WAIT_MS = 10;
/** Recoveries from a broker outage without one good round in between before the application fails. */
const MAX_RECOVERIES_IN_A_ROW = 5;
const GROUP_CHECK_MAX_WAIT_MS = 50;
/** Records a task processes between two looks at the slice clock (see event-loop-slices.ts). */
const RECORDS_PER_SLICE_CHECK = 64;

export interface StreamsAppOptions {
  applicationId: string;
  topology: Topology;
  backend: Backend;
  /** Local state copies live under <stateDir>/<applicationId>/<task>/. */
  stateDir: string;
  guarantee?: ProcessingGuarantee;
  /** Default 100 ms (exactly_once) / 1000 ms (at_least_once). */
  commitIntervalMs?: number;
  /** Serves /metrics and /health when set (0 = any free port). */
  metricsPort?: number;
  /** Records per poll (default 5000). */
  maxPollRecords?: number;
  /** Buffered records per input partition before the worker pauses it (default 1000, as Kafka Streams). */
  maxBufferedPerPartition?: number;
  /**
   * Records with an event time before this (epoch ms) go to `<topic>.dlq` instead of being
   * processed (default 2000-01-01T00:00:00Z).
   */
  minEventTime?: number;
  /** Records with an event time further ahead of the wall clock than this go to `<topic>.dlq` (default 1 day). */
  maxEventTimeSkewMs?: number;
  logger?: Logger;
  /** Set when this app is one of a process's stream threads (see stream-threads.ts). */
  thread?: StreamThreadSlot;
  onProgress?: (p: StreamsProgress) => void;
  onRestoreProgress?: (p: RestoreProgress) => void;
}

export interface StreamsProgress {
  state: AppState;
  tasks: number;
  recordsIn: number;
  recordsOut: number;
  dlq: number;
  late: number;
  recordsInPerSecond: number;
  buffered: number;
  commits: number;
}

export type AppState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export class StreamsAppError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamsAppError';
  }
}

export class StreamsApp {
  readonly applicationId: string;
  readonly metrics: StreamsMetrics;
  private readonly o: StreamsAppOptions;
  private readonly log: Logger;
  private readonly guarantee: ProcessingGuarantee;
  private readonly commitIntervalMs: number;
  private state: AppState = 'created';
  private consumer: GroupConsumer | undefined;
  private tasks!: TaskManager;
  private readonly lock = new SerialLock();
  /**
   * One admin client for the application's life. On Kafka each backend.admin() is a client of its
   * own, with its own connection and metadata, and the first group-offsets read of a new client
   * finds its broker pool empty and retries after ~300 ms: one per check (blocked partitions, idle
   * checks, each task's restore) would pay that every time.
   */
  private adminClient: LogAdmin | undefined;

  private admin(): LogAdmin {
    this.adminClient ??= this.o.backend.admin();
    return this.adminClient;
  }
  private loop: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly failed = settledOnce<Error>();
  private server: http.Server | undefined;
  private internalTopics = new Set<string>();
  private sourceTopics: string[] = [];
  private idleWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private totals = { in: 0, out: 0, internal: 0, dlq: 0, late: 0, commits: 0 };
  private rateWindow = { at: Date.now(), in: 0, out: 0, rate: 0 };
  private readonly pauser: PartitionPauser;
  private readonly eventTimeBounds: EventTimeBounds;
  private readonly slices = new EventLoopSlices();

  constructor(options: StreamsAppOptions) {
    this.o = options;
    this.applicationId = options.applicationId;
    this.guarantee = options.guarantee ?? 'exactly_once';
    this.commitIntervalMs = options.commitIntervalMs ?? (this.guarantee === 'exactly_once' ? 100 : 1000);
    this.log = (options.logger ?? rootLogger).child({ app: options.applicationId });
    this.metrics = new StreamsMetrics(options.applicationId);
    this.pauser = new PartitionPauser(options.maxBufferedPerPartition ?? 1000);
    this.eventTimeBounds = {
      minEventTime: options.minEventTime ?? DEFAULT_EVENT_TIME_BOUNDS.minEventTime,
      maxEventTimeSkewMs: options.maxEventTimeSkewMs ?? DEFAULT_EVENT_TIME_BOUNDS.maxEventTimeSkewMs,
    };
    const { minEventTime, maxEventTimeSkewMs } = this.eventTimeBounds;
    if (Number.isNaN(minEventTime))
      throw new StreamsAppError(`application ${this.applicationId}: minEventTime must be epoch milliseconds, got ${minEventTime}`);
    if (!(maxEventTimeSkewMs >= 0))
      throw new StreamsAppError(`application ${this.applicationId}: maxEventTimeSkewMs must be >= 0, got ${maxEventTimeSkewMs}`);
  }

  get currentState(): AppState {
    return this.state;
  }

  /**
   * Resolves with the error once the running application fails (Kafka Streams' uncaught exception
   * handler sees the same moment); never resolves for an application that only stops. A record that
   * cannot be processed goes to the DLQ and a broker outage is recovered from: neither fails it.
   */
  whenFailed(): Promise<Error> {
    return this.failed.promise;
  }

  /**
   * What start() does before it joins the group: serdes (schema registration) and internal topics.
   * Stream threads all prepare first and then join together, so the group forms in one rebalance
   * instead of the first thread taking every task and handing half of them over a second later.
   */
  prepare(): Promise<void> {
    if (this.state !== 'created')
      return Promise.reject(new StreamsAppError(`cannot prepare application ${this.applicationId}: it is ${this.state}`));
    // Independent round trips (schema registry, log admin): side by side.
    this.prepared ??= Promise.all([this.prepareSerdes(), this.createTopics()]).then(() => undefined);
    return this.prepared;
  }

  private prepared: Promise<void> | undefined;

  /** Serves /metrics and /health if asked, creates internal topics, joins the group, starts the loop. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new StreamsAppError(`cannot start application ${this.applicationId}: it is ${this.state}`);
    const prepared = this.prepare();
    this.state = 'starting';
    try {
      await prepared;
      if (this.o.metricsPort !== undefined) this.server = await startObservabilityServer(this.o.metricsPort, this.metrics.registry, this);
      this.tasks = new TaskManager({
        applicationId: this.applicationId,
        topology: this.o.topology,
        backend: this.o.backend,
        admin: this.admin(),
        stateDir: this.o.stateDir,
        guarantee: this.guarantee,
        eventTimeBounds: this.eventTimeBounds,
        logger: this.log,
        isInternalTopic: (t) => this.internalTopics.has(t),
        onRestoreProgress: (p) => {
          this.metrics.restoreProgress.set({ task: p.taskId, store: p.store }, p.total - p.restored);
          this.o.onRestoreProgress?.(p);
        },
      });
      await this.joinGroup();
      this.state = 'running';
      this.log.info(
        { guarantee: this.guarantee, commitIntervalMs: this.commitIntervalMs, inputs: this.sourceTopics },
        'streams application started',
      );
      this.loop = this.runLoop().catch((err: unknown) => this.fail(err));
    } catch (err) {
      this.state = 'failed';
      await this.consumer?.close().catch(() => undefined);
      await this.adminClient?.close().catch(() => undefined);
      throw err;
    }
  }

  private async joinGroup(): Promise<void> {
    this.consumer = await this.o.backend.groupConsumer(this.applicationId, { thread: this.o.thread });
    await this.consumer.subscribe(this.sourceTopics, {
      onAssigned: (tps) => this.lock.run(() => this.tasks.onAssigned(tps)),
      onRevoked: (tps) => {
        this.metrics.partitionsRevoked.inc(tps.length);
        return this.lock.run(() => this.tasks.onRevoked(tps));
      },
    });
  }

  /**
   * A commit was fenced: this member missed a rebalance that gave some of its partitions to
   * another member. Like Kafka Streams, commit and close what is still ours, leave and rejoin the
   * group, and carry on with whatever the new assignment holds (tasks restore from local state).
   */
  private async rejoin(err: TaskMigratedError): Promise<void> {
    this.log.warn({ partitions: err.partitions }, `${err.message}; rejoining the group`);
    await this.lock.run(() => this.tasks.closeAll(true));
    await this.consumer!.close();
    await this.joinGroup();
  }

  /** Resolves once every input partition is consumed and committed and nothing is buffered. */
  async runUntilIdle(): Promise<void> {
    if (this.state === 'created') await this.start();
    if (this.failure) throw this.failure;
    if (this.state !== 'running') throw new StreamsAppError(`application ${this.applicationId} is ${this.state}`);
    await new Promise<void>((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  /** Commits, writes checkpoints and closes (within 10 s). */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'created') {
      this.state = 'stopped';
      return;
    }
    if (this.state === 'running' || this.state === 'starting') this.state = 'stopping';
    await this.loop;
    const failed = this.failure !== undefined;
    await this.lock.run(async () => {
      await this.tasks?.closeAll(!failed).catch((err: unknown) => this.log.error({ err }, 'commit on stop failed'));
    });
    await this.consumer?.close().catch(() => undefined);
    await this.adminClient?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.state = failed ? 'failed' : 'stopped';
    this.log.info({ recordsIn: this.totals.in, recordsOut: this.totals.out }, 'streams application stopped');
  }

  health(): { ok: boolean; state: string; tasks: number } {
    let n = 0;
    if (this.tasks) for (const _ of this.tasks.tasks()) n++;
    return { ok: this.state === 'running', state: this.state, tasks: n };
  }

  progress(): StreamsProgress {
    let buffered = 0;
    let n = 0;
    if (this.tasks) {
      for (const t of this.tasks.tasks()) {
        buffered += t.buffered();
        n++;
      }
    }
    return {
      state: this.state,
      tasks: n,
      recordsIn: this.totals.in,
      recordsOut: this.totals.out,
      dlq: this.totals.dlq,
      late: this.totals.late,
      recordsInPerSecond: this.rateWindow.rate,
      buffered,
      commits: this.totals.commits,
    };
  }

  /** Records written to internal (repartition) topics so far: what other workers of the group read. */
  get internalRecordsWritten(): number {
    return this.totals.internal;
  }

  /** Every entry of every store of every task, in changelog form (tests and tools compare runs). */
  storeEntries(): { task: string; store: string; key: Buffer; value: Buffer | null }[] {
    const out: { task: string; store: string; key: Buffer; value: Buffer | null }[] = [];
    if (!this.tasks) return out;
    for (const t of this.tasks.tasks()) {
      for (const [name, store] of t.stores)
        for (const e of store.dump()) out.push({ task: t.taskId, store: name, key: e.key, value: e.value });
    }
    return out;
  }

  /**
   * Answers an interactive query on a queryable store from this app's tasks (see
   * queries/query-router.ts): a key from the task owning its partition, anything else from every
   * task of the store. Reads in-memory state, which may be ahead of the last commit.
   */
  query(store: string, q: StoreQuery): QueryAnswer {
    return answerQuery(this.o.topology, this.tasks ? this.tasks.tasks() : [], store, q, this.storePartitions.get(store));
  }

  /** Queryable store -> its partition count and the partitions this app's tasks own now. */
  queryMetadata(): { store: string; partitionCount: number | undefined; partitions: number[] }[] {
    return [...queryableSpecs(this.o.topology).keys()].map((store) => {
      const partitions: number[] = [];
      if (this.tasks) for (const t of this.tasks.tasks()) if (t.stores.has(store)) partitions.push(t.partition);
      return { store, partitionCount: this.storePartitions.get(store), partitions: partitions.sort((a, b) => a - b) };
    });
  }

  /** Store -> partition count of its sub-topology (set by createTopics). */
  private readonly storePartitions = new Map<string, number>();

  // ---- the loop ---------------------------------------------------------------------------------

  private async runLoop(): Promise<void> {
    const maxPoll = this.o.maxPollRecords ?? 5000;
    let lastCommit = Date.now();
    let processedBefore = 0;
    let recoveries = 0;
    while (this.state === 'running') {
      try {
        processedBefore = await this.runRound(maxPoll, processedBefore, lastCommit, () => (lastCommit = Date.now()));
        recoveries = 0;
      } catch (err) {
        // An error that keeps coming back right after each recovery is not an outage.
        if (this.state !== 'running' || !isBrokerUnreachable(err) || ++recoveries > MAX_RECOVERIES_IN_A_ROW) throw err;
        await this.recoverFromOutage(err as Error);
        processedBefore = 0;
      }
    }
  }

  /**
   * The broker went away mid-run: drop every task's uncommitted work (their local copies hold only
   * committed state), leave the group, and join again once the broker answers; the new tasks
   * restore and resume from the last commit, as after a crash.
   */
  private async recoverFromOutage(err: Error): Promise<void> {
    this.log.warn({ err: err.message }, 'Kafka unreachable: dropping uncommitted work and waiting for the broker');
    await this.lock.run(() => closeAbandoned(() => this.tasks.closeAll(false)));
    const consumer = this.consumer!;
    await closeAbandoned(() => consumer.close());
    await reconnectAfterOutage(
      `application ${this.applicationId}`,
      () => this.joinGroup(),
      this.log,
      () => this.state !== 'running',
    );
  }

  /** One poll, process and (when due) commit; returns how many records it processed. */
  private async runRound(maxPoll: number, processedBefore: number, lastCommit: number, committed: () => void): Promise<number> {
    // Buffered records that could not be processed last time wait on a partition whose data is
    // still on the way: poll with a wait then, or the loop spins on resolved promises and starves
    // the event loop that would deliver that data.
    const hasWork = this.bufferedTotal() > 0 && processedBefore > 0;
    // A round whose awaits all resolve at once (records already buffered, a commit on the embedded
    // log) gives the event loop no turn of its own.
    await this.slices.maybeYield();
    // Read each round: a rejoin replaces the consumer.
    const consumer = this.consumer!;
    this.pauser.resumeDrained(this.tasks, consumer);
    const records = await consumer.poll(maxPoll, hasWork ? 0 : 50);
    await this.preload(records);
    if (this.state !== 'running') return 0;
    const startedAt = process.hrtime.bigint();
    this.pauser.route(records, this.tasks, consumer);
    // One wall-clock reading per batch bounds its event times (no clock call per record).
    const processed = await this.processAll(Date.now());
    if (processed > 0) {
      this.metrics.processLatency.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
      this.groupCheck.waitMs = GROUP_CHECK_FIRST_WAIT_MS;
    }
    const now = Date.now();
    for (const t of this.tasks.tasks()) t.punctuateWallClock(now);
    const blocked = this.blockedQueues();
    if (blocked.length > 0 && (processed === 0 || records.length === 0)) await this.resolveBlocked(blocked);
    // Waiting for idle commits as soon as the input runs dry, not after every poll: a commit per
    // poll made catch-up runs (`run --until-idle`, replays) several times slower.
    const drained = this.idleWaiters.length > 0 && records.length === 0 && processed === 0;
    if (now - lastCommit >= this.commitIntervalMs || drained) {
      await this.commit();
      committed();
    }
    if (drained) await this.checkIdle();
    return processed;
  }

  /** Processes every buffered record it can, giving the event loop a turn between slices. */
  private async processAll(now: number): Promise<number> {
    let n = 0;
    // Rebalance callbacks run inside poll(), never during a yield here: the task set holds still.
    for (const t of [...this.tasks.tasks()]) {
      const dlq0 = t.dlqCount;
      const late0 = t.lateCount;
      for (;;) {
        const done = t.process(RECORDS_PER_SLICE_CHECK, now);
        n += done;
        if (done < RECORDS_PER_SLICE_CHECK) break;
        await this.slices.maybeYield();
      }
      const dlq = t.dlqCount - dlq0;
      const late = t.lateCount - late0;
      if (dlq > 0) this.metrics.dlqRecords.inc(dlq);
      if (late > 0) this.metrics.lateRecords.inc(late);
      this.totals.dlq += dlq;
      this.totals.late += late;
    }
    if (n > 0) {
      this.totals.in += n;
      this.metrics.recordsIn.inc(n);
    }
    return n;
  }

  private bufferedTotal(): number {
    let n = 0;
    if (this.tasks) for (const t of this.tasks.tasks()) n += t.buffered();
    return n;
  }

  private blockedQueues(): { task: StreamTask; topic: string; partition: number }[] {
    const out: { task: StreamTask; topic: string; partition: number }[] = [];
    for (const t of this.tasks.tasks()) for (const q of t.blockedOn()) out.push({ task: t, topic: q.topic, partition: q.partition });
    return out;
  }

  /**
   * A task waits on an empty partition: find out whether that partition is really at its end. A
   * partition whose position is below its last known end offset has data on the way (no query);
   * otherwise the consumer asks for its topic's end offsets again (at most every 20 ms per topic).
   */
  private async resolveBlocked(blocked: { task: StreamTask; topic: string; partition: number }[]): Promise<void> {
    const consumer = this.consumer!;
    const positions = new Map(consumer.positions().map((p) => [`${p.topic}\u0000${p.partition}`, p.offset]));
    const now = Date.now();
    for (const b of blocked) {
      const pos = positions.get(`${b.topic}\u0000${b.partition}`) ?? 0;
      if (pos < (consumer.knownEnd(b) ?? 0)) continue;
      const askedAt = this.endsAskedAt.get(b.topic);
      if (askedAt === undefined || now - askedAt >= 20) {
        await withBackoff(() => consumer.refreshEnds(b.topic), isRetriable, BACKEND_RETRY);
        this.endsAskedAt.set(b.topic, now);
      }
      const q = b.task.queueFor(b.topic);
      if (q && q.length === 0 && pos >= (consumer.knownEnd(b) ?? 0) && !this.pauser.isPaused(b.topic, b.partition)) q.atEnd = true;
    }
  }

  /** topic -> when resolveBlocked last had the consumer ask for its end offsets. */
  private readonly endsAskedAt = new Map<string, number>();

  private async commit(): Promise<void> {
    const positions = new Map(this.consumer!.positions().map((p) => [`${p.topic}\u0000${p.partition}`, p.offset]));
    for (const t of this.tasks.tasks()) t.advanceDrainedQueues((topic, partition) => positions.get(`${topic}\u0000${partition}`));
    if (!this.tasks.hasPendingCommit()) return;
    const started = process.hrtime.bigint();
    let outcome: Awaited<ReturnType<TaskManager['commitAll']>>;
    try {
      outcome = await this.lock.run(() => this.tasks.commitAll());
    } catch (err) {
      if (!(err instanceof TaskMigratedError)) throw err;
      // The group already gave those partitions to another member in a rebalance this member
      // takes part in (kafkajs reports the new assignment after the fact, and the new owner's
      // producer fenced the commit in between): their tasks are dropped and the rest carry on.
      // Rejoining would start yet another rebalance, with every member's tasks restored again.
      if (this.consumer!.assignedAnyOf(err.partitions)) await this.rejoin(err);
      else
        this.log.info({ partitions: err.partitions }, 'partitions fenced after a rebalance moved them: their uncommitted work is dropped');
      return;
    }
    this.metrics.commitLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.totals.commits++;
    this.totals.out += outcome.outputs;
    this.metrics.recordsOut.inc(outcome.outputs);
    this.lastCommitWroteInternal = outcome.internalRecords > 0;
    this.totals.internal += outcome.internalRecords;
    this.updateRates();
    this.o.onProgress?.(this.progress());
  }

  private lastCommitWroteInternal = false;

  private updateRates(): void {
    const now = Date.now();
    const dt = (now - this.rateWindow.at) / 1000;
    if (dt < 1) return;
    this.rateWindow.rate = Math.round((this.totals.in - this.rateWindow.in) / dt);
    this.metrics.recordsInRate.set(this.rateWindow.rate);
    this.metrics.recordsOutRate.set((this.totals.out - this.rateWindow.out) / dt);
    this.rateWindow = { at: now, in: this.totals.in, out: this.totals.out, rate: this.rateWindow.rate };
  }

  private async checkIdle(): Promise<void> {
    if (this.bufferedTotal() > 0 || this.tasks.hasPendingCommit() || this.lastCommitWroteInternal || this.pauser.anyPaused()) {
      this.lastCommitWroteInternal = false;
      return;
    }
    if (!(await this.consumer!.caughtUp())) return;
    if (!(await this.groupCaughtUp())) return;
    // Idle means downstream readers (sinks, the next pipeline) can see everything we wrote.
    await this.tasks.awaitVisible();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /**
   * Every partition of every input topic committed to its end by the group (whichever worker owns
   * it): a worker that holds only part of the partitions (e.g. while a dead member's session has
   * not expired yet) is not idle.
   */
  private async groupCaughtUp(): Promise<boolean> {
    if (Date.now() - this.groupCheck.at < this.groupCheck.waitMs) return false;
    this.groupCheck.at = Date.now();
    const caughtUp = await this.groupCommittedToEnds();
    // A commit's offsets show a moment after the commit (the coordinator writes the transaction's
    // markers after it answers), while a dead member's partitions may stay behind for its whole
    // session timeout: look again soon, then less and less often.
    this.groupCheck.waitMs = caughtUp ? GROUP_CHECK_FIRST_WAIT_MS : Math.min(this.groupCheck.waitMs * 2, GROUP_CHECK_MAX_WAIT_MS);
    return caughtUp;
  }

  private async groupCommittedToEnds(): Promise<boolean> {
    const admin = this.admin();
    const looked = await Promise.all(
      this.sourceTopics.map((topic) =>
        Promise.all([
          withBackoff(() => admin.endOffsets(topic), isRetriable, BACKEND_RETRY),
          withBackoff(() => admin.committedOffsets(this.applicationId, topic), isRetriable, BACKEND_RETRY),
        ]),
      ),
    );
    for (let i = 0; i < this.sourceTopics.length; i++) {
      const topic = this.sourceTopics[i];
      const [ends, committed] = looked[i];
      const behind = [...ends.keys()].filter((p) => (committed[p] ?? 0) < ends[p]);
      if (behind.length === 0) continue;
      // Records deleted (retention) before the group read them can never be committed past:
      // measure from the earliest offset still in the log, and say what was lost.
      const starts = await withBackoff(() => admin.startOffsets(topic), isRetriable, BACKEND_RETRY);
      for (const p of behind) {
        const from = committed[p] ?? 0;
        if (Math.max(from, starts[p]) < ends[p]) return false;
        const tp = `${topic}-${p}`;
        if (!this.reportedDeleted.has(tp)) {
          this.reportedDeleted.add(tp);
          this.log.warn(
            { topic, partition: p, from, to: starts[p] },
            `records ${from}..${starts[p] - 1} of ${tp} were deleted before this application read them`,
          );
        }
      }
    }
    return true;
  }

  private readonly reportedDeleted = new Set<string>();

  private readonly groupCheck = { at: 0, waitMs: GROUP_CHECK_FIRST_WAIT_MS };

  private fail(err: unknown): void {
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.state = 'failed';
    this.log.error({ err: this.failure }, 'streams application failed');
    this.failed.resolve(this.failure);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.reject(this.failure);
  }

  // ---- set-up -----------------------------------------------------------------------------------

  private async prepareSerdes(): Promise<void> {
    const seen = new Set<Serde<unknown>>();
    for (const n of this.o.topology.nodes.values()) {
      if (n.kind === 'processor') continue;
      for (const s of [n.keySerde, n.valueSerde]) {
        if (seen.has(s)) continue;
        seen.add(s);
        await s.prepare?.();
      }
      if (n.kind !== 'source') continue;
      if (!n.keySerde.preload && !n.valueSerde.preload) continue;
      for (const topic of n.topics) this.preloading.set(resolveTopic(topic, this.applicationId), { key: n.keySerde, value: n.valueSerde });
    }
  }

  /** Source topic -> its serdes, for the topics where one of them has a preload hook. */
  private readonly preloading = new Map<string, { key: Serde<unknown>; value: Serde<unknown> }>();

  /**
   * Lets the source serdes do what decoding these records needs first: records of an Avro writer
   * schema registered after the application started would otherwise fail to decode (to the DLQ).
   */
  private async preload(records: LogRecord[]): Promise<void> {
    if (this.preloading.size === 0) return;
    let pending: Promise<void>[] | undefined;
    for (const r of records) {
      const serdes = this.preloading.get(r.topic);
      if (serdes === undefined) continue;
      // Called on the serde, not detached: a class-based serde's hook may use `this`.
      const key = serdes.key.preload?.(r.key);
      const value = serdes.value.preload?.(r.value);
      if (key !== undefined) (pending ??= []).push(key);
      if (value !== undefined) (pending ??= []).push(value);
    }
    if (pending !== undefined) await Promise.all(pending);
  }

  /** Checks the inputs are co-partitioned and creates changelog, repartition, DLQ, late and output topics. */
  private async createTopics(): Promise<void> {
    const admin = this.admin();
    const appId = this.applicationId;
    const subs = this.o.topology.subTopologies();
    const partitionsOf = new Map<number, number>();
    const repartition = new Map<string, number>();
    const sources = new Set<string>();
    // Sub-topologies reading only user topics first: they fix the partition counts of repartition topics.
    const pending = [...subs];
    const toCreate: TopicConfig[] = [];
    // Every user topic this application reads or writes, looked up at once (one metadata request on
    // Kafka instead of two per topic).
    const userTopics = new Set<string>(this.o.topology.lateTopics);
    for (const st of subs) {
      for (const t of st.sourceTopics) {
        const name = resolveTopic(t, appId);
        if (!t.internal) userTopics.add(name);
        userTopics.add(dlqTopicOf(name));
      }
      for (const t of st.sinkTopics) if (!t.internal) userTopics.add(t.name);
    }
    const existing = await admin.partitionCounts([...userTopics]);
    for (let guard = 0; pending.length > 0 && guard < subs.length + 1; guard++) {
      for (const st of [...pending]) {
        const counts: number[] = [];
        let unknown = false;
        for (const t of st.sourceTopics) {
          const name = resolveTopic(t, appId);
          sources.add(name);
          if (t.internal) {
            const n = repartition.get(name);
            if (n === undefined) unknown = true;
            else counts.push(n);
          } else {
            const n = existing.get(name);
            if (n === undefined) throw new StreamsAppError(`input topic ${name} of application ${appId} does not exist: create it first`);
            counts.push(n);
          }
        }
        if (unknown) continue;
        if (new Set(counts).size > 1) {
          throw new StreamsAppError(
            `input topics ${st.sourceTopics.map((t) => resolveTopic(t, appId)).join(', ')} of application ${appId} are not co-partitioned (partition counts ${counts.join(', ')})`,
          );
        }
        const partitions = counts[0];
        partitionsOf.set(st.id, partitions);
        for (const t of st.sinkTopics) {
          const name = resolveTopic(t, appId);
          if (t.internal) {
            repartition.set(name, partitions);
            this.internalTopics.add(name);
          }
        }
        pending.splice(pending.indexOf(st), 1);
      }
    }
    for (const [name, partitions] of repartition) toCreate.push({ name, partitions });
    for (const st of subs) {
      const partitions = partitionsOf.get(st.id)!;
      for (const s of st.stores) this.storePartitions.set(s.name, partitions);
      // A table store whose changelog is its source topic needs no topic of its own.
      const storeNames = st.stores.filter((s) => s.sourceTopic === undefined).map((s) => s.name);
      if (st.stores.length > 0) storeNames.push(streamTimeStoreName(st.id));
      for (const s of storeNames) toCreate.push({ name: changelogTopicOf(appId, s), partitions, compacted: true });
      // Dead-letter topics are not co-partitioned with anything: one made earlier (by a connector,
      // a sink or `topics create`) serves as it is.
      for (const t of st.sourceTopics) {
        const dlq = dlqTopicOf(resolveTopic(t, appId));
        if (!existing.has(dlq)) toCreate.push({ name: dlq, partitions });
      }
      for (const t of st.sinkTopics) if (!t.internal && !existing.has(t.name)) toCreate.push({ name: t.name, partitions });
    }
    const defaultPartitions = Math.max(1, ...partitionsOf.values());
    for (const late of this.o.topology.lateTopics) if (!existing.has(late)) toCreate.push({ name: late, partitions: defaultPartitions });
    const unique = new Map(toCreate.map((t) => [t.name, t]));
    await withBackoff(() => admin.createTopics([...unique.values()]), isRetriable, BACKEND_RETRY);
    this.sourceTopics = [...sources];
  }
}
