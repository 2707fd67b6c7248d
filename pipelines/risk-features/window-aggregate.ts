// The per-customer aggregate of one hopping window (CONTRACTS §4), built from day slices.
// Every field combines associatively (sums, counts, maxima), so a window = merge of its 30 slices.
import type { Repayment, Transaction } from '../../schemas/types.ts';
import type { SpendingCategory } from '../../connectors/categorizer/categories.ts';

export const DAY_MS = 86_400_000;

/** The fields of a transaction the features read (with the categorizer's merchant, description, category). */
export const TRANSACTION_FIELDS = ['tenant_id', 'direction', 'amount_cents', 'merchant', 'description', 'category'] as const;
export type FeatureTransaction = Pick<Transaction, (typeof TRANSACTION_FIELDS)[number]>;
/** The fields of a repayment the features read. */
export const REPAYMENT_FIELDS = ['tenant_id', 'event_time', 'due_at', 'paid_at'] as const;
export type FeatureRepayment = Pick<Repayment, (typeof REPAYMENT_FIELDS)[number]>;

export interface FeatureAggregate {
  /** The smallest tenant_id seen: deterministic under any merge order. */
  tenantId: string;
  txnCount: number;
  debitTotalCents: number;
  creditTotalCents: number;
  maxDebitCents: number;
  // DEBIT sums per spending category (SPENDING_CATEGORIES). Fields, not an array: every slice and
  // cached partial holds one aggregate, and an array would add two more objects to each.
  spendFoodCents: number;
  spendShoppingCents: number;
  spendTransportCents: number;
  spendHousingCents: number;
  spendHealthCents: number;
  spendEntertainmentCents: number;
  spendOtherCents: number;
  repaymentsDue: number;
  repaymentsLate: number;
  maxDaysLate: number;
}

export function emptyAggregate(): FeatureAggregate {
  return {
    tenantId: '',
    txnCount: 0,
    debitTotalCents: 0,
    creditTotalCents: 0,
    maxDebitCents: 0,
    spendFoodCents: 0,
    spendShoppingCents: 0,
    spendTransportCents: 0,
    spendHousingCents: 0,
    spendHealthCents: 0,
    spendEntertainmentCents: 0,
    spendOtherCents: 0,
    repaymentsDue: 0,
    repaymentsLate: 0,
    maxDaysLate: 0,
  };
}

/** The spend fields in SPENDING_CATEGORIES order. */
export const SPEND_FIELDS = [
  'spendFoodCents',
  'spendShoppingCents',
  'spendTransportCents',
  'spendHousingCents',
  'spendHealthCents',
  'spendEntertainmentCents',
  'spendOtherCents',
] as const satisfies readonly (keyof FeatureAggregate)[];

function addSpend(agg: FeatureAggregate, category: SpendingCategory, cents: number): void {
  switch (category) {
    case 'food':
      agg.spendFoodCents += cents;
      break;
    case 'shopping':
      agg.spendShoppingCents += cents;
      break;
    case 'transport':
      agg.spendTransportCents += cents;
      break;
    case 'housing':
      agg.spendHousingCents += cents;
      break;
    case 'health':
      agg.spendHealthCents += cents;
      break;
    case 'entertainment':
      agg.spendEntertainmentCents += cents;
      break;
    default:
      agg.spendOtherCents += cents;
  }
}

/** Adds a transaction whose category has already been assigned by the categorizer. Mutates and returns agg. */
export function addTransaction(agg: FeatureAggregate, txn: FeatureTransaction, category: SpendingCategory): FeatureAggregate {
  agg.tenantId = minTenant(agg.tenantId, txn.tenant_id);
  agg.txnCount += 1;
  if (txn.direction === 'DEBIT') {
    agg.debitTotalCents += txn.amount_cents;
    if (txn.amount_cents > agg.maxDebitCents) agg.maxDebitCents = txn.amount_cents;
    addSpend(agg, category, txn.amount_cents);
  } else {
    agg.creditTotalCents += txn.amount_cents;
  }
  return agg;
}

export function isLate(r: FeatureRepayment): boolean {
  return r.paid_at === null || r.paid_at > r.due_at;
}

export function daysLate(r: FeatureRepayment): number {
  const settledAt = r.paid_at ?? r.event_time;
  return Math.max(0, Math.floor((settledAt - r.due_at) / DAY_MS));
}

export function addRepayment(agg: FeatureAggregate, r: FeatureRepayment): FeatureAggregate {
  agg.tenantId = minTenant(agg.tenantId, r.tenant_id);
  agg.repaymentsDue += 1;
  if (isLate(r)) {
    agg.repaymentsLate += 1;
    const days = daysLate(r);
    if (days > agg.maxDaysLate) agg.maxDaysLate = days;
  }
  return agg;
}

/** into += from. Mutates and returns into. */
export function mergeAggregates(into: FeatureAggregate, from: FeatureAggregate): FeatureAggregate {
  into.tenantId = minTenant(into.tenantId, from.tenantId);
  into.txnCount += from.txnCount;
  into.debitTotalCents += from.debitTotalCents;
  into.creditTotalCents += from.creditTotalCents;
  into.maxDebitCents = Math.max(into.maxDebitCents, from.maxDebitCents);
  into.spendFoodCents += from.spendFoodCents;
  into.spendShoppingCents += from.spendShoppingCents;
  into.spendTransportCents += from.spendTransportCents;
  into.spendHousingCents += from.spendHousingCents;
  into.spendHealthCents += from.spendHealthCents;
  into.spendEntertainmentCents += from.spendEntertainmentCents;
  into.spendOtherCents += from.spendOtherCents;
  into.repaymentsDue += from.repaymentsDue;
  into.repaymentsLate += from.repaymentsLate;
  into.maxDaysLate = Math.max(into.maxDaysLate, from.maxDaysLate);
  return into;
}

/** Only windows holding at least one transaction or repayment are emitted. */
export function hasActivity(agg: FeatureAggregate): boolean {
  return agg.txnCount > 0 || agg.repaymentsDue > 0;
}

function minTenant(a: string, b: string): string {
  if (a === '') return b;
  return b !== '' && b < a ? b : a;
}
