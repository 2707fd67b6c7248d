// AvroSerde.fieldsDecoder reads a few fields of a record and skips the rest of the bytes: it must
// give exactly those fields as the full decode gives them, for the current and older writers, and
// fail like the full decode on bad bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avroFieldsSerde } from './topic-serdes.ts';
import { FileSchemaRegistry } from './registry/file-registry.ts';
import { AvroSerde, parseAvroType, SerdeError, toWireFormat } from './serde.ts';
import { avroSchemaOf } from './topics.ts';
import type { Transaction } from './types.ts';

const FIELDS = ['tenant_id', 'direction', 'amount_cents', 'merchant', 'description', 'category'] as const;

function transaction(i: number): Transaction {
  return {
    event_id: `evt-${i}-${'x'.repeat(i % 7)}`,
    tenant_id: `tenant-${i % 3}`,
    event_time: Date.UTC(2024, 0, 15) + i * 3_600_000,
    transaction_id: `txn-${i}`,
    customer_id: `cust-${i % 11}`,
    account_id: `acct-ü-${i}`,
    amount_cents: i * 1_237 - 50_000,
    direction: i % 3 === 0 ? 'CREDIT' : 'DEBIT',
    currency: 'EUR',
    merchant: `Merchant ${i % 5} café`,
    description: i % 4 === 0 ? '' : `purchase ${i}`,
    category: i % 2 === 0 ? null : 'food',
    channel: 'CARD',
  };
}

function pick(t: Transaction): Pick<Transaction, (typeof FIELDS)[number]> {
  return {
    tenant_id: t.tenant_id,
    direction: t.direction,
    amount_cents: t.amount_cents,
    merchant: t.merchant,
    description: t.description,
    category: t.category,
  };
}

describe('Avro fields decoder', () => {
  let dir: string;
  let registry: FileSchemaRegistry;
  let serde: AvroSerde;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'serde-fields-'));
    registry = new FileSchemaRegistry(dir);
    serde = new AvroSerde(registry);
    await serde.prepare(['transactions']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the chosen fields, and only them, as the full decode gives them', () => {
    const decode = serde.fieldsDecoder('transactions', FIELDS);
    for (let i = 0; i < 200; i++) {
      const bytes = serde.encode('transactions', transaction(i));
      const narrow = decode(bytes);
      expect({ ...narrow }).toEqual(pick(serde.decode('transactions', bytes)));
      expect(Object.keys(narrow).sort()).toEqual([...FIELDS].sort());
    }
  });

  it('reads records of an older writer schema the full decode resolves', async () => {
    // The older writer had an extra field among the ones read: it is skipped like the others.
    const current = avroSchemaOf('transactions') as { fields: { name: string }[] };
    const older = {
      ...current,
      fields: [...current.fields.slice(0, 3), { name: 'legacy_code', type: 'string' }, ...current.fields.slice(3)],
    };
    const id = await registry.register('transactions-older-value', older);
    const t = transaction(7);
    const body = parseAvroType(older).toBuffer({ ...t, legacy_code: 'L-77 with a long string to skip' });
    const bytes = toWireFormat(id, body);
    await serde.decodeAsync('transactions', bytes); // loads the writer schema, as the engine's prepare does
    expect({ ...serde.fieldsDecoder('transactions', FIELDS)(bytes) }).toEqual(pick(t));
  });

  it('fails like the full decode on bad bytes, and names an unknown field', () => {
    const decode = serde.fieldsDecoder('transactions', FIELDS);
    const good = serde.encode('transactions', transaction(3));
    expect(() => decode(good.subarray(0, good.length - 3))).toThrow(SerdeError);
    expect(() => decode(good.subarray(0, good.length - 3))).toThrow(
      /cannot decode transactions record with schema id \d+: truncated buffer/,
    );
    expect(() => decode(Buffer.concat([good, Buffer.from([1])]))).toThrow(/trailing data/);
    expect(() => decode(Buffer.from([1, 0, 0, 0, 1, 2]))).toThrow(/bad magic byte 1/);
    expect(() => serde.fieldsDecoder('transactions', ['tenant_id', 'amount' as 'amount_cents'])).toThrow(
      'transactions records have no field amount',
    );
  });

  it('as a serde it reads and refuses to write', () => {
    const s = avroFieldsSerde(serde, 'transactions', FIELDS);
    const t = transaction(5);
    expect({ ...s.deserialize(serde.encode('transactions', t)) }).toEqual(pick(t));
    expect(() => s.serialize(pick(t))).toThrow(/cannot write records: use avroSerde\(avro, 'transactions'\)/);
  });
});

describe('Avro encode', () => {
  it('writes the Confluent framing of avsc bytes, for records larger than its reused buffer too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'serde-encode-'));
    try {
      const registry = new FileSchemaRegistry(dir);
      const serde = new AvroSerde(registry);
      await serde.prepare(['transactions']);
      const type = parseAvroType(avroSchemaOf('transactions'));
      const id = serde.schemaIdOf('transactions');
      // Small, then past 4 KiB (the buffer grows), past 64 KiB, then small again in the grown buffer.
      const records = [
        transaction(1),
        { ...transaction(2), description: 'd'.repeat(5_000) },
        { ...transaction(3), merchant: 'm'.repeat(70_000) },
        transaction(4),
      ];
      for (const r of records) {
        const bytes = serde.encode('transactions', r);
        expect(bytes.equals(toWireFormat(id, type.toBuffer(r)))).toBe(true);
        expect(serde.decode('transactions', bytes)).toEqual(r);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
