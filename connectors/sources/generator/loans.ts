// Loan products of the synthetic lender and how a borrower pays them back.
import { DAY_MS, HOUR_MS } from './book-time.ts';
import type { CustomerProfile } from './customers.ts';
import type { Random } from './random.ts';

export interface LoanTerms {
  purpose: string;
  amountCents: number;
  termMonths: number;
  annualRateBps: number;
  /** null = unsecured. */
  collateralValueCents: number | null;
  /** Installments fall due every this many days. */
  intervalDays: number;
  installments: number;
}

/** Annuity payment (minor units); amount / term when the rate is 0. Same formula as risk-features' dti. */
export function installmentCents(amountCents: number, installments: number, periodicRate: number): number {
  if (periodicRate === 0) return Math.ceil(amountCents / installments);
  return Math.ceil((amountCents * periodicRate) / (1 - Math.pow(1 + periodicRate, -installments)));
}

const TERM_LOAN_PURPOSES = [
  'debt_consolidation',
  'car',
  'home_improvement',
  'education',
  'medical',
  'vacation',
  'business',
  'wedding',
] as const;

/** A personal / car / home-improvement loan, priced by the borrower's (hidden) risk. */
export function termLoan(rng: Random, c: CustomerProfile): LoanTerms {
  const purpose = rng.pick(TERM_LOAN_PURPOSES);
  const incomeBase = c.annualIncomeCents > 0 ? c.annualIncomeCents : 1_500_000;
  const amountCents = Math.round((incomeBase * (0.05 + rng.next() * 0.35)) / 1000) * 1000;
  const termMonths = rng.pick([12, 24, 36, 48, 60]);
  const annualRateBps = Math.round(350 + c.propensity * 2200 + rng.next() * 300);
  let collateralValueCents: number | null = null;
  if (purpose === 'car') collateralValueCents = Math.round(amountCents * (0.7 + rng.next() * 0.6));
  else if (purpose === 'home_improvement' && rng.chance(0.5)) collateralValueCents = Math.round(amountCents * (2 + rng.next() * 6));
  return { purpose, amountCents, termMonths, annualRateBps, collateralValueCents, intervalDays: 30, installments: termMonths };
}

/** Buy-now-pay-later: four interest-free installments two weeks apart, the first at purchase. */
export function bnplPurchase(rng: Random): LoanTerms {
  const amountCents = Math.round(rng.logNormal(18_000, 0.6) / 100) * 100 + 1_000;
  return {
    purpose: 'bnpl_purchase',
    amountCents,
    termMonths: 2,
    annualRateBps: 0,
    collateralValueCents: null,
    intervalDays: 14,
    installments: 4,
  };
}

export function periodicRateOf(terms: LoanTerms): number {
  return terms.annualRateBps / 10_000 / 12;
}

export interface PaymentOutcome {
  /** null = not paid by the time the record is reported. */
  paidAt: number | null;
  amountPaidCents: number;
  /** When the repayment record is reported (its event_time). */
  reportedAt: number;
}

/**
 * How one installment due at `dueAt` is paid. A customer past their default day stops paying.
 * Otherwise lateness is likelier and longer with the hidden propensity, and grows with the
 * installment number (money gets tighter as a risky loan ages).
 */
export function payInstallment(
  rng: Random,
  c: CustomerProfile,
  installment: {
    dueAt: number;
    installmentNo: number;
    amountDueCents: number;
    /** no payment before this (the loan's start) */ notBefore: number;
  },
  defaultAtMs: number,
): PaymentOutcome {
  const { dueAt, installmentNo, amountDueCents, notBefore } = installment;
  if (dueAt >= defaultAtMs) {
    // Missed: reported by the servicer a few days after the due date, sometimes exactly at midnight.
    const reportedAt = dueAt + rng.int(1, 5) * DAY_MS + (rng.chance(0.3) ? 0 : rng.int(0, 23) * HOUR_MS);
    return { paidAt: null, amountPaidCents: 0, reportedAt };
  }
  const p = c.propensity;
  if (rng.chance(0.02 + 0.7 * p)) {
    const maxDaysLate = 2 + p * 25 * (1 + 0.15 * installmentNo);
    const paidAt = dueAt + Math.ceil(rng.next() * maxDaysLate) * DAY_MS + rng.int(0, 86_399) * 1000;
    const partial = rng.chance(p * 0.3);
    return { paidAt, amountPaidCents: partial ? Math.round(amountDueCents * 0.5) : amountDueCents, reportedAt: paidAt };
  }
  // On time: a little early, and now and then exactly at the due instant (a day boundary).
  const paidAt = rng.chance(0.12) ? dueAt : Math.max(notBefore, dueAt - rng.int(1, 3 * 86_400) * 1000);
  return { paidAt, amountPaidCents: amountDueCents, reportedAt: paidAt };
}
