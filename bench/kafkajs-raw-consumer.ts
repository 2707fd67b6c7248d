// The ceiling the Kafka runs are compared with: plain kafkajs consume + Avro decode of the bench's
// input topics. It runs as its own process (`node --import tsx bench/kafkajs-raw-consumer.ts`),
// started by runtime.ts: measured inside the bench's process, it shared a heap that holds the
// million generated records, and old-generation GC over them cut it by a quarter (~490k against
// ~365k events/s), which flattered every ratio to it. It runs on the same (patched) kafkajs as the
// engine, so the fetch path's patches raise the ceiling as much as the engine: on 2026-12-04 the
// lazily decoded records took it from ~266k to ~440k events/s (2.5 instead of 4.5 us of CPU per
// event), more than they gained the engine, whose ratio to it fell although it got faster.
//
// With `stock` as its third argument it runs on kafkajs as published instead (the `kafkajs-stock`
// alias, which patch-package leaves alone): kafkajs_stock_raw_eps, what a user's own consumer on
// plain kafkajs reaches, beside the ceiling of the patched one. The Avro decode is the same.
import { pathToFileURL } from 'node:url';
import type * as KafkaJs from 'kafkajs';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';

export const RAW_TOPICS = ['transactions', 'repayments', 'loan-applications'] as const;

export interface RawConsumeFigures {
  /** Events per second from the first batch to the last event: connect and group join are left out. */
  eps: number;
  /** Seconds from connect to the first batch. */
  startupSeconds: number;
  /** CPU time of this process per event, in microseconds, from the first batch to the last event. */
  cpuMicrosPerEvent: number;
}

/** Which kafkajs runs: riskstream's patched copy, or the published package. */
export type KafkajsBuild = 'patched' | 'stock';

export async function consumeAndDecode(
  brokers: string[],
  registryDir: string,
  events: number,
  build: KafkajsBuild = 'patched',
): Promise<RawConsumeFigures> {
  const { Kafka, logLevel } = (await import(build === 'stock' ? 'kafkajs-stock' : 'kafkajs')) as typeof KafkaJs;
  const serde = new AvroSerde(new FileSchemaRegistry(registryDir));
  await serde.prepare([...RAW_TOPICS]);
  const kafka = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, readUncommitted: false });
  const connecting = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [...RAW_TOPICS], fromBeginning: true });
  let seen = 0;
  let started = 0;
  let finished = 0;
  let cpuBefore = process.cpuUsage();
  let cpu = cpuBefore;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0) {
          started = performance.now();
          cpuBefore = process.cpuUsage();
        }
        const topic = batch.topic as (typeof RAW_TOPICS)[number];
        for (const m of batch.messages) serde.decode(topic, m.value);
        seen += batch.messages.length;
        if (seen >= events && finished === 0) {
          finished = performance.now();
          cpu = process.cpuUsage(cpuBefore);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return {
    eps: Math.round(events / ((finished - started) / 1000)),
    startupSeconds: (started - connecting) / 1000,
    cpuMicrosPerEvent: Number(((cpu.user + cpu.system) / events).toFixed(2)),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [registryDir, events, build = 'patched'] = process.argv.slice(2);
  if (build !== 'patched' && build !== 'stock')
    throw new Error(`kafkajs-raw-consumer: kafkajs build must be "patched" or "stock", got "${build}"`);
  const figures = await consumeAndDecode(process.env.KAFKA_BROKERS!.split(','), registryDir, Number(events), build);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
