// Versioned store semantics: get(key, asOf) = latest version with timestamp <= asOf; between equal
// timestamps the one that arrived last; restore from its own changelog gives the same answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { FileSchemaRegistry } from '../../schemas/registry/file-registry.ts';
import { AvroSerde, parseAvroType, toWireFormat } from '../../schemas/serde.ts';
import { avroSchemaOf, subjectOf } from '../../schemas/topics.ts';
import type { LoanApplication } from '../../schemas/types.ts';
import { alsoReadingV8 } from '../serdes/serde.ts';
import { avroSerde } from '../../schemas/topic-serdes.ts';
import { VersionedStore } from './versioned-store.ts';

function application(id: string, t: number): LoanApplication {
  return {
    event_id: `e-${id}`,
    tenant_id: 't1',
    event_time: t,
    customer_id: 'c1',
    application_id: id,
    amount_cents: 1_000_000,
    term_months: 24,
    annual_rate_bps: 700,
    collateral_value_cents: null,
    annual_income_cents: 5_000_000,
    monthly_debt_payments_cents: 50_000,
    credit_limit_cents: 500_000,
    credit_balance_cents: 120_000,
    employment_years: 3.5,
    purpose: 'car',
  };
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

describe('VersionedStore', () => {
  it('answers as of a time, later arrival winning on equal timestamps', () => {
    const s = new VersionedStore<string>('v');
    s.put('k', 'b@20', 20);
    s.put('k', 'a@10', 10); // arrives out of order
    s.put('k', 'c@20', 20); // same time as b, arrived later
    expect(s.get('k', 9)).toBeUndefined();
    expect(s.get('k', 10)).toBe('a@10');
    expect(s.get('k', 19)).toBe('a@10');
    expect(s.get('k', 20)).toBe('c@20');
    expect(s.get('k', 1e15)).toBe('c@20');
    expect(s.get('other', 20)).toBeUndefined();

    const copy = new VersionedStore<string>('v');
    for (const e of s.takeChanges()) copy.restore(e.key, e.value);
    expect(copy.history('k')).toEqual(s.history('k'));
  });

  it('keeps the version in force at the retention horizon', () => {
    const s = new VersionedStore<number>('v', { historyRetentionMs: 100 });
    for (const t of [10, 20, 30, 200]) s.put('k', t, t, t);
    // horizon = 200 - 100 = 100: version 30 is in force then, 10 and 20 are gone.
    expect(s.history('k').map((h) => h.timestamp)).toEqual([30, 200]);
    expect(s.get('k', 150)).toBe(30);
  });

  it('restores histories from its binary changelog values and from the older v8 ones', () => {
    const s = new VersionedStore<{ amount_cents: number; purpose: string | null }>('v');
    s.put('k', { amount_cents: 100, purpose: 'car' }, 10);
    s.put('k', { amount_cents: 250, purpose: null }, 20);
    s.put('j', { amount_cents: 7, purpose: 'home' }, 5);
    const entries = s.takeChanges();
    expect(entries.map((e) => e.value![0])).toEqual([0x01, 0x01]);
    const copy = new VersionedStore<{ amount_cents: number; purpose: string | null }>('v');
    for (const e of entries) copy.restore(e.key, e.value);
    expect(copy.history('k')).toEqual(s.history('k'));
    expect(copy.get('j', 5)).toEqual({ amount_cents: 7, purpose: 'home' });
    // A version added after a restore is written with the restored ones.
    copy.put('k', { amount_cents: 300, purpose: 'boat' }, 30);
    const again = new VersionedStore<{ amount_cents: number; purpose: string | null }>('v');
    for (const e of copy.takeChanges()) again.restore(e.key, e.value);
    expect(again.history('k').map((h) => [h.timestamp, h.value.amount_cents])).toEqual([
      [10, 100],
      [20, 250],
      [30, 300],
    ]);

    const legacy = new VersionedStore<string>('v');
    legacy.restore(Buffer.from('k'), serialize({ times: [1, 2], values: [serialize('a'), serialize('b')] }));
    expect(legacy.history('k')).toEqual([
      { timestamp: 1, value: 'a' },
      { timestamp: 2, value: 'b' },
    ]);
  });

  it('stores Avro versions, and after a restore reads versions of an older writer schema and of the v8 layout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versioned-avro-'));
    try {
      const registry = new FileSchemaRegistry(dir);
      // The application that wrote the changelog ran with v2 of the schema (one more field).
      const v1 = avroSchemaOf('loan-applications') as { fields: object[] };
      const v2 = { ...v1, fields: [...v1.fields, { name: 'channel', type: 'string', default: 'web' }] };
      const v2Id = await registry.register(subjectOf('loan-applications'), v2);
      const written = new VersionedStore<LoanApplication>('v');
      written.put('c1', application('p1', 1_000), 1_000);
      const [older] = written.takeChanges();
      const olderValue = Buffer.from(older.value!);
      // Its one version, rewritten as v2 wrote it: same layout, the Avro body of v2.
      const v2Version = toWireFormat(v2Id, parseAvroType(v2).toBuffer({ ...application('p1', 1_000), channel: 'app' }));
      const history = Buffer.concat([olderValue.subarray(0, 5 + 8), int32(v2Version.length), v2Version]);

      // The application now runs with v1 (the schema in the code), Avro versions read with v8 ones.
      const avro = new AvroSerde(registry);
      const serde = alsoReadingV8(avroSerde(avro, 'loan-applications'));
      await serde.prepare!();
      const store = new VersionedStore<LoanApplication>('v', { serde });
      store.put('c2', application('p2', 2_000), 2_000);
      const [avroEntry] = store.takeChanges();
      expect(avroEntry.value!.length).toBeLessThan(olderValue.length / 2);

      const restored = new VersionedStore<LoanApplication>('v', { serde });
      restored.restore(Buffer.from('c1'), history);
      restored.restore(avroEntry.key, avroEntry.value);
      restored.restore(Buffer.from('c3'), olderValue);
      await restored.afterRestore();
      expect(restored.get('c1', 1_000)).toEqual(application('p1', 1_000));
      expect(restored.get('c2', 2_000)).toEqual(application('p2', 2_000));
      expect(restored.get('c3', 5_000)).toEqual(application('p1', 1_000));

      const unknown = toWireFormat(987_654, Buffer.from([0]));
      const damaged = new VersionedStore<LoanApplication>('v', { serde });
      damaged.restore(Buffer.from('c9'), Buffer.concat([olderValue.subarray(0, 5 + 8), int32(unknown.length), unknown]));
      await expect(damaged.afterRestore()).rejects.toThrow(/versioned history of key "c9", version at 1000: unknown schema id 987654/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the key of a damaged history', () => {
    const s = new VersionedStore<string>('v');
    s.put('k', 'a', 1);
    const [e] = s.takeChanges();
    expect(() => s.restore(e.key, e.value!.subarray(0, e.value!.length - 1))).toThrow(
      'versioned history of key "k": version 0 runs past the end',
    );
    expect(() => s.restore(e.key, Buffer.concat([e.value!, Buffer.from([0])]))).toThrow(
      'versioned history of key "k": 1 bytes after the last version',
    );
  });
});
