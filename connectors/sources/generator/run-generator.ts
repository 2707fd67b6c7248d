// `riskstream generate`: produces the synthetic book onto the log as Avro (Confluent wire format),
// keyed by each topic's key field, timestamped with event_time, in batches, optionally paced.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LogAdmin, LogProducer, ProduceRecord } from '../../../engine/index.ts';
import type { AvroSerde } from '../../../schemas/serde.ts';
import { DEFAULT_PARTITIONS } from '../../../schemas/topics.ts';
import { discrepanciesCsv, labelsCsv } from './generator.ts';
import { LendingBook, type InputTopicName } from './lending-book.ts';

export const GENERATED_TOPICS: readonly InputTopicName[] = [
  'loan-applications',
  'transactions',
  'repayments',
  'statements',
  'debtors',
  'partner-records',
];

export interface RunGeneratorOptions {
  producer: LogProducer;
  serde: AvroSerde;
  events: number;
  seed: number;
  /** Events per second; undefined = as fast as possible. */
  rate?: number;
  /** Where to write the ground-truth CSV `customer_id,defaulted`. */
  labelsPath?: string;
  /** Where to write the injected book/partner discrepancies CSV `kind,debtor_id,partner_id,event_id`. */
  discrepanciesPath?: string;
  /** When given, the six input topics are created first (those that do not exist yet). */
  admin?: LogAdmin;
  /** Records per producer send; default 1000. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export class GeneratorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratorOptionsError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Produces the book; resolves with the number of records written per topic. */
export async function runGenerator(opts: RunGeneratorOptions): Promise<Record<InputTopicName, number>> {
  const { producer, serde, events, seed, rate } = opts;
  if (!Number.isInteger(events) || events < 0) throw new GeneratorOptionsError(`--events must be a non-negative integer, got ${events}`);
  if (!Number.isInteger(seed)) throw new GeneratorOptionsError(`--seed must be an integer, got ${seed}`);
  if (rate !== undefined && !(rate > 0))
    throw new GeneratorOptionsError(`--rate must be a positive number of events per second, got ${rate}`);

  if (opts.admin) await opts.admin.createTopics(GENERATED_TOPICS.map((name) => ({ name, partitions: DEFAULT_PARTITIONS })));
  await serde.prepare(GENERATED_TOPICS);

  // Paced runs send smaller batches so the rate is smooth (about ten sends a second).
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 1000, rate ? Math.ceil(rate / 10) : Infinity));
  const counts = Object.fromEntries(GENERATED_TOPICS.map((t) => [t, 0])) as Record<InputTopicName, number>;
  const book = new LendingBook({ events, seed });
  const started = performance.now();
  let batch: ProduceRecord[] = [];
  let done = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    await producer.send(batch);
    done += batch.length;
    batch = [];
    opts.onProgress?.(done, events);
    if (rate) {
      const aheadMs = (done / rate) * 1000 - (performance.now() - started);
      if (aheadMs > 0) await sleep(aheadMs);
    }
  };

  for (const event of book.events()) {
    batch.push({
      topic: event.topic,
      key: Buffer.from(event.key, 'utf8'),
      value: serde.encode(event.topic, event.record),
      timestamp: event.record.event_time,
    });
    counts[event.topic]++;
    if (batch.length >= batchSize) await flush();
  }
  await flush();

  if (opts.labelsPath) await writeSideFile(opts.labelsPath, labelsCsv(book.labels()));
  if (opts.discrepanciesPath) await writeSideFile(opts.discrepanciesPath, discrepanciesCsv(book.discrepancies()));
  return counts;
}

async function writeSideFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text, 'utf8');
}
