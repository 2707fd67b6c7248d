// The project's registry server, driven by the Confluent client library (@kafkajs/confluent-schema-registry)
// as Kafka-mode services drive a Confluent Schema Registry: register, resolve, evolve.
import { randomUUID } from 'node:crypto';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { ConfluentRegistryClient } from './registry/confluent-client.ts';
import { SchemaIncompatibleError } from './registry/registry-client.ts';
import { ALL_TOPICS, avroSchemaOf } from './topics.ts';
import type { TopicName } from './types.ts';

const url = (): string => {
  const value = process.env.SCHEMA_REGISTRY_URL;
  if (!value) throw new Error('SCHEMA_REGISTRY_URL is not set: dev/vitest-global-setup.ts did not run');
  return value;
};

// Subjects unique to this run, so other suites sharing the registry are never disturbed.
const prefix = `test-${randomUUID().slice(0, 8)}`;

function withField(schema: Record<string, unknown>, field: Record<string, unknown>): Record<string, unknown> {
  return { ...schema, fields: [...(schema.fields as unknown[]), field] };
}

describe('registry server through @kafkajs/confluent-schema-registry', () => {
  it('registers and resolves every project schema', async () => {
    const registry = new SchemaRegistry({ host: url() });
    expect(ALL_TOPICS).toHaveLength(12);
    const ids = new Map<TopicName, number>();
    for (const topic of ALL_TOPICS) {
      const subject = `${prefix}-${topic}-value`;
      const schema = avroSchemaOf(topic);
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
      ids.set(topic, id);
      // Idempotent: the same schema again is the same id.
      expect((await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject })).id).toBe(id);
      expect(await registry.getLatestSchemaId(subject)).toBe(id);
      expect(await registry.getRegistryId(subject, 1)).toBe(id);
      expect(await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) })).toBe(id);
      // A record written with the library decodes to the same values.
      const type = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false });
      const record = type.random() as unknown as Record<string, unknown>;
      const decoded = (await registry.decode(await registry.encode(id, record))) as Record<string, unknown>;
      expect(type.toBuffer(decoded).equals(type.toBuffer(record))).toBe(true);
    }
    // Distinct schemas, distinct global ids.
    expect(new Set(ids.values()).size).toBe(ALL_TOPICS.length);
    const client = new ConfluentRegistryClient({ url: url() });
    const subjects = await client.subjects();
    for (const topic of ALL_TOPICS) expect(subjects).toContain(`${prefix}-${topic}-value`);
    for (const [topic, id] of ids) expect(await client.schemaById(id)).toEqual(avroSchemaOf(topic));
  });

  it('refuses an incompatible v2 naming the field, accepts a compatible v2 that reads v1 records', async () => {
    const subject = `${prefix}-evolve-transactions-value`;
    const v1 = avroSchemaOf('transactions');
    const registry = new SchemaRegistry({ host: url() });
    const { id: v1Id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );

    // A new field without a default cannot be read from v1 data.
    const incompatible = withField(v1, { name: 'risk_flag', type: 'string' });
    await expect(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject })).rejects.toThrow(
      /field 'risk_flag' was added without a default/,
    );
    const client = new ConfluentRegistryClient({ url: url() });
    const refused = await client.register(subject, incompatible).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(SchemaIncompatibleError);
    expect((refused as SchemaIncompatibleError).field).toBe('risk_flag');
    expect((refused as Error).message).toBe(
      `schema for ${subject} is not BACKWARD compatible: field 'risk_flag' was added without a default`,
    );

    // A changed type is refused too, naming the field and both types.
    const retyped = {
      ...v1,
      fields: (v1.fields as { name: string }[]).map((f) => (f.name === 'amount_cents' ? { ...f, type: 'string' } : f)),
    };
    await expect(client.register(subject, retyped)).rejects.toThrow("field 'amount_cents' changed type long -> string");

    // With a default it is BACKWARD compatible; v1 records read through v2 get the default.
    const v2 = withField(v1, { name: 'risk_flag', type: 'string', default: 'none' });
    const v2Id = await client.register(subject, v2);
    expect(v2Id).not.toBe(v1Id);
    expect((await client.latest(subject))?.version).toBe(2);
    const v1Record = {
      event_id: 'evt-1',
      tenant_id: 'tenant-a',
      event_time: Date.UTC(2024, 1, 1),
      transaction_id: 'txn-1',
      customer_id: 'cust-1',
      account_id: 'acct-1',
      amount_cents: 4_200,
      direction: 'DEBIT',
      currency: 'EUR',
      merchant: 'Metro',
      description: 'ticket',
      category: 'transport',
      channel: 'CARD',
    };
    const written = await registry.encode(v1Id, v1Record);
    const read = await registry.decode(written, { [SchemaType.AVRO]: { readerSchema: v2 as never } });
    expect(read).toEqual({ ...v1Record, risk_flag: 'none' });
  });

  it('an unreachable registry fails with one line naming the URL', async () => {
    const client = new ConfluentRegistryClient({ url: 'http://127.0.0.1:9', retries: 0 });
    await expect(client.subjects()).rejects.toThrow(/^schema registry at http:\/\/127\.0\.0\.1:9 is unreachable: ECONNREFUSED$/);
  });
});
