// A query does not wait for a whole poll's batch: processing gives the event loop a turn every few
// milliseconds (streams/event-loop-slices.ts), and a query answered then sees the state after some
// record, never part of one. Here each record is slow to process, one poll holds all of them, and
// queries asked from a timer see counts between none and all of them, in order.
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jsonSerde } from '../serdes/serde.ts';
import { sortedKeyValueStore, type SortedKeyValueStore } from '../state/sorted-key-value-store.ts';
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { testEnv, type TestEnv } from '../testing/test-backends.ts';

const RECORDS = 400;

/** Counts records in two entries that one record always moves together. */
class SlowCounter implements Processor<string, number, never, never> {
  private store!: SortedKeyValueStore<number>;
  init(ctx: ProcessorContext<never, never>): void {
    this.store = ctx.getStateStore('counts');
  }
  process(): void {
    const until = performance.now() + 1;
    while (performance.now() < until) {
      // Busy: a record that takes a millisecond of CPU.
    }
    this.store.put('seen', (this.store.get('seen') ?? 0) + 1);
    this.store.put('twice', (this.store.get('twice') ?? 0) + 2);
  }
}

let env: TestEnv | undefined;
let app: StreamsApp | undefined;
afterEach(async () => {
  await app?.stop();
  await env?.cleanup();
});

it('answers queries between records of one batch, each after a whole record', { timeout: 120_000 }, async () => {
  env = await testEnv('embedded');
  const backend = await env.open();
  const topic = `${env.prefix}-slow`;
  await backend.admin().createTopics([{ name: topic, partitions: 1 }]);
  const serde = jsonSerde<number>();
  const producer = await backend.producer();
  await producer.send(
    Array.from({ length: RECORDS }, (_, i) => ({ topic, key: Buffer.from('k'), value: serde.serialize(i), timestamp: Date.now() })),
  );
  const b = new StreamsBuilder();
  b.addStateStore(sortedKeyValueStore<number>('counts', jsonSerde<number>(), { queryable: true }));
  b.stream(topic, { valueSerde: serde }).process(() => new SlowCounter(), 'counts');
  app = new StreamsApp({
    applicationId: `${env.prefix}-app`,
    topology: b.build(),
    backend,
    stateDir: path.join(env.dir, 'state'),
    maxPollRecords: RECORDS,
  });
  const answers: { seen: number; twice: number }[] = [];
  const running = app;
  const asking = setInterval(() => {
    const rows = running.query('counts', { type: 'range' }).rows;
    const value = (key: string): number => Number(rows.find((r) => r.key === key)?.value ?? 0);
    answers.push({ seen: value('seen'), twice: value('twice') });
  }, 1);
  await app.runUntilIdle();
  clearInterval(asking);
  const seen = answers.map((a) => a.seen);
  expect(
    seen.some((n) => n > 0 && n < RECORDS),
    `answers seen mid-batch: ${[...new Set(seen)].join(' ')}`,
  ).toBe(true);
  expect(seen).toEqual([...seen].sort((x, y) => x - y));
  for (const a of answers) expect(a.twice).toBe(2 * a.seen);
  expect(app.query('counts', { type: 'get', key: 'seen' }).rows).toEqual([{ key: 'seen', value: RECORDS }]);
});
