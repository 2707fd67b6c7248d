// The comparison and the default rule set: kinds by precedence, diff = reported - ours, and the edges
// of within_tolerance (50 cents, 0.1% of our balance) in exact integer arithmetic.
import { describe, expect, it } from 'vitest';
import type { Debtor, PartnerRecord } from '../../schemas/types.ts';
import { kindOf, missingAtPartner, reconcile } from './reconcile.ts';
import { DEFAULT_RULES, withinTolerance, type ReconciliationRule } from './rules.ts';

const T = Date.UTC(2024, 2, 1);

function book(balance: number, status: Debtor['status'] = 'ACTIVE'): Debtor {
  return {
    event_id: 'evt-book',
    tenant_id: 't1',
    event_time: T - 1000,
    debtor_id: 'dbt-1',
    customer_id: 'cus-1',
    partner_id: 'partner-ace',
    debt_amount_cents: balance,
    days_past_due: 40,
    last_payment_at: null,
    contact_attempts: 1,
    broken_promises: 0,
    status,
  };
}

function partner(balance: number, status = 'ACTIVE'): PartnerRecord {
  return {
    event_id: 'evt-partner',
    tenant_id: 't1',
    event_time: T,
    partner_id: 'partner-ace',
    debtor_id: 'dbt-1',
    reported_balance_cents: balance,
    reported_status: status,
  };
}

const resolutionOf = (ours: number, reported: number, rules: readonly ReconciliationRule[] = DEFAULT_RULES) => {
  const r = reconcile(partner(reported), book(ours), rules);
  return [r.kind, r.diff_cents, r.resolution, r.rule];
};

describe('kindOf: the first that applies', () => {
  it('MISSING_IN_BOOK without a book record, whatever the partner says', () => {
    expect(kindOf(partner(100, 'SETTLED'), undefined)).toBe('MISSING_IN_BOOK');
  });
  it('STATUS_MISMATCH before AMOUNT_VARIANCE when both differ', () => {
    expect(kindOf(partner(999, 'PAYING'), book(100))).toBe('STATUS_MISMATCH');
  });
  it('AMOUNT_VARIANCE when only the balance differs, MATCH when nothing does', () => {
    expect(kindOf(partner(101), book(100))).toBe('AMOUNT_VARIANCE');
    expect(kindOf(partner(100), book(100))).toBe('MATCH');
  });
  it('compares status names exactly: a partner\'s "active" is not our ACTIVE without a status_equivalence rule', () => {
    expect(kindOf(partner(100, 'active'), book(100))).toBe('STATUS_MISMATCH');
  });
});

describe('reconcile with the default rule set (within_tolerance)', () => {
  it('copies the partner record and the book record into the result; diff = reported - ours', () => {
    expect(reconcile(partner(12_345, 'PAYING'), book(10_000), DEFAULT_RULES)).toEqual({
      event_id: 'evt-partner',
      tenant_id: 't1',
      event_time: T,
      debtor_id: 'dbt-1',
      partner_id: 'partner-ace',
      kind: 'STATUS_MISMATCH',
      our_balance_cents: 10_000,
      reported_balance_cents: 12_345,
      diff_cents: 2_345,
      our_status: 'ACTIVE',
      reported_status: 'PAYING',
      resolution: 'MANUAL_REVIEW',
      rule: null,
    });
  });

  it('MATCH is MATCHED with no rule', () => {
    expect(resolutionOf(5_000, 5_000)).toEqual(['MATCH', 0, 'MATCHED', null]);
  });

  it('MISSING_IN_BOOK has null balance, diff and status on our side and goes to review', () => {
    const r = reconcile(partner(5_000), undefined, DEFAULT_RULES);
    expect([r.our_balance_cents, r.diff_cents, r.our_status, r.resolution, r.rule]).toEqual([null, null, null, 'MANUAL_REVIEW', null]);
  });

  it('auto-resolves exactly 50 cents either way, not 51', () => {
    expect(resolutionOf(10_000, 10_050)).toEqual(['AMOUNT_VARIANCE', 50, 'AUTO_RESOLVED', 'within_tolerance']);
    expect(resolutionOf(10_000, 9_950)).toEqual(['AMOUNT_VARIANCE', -50, 'AUTO_RESOLVED', 'within_tolerance']);
    expect(resolutionOf(10_000, 10_051)).toEqual(['AMOUNT_VARIANCE', 51, 'MANUAL_REVIEW', null]);
    expect(resolutionOf(10_000, 9_949)).toEqual(['AMOUNT_VARIANCE', -51, 'MANUAL_REVIEW', null]);
  });

  it('auto-resolves exactly 0.1% of our balance (100 000 cents → 100), not a cent more', () => {
    expect(resolutionOf(100_000, 100_100)).toEqual(['AMOUNT_VARIANCE', 100, 'AUTO_RESOLVED', 'within_tolerance']);
    expect(resolutionOf(100_000, 99_900)).toEqual(['AMOUNT_VARIANCE', -100, 'AUTO_RESOLVED', 'within_tolerance']);
    expect(resolutionOf(100_000, 100_101)).toEqual(['AMOUNT_VARIANCE', 101, 'MANUAL_REVIEW', null]);
    expect(resolutionOf(100_000, 99_899)).toEqual(['AMOUNT_VARIANCE', -101, 'MANUAL_REVIEW', null]);
  });

  it('0.1% that is not a whole cent: 100 050 cents allows 100.05, so 100 passes and 101 does not', () => {
    expect(resolutionOf(100_050, 100_150)[2]).toBe('AUTO_RESOLVED');
    expect(resolutionOf(100_050, 100_151)[2]).toBe('MANUAL_REVIEW');
  });

  it('a zero balance allows 50 cents (the floor), a negative balance its absolute value', () => {
    expect(resolutionOf(0, 50)[2]).toBe('AUTO_RESOLVED');
    expect(resolutionOf(0, 51)[2]).toBe('MANUAL_REVIEW');
    expect(resolutionOf(-1_000_000, -999_000)).toEqual(['AMOUNT_VARIANCE', 1_000, 'AUTO_RESOLVED', 'within_tolerance']);
    expect(resolutionOf(-1_000_000, -998_999)[2]).toBe('MANUAL_REVIEW');
  });

  it('is exact for balances beyond 2^53 / 10 000, where a float product would round', () => {
    const ours = 9_007_199_254_740_000; // 0.1% = 9 007 199 254 740 exactly
    expect(withinTolerance(9_007_199_254_740, ours, 50, 10)).toBe(true);
    expect(withinTolerance(9_007_199_254_741, ours, 50, 10)).toBe(false);
  });

  it('never auto-resolves a STATUS_MISMATCH, even with equal balances', () => {
    expect(reconcile(partner(100, 'SETTLED'), book(100), DEFAULT_RULES).resolution).toBe('MANUAL_REVIEW');
  });

  it('without rules, every difference goes to review', () => {
    expect(resolutionOf(10_000, 10_001, [])).toEqual(['AMOUNT_VARIANCE', 1, 'MANUAL_REVIEW', null]);
  });
});

describe('configured rules', () => {
  const rules: ReconciliationRule[] = [
    { type: 'status_equivalence', name: 'partner_status_names', equivalent: { open: 'ACTIVE', 'in plan': 'PAYING' } },
    { type: 'within_tolerance', name: 'one_euro', minCents: 100, basisPoints: 0 },
  ];

  it('the first rule that resolves names itself', () => {
    expect(resolutionOf(10_000, 10_100, rules)).toEqual(['AMOUNT_VARIANCE', 100, 'AUTO_RESOLVED', 'one_euro']);
    expect(resolutionOf(10_000, 10_101, rules)[2]).toBe('MANUAL_REVIEW');
  });

  it("status_equivalence resolves a partner's other name for our status, ignoring case, when the balances agree", () => {
    const r = reconcile(partner(100, ' OPEN '), book(100), rules);
    expect([r.kind, r.resolution, r.rule]).toEqual(['STATUS_MISMATCH', 'AUTO_RESOLVED', 'partner_status_names']);
    expect(reconcile(partner(100, 'In Plan'), book(100, 'PAYING'), rules).resolution).toBe('AUTO_RESOLVED');
    expect(reconcile(partner(100, 'open'), book(100, 'PAYING'), rules).resolution).toBe('MANUAL_REVIEW');
    expect(reconcile(partner(101, 'open'), book(100), rules).resolution).toBe('MANUAL_REVIEW');
  });
});

describe('missingAtPartner', () => {
  it('is dated at the deadline, keyed <debtor_id>:missing, with our side of the first book record', () => {
    expect(missingAtPartner(book(7_000), 7 * 86_400_000)).toEqual({
      event_id: 'dbt-1:missing',
      tenant_id: 't1',
      event_time: T - 1000 + 7 * 86_400_000,
      debtor_id: 'dbt-1',
      partner_id: 'partner-ace',
      kind: 'MISSING_AT_PARTNER',
      our_balance_cents: 7_000,
      reported_balance_cents: null,
      diff_cents: null,
      our_status: 'ACTIVE',
      reported_status: null,
      resolution: 'MANUAL_REVIEW',
      rule: null,
    });
  });
});
