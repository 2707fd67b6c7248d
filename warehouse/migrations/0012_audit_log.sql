-- audit-log → audit_log: append-only, one row per step of a case. A step's event_id is derived from the
-- case and what caused the step, so a step delivered again (replay, crash) is the same row, which FINAL
-- collapses; no step ever replaces another. A case's history:
--   SELECT event_time, step, actor, reason, decision FROM audit_log FINAL WHERE case_id = '...' ORDER BY event_time, step
-- (step is stored as text; ORDER BY event_time first, since a case's steps follow each other in event time).
CREATE TABLE IF NOT EXISTS audit_log
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    debtor_id String,
    case_id String,
    step LowCardinality(String),
    actor String,
    reason String,
    decision Nullable(String),
    decision_event_id Nullable(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (debtor_id, case_id, event_id);

CREATE VIEW IF NOT EXISTS audit_log_latest AS
SELECT * FROM audit_log FINAL;
