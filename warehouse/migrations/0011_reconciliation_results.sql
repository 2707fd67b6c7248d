-- reconciliation-results → reconciliation_results. One row per partner record (event_id = the partner
-- record's) and one per debtor the partner never reported (event_id = <debtor_id>:missing); a replay or
-- a crash delivers the same row again, which FINAL collapses. Open review cases are the MANUAL_REVIEW rows
-- without a RESOLVED step in audit_log (riskstream review list).
CREATE TABLE IF NOT EXISTS reconciliation_results
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    debtor_id String,
    partner_id String,
    kind LowCardinality(String),
    our_balance_cents Nullable(Int64),
    reported_balance_cents Nullable(Int64),
    diff_cents Nullable(Int64),
    our_status Nullable(String),
    reported_status Nullable(String),
    resolution LowCardinality(String),
    rule Nullable(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (debtor_id, event_id);

CREATE VIEW IF NOT EXISTS reconciliation_results_latest AS
SELECT * FROM reconciliation_results FINAL;
