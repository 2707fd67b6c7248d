// The reconciliation rule set: a small declarative vocabulary a user writes in the config file
// (`reconciliation.rules`). A rule looks at one comparison and either resolves it (AUTO_RESOLVED,
// naming itself) or passes; the first rule that resolves wins, and a comparison no rule resolves goes
// to MANUAL_REVIEW. MATCH needs no rule.
import type { DebtorStatus } from '../../schemas/types.ts';

/**
 * AMOUNT_VARIANCE with |diff_cents| <= max(minCents, basisPoints / 10 000 of |our balance|). With the
 * defaults (50 cents, 10 bp = 0.1%), the contract's `within_tolerance`.
 */
export interface WithinToleranceRule {
  type: 'within_tolerance';
  name: string;
  minCents: number;
  basisPoints: number;
}

/**
 * STATUS_MISMATCH where the partner's status is another name for ours (e.g. a partner's "OPEN" for our
 * ACTIVE) and the balances agree exactly. Names are compared after trimming, ignoring case.
 */
export interface StatusEquivalenceRule {
  type: 'status_equivalence';
  name: string;
  /** Partner status name → our status. */
  equivalent: Record<string, DebtorStatus>;
}

export type ReconciliationRule = WithinToleranceRule | StatusEquivalenceRule;

export const WITHIN_TOLERANCE_DEFAULT: WithinToleranceRule = {
  type: 'within_tolerance',
  name: 'within_tolerance',
  minCents: 50,
  basisPoints: 10,
};

/** The rule set when the config file names none: the contract's default. */
export const DEFAULT_RULES: readonly ReconciliationRule[] = [WITHIN_TOLERANCE_DEFAULT];

/**
 * |diff| <= max(minCents, basisPoints / 10 000 × |ours|), in exact integer arithmetic: the fraction is
 * compared as |diff| × 10 000 <= basisPoints × |ours|, in BigInt so that balances near 2^53 cannot round.
 * The absolute value of our balance: a credit balance (negative) is as large a basis as a debt.
 */
export function withinTolerance(diffCents: number, ourBalanceCents: number, minCents: number, basisPoints: number): boolean {
  const diff = BigInt(Math.abs(diffCents));
  if (diff <= BigInt(minCents)) return true;
  return diff * 10_000n <= BigInt(basisPoints) * BigInt(Math.abs(ourBalanceCents));
}

/** What a rule sees of a comparison. */
export interface RuleInput {
  kind: 'STATUS_MISMATCH' | 'AMOUNT_VARIANCE';
  diffCents: number;
  ourBalanceCents: number;
  ourStatus: string;
  reportedStatus: string;
}

/** True when the rule resolves this comparison. */
export function ruleResolves(rule: ReconciliationRule, input: RuleInput): boolean {
  switch (rule.type) {
    case 'within_tolerance':
      return input.kind === 'AMOUNT_VARIANCE' && withinTolerance(input.diffCents, input.ourBalanceCents, rule.minCents, rule.basisPoints);
    case 'status_equivalence': {
      if (input.kind !== 'STATUS_MISMATCH' || input.diffCents !== 0) return false;
      const wanted = normalisedStatus(input.reportedStatus);
      const ours = Object.entries(rule.equivalent).find(([partner]) => normalisedStatus(partner) === wanted)?.[1];
      return ours === input.ourStatus;
    }
  }
}

export function normalisedStatus(status: string): string {
  return status.trim().toUpperCase();
}
