// The per-customer aggregate of one hopping window, built from day slices.
// Every field combines associatively (sums, counts, maxima), so a window = merge of its 30 slices.
import type { Repayment, Transaction } from '../../schemas/types.ts';
import type { SpendingCategory } from '../../connectors/categorizer/categories.ts';
import type { FeatureAggregate } from './feature-aggregate.ts';

export const DAY_MS = 86_400_000;

/** The fields of a transaction the features read (with the categorizer's merchant, description, category). */
export const TRANSACTION_FIELDS = ['tenant_id', 'direction', 'amount_cents', 'merchant', 'description', 'category'] as const;
export type FeatureTransaction = Pick<Transaction, (typeof TRANSACTION_FIELDS)[number]>;
/** The fields of a repayment the features read. */
export const REPAYMENT_FIELDS = ['tenant_id', 'event_time', 'due_at', 'paid_at'] as const;
export type FeatureRepayment = Pick<Repayment, (typeof REPAYMENT_FIELDS)[number]>;

function addSpend(agg: FeatureAggregate, category: SpendingCategory, cents: number): void {
  switch (category) {
    case 'food':
      agg.spend_food_cents += cents;
      break;
    case 'shopping':
      agg.spend_shopping_cents += cents;
      break;
    case 'transport':
      agg.spend_transport_cents += cents;
      break;
    case 'housing':
      agg.spend_housing_cents += cents;
      break;
    case 'health':
      agg.spend_health_cents += cents;
      break;
    case 'entertainment':
      agg.spend_entertainment_cents += cents;
      break;
    default:
      agg.spend_other_cents += cents;
  }
}

/** Adds a transaction whose category has already been assigned by the categorizer. Mutates and returns agg. */
export function addTransaction(agg: FeatureAggregate, txn: FeatureTransaction, category: SpendingCategory): FeatureAggregate {
  agg.tenant_id = minTenant(agg.tenant_id, txn.tenant_id);
  agg.txn_count += 1;
  if (txn.direction === 'DEBIT') {
    agg.debit_total_cents += txn.amount_cents;
    if (txn.amount_cents > agg.max_debit_cents) agg.max_debit_cents = txn.amount_cents;
    addSpend(agg, category, txn.amount_cents);
  } else {
    agg.credit_total_cents += txn.amount_cents;
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
  agg.tenant_id = minTenant(agg.tenant_id, r.tenant_id);
  agg.repayments_due += 1;
  if (isLate(r)) {
    agg.repayments_late += 1;
    const days = daysLate(r);
    if (days > agg.max_days_late) agg.max_days_late = days;
  }
  return agg;
}

/** into += from. Mutates and returns into. */
export function mergeAggregates(into: FeatureAggregate, from: FeatureAggregate): FeatureAggregate {
  into.tenant_id = minTenant(into.tenant_id, from.tenant_id);
  into.txn_count += from.txn_count;
  into.debit_total_cents += from.debit_total_cents;
  into.credit_total_cents += from.credit_total_cents;
  into.max_debit_cents = Math.max(into.max_debit_cents, from.max_debit_cents);
  into.spend_food_cents += from.spend_food_cents;
  into.spend_shopping_cents += from.spend_shopping_cents;
  into.spend_transport_cents += from.spend_transport_cents;
  into.spend_housing_cents += from.spend_housing_cents;
  into.spend_health_cents += from.spend_health_cents;
  into.spend_entertainment_cents += from.spend_entertainment_cents;
  into.spend_other_cents += from.spend_other_cents;
  into.repayments_due += from.repayments_due;
  into.repayments_late += from.repayments_late;
  into.max_days_late = Math.max(into.max_days_late, from.max_days_late);
  return into;
}

/** Only windows holding at least one transaction or repayment are emitted. */
export function hasActivity(agg: FeatureAggregate): boolean {
  return agg.txn_count > 0 || agg.repayments_due > 0;
}

function minTenant(a: string, b: string): string {
  if (a === '') return b;
  return b !== '' && b < a ? b : a;
}
