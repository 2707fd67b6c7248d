-- collection_worklist read through FINAL: a record landed twice under one event_id (a sink stopped
-- between an insert and its commit) is two rows until the table merges, and FINAL shows one.
CREATE OR REPLACE VIEW collection_worklist AS
SELECT *
FROM
(
    SELECT *
    FROM collection_priorities FINAL
    ORDER BY debtor_id ASC, event_time DESC, event_id DESC
    LIMIT 1 BY debtor_id
)
WHERE on_worklist
ORDER BY priority_score DESC, debtor_id ASC;
