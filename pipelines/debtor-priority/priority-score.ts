// The collection worklist's score (CONTRACTS 9), a pure function of a debtor's latest record, its
// customer's latest default probability and the risk-factor map:
//   priority_score = (debt_amount_cents / 100) x f_dpd x f_promises x f_contacts x (1 - pd)
// multiplied left to right in exactly that order, so an independent recomputation (a test oracle, a SQL
// check) gets the same double bit for bit.
import type { Debtor, DebtorStatus } from '../../schemas/types.ts';
import type { DaysPastDueBand, RiskFactors } from './risk-factors.ts';

/** The fields of a debtor record the score reads. */
export type ScoredDebtor = Pick<Debtor, 'debt_amount_cents' | 'days_past_due' | 'broken_promises' | 'contact_attempts'>;

/** f_dpd: the factor of the last band whose `from` is <= days_past_due (the first band below 0). */
export function daysPastDueFactor(daysPastDue: number, bands: readonly DaysPastDueBand[]): number {
  for (let i = bands.length - 1; i > 0; i--) if (daysPastDue >= bands[i].from) return bands[i].factor;
  return bands[0].factor;
}

/** pd: the customer's latest default_probability, or the configured default when it has none. */
export function effectiveDefaultProbability(defaultProbability: number | null, factors: RiskFactors): number {
  return defaultProbability ?? factors.defaultProbabilityWhenUnknown;
}

export function priorityScore(debtor: ScoredDebtor, defaultProbability: number | null, factors: RiskFactors): number {
  const fDpd = daysPastDueFactor(debtor.days_past_due, factors.daysPastDue);
  const fPromises = 1 / (1 + factors.brokenPromiseWeight * debtor.broken_promises);
  const fContacts = 1 / (1 + factors.contactAttemptWeight * debtor.contact_attempts);
  const pd = effectiveDefaultProbability(defaultProbability, factors);
  return (debtor.debt_amount_cents / 100) * fDpd * fPromises * fContacts * (1 - pd);
}

/** A debtor is worked while ACTIVE or PAYING; SETTLED and WRITTEN_OFF leave the worklist. */
export function isOnWorklist(status: DebtorStatus): boolean {
  return status === 'ACTIVE' || status === 'PAYING';
}
