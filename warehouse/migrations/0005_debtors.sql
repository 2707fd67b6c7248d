CREATE TABLE IF NOT EXISTS debtors
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    debtor_id String,
    customer_id String,
    partner_id String,
    debt_amount_cents Int64,
    days_past_due Int32,
    last_payment_at Nullable(DateTime64(3, 'UTC')),
    contact_attempts Int32,
    broken_promises Int32,
    status LowCardinality(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (debtor_id, event_id);

CREATE VIEW IF NOT EXISTS debtors_latest AS
SELECT * FROM debtors FINAL;
