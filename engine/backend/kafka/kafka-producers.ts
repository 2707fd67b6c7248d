// Producers on kafkajs. Both partition like kafkajs 2's default partitioner, which is Kafka's
// (murmur2, as partitioner.ts), so keys land on the same partitions as on the embedded log.
//
// The transactional producer is EOS-v1 style, one per task (`<applicationId>-<partition>`):
// opening it runs InitProducerId, which bumps the epoch and fences any older instance (a zombie
// left behind by a rebalance) and aborts its open transaction. kafkajs has no hook before
// partitions are revoked, so this fencing is what keeps a zombie from committing.
import type { Admin, Kafka, Message, Producer, TopicMessages, Transaction } from 'kafkajs';
import type { CommitBatch, LogProducer, ProduceRecord, TransactionalProducer } from '../backend.ts';
import { BackendError, ClosedError, ProducerFencedError, TransactionAbortedError } from '../errors.ts';
import { hasErrorType, isFencedError, toBackendError, translated } from './kafka-client.ts';
import { kafkaDefaultPartitioner } from './kafka-partitioner.ts';

/**
 * Records grouped by topic as kafkajs messages. A ProduceRecord already has a message's fields
 * (key, value, partition, headers, timestamp), so it is handed over as it is instead of copied
 * into a new object with its timestamp as a string: the patched encoder reads the timestamp with
 * Number() (patches/kafkajs+2.2.4.patch), and its compressed path does arithmetic on it.
 */
export function toTopicMessages(records: ProduceRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    let messages = byTopic.get(r.topic);
    if (messages === undefined) {
      messages = [];
      byTopic.set(r.topic, messages);
    }
    messages.push(r as unknown as Message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * kafkajs puts everything handed to one send into one record batch per partition and does not
 * split it, while the broker refuses a batch over message.max.bytes (1 MiB by default): a large
 * commit (a catch-up run) goes in several sends. The limit is per partition, so one send may carry
 * up to this much for each partition it writes; every send is a round trip the commit waits for.
 */
const MAX_BATCH_BYTES = 768 * 1024;
/** And at most this much in one request, whatever the partitions. */
const MAX_SEND_BYTES = 8 * 1024 * 1024;

/**
 * Splits records into consecutive runs (order kept) in which no partition gets more than
 * MAX_BATCH_BYTES (estimated). Records without a partition are counted per topic, as if kafkajs'
 * partitioner sent them all to one partition.
 */
export function sendChunks(records: ProduceRecord[]): ProduceRecord[][] {
  const chunks: ProduceRecord[][] = [];
  let current: ProduceRecord[] = [];
  let total = 0;
  // topic -> bytes per partition in the current run; records without a partition at index 0.
  const perBatch = new Map<string, number[]>();
  for (const r of records) {
    let size = 70 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
    if (r.headers !== undefined) for (const [k, v] of Object.entries(r.headers)) size += k.length + String(v).length + 2;
    const slot = r.partition === undefined ? 0 : r.partition + 1;
    let bytes = perBatch.get(r.topic);
    if (current.length > 0 && ((bytes?.[slot] ?? 0) + size > MAX_BATCH_BYTES || total + size > MAX_SEND_BYTES)) {
      chunks.push(current);
      current = [];
      total = 0;
      perBatch.clear();
      bytes = undefined;
    }
    if (bytes === undefined) {
      bytes = [];
      perBatch.set(r.topic, bytes);
    }
    current.push(r);
    total += size;
    bytes[slot] = (bytes[slot] ?? 0) + size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class KafkaLogProducer implements LogProducer {
  private closed = false;

  private constructor(
    private readonly producer: Producer,
    private readonly brokers: string[],
  ) {}

  static async open(kafka: Kafka, brokers: string[]): Promise<KafkaLogProducer> {
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false, createPartitioner: kafkaDefaultPartitioner });
    await translated(brokers, 'connect producer', () => producer.connect());
    return new KafkaLogProducer(producer, brokers);
  }

  async send(records: ProduceRecord[]): Promise<void> {
    if (this.closed) throw new ClosedError('producer is closed');
    if (records.length === 0) return;
    for (const chunk of sendChunks(records)) {
      await translated(this.brokers, 'send', () => this.producer.sendBatch({ topicMessages: toTopicMessages(chunk), acks: -1 }));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.disconnect();
  }
}

const VISIBLE_TIMEOUT_MS = 30_000;

export class KafkaTransactionalProducer implements TransactionalProducer {
  private producer: Producer;
  private fenced: ProducerFencedError | undefined;
  private closed = false;
  /** Per topic, per partition: the first offset of the newest committed transaction. */
  private readonly committedLast = new Map<string, Map<number, number>>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
    private readonly brokers: string[],
    private readonly transactionalId: string,
  ) {
    this.producer = this.create();
  }

  static async open(
    kafka: Kafka,
    admin: () => Promise<Admin>,
    brokers: string[],
    transactionalId: string,
  ): Promise<KafkaTransactionalProducer> {
    const p = new KafkaTransactionalProducer(kafka, admin, brokers, transactionalId);
    await p.init();
    return p;
  }

  private create(): Producer {
    return this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      allowAutoTopicCreation: false,
      createPartitioner: kafkaDefaultPartitioner,
    });
  }

  /** Connects and runs InitProducerId now (kafkajs would defer it to the first transaction). */
  private async init(): Promise<void> {
    try {
      await this.producer.connect();
      const empty = await this.producer.transaction();
      await empty.abort(); // no partitions added: no EndTxn is sent, only the epoch bump happened
    } catch (err) {
      throw toBackendError(err, this.brokers, `initialise transactional producer "${this.transactionalId}"`, this.transactionalId);
    }
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (this.closed) throw new ClosedError(`transactional producer "${this.transactionalId}" is closed`);
    if (this.fenced !== undefined) throw this.fenced;
    if (batch.records.length === 0 && batch.offsets.length === 0) return;
    let transaction;
    try {
      transaction = await this.producer.transaction();
    } catch (err) {
      throw this.noteFenced(toBackendError(err, this.brokers, `begin transaction of "${this.transactionalId}"`, this.transactionalId));
    }
    const written: { topic: string; partition: number; first: number }[] = [];
    try {
      if (batch.records.length > 0) {
        for (const chunk of sendChunks(batch.records)) {
          const sent = await transaction.sendBatch({ topicMessages: toTopicMessages(chunk), acks: -1 });
          // While a transaction is open the last stable offset stays at or below its first record,
          // so "LSO past the base offset" means this transaction's markers are written.
          for (const m of sent) written.push({ topic: m.topicName, partition: m.partition, first: Number(m.baseOffset) });
        }
      }
      if (batch.offsets.length > 0) await sendOffsetsRetrying(transaction, batch);
    } catch (err) {
      if (isFencedError(err)) throw this.noteFenced(toBackendError(err, this.brokers, 'commit', this.transactionalId));
      await this.abortAfter(transaction);
      const cause = toBackendError(err, this.brokers, `transaction of "${this.transactionalId}"`);
      throw new TransactionAbortedError(`transaction of "${this.transactionalId}" aborted, nothing of it is visible: ${cause.message}`, {
        retriable: true,
        cause,
      });
    }
    try {
      await transaction.commit();
      for (const w of written) {
        const partitions = this.committedLast.get(w.topic) ?? new Map<number, number>();
        partitions.set(w.partition, Math.max(w.first, partitions.get(w.partition) ?? -1));
        this.committedLast.set(w.topic, partitions);
      }
    } catch (err) {
      if (isFencedError(err)) throw this.noteFenced(toBackendError(err, this.brokers, 'commit', this.transactionalId));
      // EndTxn may or may not have reached the coordinator: the outcome is unknown, so the caller
      // must reload committed offsets and state rather than resend.
      await this.abortAfter(transaction).catch(() => {});
      const cause = toBackendError(err, this.brokers, `commit of "${this.transactionalId}"`);
      throw new BackendError(`commit of transaction "${this.transactionalId}" has an unknown outcome: ${cause.message}`, {
        retriable: false,
        cause: err,
      });
    }
  }

  async awaitVisible(): Promise<void> {
    const admin = await this.admin();
    const deadline = Date.now() + VISIBLE_TIMEOUT_MS;
    for (const [topic, partitions] of this.committedLast) {
      for (;;) {
        const offsets = await translated(this.brokers, `wait for commit markers on ${topic}`, () => admin.fetchTopicOffsets(topic));
        // fetchTopicOffsets answers the last stable offset (read_committed).
        const pending = [...partitions].filter(([p, first]) => Number(offsets.find((o) => o.partition === p)?.high ?? 0) <= first);
        if (pending.length === 0) break;
        if (Date.now() > deadline) {
          throw new BackendError(`commit markers of "${this.transactionalId}" did not reach ${topic} within ${VISIBLE_TIMEOUT_MS} ms`, {
            retriable: true,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    this.committedLast.clear();
  }

  /** Aborts a failed transaction; if kafkajs cannot, starts over with a fresh producer. */
  private async abortAfter(transaction: { abort(): Promise<void> }): Promise<void> {
    try {
      await transaction.abort();
    } catch (abortErr) {
      if (isFencedError(abortErr)) throw this.noteFenced(toBackendError(abortErr, this.brokers, 'abort', this.transactionalId));
      // kafkajs's transaction state machine is stuck after a failed abort. A new producer's
      // InitProducerId aborts the open transaction on the broker and gives us a clean state.
      await this.producer.disconnect().catch(() => {});
      this.producer = this.create();
      await this.init();
    }
  }

  private noteFenced(err: Error): Error {
    if (err instanceof ProducerFencedError) this.fenced = err;
    return err;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.disconnect();
  }
}

const CONCURRENT_RETRIES = 30;

/**
 * kafkajs sends AddOffsetsToTxn without retrying, and right after the previous transaction's
 * EndTxn the coordinator answers CONCURRENT_TRANSACTIONS until its markers are written (the Java
 * client retries this). AddOffsetsToTxn is idempotent, so retrying it is safe.
 */
async function sendOffsetsRetrying(transaction: { sendOffsets: Transaction['sendOffsets'] }, batch: CommitBatch): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await transaction.sendOffsets({ consumerGroupId: batch.groupId, topics: offsetTopics(batch) });
      return;
    } catch (err) {
      if (!hasErrorType(err, 'CONCURRENT_TRANSACTIONS') || attempt >= CONCURRENT_RETRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * (attempt + 1), 200)));
    }
  }
}

function offsetTopics(batch: CommitBatch): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const o of batch.offsets) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: String(o.offset) });
    byTopic.set(o.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
