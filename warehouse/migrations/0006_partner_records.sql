CREATE TABLE IF NOT EXISTS partner_records
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    partner_id String,
    debtor_id String,
    reported_balance_cents Int64,
    reported_status String
)
ENGINE = ReplacingMergeTree
ORDER BY (debtor_id, event_id);

CREATE VIEW IF NOT EXISTS partner_records_latest AS
SELECT * FROM partner_records FINAL;
