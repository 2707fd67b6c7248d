// Hand-made book and partner records for the reconciliation tests, each with a fresh event_id.
import type { Debtor, PartnerRecord } from '../../../schemas/types.ts';

let seq = 0;
/** A number for a hand-made record's event_id, never the same twice in a test file. */
export function nextSeq(): number {
  return ++seq;
}

/** A book record of debtor `id` at `at` owing `balance` cents. */
export function debtor(id: string, at: number, balance: number, status: Debtor['status'] = 'ACTIVE'): Debtor {
  return {
    event_id: `d-${nextSeq()}`,
    tenant_id: 't1',
    event_time: at,
    debtor_id: id,
    customer_id: `c-${id}`,
    partner_id: 'partner-ace',
    debt_amount_cents: balance,
    days_past_due: 30,
    last_payment_at: null,
    contact_attempts: 0,
    broken_promises: 0,
    status,
  };
}

/** The partner's report on debtor `id` at `at`: a balance of `balance` cents and a status. */
export function report(id: string, at: number, balance: number, status = 'ACTIVE'): PartnerRecord {
  return {
    event_id: `p-${nextSeq()}`,
    tenant_id: 't1',
    event_time: at,
    partner_id: 'partner-ace',
    debtor_id: id,
    reported_balance_cents: balance,
    reported_status: status,
  };
}
