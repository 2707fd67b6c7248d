// The floor under the windowed aggregation on Kafka with exactly-once: plain kafkajs doing only the
// I/O that run must do, with no engine and no window state. It consumes and Avro-decodes the input
// topics like kafkajs-raw-consumer.ts, writes as many records of the same sizes as the windowed run
// writes (~0.445 window results and ~0.436 slice changelog records per event on the bench's dense
// data), and commits them with the input offsets in one transaction every 100 ms (Kafka Streams'
// exactly-once commit interval). One transactional producer for all partitions, so it pays fewer
// transactions than the engine's one per partition: if anything it flatters the floor.
//
// Like the raw consumer it runs as its own process, one consumer on one thread; its CPU per event
// says what any engine on kafkajs must spend at least, whatever its parallelism.
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { ProduceRecord } from '../engine/index.ts';
import { sendChunks, toTopicMessages } from '../engine/backend/kafka/kafka-producers.ts';
import { RAW_TOPICS, type RawConsumeFigures } from './kafkajs-raw-consumer.ts';
import { windowTotalsSerde } from './windowed-aggregate-topology.ts';

/** Per mille of events followed by a window result, and by a slice changelog record (the windowed run's shares). */
const RESULTS_PER_MILLE = 445;
const CHANGELOG_PER_MILLE = 436;
/** The slices' changelog values: five float64s. */
const SLICE_VALUE_BYTES = 40;
const COMMIT_INTERVAL_MS = 100;

export interface RawTransformFigures extends RawConsumeFigures {
  /** Records written per event (results and changelog). */
  writtenPerEvent: number;
  transactions: number;
}

interface Customer {
  customer_id: string;
}

export async function transformInTransactions(brokers: string[], registryDir: string, events: number): Promise<RawTransformFigures> {
  const registry = new FileSchemaRegistry(registryDir);
  const serde = new AvroSerde(registry);
  await serde.prepare([...RAW_TOPICS]);
  const results = windowTotalsSerde(registry);
  await results.prepare?.();
  const run = `bench-raw-transform-${Date.now()}`;
  const resultsTopic = `${run}-results`;
  const changelogTopic = `${run}-changelog`;
  const kafka = new Kafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: resultsTopic, numPartitions: 4 },
      { topic: changelogTopic, numPartitions: 4, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  const producer = kafka.producer({ transactionalId: run, idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: run, readUncommitted: false });
  const connecting = performance.now();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [...RAW_TOPICS], fromBeginning: true });

  let pending: ProduceRecord[] = [];
  const offsets = new Map<string, Map<number, string>>();
  let lastCommit = performance.now();
  let transactions = 0;
  let written = 0;
  const commit = async (p: Producer): Promise<void> => {
    const txn = await p.transaction();
    for (const chunk of sendChunks(pending)) await txn.sendBatch({ topicMessages: toTopicMessages(chunk), acks: -1 });
    await txn.sendOffsets({
      consumerGroupId: run,
      topics: [...offsets].map(([topic, parts]) => ({
        topic,
        partitions: [...parts].map(([partition, offset]) => ({ partition, offset })),
      })),
    });
    await txn.commit();
    written += pending.length;
    pending = [];
    offsets.clear();
    transactions++;
    lastCommit = performance.now();
  };

  let seen = 0;
  let started = 0;
  let finished = 0;
  let cpuBefore = process.cpuUsage();
  let cpu = cpuBefore;
  await new Promise<void>((resolve, reject) => {
    void consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (started === 0) {
            started = performance.now();
            cpuBefore = process.cpuUsage();
          }
          const topic = batch.topic as (typeof RAW_TOPICS)[number];
          for (const m of batch.messages) {
            const event = serde.decode(topic, m.value) as Customer & { event_time: number };
            const t = event.event_time;
            if (t % 1000 < RESULTS_PER_MILLE) {
              const value = results.serialize({
                customer_id: event.customer_id,
                window_start: t,
                window_end: t + 1,
                events: 1,
                debit_cents: t % 50_000,
                credit_cents: 0,
                max_debit_cents: t % 50_000,
                applications: 0,
              });
              pending.push({ topic: resultsTopic, partition: batch.partition, key: m.key, value, timestamp: t });
            }
            if (Math.floor(t / 1000) % 1000 < CHANGELOG_PER_MILLE) {
              const key = Buffer.allocUnsafe((m.key?.length ?? 0) + 8);
              m.key?.copy(key);
              key.writeDoubleBE(t - (t % 86_400_000), key.length - 8);
              pending.push({
                topic: changelogTopic,
                partition: batch.partition,
                key,
                value: Buffer.alloc(SLICE_VALUE_BYTES, t % 251),
                timestamp: t,
              });
            }
          }
          let parts = offsets.get(batch.topic);
          if (parts === undefined) offsets.set(batch.topic, (parts = new Map()));
          parts.set(batch.partition, String(Number(batch.lastOffset()) + 1));
          seen += batch.messages.length;
          const done = seen >= events;
          if (done || performance.now() - lastCommit >= COMMIT_INTERVAL_MS) await commit(producer);
          if (done && finished === 0) {
            finished = performance.now();
            cpu = process.cpuUsage(cpuBefore);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [resultsTopic, changelogTopic] }).catch(() => {});
  await admin.disconnect();
  return {
    eps: Math.round(events / ((finished - started) / 1000)),
    startupSeconds: (started - connecting) / 1000,
    cpuMicrosPerEvent: Number(((cpu.user + cpu.system) / events).toFixed(2)),
    writtenPerEvent: Number((written / events).toFixed(3)),
    transactions,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [registryDir, events] = process.argv.slice(2);
  const figures = await transformInTransactions(process.env.KAFKA_BROKERS!.split(','), registryDir, Number(events));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
