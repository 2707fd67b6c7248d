// Loads the generator's records for the risk-features inputs onto a log, in an order the test
// chooses: as the generator delivers them (interleaved by arrival), or one topic after another.
// Within a topic the generator's order is kept, so each partition holds the same records in the
// same order whatever the topic order: only how the topics interleave differs.
import { generateEvents, type GeneratedEvent } from '../../connectors/sources/generator/generator.ts';
import { DEFAULT_PARTITIONS } from '../../schemas/topics.ts';
import type { TopicName } from '../../schemas/types.ts';
import { inputsOf, PIPELINES } from '../../app/catalog.ts';
import type { Environment } from '../../app/environment.ts';
import type { ProduceRecord } from '../../engine/index.ts';
import { startPipelines } from '../../app/run-pipelines.ts';

export const RISK_FEATURES = PIPELINES['risk-features'];
export const RISK_FEATURES_INPUTS: readonly TopicName[] = inputsOf(RISK_FEATURES);

export type LoadOrder = 'interleaved' | readonly TopicName[];

export interface LoadOptions {
  events: number;
  seed: number;
  order: LoadOrder;
}

/** Produces the risk-features inputs of `generateEvents({events, seed})`; returns records per topic. */
export async function loadInputs(env: Environment, opts: LoadOptions): Promise<Record<string, number>> {
  const topics = RISK_FEATURES_INPUTS;
  const admin = env.backend.admin();
  try {
    await admin.createTopics(topics.map((name) => ({ name, partitions: DEFAULT_PARTITIONS })));
  } finally {
    await admin.close();
  }
  await env.serde.prepare(topics);
  const wanted = (e: GeneratedEvent) => topics.includes(e.topic);
  const passes: ((e: GeneratedEvent) => boolean)[] =
    opts.order === 'interleaved' ? [wanted] : opts.order.map((t) => (e: GeneratedEvent) => e.topic === t);
  const counts: Record<string, number> = {};
  const producer = await env.backend.producer();
  try {
    for (const take of passes) {
      let batch: ProduceRecord[] = [];
      for (const e of generateEvents({ events: opts.events, seed: opts.seed })) {
        if (!take(e)) continue;
        batch.push({
          topic: e.topic,
          key: Buffer.from(e.key, 'utf8'),
          value: env.serde.encode(e.topic, e.record),
          timestamp: e.record.event_time,
        });
        counts[e.topic] = (counts[e.topic] ?? 0) + 1;
        if (batch.length >= 1000) {
          await producer.send(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await producer.send(batch);
    }
  } finally {
    await producer.close();
  }
  return counts;
}

/** Runs risk-features without sinks (no warehouse: chDB allows one data dir per process) until idle. */
export async function runRiskFeaturesUntilIdle(env: Environment): Promise<void> {
  const running = await startPipelines(env, { pipelines: [RISK_FEATURES], withSinks: false });
  try {
    await running.untilIdle();
  } finally {
    await running.stop();
  }
}
