-- loan-applications → loan_applications. One row per event_id: ReplacingMergeTree collapses a
-- redelivered record (same sort key) at merge time, and FINAL / the _latest view collapse it at read time.
-- No PARTITION BY in any table: FINAL collapses only within a partition, and a backfill spanning
-- more than 100 months would exceed max_partitions_per_insert_block in a single insert.
CREATE TABLE IF NOT EXISTS loan_applications
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    application_id String,
    customer_id String,
    amount_cents Int64,
    term_months Int32,
    annual_rate_bps Int32,
    collateral_value_cents Nullable(Int64),
    annual_income_cents Int64,
    monthly_debt_payments_cents Int64,
    credit_limit_cents Int64,
    credit_balance_cents Int64,
    employment_years Float64,
    purpose String
)
ENGINE = ReplacingMergeTree
ORDER BY (customer_id, event_id);

-- The documented way to query: every record once, however often it was delivered.
CREATE VIEW IF NOT EXISTS loan_applications_latest AS
SELECT * FROM loan_applications FINAL;
