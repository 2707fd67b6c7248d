-- risk-features → risk_features. The natural key is (customer_id, window_start): a window is emitted
-- once per run, and a replay re-emits it with another computed_at. ReplacingMergeTree(computed_at)
-- keeps the latest computation of each window.
CREATE TABLE IF NOT EXISTS risk_features
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    customer_id String,
    window_start DateTime64(3, 'UTC'),
    window_end DateTime64(3, 'UTC'),
    txn_count Int64,
    debit_total_cents Int64,
    credit_total_cents Int64,
    max_debit_cents Int64,
    spend_food_cents Int64,
    spend_shopping_cents Int64,
    spend_transport_cents Int64,
    spend_housing_cents Int64,
    spend_health_cents Int64,
    spend_entertainment_cents Int64,
    spend_other_cents Int64,
    repayments_due Int64,
    repayments_late Int64,
    max_days_late Int64,
    dti Nullable(Float64),
    ltv Nullable(Float64),
    utilization Nullable(Float64),
    computed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
ORDER BY (customer_id, window_start);

CREATE VIEW IF NOT EXISTS risk_features_latest AS
SELECT * FROM risk_features FINAL;
