// The oracle on a hand-made book whose worklist is worked out by hand, and its invariants on generated data.
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../../connectors/sources/generator/generator.ts';
import type { Debtor } from '../../../schemas/types.ts';
import type { RiskFactors } from '../risk-factors.ts';
import { referencePriorities, referenceWorklist } from './reference-worklist.ts';

const T0 = Date.UTC(2024, 3, 1);

function debtor(debtor_id: string, patch: Partial<Debtor>): Debtor {
  return {
    event_id: `e-${debtor_id}-${patch.event_time ?? 0}`,
    tenant_id: 'tenant-a',
    event_time: T0,
    debtor_id,
    customer_id: `c-${debtor_id}`,
    partner_id: 'p-1',
    debt_amount_cents: 100_000,
    days_past_due: 30,
    last_payment_at: null,
    contact_attempts: 0,
    broken_promises: 0,
    status: 'ACTIVE',
    ...patch,
  };
}

// In arrival order. Scores by hand with the default factors (f_dpd 30-59 = 1.0, pd unknown = 0.5):
const DEBTORS: Debtor[] = [
  debtor('d-1', { debt_amount_cents: 100_000 }), // superseded below
  debtor('d-2', { debt_amount_cents: 200_000, days_past_due: 90, tenant_id: 'tenant-b' }),
  debtor('d-3', { debt_amount_cents: 80_000, partner_id: 'p-2' }),
  debtor('d-1', { debt_amount_cents: 300_000, event_time: T0 + 1, status: 'SETTLED' }), // leaves
  debtor('d-4', { debt_amount_cents: 120_000, days_past_due: 10, broken_promises: 4, contact_attempts: 20 }),
  debtor('d-5', { debt_amount_cents: 50_000, status: 'WRITTEN_OFF' }),
  debtor('d-1', { debt_amount_cents: 300_000, event_time: T0 + 2, status: 'PAYING' }), // comes back
  debtor('d-6', { debt_amount_cents: 0 }),
  // arrives last with an older event_time: still the latest by arrival
  debtor('d-3', { debt_amount_cents: 160_000, event_time: T0 - 5, partner_id: 'p-2' }),
];

const RISK_SCORES = [
  { customer_id: 'c-d-2', default_probability: 0.9 }, // superseded below
  { customer_id: 'c-d-3', default_probability: 0.5 },
  { customer_id: 'c-d-2', default_probability: 0.25 },
  { customer_id: 'c-nobody', default_probability: 0.1 },
];

describe('referenceWorklist on a hand-made book', () => {
  it('scores the latest record of each debtor with its customer’s latest pd, sorted by score then debtor_id', () => {
    expect(referenceWorklist(DEBTORS, RISK_SCORES).map((r) => [r.debtor_id, r.priority_score, r.default_probability])).toEqual([
      ['d-2', 2700, 0.25], // 2000.00 x 1.8 x 1 x 1 x 0.75
      ['d-1', 1500, null], // 3000.00 x 1.0 x 1 x 1 x 0.5
      ['d-3', 800, 0.5], // 1600.00 x 1.0 x 1 x 1 x 0.5
      ['d-4', 90, null], // 1200.00 x 0.6 x 1/2 x 1/2 x 0.5
      ['d-6', 0, null],
    ]);
  });

  it('returns the output fields of each row', () => {
    const [first] = referenceWorklist(DEBTORS, RISK_SCORES, { top: 1 });
    expect(first).toEqual({
      tenant_id: 'tenant-b',
      debtor_id: 'd-2',
      customer_id: 'c-d-2',
      partner_id: 'p-1',
      debt_amount_cents: 200_000,
      days_past_due: 90,
      status: 'ACTIVE',
      default_probability: 0.25,
      priority_score: 2700,
      on_worklist: true,
    });
  });

  it('takes the top N after filtering by partner or tenant', () => {
    const ids = (opts: Parameters<typeof referenceWorklist>[2]) => referenceWorklist(DEBTORS, RISK_SCORES, opts).map((r) => r.debtor_id);
    expect(ids({ top: 2 })).toEqual(['d-2', 'd-1']);
    expect(ids({ top: 0 })).toEqual([]);
    expect(ids({ partner: 'p-2' })).toEqual(['d-3']);
    expect(ids({ tenant: 'tenant-a', top: 2 })).toEqual(['d-1', 'd-3']);
    expect(ids({ tenant: 'tenant-a', partner: 'p-9' })).toEqual([]);
  });

  it('breaks ties by debtor_id and follows a changed risk-factor map', () => {
    const flat: RiskFactors = {
      daysPastDue: [{ from: 0, factor: 1 }],
      brokenPromiseWeight: 0,
      contactAttemptWeight: 0,
      defaultProbabilityWhenUnknown: 0,
    };
    const tied = [debtor('b', {}), debtor('a', {}), debtor('c', { debt_amount_cents: 100_001 })];
    expect(referenceWorklist(tied, [], { factors: flat }).map((r) => [r.debtor_id, r.priority_score])).toEqual([
      ['c', 1000.01],
      ['a', 1000],
      ['b', 1000],
    ]);
  });

  it('keeps every debtor in referencePriorities, off the worklist ones marked', () => {
    expect(referencePriorities(DEBTORS, RISK_SCORES).map((r) => [r.debtor_id, r.status, r.on_worklist])).toEqual([
      ['d-1', 'PAYING', true],
      ['d-2', 'ACTIVE', true],
      ['d-3', 'ACTIVE', true],
      ['d-4', 'ACTIVE', true],
      ['d-5', 'WRITTEN_OFF', false],
      ['d-6', 'ACTIVE', true],
    ]);
  });
});

describe('referenceWorklist on generated debtors', () => {
  it('lists each debtor on the worklist once, in order, and changes as debtors leave and come back', () => {
    const debtors = [...generateEvents({ events: 20_000, seed: 42 })].flatMap((e) => (e.topic === 'debtors' ? [e.record] : []));
    const list = referenceWorklist(debtors, []);
    const all = referencePriorities(debtors, []);
    expect(new Set(list.map((r) => r.debtor_id)).size).toBe(list.length);
    expect(list.length).toBe(all.filter((r) => r.on_worklist).length);
    expect(list.length).toBeLessThan(all.length);
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1], list[i]];
      expect(a.priority_score > b.priority_score || (a.priority_score === b.priority_score && a.debtor_id < b.debtor_id)).toBe(true);
    }
    // Halfway through the stream the list is another one: exits and re-entries happened since.
    const half = referenceWorklist(debtors.slice(0, debtors.length >> 1), []).map((r) => r.debtor_id);
    const left = half.filter((id) => !list.some((r) => r.debtor_id === id));
    expect(left.length).toBeGreaterThan(0);
  });
});
