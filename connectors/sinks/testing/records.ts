// Test data for the sink tests: deterministic records of several topics, spread over a few UTC days.
import type { Debtor, RiskFeatures, Statement, Transaction } from '../../../schemas/types.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 30, 20, 0, 0);

export function transaction(i: number): Transaction {
  return {
    event_id: `txn-${i}`,
    tenant_id: 'tenant-a',
    // every 7th record a day later: files split by dt inside a chunk
    event_time: T0 + i * 3_600_000 + (i % 7 === 0 ? DAY : 0) + (i % 1000),
    transaction_id: `tx-${i}`,
    customer_id: `cust-${i % 5}`,
    account_id: `acct-${i % 5}`,
    amount_cents: 100 + i * 37,
    direction: i % 3 === 0 ? 'CREDIT' : 'DEBIT',
    currency: 'EUR',
    merchant: i % 2 ? 'Corner Grocer' : 'Metro Transit',
    description: `purchase ${i} "quoted", comma`,
    category: i % 4 === 0 ? 'shopping' : null,
    channel: 'CARD',
  };
}

export function statement(i: number): Statement {
  return {
    event_id: `st-${i}`,
    tenant_id: 'tenant-a',
    event_time: T0 + (i * DAY) / 2,
    statement_id: `stmt-${i}`,
    customer_id: `cust-${i % 3}`,
    account_id: `acct-${i % 3}`,
    period_start: T0 - 30 * DAY,
    period_end: T0,
    opening_balance_cents: -5000 + i,
    closing_balance_cents: 1200 - i,
    lines: Array.from({ length: i % 3 }, (_, k) => ({
      line_no: k + 1,
      posted_at: T0 - k * DAY,
      description: `line ${k}`,
      amount_cents: -(k + 1) * 250,
      direction: k % 2 ? 'CREDIT' : 'DEBIT',
    })),
  };
}

export function debtor(i: number): Debtor {
  return {
    event_id: `debt-${i}`,
    tenant_id: 'tenant-b',
    event_time: T0 + i * 60_000,
    debtor_id: `d-${i % 4}`,
    customer_id: `cust-${i}`,
    partner_id: 'P1',
    debt_amount_cents: 2 ** 42 + i,
    days_past_due: i,
    last_payment_at: i % 2 ? null : T0 - i * DAY,
    contact_attempts: i % 5,
    broken_promises: 0,
    status: i % 2 ? 'ACTIVE' : 'WRITTEN_OFF',
  };
}

export function riskFeatures(i: number): RiskFeatures {
  const start = Date.UTC(2024, 0, 1) + i * DAY;
  return {
    event_id: `cust-1:${start}`,
    tenant_id: 'tenant-a',
    event_time: start + 30 * DAY,
    customer_id: 'cust-1',
    window_start: start,
    window_end: start + 30 * DAY,
    txn_count: i,
    debit_total_cents: i * 10,
    credit_total_cents: 0,
    max_debit_cents: 10,
    spend_food_cents: i,
    spend_shopping_cents: 0,
    spend_transport_cents: 0,
    spend_housing_cents: 0,
    spend_health_cents: 0,
    spend_entertainment_cents: 0,
    spend_other_cents: 0,
    repayments_due: 1,
    repayments_late: 0,
    max_days_late: 0,
    dti: i % 2 ? 0.125 : null,
    ltv: null,
    utilization: 0.5,
    computed_at: Date.UTC(2025, 0, 1),
  };
}
