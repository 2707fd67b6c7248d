CREATE TABLE IF NOT EXISTS repayments
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    loan_id String,
    customer_id String,
    installment_no Int32,
    due_at DateTime64(3, 'UTC'),
    paid_at Nullable(DateTime64(3, 'UTC')),
    amount_due_cents Int64,
    amount_paid_cents Int64
)
ENGINE = ReplacingMergeTree
ORDER BY (customer_id, event_id);

CREATE VIEW IF NOT EXISTS repayments_latest AS
SELECT * FROM repayments FINAL;
