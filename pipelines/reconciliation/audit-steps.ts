// The audit trail of a case, as pure functions of the records that cause its steps, so the same
// input always gives the same audit records (event_ids included) across crashes and replays.
// A case is a reconciliation result that is not a MATCH; a MATCH leaves no audit record.
import type { AuditRecord, ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';

/** The actor of the steps the pipeline takes by itself. */
export const PIPELINE_ACTOR = 'pipeline:reconciliation';

/** What the pipeline knows of a case when a decision about it arrives. */
export type CaseStatus =
  | { status: 'open' }
  | { status: 'unknown' }
  | { status: 'not_for_review'; resolution: 'MATCHED' | 'AUTO_RESOLVED' }
  | { status: 'closed'; decision: string; decidedBy: string };

function step(
  base: { tenant_id: string; debtor_id: string; case_id: string; event_time: number },
  stepName: AuditRecord['step'],
  actor: string,
  reason: string,
  decision?: ReviewDecision,
): AuditRecord {
  return {
    event_id: decision ? `${base.case_id}:${stepName}:${decision.event_id}` : `${base.case_id}:${stepName}`,
    tenant_id: base.tenant_id,
    event_time: base.event_time,
    debtor_id: base.debtor_id,
    case_id: base.case_id,
    step: stepName,
    actor,
    reason,
    decision: decision?.decision ?? null,
    decision_event_id: decision?.event_id ?? null,
  };
}

/** Why a result is a case, in a reviewer's words. */
export function discrepancyReason(r: ReconciliationResult): string {
  switch (r.kind) {
    case 'MISSING_IN_BOOK':
      return `${r.partner_id} reports debtor ${r.debtor_id} (${r.reported_balance_cents} cents, ${r.reported_status}); our book holds no record of it then`;
    case 'STATUS_MISMATCH':
      return `${r.partner_id} reports status ${r.reported_status}, our book says ${r.our_status} (balances ${r.reported_balance_cents} vs ${r.our_balance_cents} cents)`;
    case 'AMOUNT_VARIANCE':
      return `${r.partner_id} reports ${r.reported_balance_cents} cents, our book ${r.our_balance_cents}: a difference of ${r.diff_cents} cents`;
    case 'MISSING_AT_PARTNER':
      return `${r.partner_id} has not reported debtor ${r.debtor_id} by ${new Date(r.event_time).toISOString()}`;
    case 'MATCH':
      return 'partner and book agree';
  }
}

/** The steps a new result opens its case with: DETECTED, then AUTO_RESOLVED or QUEUED_FOR_REVIEW; none for a MATCH. */
export function detectionSteps(r: ReconciliationResult): AuditRecord[] {
  if (r.resolution === 'MATCHED') return [];
  const base = { tenant_id: r.tenant_id, debtor_id: r.debtor_id, case_id: r.event_id, event_time: r.event_time };
  const detected = step(base, 'DETECTED', PIPELINE_ACTOR, `${r.kind}: ${discrepancyReason(r)}`);
  if (r.resolution === 'AUTO_RESOLVED')
    return [detected, step(base, 'AUTO_RESOLVED', `rule:${r.rule}`, `rule ${r.rule} resolves this ${r.kind}`)];
  return [detected, step(base, 'QUEUED_FOR_REVIEW', PIPELINE_ACTOR, `no rule resolves this ${r.kind}`)];
}

/** The step a person's decision adds: RESOLVED on an open case, REFUSED (saying why) on any other. */
export function decisionStep(d: ReviewDecision, known: CaseStatus): AuditRecord {
  const base = { tenant_id: d.tenant_id, debtor_id: d.debtor_id, case_id: d.case_id, event_time: d.decided_at };
  switch (known.status) {
    case 'open':
      return step(base, 'RESOLVED', d.decided_by, d.reason, d);
    case 'unknown':
      return step(
        base,
        'REFUSED',
        d.decided_by,
        `no case ${d.case_id}: unknown, or closed and dropped after reconciliation.closedCaseRetentionMs`,
        d,
      );
    case 'not_for_review':
      return step(base, 'REFUSED', d.decided_by, `case ${d.case_id} is ${known.resolution}, not up for review`, d);
    case 'closed':
      return step(base, 'REFUSED', d.decided_by, `case ${d.case_id} is already closed: ${known.decision} by ${known.decidedBy}`, d);
  }
}
