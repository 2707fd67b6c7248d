// Runs sinks: each consumes its topics in its own consumer group (riskstream-sink-<name>), decodes
// Avro (unknown schema ids fetched from the registry), applies the per-topic row transform, writes,
// and commits input offsets only up to what the sink has acknowledged. A record that cannot be decoded
// or transformed goes to `<topic>.dlq` (headers error, source_topic, source_partition, source_offset),
// committed together with the offsets; it is never dropped and never stops the sink. With
// `deadLetters`, a sink that lands dead letters also reads each topic's `<topic>.dlq` (the runner's own
// dead letters included) and gets those records as rows (connectors/dead-letters/dead-letter-row.ts).
import {
  type Backend,
  type GroupConsumer,
  isBrokerUnreachable,
  reconnectAfterOutage,
  closeAbandoned,
  type LogAdmin,
  type LogRecord,
  type ProduceRecord,
  type TopicPartitionOffset,
  type TransactionalProducer,
  type Logger,
  deadLetterOf,
  dlqTopicOf,
  settledOnce,
} from '../../engine/index.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { TopicName } from '../../schemas/types.ts';
import { deadLetterRowOf } from '../dead-letters/dead-letter-row.ts';
import { eventLoopTurnIfHeld } from './event-loop-turn.ts';
import { SinkError, tpKey, type DeadLetterSinkRecord, type RowTransforms, type Sink, type SinkRecord } from './sink.ts';

export interface RunSinkOptions {
  backend: Backend;
  serde: AvroSerde;
  sink: Sink;
  topics: TopicName[];
  transforms?: RowTransforms;
  /** Also land `<topic>.dlq` of each topic, on sinks that can (Sink.writeDeadLetters). Default false. */
  deadLetters?: boolean;
  /** Records per poll (default 10,000). */
  pollRecords?: number;
  logger?: Logger;
}

export interface PartitionProgress {
  topic: string;
  partition: number;
  /** Next offset to read. */
  position: number;
  /** Committed offset of the sink's group (null: nothing yet). */
  committed: number | null;
  end: number;
  /** Records not yet committed: end - committed. */
  lag: number;
}

export interface SinkProgress {
  sink: string;
  groupId: string;
  rowsWritten: number;
  deadLettered: number;
  idle: boolean;
  partitions: PartitionProgress[];
}

export interface RunningSink {
  readonly name: string;
  readonly groupId: string;
  /** Resolves once every assigned partition is read to its end, written, and committed as far as the sink allows. */
  untilIdle(): Promise<void>;
  /** Flushes, commits and closes; resolves within seconds even when the sink's target is down. */
  stop(): Promise<void>;
  progress(): Promise<SinkProgress>;
  /**
   * Resolves with the error once the sink stops on a failure (a write beyond its retries, a commit
   * refused); never on a plain stop. Dead-lettered records and a broker outage it recovers from do not fail it.
   */
  whenFailed(): Promise<Error>;
}

export function sinkGroupId(sinkName: string): string {
  return `riskstream-sink-${sinkName}`;
}

const POLL_TIMEOUT_MS = 100;
/** How long stop() lets a flush retry an unreachable target before giving up (offsets then stay uncommitted). */
const STOP_GRACE_MS = 3_000;

/** What a poll hands the sink: Avro records of the topics, rows of their dead letters. */
interface DecodedBatch {
  records: SinkRecord[];
  deadLetters: DeadLetterSinkRecord[];
}

class SinkLoop implements RunningSink {
  readonly groupId: string;
  /** The topics read: opts.topics, plus their dead-letter topics when this sink lands those. */
  private readonly topics: string[];
  private readonly deadLetterTopics: Set<string>;
  private readonly stopController = new AbortController();
  private readonly deadLetters: ProduceRecord[] = [];
  private readonly committed = new Map<string, number>();
  private readonly aligned = new Set<string>();
  private deadLettered = 0;
  private idle = false;
  private failure: Error | undefined;
  private readonly failed = settledOnce<Error>();
  private idleWaiters: { resolve: () => void; reject: (err: Error) => void; asked: number }[] = [];
  /** Counts untilIdle() calls: only a caught-up check begun after a call may answer it. */
  private idleAsks = 0;
  private loop: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly opts: RunSinkOptions,
    private consumer: GroupConsumer,
    private producer: TransactionalProducer,
  ) {
    this.groupId = sinkGroupId(opts.sink.name);
    this.deadLetterTopics = new Set(deadLetterTopicsOf(opts));
    this.topics = [...opts.topics, ...this.deadLetterTopics];
  }

  get name(): string {
    return this.opts.sink.name;
  }

  async start(): Promise<void> {
    await this.subscribe();
    this.loop = this.run();
  }

  private async subscribe(): Promise<void> {
    await this.consumer.subscribe(this.topics, {
      onRevoked: async (partitions) => {
        await this.opts.sink.flush(this.stopController.signal);
        await this.commit();
        this.opts.sink.release(partitions);
        for (const tp of partitions) this.aligned.delete(tpKey(tp));
      },
      onAssigned: async () => undefined,
    });
  }

  whenFailed(): Promise<Error> {
    return this.failed.promise;
  }

  untilIdle(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.stopping) return Promise.reject(new SinkError(`sink ${this.name} is stopping`));
    // Re-check even when idle before: records may have arrived since.
    this.idle = false;
    const asked = ++this.idleAsks;
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject, asked }));
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    // The grace period starts now: a write in flight, retrying an unreachable target, gives up with it.
    const timer = setTimeout(() => this.stopController.abort(), STOP_GRACE_MS);
    await this.loop;
    try {
      await this.opts.sink.flush(this.stopController.signal);
      await this.commit();
    } catch (err) {
      this.opts.logger?.warn({ err: String(err), sink: this.name }, 'sink stopped without a final flush; the records will be re-read');
    } finally {
      clearTimeout(timer);
      this.stopController.abort();
      await this.consumer.close();
      await this.producer.close();
      await this.progressAdmin?.close().catch(() => undefined);
      await this.opts.sink.close();
      this.settleWaiters(new SinkError(`sink ${this.name} stopped before it was idle`));
    }
  }

  async progress(): Promise<SinkProgress> {
    const admin = (this.progressAdmin ??= this.opts.backend.admin());
    const positions = new Map(this.consumer.positions().map((p) => [tpKey(p), p.offset]));
    const partitions: PartitionProgress[] = [];
    for (const topic of this.topics) {
      const ends = await admin.endOffsets(topic).catch(() => [] as number[]);
      const committed = await admin.committedOffsets(this.groupId, topic).catch(() => [] as (number | null)[]);
      ends.forEach((end, partition) => {
        const c = committed[partition] ?? null;
        partitions.push({
          topic,
          partition,
          end,
          committed: c,
          position: positions.get(tpKey({ topic, partition })) ?? c ?? 0,
          lag: end - (c ?? 0),
        });
      });
    }
    return {
      sink: this.name,
      groupId: this.groupId,
      rowsWritten: this.opts.sink.rowsWritten,
      deadLettered: this.deadLettered,
      idle: this.idle,
      partitions,
    };
  }

  /**
   * The admin progress() asks, kept until stop(): `riskstream run` asks every 0.5 s, and on Kafka
   * each backend.admin() is a client with a connection of its own (connected, asked, closed again).
   */
  private progressAdmin: LogAdmin | undefined;

  private async run(): Promise<void> {
    const max = this.opts.pollRecords ?? 10_000;
    while (!this.stopping) {
      try {
        const records = await this.consumer.poll(max, POLL_TIMEOUT_MS);
        if (records.length > 0) {
          this.idle = false;
          const accepted = this.align(records);
          const decoded = await this.decode(accepted);
          await this.opts.sink.write(decoded.records, this.stopController.signal);
          if (decoded.deadLetters.length > 0) await this.opts.sink.writeDeadLetters!(decoded.deadLetters, this.stopController.signal);
          this.opts.sink.advance(consumedThrough(accepted));
          await this.commit();
        } else if (!this.idle) {
          const asksSeen = this.idleAsks;
          if (await this.consumer.caughtUp()) {
            await this.opts.sink.flush(this.stopController.signal);
            await this.commit();
            // An untilIdle() that arrived during the check may concern records the check did not see.
            this.idle = asksSeen === this.idleAsks;
            this.settleWaiters(undefined, asksSeen);
          }
        }
      } catch (err) {
        if (this.stopping) break;
        let failure = err;
        if (isBrokerUnreachable(err)) {
          try {
            await this.recoverFromOutage(err as Error);
            continue;
          } catch (again) {
            failure = again;
          }
        }
        // A sink that cannot write (beyond its retries) stops this loop; the error reaches untilIdle().
        this.failure = failure instanceof Error ? failure : new Error(String(failure));
        this.opts.logger?.error({ err: this.failure.message, sink: this.name }, 'sink failed');
        this.settleWaiters(this.failure);
        this.failed.resolve(this.failure);
        return;
      }
    }
  }

  /**
   * The broker went away mid-run: forget what was written but not committed (the sinks' writes are
   * idempotent by offset, so re-reading it lands nothing twice), and read again from the group's
   * committed offsets once the broker answers.
   */
  private async recoverFromOutage(err: Error): Promise<void> {
    this.opts.logger?.warn(
      { err: err.message, sink: this.name },
      'Kafka unreachable: the sink re-reads from its last commit once the broker is back',
    );
    this.opts.sink.release(this.consumer.positions().map(({ topic, partition }) => ({ topic, partition })));
    this.aligned.clear();
    this.committed.clear();
    // Records read again are dead-lettered again.
    this.deadLettered -= this.deadLetters.splice(0).length;
    const [consumer, producer] = [this.consumer, this.producer];
    await Promise.all([closeAbandoned(() => consumer.close()), closeAbandoned(() => producer.close())]);
    await reconnectAfterOutage(
      `sink ${this.name}`,
      async () => {
        const consumer = await this.opts.backend.groupConsumer(this.groupId);
        try {
          this.producer = await this.opts.backend.transactionalProducer(this.groupId);
          this.consumer = consumer;
          await this.subscribe();
        } catch (err) {
          await consumer.close().catch(() => undefined);
          throw err;
        }
      },
      this.opts.logger,
      () => this.stopping,
    );
  }

  /**
   * The first records of a partition: if the sink needs to start earlier (a chunk boundary, after a
   * replay to an arbitrary offset), seek there once and drop what was read from later.
   */
  private align(records: LogRecord[]): LogRecord[] {
    const skip = new Set<string>();
    for (const r of records) {
      const key = tpKey(r);
      if (this.aligned.has(key) || skip.has(key)) continue;
      const start = this.opts.sink.alignStart(r, r.offset);
      this.aligned.add(key);
      if (start < r.offset) {
        this.consumer.seek({ topic: r.topic, partition: r.partition, offset: start });
        skip.add(key);
      }
    }
    return skip.size === 0 ? records : records.filter((r) => !skip.has(tpKey(r)));
  }

  private async decode(records: LogRecord[]): Promise<DecodedBatch> {
    const out: SinkRecord[] = [];
    const deadLetters: DeadLetterSinkRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      // A poll holds up to 10,000 records (~0.3 s of decoding risk-features rows in one go).
      if ((i & 0xff) === 0xff) await eventLoopTurnIfHeld();
      const r = records[i];
      if (this.deadLetterTopics.has(r.topic)) {
        deadLetters.push({ topic: r.topic, partition: r.partition, offset: r.offset, deadLetter: deadLetterRowOf(r) });
        continue;
      }
      const topic = r.topic as TopicName;
      try {
        let row: Record<string, unknown>;
        try {
          row = this.opts.serde.decode(topic, r.value) as unknown as Record<string, unknown>;
        } catch {
          row = (await this.opts.serde.decodeAsync(topic, r.value)) as unknown as Record<string, unknown>;
        }
        const transform = this.opts.transforms?.[topic];
        out.push({ topic, partition: r.partition, offset: r.offset, row: transform ? transform(row) : row });
      } catch (err) {
        this.deadLetter(r, err);
      }
    }
    return { records: out, deadLetters };
  }

  private deadLetter(r: LogRecord, err: unknown): void {
    const reason = (err as Error)?.message ?? String(err);
    this.deadLetters.push(deadLetterOf(r, reason));
    this.deadLettered++;
    this.opts.logger?.warn(
      { topic: r.topic, partition: r.partition, offset: r.offset, error: reason },
      'record sent to the dead-letter topic',
    );
  }

  /** Commits offsets the sink acknowledged beyond the last commit, with pending dead letters, atomically. */
  private async commit(): Promise<void> {
    const offsets: TopicPartitionOffset[] = this.opts.sink.committable().filter((o) => (this.committed.get(tpKey(o)) ?? -1) < o.offset);
    if (offsets.length === 0 && this.deadLetters.length === 0) return;
    const records = this.deadLetters.splice(0);
    try {
      await this.producer.commit({ records, offsets, groupId: this.groupId });
    } catch (err) {
      this.deadLetters.unshift(...records);
      throw err;
    }
    for (const o of offsets) this.committed.set(tpKey(o), o.offset);
  }

  private settleWaiters(err?: Error, upToAsk = Infinity): void {
    const ready = this.idleWaiters.filter((w) => err !== undefined || w.asked <= upToAsk);
    this.idleWaiters = this.idleWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }
}

/** Per partition, the offset after the last record of a batch. */
function consumedThrough(records: LogRecord[]): TopicPartitionOffset[] {
  const out = new Map<string, TopicPartitionOffset>();
  for (const r of records) out.set(tpKey(r), { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
  return [...out.values()];
}

/** The dead-letter topics a sink lands: none unless asked to and able to. */
function deadLetterTopicsOf(opts: RunSinkOptions): string[] {
  return opts.deadLetters && opts.sink.writeDeadLetters ? opts.topics.map(dlqTopicOf) : [];
}

/** Starts one sink on its topics; creates the dead-letter topics it may need. */
export async function runSink(opts: RunSinkOptions): Promise<RunningSink> {
  await opts.serde.prepare(opts.topics);
  const admin = opts.backend.admin();
  try {
    for (const topic of opts.topics) {
      const dlq = dlqTopicOf(topic);
      if ((await admin.partitionCount(dlq)) === undefined) await admin.createTopics([{ name: dlq, partitions: 1 }]);
    }
  } finally {
    await admin.close();
  }
  const groupId = sinkGroupId(opts.sink.name);
  const consumer = await opts.backend.groupConsumer(groupId);
  const producer = await opts.backend.transactionalProducer(groupId);
  const loop = new SinkLoop(opts, consumer, producer);
  await loop.start();
  return loop;
}

/** Several sinks as one, for the run command. */
export interface RunningSinks {
  readonly sinks: RunningSink[];
  untilIdle(): Promise<void>;
  stop(): Promise<void>;
  progress(): Promise<SinkProgress[]>;
}

export async function runSinks(common: Omit<RunSinkOptions, 'sink'>, sinks: Sink[]): Promise<RunningSinks> {
  const running: RunningSink[] = [];
  try {
    for (const sink of sinks) running.push(await runSink({ ...common, sink }));
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw err;
  }
  return {
    sinks: running,
    untilIdle: async () => {
      await Promise.all(running.map((r) => r.untilIdle()));
    },
    stop: async () => {
      await Promise.all(running.map((r) => r.stop()));
    },
    progress: () => Promise.all(running.map((r) => r.progress())),
  };
}
