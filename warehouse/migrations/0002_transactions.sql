-- transactions → transactions. `category` holds the category the sink assigned (the record's own when
-- it names one of the seven, else the categorizer's); nullable only because the Avro field is.
CREATE TABLE IF NOT EXISTS transactions
(
    event_id String,
    tenant_id LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    transaction_id String,
    customer_id String,
    account_id String,
    amount_cents Int64,
    direction LowCardinality(String),
    currency LowCardinality(String),
    merchant String,
    description String,
    category Nullable(String),
    channel LowCardinality(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (customer_id, event_id);

CREATE VIEW IF NOT EXISTS transactions_latest AS
SELECT * FROM transactions FINAL;
