// Typed rows of every topic, generated from schemas/avro/*.avsc by schemas/generate-types.ts: do not edit by hand.
// schemas/types.test.ts holds this file equal to the generator output.
// Money is integer minor units (`*_cents`); times are UTC epoch milliseconds.

export interface EventEnvelope {
  event_id: string;
  tenant_id: string;
  event_time: number;
}

export type Direction = 'DEBIT' | 'CREDIT';
export type Channel = 'CARD' | 'TRANSFER' | 'CASH' | 'STATEMENT';
export type DebtorStatus = 'ACTIVE' | 'PAYING' | 'SETTLED' | 'WRITTEN_OFF';
export type ReconciliationKind = 'MISSING_IN_BOOK' | 'STATUS_MISMATCH' | 'AMOUNT_VARIANCE' | 'MATCH' | 'MISSING_AT_PARTNER';
export type ReconciliationResolution = 'MATCHED' | 'AUTO_RESOLVED' | 'MANUAL_REVIEW';
export type AuditStep = 'DETECTED' | 'AUTO_RESOLVED' | 'QUEUED_FOR_REVIEW' | 'RESOLVED' | 'REFUSED';
export type ReviewDecisionName = 'accept_partner' | 'keep_ours' | 'write_off';

export interface LoanApplication extends EventEnvelope {
  application_id: string;
  customer_id: string;
  amount_cents: number;
  term_months: number;
  annual_rate_bps: number;
  collateral_value_cents: number | null;
  annual_income_cents: number;
  monthly_debt_payments_cents: number;
  credit_limit_cents: number;
  credit_balance_cents: number;
  employment_years: number;
  purpose: string;
}

export interface Transaction extends EventEnvelope {
  transaction_id: string;
  customer_id: string;
  account_id: string;
  amount_cents: number;
  direction: Direction;
  currency: string;
  merchant: string;
  description: string;
  category: string | null;
  channel: Channel;
}

export interface Repayment extends EventEnvelope {
  loan_id: string;
  customer_id: string;
  installment_no: number;
  due_at: number;
  paid_at: number | null;
  amount_due_cents: number;
  amount_paid_cents: number;
}

export interface StatementLine {
  line_no: number;
  posted_at: number;
  description: string;
  amount_cents: number;
  direction: Direction;
}

export interface Statement extends EventEnvelope {
  statement_id: string;
  customer_id: string;
  account_id: string;
  period_start: number;
  period_end: number;
  opening_balance_cents: number;
  closing_balance_cents: number;
  lines: StatementLine[];
}

export interface Debtor extends EventEnvelope {
  debtor_id: string;
  customer_id: string;
  partner_id: string;
  debt_amount_cents: number;
  days_past_due: number;
  last_payment_at: number | null;
  contact_attempts: number;
  broken_promises: number;
  status: DebtorStatus;
}

export interface PartnerRecord extends EventEnvelope {
  partner_id: string;
  debtor_id: string;
  reported_balance_cents: number;
  reported_status: string;
}

export interface RiskFeatures extends EventEnvelope {
  customer_id: string;
  window_start: number;
  window_end: number;
  txn_count: number;
  debit_total_cents: number;
  credit_total_cents: number;
  max_debit_cents: number;
  spend_food_cents: number;
  spend_shopping_cents: number;
  spend_transport_cents: number;
  spend_housing_cents: number;
  spend_health_cents: number;
  spend_entertainment_cents: number;
  spend_other_cents: number;
  repayments_due: number;
  repayments_late: number;
  max_days_late: number;
  dti: number | null;
  ltv: number | null;
  utilization: number | null;
  computed_at: number;
}

export interface RiskScore extends EventEnvelope {
  customer_id: string;
  window_start: number;
  window_end: number;
  default_probability: number;
  risk_band: string;
  model_name: string;
  model_version: number;
}

export interface CollectionPriority extends EventEnvelope {
  debtor_id: string;
  customer_id: string;
  partner_id: string;
  debt_amount_cents: number;
  days_past_due: number;
  status: DebtorStatus;
  default_probability: number | null;
  priority_score: number;
  on_worklist: boolean;
}

export interface ReconciliationResult extends EventEnvelope {
  debtor_id: string;
  partner_id: string;
  kind: ReconciliationKind;
  our_balance_cents: number | null;
  reported_balance_cents: number | null;
  diff_cents: number | null;
  our_status: string | null;
  reported_status: string | null;
  resolution: ReconciliationResolution;
  rule: string | null;
}

export interface AuditRecord extends EventEnvelope {
  debtor_id: string;
  case_id: string;
  step: AuditStep;
  actor: string;
  reason: string;
  decision: string | null;
  decision_event_id: string | null;
}

export interface ReviewDecision extends EventEnvelope {
  debtor_id: string;
  case_id: string;
  decision: ReviewDecisionName;
  decided_by: string;
  decided_at: number;
  reason: string;
}

/** The row type of each topic, by topic name. */
export interface TopicRecords {
  'loan-applications': LoanApplication;
  transactions: Transaction;
  repayments: Repayment;
  statements: Statement;
  debtors: Debtor;
  'partner-records': PartnerRecord;
  'risk-features': RiskFeatures;
  'risk-scores': RiskScore;
  'collection-priorities': CollectionPriority;
  'reconciliation-results': ReconciliationResult;
  'audit-log': AuditRecord;
  'review-decisions': ReviewDecision;
}

export type TopicName = keyof TopicRecords;
