-- Statement lines stay nested (one row per statement), as in the Avro record and the Parquet files.
CREATE TABLE IF NOT EXISTS statements
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    statement_id String,
    customer_id String,
    account_id String,
    period_start DateTime64(3, 'UTC'),
    period_end DateTime64(3, 'UTC'),
    opening_balance_cents Int64,
    closing_balance_cents Int64,
    lines Array(Tuple(
        line_no Int32,
        posted_at DateTime64(3, 'UTC'),
        description String,
        amount_cents Int64,
        direction String
    ))
)
ENGINE = ReplacingMergeTree
ORDER BY (customer_id, event_id);

CREATE VIEW IF NOT EXISTS statements_latest AS
SELECT * FROM statements FINAL;
