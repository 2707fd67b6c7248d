import { serialize } from 'node:v8';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { emptyAggregate, FEATURE_AGGREGATE_SCHEMA, type FeatureAggregate } from './feature-aggregate.ts';
import { featureAggregateSerde, FORMAT_AVRO, SCHEMA_FINGERPRINT } from './feature-aggregate-serde.ts';

const agg: FeatureAggregate = {
  tenant_id: 'tenant-ü-1',
  txn_count: 12,
  debit_total_cents: 2 ** 53 - 2, // the largest long avsc writes
  credit_total_cents: 0,
  max_debit_cents: 4_999_999,
  spend_food_cents: 1,
  spend_shopping_cents: 2,
  spend_transport_cents: 3,
  spend_housing_cents: 4,
  spend_health_cents: 5,
  spend_entertainment_cents: 6,
  spend_other_cents: 2 ** 40,
  repayments_due: 3,
  repayments_late: 2,
  max_days_late: 45,
};

/** The 14 counts and sums in the layout the hand-written formats (V1, V2) used. */
const LEGACY_ORDER = [12, 2 ** 53 - 2, 0, 4_999_999, 3, 2, 45, 1, 2, 3, 4, 5, 6, 2 ** 40];

describe('feature aggregate changelog serde', () => {
  it('round-trips every field exactly, including the largest long, a negative sum and a non-ASCII tenant', () => {
    expect({ ...featureAggregateSerde.deserialize(featureAggregateSerde.serialize(agg)) }).toEqual(agg);
    const odd: FeatureAggregate = { ...agg, tenant_id: '', credit_total_cents: -(2 ** 52) + 1, spend_food_cents: 0 };
    expect({ ...featureAggregateSerde.deserialize(featureAggregateSerde.serialize(odd)) }).toEqual(odd);
    // A tenant longer than the serde's scratch buffer: it grows.
    const long: FeatureAggregate = { ...agg, tenant_id: 't'.repeat(10_000) };
    expect(featureAggregateSerde.deserialize(featureAggregateSerde.serialize(long)).tenant_id).toBe(long.tenant_id);
  });

  it('starts empty at the schema defaults, as the same record class the reader builds', () => {
    const empty = emptyAggregate();
    expect({ ...empty }).toEqual(Object.fromEntries(FEATURE_AGGREGATE_SCHEMA.fields.map((f) => [f.name, f.default])));
    expect(Object.getPrototypeOf(featureAggregateSerde.deserialize(featureAggregateSerde.serialize(agg)))).toBe(
      Object.getPrototypeOf(empty),
    );
  });

  it('writes the tag, the schema fingerprint, then the Avro binary of FEATURE_AGGREGATE_SCHEMA', () => {
    const bytes = featureAggregateSerde.serialize(agg)!;
    expect(bytes[0]).toBe(FORMAT_AVRO);
    // Read back by avsc from the schema alone: the body is plain Avro, readable by any Avro library.
    const plain = avro.Type.forSchema(JSON.parse(JSON.stringify(FEATURE_AGGREGATE_SCHEMA)) as avro.Schema);
    expect(bytes.readUInt32BE(1)).toBe(plain.fingerprint().readUInt32BE(0));
    expect({ ...(plain.fromBuffer(bytes.subarray(5)) as object) }).toEqual(agg);
    // A typical day slice: 2 transactions, 2 categories. 300 -> zig-zag 600 -> 0xd8 0x04.
    const slice: FeatureAggregate = {
      ...emptyAggregate(),
      tenant_id: 't1',
      txn_count: 2,
      debit_total_cents: 300,
      max_debit_cents: 200,
      spend_food_cents: 100,
      spend_other_cents: 200,
    };
    const sliceBytes = featureAggregateSerde.serialize(slice)!;
    expect([...sliceBytes.subarray(5)]).toEqual([
      4, 0x74, 0x31, 4, 0xd8, 0x04, 0, 0x90, 0x03, 0xc8, 0x01, 0, 0, 0, 0, 0, 0x90, 0x03, 0, 0, 0,
    ]);
  });

  it('serialises behind a header a store fills in: the same bytes as serialize', () => {
    const framed = featureAggregateSerde.serializeAfter!(agg, 7);
    expect(framed.subarray(7)).toEqual(featureAggregateSerde.serialize(agg));
    expect({ ...featureAggregateSerde.deserialize(framed.subarray(7)) }).toEqual(agg);
  });

  it('refuses to write a field that is no long, naming it and the tenant', () => {
    expect(() => featureAggregateSerde.serialize({ ...agg, max_debit_cents: 0.5 })).toThrow(
      /feature aggregate of tenant 'tenant-ü-1' cannot be written: field max_debit_cents holds 0.5, not a long \(a whole number within ±\(2\^53 - 2\)\)/,
    );
    expect(() => featureAggregateSerde.serialize({ ...agg, debit_total_cents: 2 ** 53 - 1 })).toThrow(
      /field debit_total_cents holds 9007199254740991/,
    );
  });

  it('refuses a truncated or padded value', () => {
    const bytes = featureAggregateSerde.serialize(agg)!;
    expect(() => featureAggregateSerde.deserialize(bytes.subarray(0, 9))).toThrow(/feature aggregate truncated: 9 bytes/);
    expect(() => featureAggregateSerde.deserialize(bytes.subarray(0, 3))).toThrow(/feature aggregate truncated: 3 bytes/);
    expect(() => featureAggregateSerde.deserialize(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/holds \d+ bytes, its fields \d+/);
  });

  it('refuses a value written under another aggregate schema and says to replay', () => {
    const grown = avro.Type.forSchema({
      ...FEATURE_AGGREGATE_SCHEMA,
      fields: [...FEATURE_AGGREGATE_SCHEMA.fields, { name: 'new_count', type: 'long', default: 0 }],
    } as avro.Schema);
    const fingerprint = grown.fingerprint().readUInt32BE(0);
    expect(fingerprint).not.toBe(SCHEMA_FINGERPRINT);
    const prefix = Buffer.from([FORMAT_AVRO, 0, 0, 0, 0]);
    prefix.writeUInt32BE(fingerprint, 1);
    const bytes = Buffer.concat([prefix, grown.toBuffer({ ...agg, new_count: 1 })]);
    expect(() => featureAggregateSerde.deserialize(bytes)).toThrow(
      /written under another aggregate schema \(fingerprint [0-9a-f]{8}, this version's is [0-9a-f]{8}\): run `riskstream replay risk-features --from earliest`/,
    );
  });

  it('still reads the hand-written FORMAT_V2: tag, tenant length, 14 unsigned varints, tenant', () => {
    // 300 = 0b10_0101100 -> 0xac 0x02; 2^53 - 1 takes 8 varint bytes (7 x 0xff, then 0x0f).
    const v2 = [0x02, 2, 3, 0xac, 0x02, 0, 200 | 0x80, 1, 1, 0, 0, 1, 2, 3, 4, 5, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f];
    const bytes = Buffer.concat([Buffer.from(v2), Buffer.from('t1')]);
    expect({ ...featureAggregateSerde.deserialize(bytes) }).toEqual({
      tenant_id: 't1',
      txn_count: 3,
      debit_total_cents: 300,
      credit_total_cents: 0,
      max_debit_cents: 200,
      repayments_due: 1,
      repayments_late: 0,
      max_days_late: 0,
      spend_food_cents: 1,
      spend_shopping_cents: 2,
      spend_transport_cents: 3,
      spend_housing_cents: 4,
      spend_health_cents: 5,
      spend_entertainment_cents: 6,
      spend_other_cents: 2 ** 53 - 1,
    });
    expect(() => featureAggregateSerde.deserialize(bytes.subarray(0, 9))).toThrow(/format 2\) truncated or damaged at byte 9 of 9/);
    expect(() => featureAggregateSerde.deserialize(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(
      /format 2\) holds \d+ bytes, its fields \d+/,
    );
  });

  it('still reads the hand-written FORMAT_V1: float64 scalars, then the spend sums in category order, then the tenant', () => {
    const tenant = Buffer.from(agg.tenant_id);
    const bytes = Buffer.alloc(3 + 14 * 8 + tenant.length);
    bytes[0] = 0x01;
    bytes.writeUInt16LE(tenant.length, 1);
    LEGACY_ORDER.forEach((v, i) => bytes.writeDoubleLE(v, 3 + i * 8));
    tenant.copy(bytes, 3 + 14 * 8);
    expect({ ...featureAggregateSerde.deserialize(bytes) }).toEqual(agg);
  });

  it('still reads changelog entries written in the earlier v8 format (camelCase, spend sums in an array)', () => {
    const written = {
      tenantId: agg.tenant_id,
      txnCount: 12,
      debitTotalCents: 2 ** 53 - 2,
      creditTotalCents: 0,
      maxDebitCents: 4_999_999,
      repaymentsDue: 3,
      repaymentsLate: 2,
      maxDaysLate: 45,
      spendCents: [1, 2, 3, 4, 5, 6, 2 ** 40],
    };
    expect({ ...featureAggregateSerde.deserialize(serialize(written)) }).toEqual(agg);
  });

  it('refuses bytes in no format with a message naming the first byte', () => {
    expect(() => featureAggregateSerde.deserialize(Buffer.from([7, 1, 2]))).toThrow(/unknown format \(first byte 7, 3 bytes\)/);
  });
});
