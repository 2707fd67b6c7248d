-- review-decisions → review_decisions: what people decided on review cases (riskstream review resolve),
-- one row per decision record, whether the pipeline accepted or refused it (audit_log says which).
-- event_time is the case's (a decision must not move the pipeline's stream time); decided_at is when.
CREATE TABLE IF NOT EXISTS review_decisions
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    debtor_id String,
    case_id String,
    decision LowCardinality(String),
    decided_by String,
    decided_at DateTime64(3, 'UTC'),
    reason String
)
ENGINE = ReplacingMergeTree
ORDER BY (debtor_id, event_id);

CREATE VIEW IF NOT EXISTS review_decisions_latest AS
SELECT * FROM review_decisions FINAL;
