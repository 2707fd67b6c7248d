// A debtor's row on the worklist and in `collection-priorities` (without event_id and event_time): its
// latest record scored with its customer's latest default probability.
import type { CollectionPriority } from '../../schemas/types.ts';
import type { WorklistDebtor } from './customer-input.ts';
import { isOnWorklist, priorityScore } from './priority-score.ts';
import type { RiskFactors } from './risk-factors.ts';
import type { WorklistRow } from './worklist-heap.ts';

export function priorityRow(debtor: WorklistDebtor, defaultProbability: number | null, factors: RiskFactors): WorklistRow {
  return {
    tenant_id: debtor.tenant_id,
    debtor_id: debtor.debtor_id,
    customer_id: debtor.customer_id,
    partner_id: debtor.partner_id,
    debt_amount_cents: debtor.debt_amount_cents,
    days_past_due: debtor.days_past_due,
    status: debtor.status,
    default_probability: defaultProbability,
    priority_score: priorityScore(debtor, defaultProbability, factors),
    on_worklist: isOnWorklist(debtor.status),
  };
}

/**
 * True when the two rows show the same thing: same score, same membership and same fields. A debtor
 * record re-sent unchanged, or a risk score that leaves the default probability as it was, is a no-op.
 */
export function sameRow(a: WorklistRow, b: WorklistRow): boolean {
  return (
    Object.is(a.priority_score, b.priority_score) &&
    a.on_worklist === b.on_worklist &&
    a.default_probability === b.default_probability &&
    a.status === b.status &&
    a.debt_amount_cents === b.debt_amount_cents &&
    a.days_past_due === b.days_past_due &&
    a.customer_id === b.customer_id &&
    a.partner_id === b.partner_id &&
    a.tenant_id === b.tenant_id
  );
}

export function priorityRecord(row: WorklistRow, eventId: string, eventTime: number): CollectionPriority {
  return {
    event_id: eventId,
    tenant_id: row.tenant_id,
    event_time: eventTime,
    debtor_id: row.debtor_id,
    customer_id: row.customer_id,
    partner_id: row.partner_id,
    debt_amount_cents: row.debt_amount_cents,
    days_past_due: row.days_past_due,
    status: row.status,
    default_probability: row.default_probability,
    priority_score: row.priority_score,
    on_worklist: row.on_worklist,
  };
}
