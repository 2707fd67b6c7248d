// The score of CONTRACTS 9 against values worked out by hand: every band edge, no default probability,
// zero debt, the promise and contact factors; a changed risk-factor map; and, for any input, the same
// double as the formula multiplied left to right.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DebtorStatus } from '../../schemas/types.ts';
import { daysPastDueFactor, isOnWorklist, priorityScore, type ScoredDebtor } from './priority-score.ts';
import { DEFAULT_RISK_FACTORS, type RiskFactors } from './risk-factors.ts';

const debtor = (debt_amount_cents: number, days_past_due: number, broken_promises = 0, contact_attempts = 0): ScoredDebtor => ({
  debt_amount_cents,
  days_past_due,
  broken_promises,
  contact_attempts,
});

describe('priorityScore with the default risk factors', () => {
  it('weighs days past due by band, at every band edge (1000.00 owed, pd unknown = 0.5)', () => {
    // 1000.00 x f_dpd x 1 x 1 x 0.5
    const expected: [number, number][] = [
      [0, 300],
      [29, 300],
      [30, 500],
      [59, 500],
      [60, 700],
      [89, 700],
      [90, 900],
      [179, 900],
      [180, 450],
      [10_000, 450],
    ];
    for (const [dpd, score] of expected)
      expect([dpd, priorityScore(debtor(100_000, dpd), null, DEFAULT_RISK_FACTORS)]).toEqual([dpd, score]);
  });

  it('divides by the broken promises and the contact attempts', () => {
    // 1234.56 x 0.6 x 1/(1 + 0.25 x 2) x 1/(1 + 0.05 x 4) x 0.5 = 740.736 x 2/3 x 5/6 x 0.5 = 205.76
    expect(priorityScore(debtor(123_456, 29, 2, 4), null, DEFAULT_RISK_FACTORS)).toBeCloseTo(205.76, 10);
    // 500.00 x 1.8 x 1/(1 + 0.25 x 4) x 1/(1 + 0.05 x 20) x (1 - 0.2) = 900 x 1/2 x 1/2 x 0.8 = 180
    expect(priorityScore(debtor(50_000, 120, 4, 20), 0.2, DEFAULT_RISK_FACTORS)).toBeCloseTo(180, 10);
  });

  it('uses the default probability when known, 0.5 when it is null', () => {
    const d = debtor(100_000, 30);
    expect(priorityScore(d, null, DEFAULT_RISK_FACTORS)).toBe(500);
    expect(priorityScore(d, 0, DEFAULT_RISK_FACTORS)).toBe(1000);
    expect(priorityScore(d, 0.75, DEFAULT_RISK_FACTORS)).toBe(250);
    expect(priorityScore(d, 1, DEFAULT_RISK_FACTORS)).toBe(0);
  });

  it('is 0 for a debtor who owes nothing', () => {
    expect(priorityScore(debtor(0, 200, 3, 7), null, DEFAULT_RISK_FACTORS)).toBe(0);
    expect(priorityScore(debtor(0, 0), 0.1, DEFAULT_RISK_FACTORS)).toBe(0);
  });
});

describe('priorityScore with a changed risk-factor map', () => {
  const factors: RiskFactors = {
    daysPastDue: [
      { from: 0, factor: 1 },
      { from: 10, factor: 3 },
    ],
    brokenPromiseWeight: 1,
    contactAttemptWeight: 0,
    defaultProbabilityWhenUnknown: 0.25,
  };

  it('follows the map: its bands, weights and default probability', () => {
    expect(priorityScore(debtor(10_000, 9), null, factors)).toBe(75); // 100 x 1 x 1 x 1 x 0.75
    expect(priorityScore(debtor(10_000, 10, 1, 50), null, factors)).toBe(112.5); // 100 x 3 x 1/2 x 1 x 0.75
    expect(priorityScore(debtor(10_000, 500, 3, 9), 0.5, factors)).toBe(37.5); // 100 x 3 x 1/4 x 1 x 0.5
  });

  it('puts a debtor below the first band into it', () => {
    expect(daysPastDueFactor(-5, DEFAULT_RISK_FACTORS.daysPastDue)).toBe(0.6);
    expect(daysPastDueFactor(-5, factors.daysPastDue)).toBe(1);
  });
});

describe('priorityScore, any input', () => {
  /** The contract formula written out again, independently of the code under test, multiplied left to right. */
  function independently(d: ScoredDebtor, pd: number | null): number {
    const dpd = d.days_past_due;
    const fDpd = dpd >= 180 ? 0.9 : dpd >= 90 ? 1.8 : dpd >= 60 ? 1.4 : dpd >= 30 ? 1.0 : 0.6;
    const fPromises = 1 / (1 + 0.25 * d.broken_promises);
    const fContacts = 1 / (1 + 0.05 * d.contact_attempts);
    return (d.debt_amount_cents / 100) * fDpd * fPromises * fContacts * (1 - (pd === null ? 0.5 : pd));
  }

  it('equals the formula, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        (cents, dpd, promises, contacts, pd) => {
          const d = debtor(cents, dpd, promises, contacts);
          expect(Object.is(priorityScore(d, pd, DEFAULT_RISK_FACTORS), independently(d, pd))).toBe(true);
        },
      ),
      { seed: 26, numRuns: 2000 },
    );
  });
});

describe('isOnWorklist', () => {
  it('is true for ACTIVE and PAYING only', () => {
    const statuses: DebtorStatus[] = ['ACTIVE', 'PAYING', 'SETTLED', 'WRITTEN_OFF'];
    expect(statuses.map(isOnWorklist)).toEqual([true, true, false, false]);
  });
});
