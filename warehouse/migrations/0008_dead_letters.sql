-- <topic>.dlq → dead_letters: the dead letters of the topics a run sinks, one row per rejected record
-- (columns: connectors/dead-letters/dead-letter-row.ts). Keyed by the record's origin (file:line, or
-- source topic[partition]@offset), so a dead letter read again, or written again for the same record
-- (a replay, each sink rejecting the same record), is one row to FINAL. `payload` is the rejected
-- record as text, or its bytes in base64 when payload_encoding = 'base64'. Plain String rather than
-- LowCardinality: ClickHouse 18.16 refuses LowCardinality columns without an experimental setting.
CREATE TABLE IF NOT EXISTS dead_letters
(
    dlq_topic String,
    partition Int32,
    offset Int64,
    event_time DateTime64(3, 'UTC'),
    error Nullable(String),
    source_topic Nullable(String),
    source_partition Nullable(Int32),
    source_offset Nullable(Int64),
    file Nullable(String),
    line Nullable(Int64),
    origin String,
    payload_encoding String,
    payload String
)
ENGINE = ReplacingMergeTree
ORDER BY (dlq_topic, origin);

CREATE VIEW IF NOT EXISTS dead_letters_latest AS
SELECT * FROM dead_letters FINAL;
