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
  spendCents: [1, 2, 3, 4, 5, 6, 2 ** 40],
  repaymentsDue: 3,
  repaymentsLate: 2,
  maxDaysLate: 45,
};

describe('feature aggregate changelog serde', () => {
  it('round-trips every field exactly, including the largest safe integer and a non-ASCII tenant', () => {
    expect(featureAggregateSerde.deserialize(featureAggregateSerde.serialize(agg))).toEqual(agg);
    const empty: FeatureAggregate = { ...agg, tenantId: '', spendCents: [0, 0, 0, 0, 0, 0, 0] };
    expect(featureAggregateSerde.deserialize(featureAggregateSerde.serialize(empty))).toEqual(empty);
  });

  it('still reads changelog entries written in the earlier v8 format', () => {
    expect(featureAggregateSerde.deserialize(serialize(agg))).toEqual(agg);
  });

  it('refuses bytes in neither format with a message naming the first byte', () => {
    expect(() => featureAggregateSerde.deserialize(Buffer.from([7, 1, 2]))).toThrow(/unknown format \(first byte 7, 3 bytes\)/);
  });
});
