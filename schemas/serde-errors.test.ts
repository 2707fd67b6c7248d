// Bytes that are not a valid record fail with a SerdeError that says what is wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSchemaRegistry } from './registry/file-registry.ts';
import { AvroSerde, SerdeError } from './serde.ts';
import type { Transaction } from './types.ts';

const txn: Transaction = {
  event_id: 'evt-1',
  tenant_id: 'tenant-a',
  event_time: Date.UTC(2024, 0, 15, 9, 30),
  transaction_id: 'txn-1',
  customer_id: 'cust-1',
  account_id: 'acct-1',
  amount_cents: 12_345,
  direction: 'DEBIT',
  currency: 'EUR',
  merchant: 'Corner Grocer',
  description: 'weekly shop',
  category: null,
  channel: 'CARD',
};

describe('serde errors', () => {
  let dir: string;
  let serde: AvroSerde;
  let good: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'serde-errors-'));
    serde = new AvroSerde(new FileSchemaRegistry(dir));
    await serde.prepare(['transactions']);
    good = serde.encode('transactions', txn);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function errorOf(fn: () => unknown): Error {
    try {
      fn();
    } catch (err) {
      return err as Error;
    }
    throw new Error('expected an error');
  }

  it('round-trips a valid record', () => {
    expect(serde.decode('transactions', good)).toEqual(txn);
  });

  it('a record shorter than the 5-byte header', () => {
    const err = errorOf(() => serde.decode('transactions', good.subarray(0, 3)));
    expect(err).toBeInstanceOf(SerdeError);
    expect(err.message).toBe('record too short for the Confluent wire format (3 bytes)');
  });

  it('a null value (tombstone)', () => {
    const err = errorOf(() => serde.decode('transactions', null));
    expect(err).toBeInstanceOf(SerdeError);
    expect(err.message).toBe('record too short for the Confluent wire format (0 bytes)');
  });

  it('a bad magic byte', () => {
    const bad = Buffer.from(good);
    bad[0] = 7;
    const err = errorOf(() => serde.decode('transactions', bad));
    expect(err).toBeInstanceOf(SerdeError);
    expect(err.message).toBe('bad magic byte 7 (expected 0: Confluent wire format)');
  });

  it('a body cut short', () => {
    const err = errorOf(() => serde.decode('transactions', good.subarray(0, good.length - 4)));
    expect(err).toBeInstanceOf(SerdeError);
    expect(err.message).toMatch(/^cannot decode transactions record with schema id \d+: truncated buffer$/);
  });

  it('bytes after the record', () => {
    const err = errorOf(() => serde.decode('transactions', Buffer.concat([good, Buffer.from([0, 1])])));
    expect(err).toBeInstanceOf(SerdeError);
    expect(err.message).toMatch(/^cannot decode transactions record with schema id \d+: trailing data$/);
  });

  it('a record inside a larger buffer (a view, as the log readers hand out)', () => {
    const shared = Buffer.concat([Buffer.from('xyz'), good, Buffer.from('abc')]);
    expect(serde.decode('transactions', shared.subarray(3, 3 + good.length))).toEqual(txn);
  });

  it('an unknown schema id', async () => {
    const unknown = Buffer.from(good);
    unknown.writeUInt32BE(9_999, 1);
    expect(errorOf(() => serde.decode('transactions', unknown)).message).toBe('unknown schema id 9999: call decodeAsync first');
    await expect(serde.decodeAsync('transactions', unknown)).rejects.toThrow('schema not found: id 9999');
  });
});
