// The case book of the reconciliation pipeline: every result that is not a MATCH is a case, open while
// it waits for a person (MANUAL_REVIEW), closed once a rule or a person settled it, and dropped
// closedCaseRetentionMs of stream time after it closed. A review decision is checked against it: only
// an open case of the same debtor can be resolved, and only once. (A
// decision name outside the three cannot reach the pipeline: the Avro enum refuses it at the producer,
// and a record that does not decode goes to review-decisions.dlq.)
import type { ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';
import type { CaseStatus } from './audit-steps.ts';

export interface CaseState {
  debtor_id: string;
  resolution: 'AUTO_RESOLVED' | 'MANUAL_REVIEW';
  open: boolean;
  /** The decision that closed it, who took it, and its record's event_id (a re-delivered copy is answered once). */
  decision: string | null;
  decidedBy: string | null;
  closingDecision: string | null;
}

/** The case a result opens, or none for a MATCH. */
export function caseOf(r: ReconciliationResult): CaseState | undefined {
  if (r.resolution === 'MATCHED') return undefined;
  return {
    debtor_id: r.debtor_id,
    resolution: r.resolution,
    open: r.resolution === 'MANUAL_REVIEW',
    decision: null,
    decidedBy: null,
    closingDecision: null,
  };
}

/** What the case book says of the case a decision names; 'duplicate' for the decision that closed it. */
export function statusFor(d: ReviewDecision, found: CaseState | undefined): CaseStatus | 'duplicate' {
  if (found === undefined || found.debtor_id !== d.debtor_id) return { status: 'unknown' };
  if (found.resolution === 'AUTO_RESOLVED') return { status: 'not_for_review', resolution: 'AUTO_RESOLVED' };
  if (found.open) return { status: 'open' };
  if (found.closingDecision === d.event_id) return 'duplicate';
  return { status: 'closed', decision: found.decision ?? '', decidedBy: found.decidedBy ?? '' };
}

/** The case once the decision closed it. */
export function closedBy(found: CaseState, d: ReviewDecision): CaseState {
  return { ...found, open: false, decision: d.decision, decidedBy: d.decided_by, closingDecision: d.event_id };
}
