// The comparison at the heart of the reconciliation pipeline, pure: one partner record against the book
// record in force at its event_time (or none), under a rule set, gives one reconciliation-results record.
// The pipeline finds the record in force; this file decides what the difference is and who settles it.
import type { Debtor, PartnerRecord, ReconciliationKind, ReconciliationResolution, ReconciliationResult } from '../../schemas/types.ts';
import { ruleResolves, type ReconciliationRule } from './rules.ts';

/** The event_id (and case id) of the MISSING_AT_PARTNER result of a debtor. */
export function missingCaseId(debtorId: string): string {
  return `${debtorId}:missing`;
}

/** kind by precedence: MISSING_IN_BOOK > STATUS_MISMATCH > AMOUNT_VARIANCE > MATCH. */
export function kindOf(partner: PartnerRecord, book: Debtor | undefined): Exclude<ReconciliationKind, 'MISSING_AT_PARTNER'> {
  if (book === undefined) return 'MISSING_IN_BOOK';
  if (partner.reported_status !== book.status) return 'STATUS_MISMATCH';
  if (partner.reported_balance_cents !== book.debt_amount_cents) return 'AMOUNT_VARIANCE';
  return 'MATCH';
}

/** The result of comparing a partner record with the book record in force at its event_time. */
export function reconcile(partner: PartnerRecord, book: Debtor | undefined, rules: readonly ReconciliationRule[]): ReconciliationResult {
  const kind = kindOf(partner, book);
  const diffCents = book === undefined ? null : partner.reported_balance_cents - book.debt_amount_cents;
  let resolution: ReconciliationResolution = 'MANUAL_REVIEW';
  let rule: string | null = null;
  if (kind === 'MATCH') resolution = 'MATCHED';
  else if (kind !== 'MISSING_IN_BOOK' && book !== undefined && diffCents !== null) {
    const input = {
      kind,
      diffCents,
      ourBalanceCents: book.debt_amount_cents,
      ourStatus: book.status,
      reportedStatus: partner.reported_status,
    };
    const resolving = rules.find((r) => ruleResolves(r, input));
    if (resolving) {
      resolution = 'AUTO_RESOLVED';
      rule = resolving.name;
    }
  }
  return {
    event_id: partner.event_id,
    tenant_id: partner.tenant_id,
    event_time: partner.event_time,
    debtor_id: partner.debtor_id,
    partner_id: partner.partner_id,
    kind,
    our_balance_cents: book?.debt_amount_cents ?? null,
    reported_balance_cents: partner.reported_balance_cents,
    diff_cents: diffCents,
    our_status: book?.status ?? null,
    reported_status: partner.reported_status,
    resolution,
    rule,
  };
}

/**
 * The MISSING_AT_PARTNER result of a debtor whose first book record (`first`, event_time t) got no partner
 * record by stream time t + missingAfterMs. Dated at that deadline; the balance and status are the first
 * record's, the one that started the clock, so the result does not depend on what arrived since.
 */
export function missingAtPartner(first: Debtor, missingAfterMs: number): ReconciliationResult {
  return {
    event_id: missingCaseId(first.debtor_id),
    tenant_id: first.tenant_id,
    event_time: first.event_time + missingAfterMs,
    debtor_id: first.debtor_id,
    partner_id: first.partner_id,
    kind: 'MISSING_AT_PARTNER',
    our_balance_cents: first.debt_amount_cents,
    reported_balance_cents: null,
    diff_cents: null,
    our_status: first.status,
    reported_status: null,
    resolution: 'MANUAL_REVIEW',
    rule: null,
  };
}
