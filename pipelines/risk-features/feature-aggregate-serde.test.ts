import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { featureAggregateSerde, serializeV1 } from './feature-aggregate-serde.ts';
import type { FeatureAggregate } from './window-aggregate.ts';

const agg: FeatureAggregate = {
  tenantId: 'tenant-ü-1',
  txnCount: 12,
  debitTotalCents: 2 ** 53 - 1,
  creditTotalCents: 0,
  maxDebitCents: 4_999_999,
  spendFoodCents: 1,
  spendShoppingCents: 2,
  spendTransportCents: 3,
  spendHousingCents: 4,
  spendHealthCents: 5,
  spendEntertainmentCents: 6,
  spendOtherCents: 2 ** 40,
  repaymentsDue: 3,
  repaymentsLate: 2,
  maxDaysLate: 45,
};

describe('feature aggregate changelog serde', () => {
  it('round-trips every field exactly, including the largest safe integer and a non-ASCII tenant', () => {
    expect(featureAggregateSerde.deserialize(featureAggregateSerde.serialize(agg))).toEqual(agg);
    const empty: FeatureAggregate = { ...agg, tenantId: '', spendFoodCents: 0, spendOtherCents: 0 };
    expect(featureAggregateSerde.deserialize(featureAggregateSerde.serialize(empty))).toEqual(empty);
  });

  it('writes FORMAT_V2: the tag, the tenant length, 14 unsigned varints in V1 order, the tenant', () => {
    const slice: FeatureAggregate = { ...agg, tenantId: 't1', txnCount: 3, debitTotalCents: 300, creditTotalCents: 0, maxDebitCents: 200, spendOtherCents: 2 ** 53 - 1, repaymentsDue: 1, repaymentsLate: 0, maxDaysLate: 0 };
    const bytes = featureAggregateSerde.serialize(slice)!;
    // 300 = 0b10_0101100 -> 0xac 0x02; 2^53 - 1 takes 8 varint bytes (7 x 0xff, then 0x0f).
    const expected = [0x02, 2, 3, 0xac, 0x02, 0, 200 & 0x7f | 0x80, 1, 1, 0, 0, 1, 2, 3, 4, 5, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f];
    expect([...bytes.subarray(0, bytes.length - 2)]).toEqual(expected);
    expect(bytes.toString('utf8', bytes.length - 2)).toBe('t1');
    expect(featureAggregateSerde.deserialize(bytes)).toEqual(slice);
    // What a typical day slice costs, against V1's 125 bytes.
    const typical: FeatureAggregate = { ...slice, spendFoodCents: 4_250, spendShoppingCents: 12_999, spendTransportCents: 0, spendHousingCents: 0, spendHealthCents: 0, spendEntertainmentCents: 0, spendOtherCents: 0 };
    expect(featureAggregateSerde.serialize(typical)!.length).toBe(22);
  });

  it('falls back to FORMAT_V1 for a value no unsigned varint holds, and reads it back', () => {
    for (const odd of [{ creditTotalCents: -1 }, { maxDebitCents: 0.5 }, { debitTotalCents: 2 ** 53 }]) {
      const value = { ...agg, ...odd };
      const bytes = featureAggregateSerde.serialize(value)!;
      expect(bytes[0]).toBe(0x01);
      expect(featureAggregateSerde.deserialize(bytes)).toEqual(value);
    }
  });

  it('serialises behind a header a store fills in: the same bytes as serialize, in both formats', () => {
    for (const value of [agg, { ...agg, maxDebitCents: 0.5 }]) {
      const framed = featureAggregateSerde.serializeAfter!(value, 7);
      expect(framed.subarray(7)).toEqual(featureAggregateSerde.serialize(value));
      expect(featureAggregateSerde.deserialize(framed.subarray(7))).toEqual(value);
    }
  });

  it('refuses a truncated or padded FORMAT_V2 entry, naming where', () => {
    const bytes = featureAggregateSerde.serialize(agg)!;
    expect(() => featureAggregateSerde.deserialize(bytes.subarray(0, 9))).toThrow(/format 2\) truncated or damaged at byte 9 of 9/);
    expect(() => featureAggregateSerde.deserialize(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/format 2\) holds \d+ bytes, its fields \d+/);
  });

  it('reads the FORMAT_V1 layout: scalars, then the spend sums in category order, then the tenant', () => {
    const bytes = serializeV1(agg);
    expect(featureAggregateSerde.deserialize(bytes)).toEqual(agg);
    const doubles = Array.from({ length: 14 }, (_, i) => bytes.readDoubleLE(3 + i * 8));
    expect(doubles).toEqual([12, 2 ** 53 - 1, 0, 4_999_999, 3, 2, 45, 1, 2, 3, 4, 5, 6, 2 ** 40]);
    expect(bytes.toString('utf8', 3 + 14 * 8)).toBe('tenant-ü-1');
  });

  it('still reads changelog entries written in the earlier v8 format (spend sums in an array)', () => {
    const { spendFoodCents, spendShoppingCents, spendTransportCents, spendHousingCents, spendHealthCents, spendEntertainmentCents, spendOtherCents, ...scalars } = agg;
    const written = { ...scalars, spendCents: [spendFoodCents, spendShoppingCents, spendTransportCents, spendHousingCents, spendHealthCents, spendEntertainmentCents, spendOtherCents] };
    expect(featureAggregateSerde.deserialize(serialize(written))).toEqual(agg);
  });

  it('refuses bytes in neither format with a message naming the first byte', () => {
    expect(() => featureAggregateSerde.deserialize(Buffer.from([7, 1, 2]))).toThrow(/unknown format \(first byte 7, 3 bytes\)/);
  });
});
