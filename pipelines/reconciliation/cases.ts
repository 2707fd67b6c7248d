// The case book of the reconciliation pipeline: every result that is not a MATCH is a case, open while
// it waits for a person (MANUAL_REVIEW), closed once a rule or a person settled it. A review decision
// is checked against it: only an open case of the same debtor can be resolved, once.
import type { ReconciliationResult, ReviewDecision, ReviewDecisionName } from '../../schemas/types.ts';

export const REVIEW_DECISIONS: readonly ReviewDecisionName[] = ['accept_partner', 'keep_ours', 'write_off'];

export interface CaseState {
  debtor_id: string;
  kind: ReconciliationResult['kind'];
  open: boolean;
  /** How it was closed: `rule:<name>`, or the decision and who took it. */
  closedBy: string | null;
  /** The review decision that closed it (a re-delivered copy of it is answered once). */
  closingDecision: string | null;
}

/** The case a result opens, or none for a MATCH. */
export function caseOf(r: ReconciliationResult): CaseState | undefined {
  if (r.resolution === 'MATCHED') return undefined;
  const auto = r.resolution === 'AUTO_RESOLVED';
  return {
    debtor_id: r.debtor_id,
    kind: r.kind,
    open: !auto,
    closedBy: auto ? `auto-resolved by rule ${r.rule}` : null,
    closingDecision: null,
  };
}

export type DecisionOutcome =
  | { outcome: 'RESOLVED'; closed: CaseState; reason: string }
  | { outcome: 'REFUSED'; reason: string }
  /** A copy of the decision that already closed the case: answered already. */
  | { outcome: 'DUPLICATE' };

/** What a review decision does to the case it names (`found`: the case book's entry, if any). */
export function decide(d: ReviewDecision, found: CaseState | undefined): DecisionOutcome {
  if (!REVIEW_DECISIONS.includes(d.decision)) return { outcome: 'REFUSED', reason: `no decision '${String(d.decision)}'` };
  if (found === undefined || found.debtor_id !== d.debtor_id)
    return { outcome: 'REFUSED', reason: `no case ${d.case_id} of debtor ${d.debtor_id}` };
  if (!found.open) {
    if (found.closingDecision === d.event_id) return { outcome: 'DUPLICATE' };
    return { outcome: 'REFUSED', reason: `case ${d.case_id} is already closed (${found.closedBy})` };
  }
  return {
    outcome: 'RESOLVED',
    closed: { ...found, open: false, closedBy: `${d.decision} by ${d.decided_by}`, closingDecision: d.event_id },
    reason: d.reason,
  };
}
