// The audit-log records of a case, pure: what the pipeline says about a result it detected, and how it
// answers a person's review decision. event_ids are deterministic (`<case_id>:<step>`, and
// `<case_id>:<step>:<decision event_id>` for the answer to a decision), so a replay or a re-delivery
// lands on the same warehouse rows. A MATCH is not a case and leaves no audit record.
import type { AuditRecord, AuditStep, ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';

/** The actor of the pipeline's own steps (detection, queueing). */
export const PIPELINE_ACTOR = 'pipeline:reconciliation';

export function ruleActor(rule: string): string {
  return `rule:${rule}`;
}

/** The steps of a freshly detected result: none for a MATCH; DETECTED then AUTO_RESOLVED or QUEUED_FOR_REVIEW. */
export function auditOfResult(r: ReconciliationResult): AuditRecord[] {
  if (r.resolution === 'MATCHED') return [];
  const step = (s: AuditStep, actor: string, reason: string): AuditRecord => ({
    event_id: `${r.event_id}:${s}`,
    tenant_id: r.tenant_id,
    event_time: r.event_time,
    debtor_id: r.debtor_id,
    case_id: r.event_id,
    step: s,
    actor,
    reason,
    decision: null,
    decision_event_id: null,
  });
  const detected = step('DETECTED', PIPELINE_ACTOR, describeDiscrepancy(r));
  if (r.resolution === 'AUTO_RESOLVED')
    return [detected, step('AUTO_RESOLVED', ruleActor(r.rule ?? 'unknown'), `rule ${r.rule} accepts the ${kindWords(r)}`)];
  return [detected, step('QUEUED_FOR_REVIEW', PIPELINE_ACTOR, `no rule resolves a ${r.kind}; a person decides`)];
}

/** The answer to a review decision: RESOLVED (the case closes) or REFUSED with the reason. */
export function auditOfDecision(d: ReviewDecision, step: 'RESOLVED' | 'REFUSED', reason: string): AuditRecord {
  return {
    event_id: `${d.case_id}:${step}:${d.event_id}`,
    tenant_id: d.tenant_id,
    event_time: d.event_time,
    debtor_id: d.debtor_id,
    case_id: d.case_id,
    step,
    actor: d.decided_by,
    reason,
    decision: d.decision,
    decision_event_id: d.event_id,
  };
}

function describeDiscrepancy(r: ReconciliationResult): string {
  const cents = (n: number | null) => (n === null ? 'none' : String(n));
  switch (r.kind) {
    case 'MISSING_IN_BOOK':
      return `partner ${r.partner_id} reports ${cents(r.reported_balance_cents)} cents (${r.reported_status}); our book has no record in force`;
    case 'MISSING_AT_PARTNER':
      return `partner ${r.partner_id} reported nothing by ${new Date(r.event_time).toISOString()}; we hold ${cents(r.our_balance_cents)} cents (${r.our_status})`;
    case 'STATUS_MISMATCH':
      return `status: partner ${r.reported_status}, ours ${r.our_status}; balance diff ${cents(r.diff_cents)} cents`;
    default:
      return `balance: partner ${cents(r.reported_balance_cents)}, ours ${cents(r.our_balance_cents)} cents (diff ${cents(r.diff_cents)})`;
  }
}

function kindWords(r: ReconciliationResult): string {
  return r.kind === 'AMOUNT_VARIANCE' ? `difference of ${r.diff_cents} cents` : r.kind.toLowerCase().replace(/_/g, ' ');
}
