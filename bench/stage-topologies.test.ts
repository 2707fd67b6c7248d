// The bench's stage runs do the work their figures are named after: consume only reads and commits
// every input record and writes nothing; outputs only writes one result for exactly the events it
// selects. On the embedded log only, for the reason windowed-aggregate-topology.test.ts gives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { StreamsApp, type Backend, createEmbeddedBackend, readTopic, type Topology } from '../engine/index.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { RAW_TOPICS } from './kafkajs-raw-consumer.ts';
import { DENSE, events, load } from './runtime.ts';
import { consumeOnlyTopology, outputsOnlyTopology, writesResult } from './stage-topologies.ts';
import { WINDOW_TOTALS_TOPIC, windowTotalsSerde } from './windowed-aggregate-topology.ts';

const EVENTS = 3000;
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function runStage(
  topology: (avro: AvroSerde, registry: FileSchemaRegistry) => Topology,
): Promise<{ backend: Backend; registry: FileSchemaRegistry; app: StreamsApp }> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-stages-'));
  const registry = new FileSchemaRegistry(path.join(dir, 'registry'));
  const serde = new AvroSerde(registry);
  await serde.prepare([...RAW_TOPICS]);
  const backend = createEmbeddedBackend(path.join(dir, 'log'));
  await load(backend, events(serde, EVENTS, '', DENSE), '');
  const app = new StreamsApp({
    applicationId: 'bench-stage',
    topology: topology(serde, registry),
    backend,
    stateDir: path.join(dir, 'state'),
  });
  await app.runUntilIdle();
  await app.stop();
  return { backend, registry, app };
}

it('consume only reads every input record, commits to the end and writes nothing', async () => {
  const { backend, app } = await runStage(consumeOnlyTopology);
  try {
    expect(app.progress().recordsIn).toBe(EVENTS);
    expect(app.progress().recordsOut).toBe(0);
    expect(await readTopic(backend, WINDOW_TOTALS_TOPIC)).toEqual([]);
    for (const topic of RAW_TOPICS) {
      const ends = await backend.admin().endOffsets(topic);
      const committed = await backend.admin().committedOffsets('bench-stage', topic);
      expect(ends.map((_, p) => committed[p] ?? 0)).toEqual(ends);
    }
  } finally {
    await backend.close();
  }
});

it('outputs only writes one result for exactly the events it selects, keyed by customer', async () => {
  const { backend, registry } = await runStage(outputsOnlyTopology);
  try {
    const expected: { customer_id: string; window_start: number }[] = [];
    for (const topic of RAW_TOPICS) {
      for (const r of await readTopic(backend, topic))
        if (writesResult(r.timestamp)) expected.push({ customer_id: r.key!.toString(), window_start: r.timestamp });
    }
    const decode = windowTotalsSerde(registry);
    const written = await readTopic(backend, WINDOW_TOTALS_TOPIC);
    const actual = written.map((r) => {
      const w = decode.deserialize(r.value);
      expect(r.key!.toString()).toBe(w.customer_id);
      return { customer_id: w.customer_id, window_start: w.window_start };
    });
    const order = (a: { customer_id: string; window_start: number }, b: typeof a): number =>
      a.customer_id.localeCompare(b.customer_id) || a.window_start - b.window_start;
    // About the share the windowed run writes on these data (OUTPUT_PERCENT), and exactly the selected events.
    expect(actual.length).toBeGreaterThan(EVENTS * 0.4);
    expect(actual.length).toBeLessThan(EVENTS * 0.52);
    expect(actual.sort(order)).toEqual(expected.sort(order));
  } finally {
    await backend.close();
  }
});
