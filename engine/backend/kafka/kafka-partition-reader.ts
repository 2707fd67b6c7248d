// Reads partition ranges outside any real group (state restore from changelogs). kafkajs has no
// assign(): per topic the reader runs one throwaway group consumer (group id unique to this
// reader, deleted on close), pauses every partition, and for each read() seeks one partition and
// resumes it. Reading goes at fetch speed (large batches), so a million-record changelog restores
// in seconds, and several partitions of one topic share a single group join.
import crypto from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { LogRecord, PartitionReader, TopicPartition } from '../backend.ts';
import { BackendError, ClosedError } from '../errors.ts';
import { toBackendError, translated } from './kafka-client.ts';
import { offsetOf, toLogRecord } from './kafka-records.ts';

const JOIN_TIMEOUT_MS = 60_000;
const MAX_BUFFERED_BATCHES = 64;

interface Target {
  partition: number;
  from: number;
  to: number;
  /** Offset after the last batch received (kafkajs batch end, markers included). */
  position: number;
  batches: LogRecord[][];
}

class TopicSession {
  private readonly consumer: Consumer;
  private target: Target | undefined;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private busy: Promise<void> = Promise.resolve();

  private constructor(
    kafka: Kafka,
    readonly topic: string,
    readonly groupId: string,
    private readonly brokers: string[],
  ) {
    this.consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
    });
  }

  static async open(kafka: Kafka, topic: string, groupId: string, brokers: string[]): Promise<TopicSession> {
    const session = new TopicSession(kafka, topic, groupId, brokers);
    await session.start();
    return session;
  }

  private async start(): Promise<void> {
    const c = this.consumer;
    let joined: () => void = () => {};
    const join = new Promise<void>((resolve) => (joined = resolve));
    c.on(c.events.GROUP_JOIN, () => {
      c.pause([{ topic: this.topic }]);
      if (this.target !== undefined) this.resumeTarget(this.target);
      joined();
    });
    c.on(c.events.END_BATCH_PROCESS, (event) => {
      const t = this.target;
      const { partition, batchSize, firstOffset, lastOffset } = event.payload;
      if (t === undefined || partition !== t.partition || batchSize !== 0 || firstOffset === null) return;
      if (Number(firstOffset) === t.position) t.position = Number(lastOffset) + 1;
      this.wake?.();
    });
    c.on(c.events.CRASH, (event) => {
      if (!event.payload.restart) {
        this.failure = toBackendError(event.payload.error, this.brokers, `restore reader of ${this.topic}`);
        this.wake?.();
      }
    });
    await translated(this.brokers, `restore reader of ${this.topic}`, async () => {
      await c.connect();
      await c.subscribe({ topics: [this.topic], fromBeginning: true });
      await c.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (payload) => this.onBatch(payload) });
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      join,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new BackendError(`restore reader of ${this.topic} got no assignment within ${JOIN_TIMEOUT_MS} ms`, { retriable: true })),
          JOIN_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private async onBatch({ batch, isStale, pause }: EachBatchPayload): Promise<void> {
    const t = this.target;
    if (isStale() || t === undefined || batch.partition !== t.partition) return;
    const records: LogRecord[] = [];
    for (const m of batch.messages) {
      const offset = offsetOf(m);
      if (offset >= t.from && offset < t.to) records.push(toLogRecord(batch.topic, batch.partition, m, offset));
    }
    t.position = Number(batch.lastOffset()) + 1;
    if (records.length > 0) t.batches.push(records);
    if (t.batches.length >= MAX_BUFFERED_BATCHES || t.position >= t.to) pause();
    this.wake?.();
  }

  private resumeTarget(t: Target): void {
    this.consumer.seek({ topic: this.topic, partition: t.partition, offset: String(t.from) });
    this.consumer.resume([{ topic: this.topic, partitions: [t.partition] }]);
  }

  /** One read at a time per topic: later calls wait for earlier ones to finish. */
  async *read(partition: number, from: number, end: number): AsyncIterable<LogRecord[]> {
    const previous = this.busy;
    let release: () => void = () => {};
    this.busy = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const t: Target = { partition, from, to: end, position: from, batches: [] };
    this.target = t;
    try {
      this.resumeTarget(t);
      for (;;) {
        if (this.failure !== undefined) throw this.failure;
        const batch = t.batches.shift();
        if (batch !== undefined) {
          if (t.batches.length < MAX_BUFFERED_BATCHES / 2 && t.position < t.to)
            this.consumer.resume([{ topic: this.topic, partitions: [partition] }]);
          yield batch;
          continue;
        }
        if (t.position >= t.to) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 1000);
        });
        this.wake = undefined;
      }
    } finally {
      this.consumer.pause([{ topic: this.topic, partitions: [partition] }]);
      this.target = undefined;
      release();
    }
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}

export class KafkaPartitionReader implements PartitionReader {
  private readonly sessions = new Map<string, Promise<TopicSession>>();
  private readonly readerId = `riskstream-restore-${crypto.randomBytes(6).toString('hex')}`;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
    private readonly brokers: string[],
  ) {}

  async *read(tp: TopicPartition, fromOffset: number, toOffset: number): AsyncIterable<LogRecord[]> {
    if (this.closed) throw new ClosedError('partition reader is closed');
    const admin = await this.admin();
    const offsets = await translated(this.brokers, `read ${tp.topic}-${tp.partition}`, () => admin.fetchTopicOffsets(tp.topic));
    const stable = Number(offsets.find((o) => o.partition === tp.partition)?.high ?? 0);
    const low = Number(offsets.find((o) => o.partition === tp.partition)?.low ?? 0);
    const end = Math.min(toOffset, stable);
    const from = Math.max(fromOffset, low);
    if (from >= end) return;
    let session = this.sessions.get(tp.topic);
    if (session === undefined) {
      session = TopicSession.open(this.kafka, tp.topic, `${this.readerId}-${tp.topic}`, this.brokers);
      this.sessions.set(tp.topic, session);
      session.catch(() => this.sessions.delete(tp.topic));
    }
    yield* (await session).read(tp.partition, from, end);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const groups: string[] = [];
    for (const session of this.sessions.values()) {
      const s = await session.catch(() => undefined);
      if (s === undefined) continue;
      await s.close();
      groups.push(s.groupId);
    }
    this.sessions.clear();
    if (groups.length > 0) {
      const admin = await this.admin();
      await admin.deleteGroups(groups).catch(() => {}); // best effort: an empty throwaway group
    }
  }
}
