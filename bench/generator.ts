// Synthetic source throughput: 200,000 events of the lending book generated and Avro-encoded
// (Confluent wire format), as `riskstream generate` does before handing them to the producer;
// the categorizer over the generated transactions; and the whole run onto the embedded log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { categorize } from '../connectors/categorizer/categorizer.ts';
import { generateEvents } from '../connectors/sources/generator/generator.ts';
import { GENERATED_TOPICS, runGenerator } from '../connectors/sources/generator/run-generator.ts';
import { createEmbeddedBackend } from '../engine/index.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { Transaction } from '../schemas/types.ts';

const EVENTS = 200_000;
const SEED = 1;

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-generator-'));
  try {
    const serde = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    await serde.prepare(GENERATED_TOPICS);

    // Warm-up so the JIT has seen the hot paths.
    for (const e of generateEvents({ events: 20_000, seed: SEED + 1 })) serde.encode(e.topic, e.record);

    let started = performance.now();
    let bytes = 0;
    const transactions: Transaction[] = [];
    for (const e of generateEvents({ events: EVENTS, seed: SEED })) {
      bytes += serde.encode(e.topic, e.record).length;
      if (e.topic === 'transactions') transactions.push(e.record);
    }
    const generateSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    let n = 0;
    for (const e of generateEvents({ events: EVENTS, seed: SEED })) n += e.record.event_time > 0 ? 1 : 0;
    const generateOnlySeconds = (performance.now() - started) / 1000;

    started = performance.now();
    let other = 0;
    for (const t of transactions) if (categorize(t) === 'other') other++;
    const categorizeSeconds = (performance.now() - started) / 1000;

    const backend = createEmbeddedBackend(path.join(dir, 'data'));
    try {
      const producer = await backend.producer();
      started = performance.now();
      await runGenerator({ producer, serde, admin: backend.admin(), events: EVENTS, seed: SEED });
      const toLogSeconds = (performance.now() - started) / 1000;
      return {
        generate_eps: Math.round(EVENTS / generateSeconds),
        generate_only_eps: Math.round(n / generateOnlySeconds),
        generate_avg_record_bytes: Math.round(bytes / EVENTS),
        categorize_per_s: Math.round(transactions.length / categorizeSeconds),
        categorize_other_share: other / transactions.length,
        generate_to_embedded_eps: Math.round(EVENTS / toLogSeconds),
      };
    } finally {
      await backend.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
