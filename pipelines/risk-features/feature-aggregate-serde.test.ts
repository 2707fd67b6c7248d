import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { featureAggregateSerde } from './feature-aggregate-serde.ts';
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

  it('keeps the FORMAT_V1 layout: scalars, then the spend sums in category order, then the tenant', () => {
    const bytes = featureAggregateSerde.serialize(agg)!;
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
