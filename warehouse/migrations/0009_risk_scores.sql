-- risk-scores → risk_scores. One score per window (event_id = the window's); a replay, or a newer
-- model version scoring the window again, replaces it: the row with the highest model_version wins,
-- and between equal versions any one (they hold the same score).
CREATE TABLE IF NOT EXISTS risk_scores
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    customer_id String,
    window_start DateTime64(3, 'UTC'),
    window_end DateTime64(3, 'UTC'),
    default_probability Float64,
    risk_band LowCardinality(String),
    model_name LowCardinality(String),
    model_version Int32
)
ENGINE = ReplacingMergeTree(model_version)
ORDER BY (customer_id, window_start);

CREATE VIEW IF NOT EXISTS risk_scores_latest AS
SELECT * FROM risk_scores FINAL;
