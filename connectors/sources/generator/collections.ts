// Collections: a delinquent loan placed with a collection partner, how the case evolves between
// updates, and what the partner reports back (occasionally wrong, on purpose, so reconciliation
// has discrepancies to find). The lender's book sometimes shows a debtor off the worklist for a few
// updates while collection goes on (a provisional write-off, a settlement whose payment bounces), so
// debtors leave the worklist and come back.
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
  /** What the book shows instead of `status` for now, if anything. */
  interlude: BookInterlude | null;
}

/**
 * A closed status the lender's book shows while collection goes on: a provisional write-off, or a
 * settlement whose payment later bounces. The partner keeps reporting the case as it is.
 */
export interface BookInterlude {
  status: 'SETTLED' | 'WRITTEN_OFF';
  /** Further updates that still show it; at the next update after the last, the debtor is back. */
  updatesLeft: number;
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

/**
 * Moves the book's view of a case forward, after advanceCase. Draws from its own generator so that
 * the rest of the book (every other topic) is the same with or without interludes.
 */
export function advanceBookView(rng: Random, c: DebtorCase, now: number): void {
  if (isClosed(c)) {
    c.interlude = null;
    return;
  }
  if (c.interlude) {
    if (c.interlude.updatesLeft === 0) c.interlude = null;
    else c.interlude.updatesLeft--;
    return;
  }
  const daysPastDue = Math.floor((now - c.firstMissedDueAt) / DAY_MS);
  if (c.status === 'ACTIVE' && daysPastDue >= 60 && rng.chance(0.08)) c.interlude = { status: 'WRITTEN_OFF', updatesLeft: rng.int(0, 2) };
  else if (c.status === 'PAYING' && rng.chance(0.12)) c.interlude = { status: 'SETTLED', updatesLeft: rng.int(0, 1) };
}

/** The debtor record of the book: the case, or its interlude (a bounced settlement shows no debt). */
export function debtorRecord(c: DebtorCase, now: number): Debtor {
  return {
    event_id: '',
    tenant_id: c.tenantId,
    event_time: now,
    debtor_id: c.debtorId,
    customer_id: c.customerId,
    partner_id: c.partnerId,
    debt_amount_cents: c.interlude?.status === 'SETTLED' ? 0 : c.debtCents,
    days_past_due: Math.max(0, Math.floor((now - c.firstMissedDueAt) / DAY_MS)),
    last_payment_at: c.lastPaymentAt,
    contact_attempts: c.contactAttempts,
    broken_promises: c.brokenPromises,
    status: c.interlude?.status ?? c.status,
  };
}

export type PartnerDiscrepancy = 'amount_variance' | 'status_mismatch';

/** How a partner record differs from the book's record it is compared with, by the first kind that applies. */
export function discrepancyOf(book: Debtor, report: PartnerRecord): PartnerDiscrepancy | null {
  if (report.reported_status !== book.status) return 'status_mismatch';
  if (report.reported_balance_cents !== book.debt_amount_cents) return 'amount_variance';
  return null;
}

/** The partner's report of a case at `now`: faithful, or with an injected error (see discrepancyOf). */
export function partnerReport(rng: Random, c: DebtorCase, now: number): PartnerRecord {
  let balance = c.debtCents;
  let status: string = c.status;
  const roll = rng.next();
  if (roll < 0.04) {
    const variance = Math.max(100, Math.round(balance * (0.01 + rng.next() * 0.2)));
    balance = rng.chance(0.5) ? balance + variance : Math.max(0, balance - variance);
  } else if (roll < 0.07) {
    status = rng.pick(STATUSES.filter((s) => s !== c.status));
  }
  return {
    event_id: '',
    tenant_id: c.tenantId,
    event_time: now,
    partner_id: c.partnerId,
    debtor_id: c.debtorId,
    reported_balance_cents: balance,
    reported_status: status,
  };
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
