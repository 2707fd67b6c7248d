-- collection-priorities → collection_priorities: every change of a debtor's score or worklist
-- membership, one row per record (event_id = <debtor_id>:<sequence>, so a re-delivered record is one
-- row to FINAL).
CREATE TABLE IF NOT EXISTS collection_priorities
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    debtor_id String,
    customer_id String,
    partner_id LowCardinality(String),
    debt_amount_cents Int64,
    days_past_due Int32,
    status LowCardinality(String),
    default_probability Nullable(Float64),
    priority_score Float64,
    on_worklist Bool
)
ENGINE = ReplacingMergeTree
ORDER BY (debtor_id, event_id);

CREATE VIEW IF NOT EXISTS collection_priorities_latest AS
SELECT * FROM collection_priorities FINAL;

-- The worklist as `riskstream worklist` shows it: each debtor's latest record (the pipeline keeps a
-- debtor's event_time non-decreasing and numbers its records, so (event_time, event_id) is output
-- order), those on the worklist, by priority_score descending, debtor_id ascending on ties. LIMIT 1 BY
-- rather than FINAL: a re-delivered record is the same row, and either copy gives the same answer.
CREATE VIEW IF NOT EXISTS collection_worklist AS
SELECT *
FROM
(
    SELECT *
    FROM collection_priorities
    ORDER BY debtor_id ASC, event_time DESC, event_id DESC
    LIMIT 1 BY debtor_id
)
WHERE on_worklist
ORDER BY priority_score DESC, debtor_id ASC;
