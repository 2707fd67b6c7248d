// Records that retention (here: DeleteRecords) removed before the application read them can never
// be committed past. `runUntilIdle` must still come back (it used to wait forever), and the rest is
// processed as usual.
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { readTopic, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { StreamsApp } from './streams-app.ts';

const serde = jsonSerde<{ n: number }>();

describe('input records deleted before they were read (kafka)', () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('comes back idle, keeps what it had, and processes what arrives afterwards', async () => {
    env = await testEnv('kafka');
    const backend = await env.open();
    const input = `${env.prefix}-in`;
    const output = `${env.prefix}-out`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    const produce = async (from: number, to: number) => {
      const producer = await backend.producer();
      const records = [];
      for (let n = from; n < to; n++)
        records.push({ topic: input, partition: 0, key: Buffer.from('k'), value: serde.serialize({ n }), timestamp: TEST_EPOCH + n });
      await producer.send(records);
      await producer.close();
    };
    const runToIdle = async (name = 'app', to = output) => {
      const b = new StreamsBuilder();
      b.stream(input, { valueSerde: serde }).to(to, { valueSerde: serde });
      const app = new StreamsApp({
        applicationId: `${env.prefix}-${name}`,
        topology: b.build(),
        backend,
        stateDir: `${env.dir}/state-${name}`,
      });
      await app.runUntilIdle();
      await app.stop();
    };

    await produce(0, 10);
    await runToIdle();
    await produce(10, 20);
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [input] }); // kafkajs needs the metadata cached first
    await admin.deleteTopicRecords({ topic: input, partitions: [{ partition: 0, offset: '20' }] });
    await admin.disconnect();
    expect(await backend.admin().startOffsets(input)).toEqual([20]);

    await runToIdle();
    // A new application that never committed anything, on a partition whose records are all gone.
    await backend.admin().createTopics([{ name: `${output}-fresh`, partitions: 1 }]);
    await runToIdle('fresh', `${output}-fresh`);
    expect(await readTopic(backend, `${output}-fresh`)).toEqual([]);
    await produce(20, 25);
    await runToIdle();
    const seen = (await readTopic(backend, output)).map((r) => serde.deserialize(r.value).n);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24]);
  }, 90_000);
});
