// Collections: a delinquent loan placed with a collection partner, how the case evolves between
// updates, and what the partner reports back (occasionally wrong, on purpose, so reconciliation
// has discrepancies to find).
import type { Debtor, DebtorStatus, PartnerRecord } from '../../../schemas/types.ts';
import { DAY_MS } from './book-time.ts';
import type { Random } from './random.ts';

export const PARTNERS = ['partner-ace', 'partner-brightline', 'partner-crestview'] as const;

const STATUSES: readonly DebtorStatus[] = ['ACTIVE', 'PAYING', 'SETTLED', 'WRITTEN_OFF'];

export interface DebtorCase {
  debtorId: string;
  customerId: string;
  tenantId: string;
  partnerId: string;
  /** Due time of the first missed installment: days past due count from here. */
  firstMissedDueAt: number;
  debtCents: number;
  lastPaymentAt: number | null;
  contactAttempts: number;
  brokenPromises: number;
  status: DebtorStatus;
  /** This case is never reported by the partner (a 'missing at partner' discrepancy). */
  partnerSilent: boolean;
}

export function isClosed(c: DebtorCase): boolean {
  return c.status === 'SETTLED' || c.status === 'WRITTEN_OFF';
}

/**
 * Moves a case forward to `now`: more contact attempts; promises to pay that are kept (debt
 * shrinks, maybe settles) or broken; long-unpaid debts written off.
 */
export function advanceCase(rng: Random, c: DebtorCase, now: number): void {
  c.contactAttempts += rng.int(0, 3);
  const daysPastDue = Math.floor((now - c.firstMissedDueAt) / DAY_MS);
  if (c.status === 'ACTIVE') {
    if (daysPastDue >= 150 && rng.chance(0.35)) c.status = 'WRITTEN_OFF';
    else if (rng.chance(0.1)) c.status = 'PAYING';
  } else if (c.status === 'PAYING') {
    if (rng.chance(0.3)) {
      c.brokenPromises += 1;
      c.status = 'ACTIVE';
    } else {
      const payment = Math.min(c.debtCents, Math.round(c.debtCents * (0.1 + rng.next() * 0.3)));
      c.debtCents -= payment;
      c.lastPaymentAt = now - rng.int(1, 72) * 3_600_000;
      if (c.debtCents === 0 || rng.chance(0.15)) {
        c.status = 'SETTLED';
        c.debtCents = 0;
      }
    }
  }
}

export function debtorRecord(c: DebtorCase, now: number): Debtor {
  return {
    event_id: '',
    tenant_id: c.tenantId,
    event_time: now,
    debtor_id: c.debtorId,
    customer_id: c.customerId,
    partner_id: c.partnerId,
    debt_amount_cents: c.debtCents,
    days_past_due: Math.max(0, Math.floor((now - c.firstMissedDueAt) / DAY_MS)),
    last_payment_at: c.lastPaymentAt,
    contact_attempts: c.contactAttempts,
    broken_promises: c.brokenPromises,
    status: c.status,
  };
}

export type PartnerDiscrepancy = 'amount_variance' | 'status_mismatch';

/** The partner's report of a case at `now`: faithful, or with an injected discrepancy. */
export function partnerReport(rng: Random, c: DebtorCase, now: number): { record: PartnerRecord; discrepancy: PartnerDiscrepancy | null } {
  let balance = c.debtCents;
  let status: string = c.status;
  let discrepancy: PartnerDiscrepancy | null = null;
  const roll = rng.next();
  if (roll < 0.04) {
    discrepancy = 'amount_variance';
    const variance = Math.max(100, Math.round(balance * (0.01 + rng.next() * 0.2)));
    balance = rng.chance(0.5) ? balance + variance : Math.max(0, balance - variance);
  } else if (roll < 0.07) {
    discrepancy = 'status_mismatch';
    status = rng.pick(STATUSES.filter((s) => s !== c.status));
  }
  // A variance taken off a zero balance is clamped back to zero: nothing differs after all.
  if (discrepancy === 'amount_variance' && balance === c.debtCents) discrepancy = null;
  const record: PartnerRecord = {
    event_id: '',
    tenant_id: c.tenantId,
    event_time: now,
    partner_id: c.partnerId,
    debtor_id: c.debtorId,
    reported_balance_cents: balance,
    reported_status: status,
  };
  return { record, discrepancy };
}

/** A partner report about a debt the book does not hold (a 'missing in book' discrepancy). */
export function strayPartnerReport(rng: Random, debtorId: string, tenantId: string, now: number): PartnerRecord {
  return {
    event_id: '',
    tenant_id: tenantId,
    event_time: now,
    partner_id: rng.pick(PARTNERS),
    debtor_id: debtorId,
    reported_balance_cents: Math.round(rng.logNormal(250_000, 0.8)),
    reported_status: rng.pick(STATUSES),
  };
}
