// A producer may move to a newer (compatible) schema while a stream application runs: its records
// carry a schema id the application has never seen. The engine fetches that writer schema from the
// registry before decoding, so they are processed like the others; only an id the registry does
// not know is a poison pill for the DLQ.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSchemaRegistry } from '../../schemas/registry/file-registry.ts';
import { AvroSerde, parseAvroType, toWireFormat } from '../../schemas/serde.ts';
import { avroSchemaOf, subjectOf } from '../../schemas/topics.ts';
import type { Transaction } from '../../schemas/types.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { avroFieldsSerde, avroSerde } from '../../schemas/topic-serdes.ts';
import { BACKEND_KINDS, readTopic, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

function transaction(i: number): Transaction {
  return {
    event_id: `e${i}`,
    tenant_id: 't1',
    event_time: TEST_EPOCH + i,
    customer_id: 'c1',
    transaction_id: `x${i}`,
    account_id: 'a1',
    amount_cents: 100 + i,
    direction: 'DEBIT',
    currency: 'EUR',
    merchant: 'Shop',
    description: 'card',
    category: null,
    channel: 'CARD',
  };
}

describe.each(BACKEND_KINDS)('schema evolution on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('decodes records of a writer schema registered after the application started; an unknown id goes to the DLQ', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-transactions`;
    const registry = new FileSchemaRegistry(path.join(env.dir, 'registry'));
    const avro = new AvroSerde(registry);
    await avro.prepare(['transactions']);

    const b = new StreamsBuilder();
    b.stream(input, { valueSerde: avroSerde(avro, 'transactions') })
      .mapValues((t: Transaction) => ({ id: t.transaction_id, cents: t.amount_cents }))
      .to(`${env.prefix}-full`, { valueSerde: jsonSerde() });
    b.stream(`${env.prefix}-repeat`, { valueSerde: avroFieldsSerde(avro, 'transactions', ['amount_cents']) })
      .mapValues((t) => ({ cents: t.amount_cents }))
      .to(`${env.prefix}-fields`, { valueSerde: jsonSerde() });
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: `${env.dir}/state` });
    await backend.admin().createTopics([input, `${env.prefix}-repeat`].map((name) => ({ name, partitions: 1 })));
    await app.start();

    // A producer registers v2 (a new field with a default) only now, and writes with it.
    const v1 = avroSchemaOf('transactions') as { fields: object[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'risk_flag', type: 'string', default: 'none' }] };
    const v2Id = await registry.register(subjectOf('transactions'), v2);
    expect(v2Id).not.toBe(avro.schemaIdOf('transactions'));
    const values = [
      avro.encode('transactions', transaction(0)),
      toWireFormat(v2Id, parseAvroType(v2).toBuffer({ ...transaction(1), risk_flag: 'high' })),
      toWireFormat(987_654, Buffer.from([2, 0])), // an id no registry has
      avro.encode('transactions', transaction(3)),
    ];
    const producer = await backend.producer();
    for (const topic of [input, `${env.prefix}-repeat`])
      await producer.send(values.map((value, i) => ({ topic, key: Buffer.from('c1'), value, timestamp: TEST_EPOCH + i })));
    await producer.close();
    await app.runUntilIdle();
    await app.stop();

    const full = (await readTopic(backend, `${env.prefix}-full`)).map((r) => JSON.parse(r.value!.toString()) as unknown);
    expect(full).toEqual([
      { id: 'x0', cents: 100 },
      { id: 'x1', cents: 101 },
      { id: 'x3', cents: 103 },
    ]);
    const fields = (await readTopic(backend, `${env.prefix}-fields`)).map((r) => JSON.parse(r.value!.toString()) as unknown);
    expect(fields).toEqual([{ cents: 100 }, { cents: 101 }, { cents: 103 }]);
    for (const topic of [input, `${env.prefix}-repeat`]) {
      const dlq = await readTopic(backend, `${topic}.dlq`);
      expect(dlq.map((r) => r.headers.source_offset)).toEqual(['2']);
      expect(dlq[0]!.headers.error).toMatch(/schema id 987654/);
    }
  });
});
