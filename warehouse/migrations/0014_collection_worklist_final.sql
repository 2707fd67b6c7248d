-- collection_worklist read through FINAL. A replay of debtor-priority (after a change of the risk
-- factors, say) re-emits each debtor's records under the same event_ids with other scores; until the
-- table merges, both copies are there, and only FINAL (the last inserted copy) is the current one.
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
