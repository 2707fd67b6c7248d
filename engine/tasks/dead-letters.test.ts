// A record that cannot be decoded or whose processing throws lands in `<topic>.dlq` with its origin
// (headers error, source_topic, source_partition, source_offset); the rest of the partition is
// processed and the worker keeps running.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { BACKEND_KINDS, readTopic, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

interface Payment {
  cents: number;
}
const serde = jsonSerde<Payment>();

describe.each(BACKEND_KINDS)('dead letters on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('sends poison pills to the DLQ with their origin and processes the rest', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-payments`;
    const output = `${env.prefix}-doubled`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    const producer = await backend.producer();
    const values: Buffer[] = [];
    for (let i = 0; i < 50; i++) values.push(serde.serialize({ cents: i })!);
    values[10] = Buffer.from('{not json');
    values[30] = serde.serialize({ cents: -1 })!; // the processor refuses it
    await producer.send(values.map((value, i) => ({ topic: input, key: Buffer.from('k'), value, timestamp: TEST_EPOCH + i })));
    await producer.close();

    const b = new StreamsBuilder();
    b.stream(input, { valueSerde: serde })
      .mapValues((p: Payment) => {
        if (p.cents < 0) throw new RangeError(`negative amount ${p.cents}`);
        return { cents: p.cents * 2 };
      })
      .to(output, { valueSerde: serde });
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: `${env.dir}/state` });
    await app.runUntilIdle();
    expect(app.currentState).toBe('running');
    await app.stop();

    const out = (await readTopic(backend, output)).map((r) => serde.deserialize(r.value).cents);
    expect(out).toEqual([...Array(50).keys()].filter((i) => i !== 10 && i !== 30).map((i) => i * 2));
    const dlq = await readTopic(backend, `${input}.dlq`);
    expect(dlq.map((r) => [r.headers.source_topic, r.headers.source_partition, r.headers.source_offset])).toEqual([
      [input, '0', '10'],
      [input, '0', '30'],
    ]);
    expect(dlq[0].headers.error).toMatch(/JSON/);
    expect(dlq[1].headers.error).toBe('RangeError: negative amount -1');
    expect(dlq[0].value?.toString()).toBe('{not json');
  });
});
