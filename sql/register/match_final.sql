-- Register effect, part 4: each client's k nearest over all batches at its fallback level
-- (sql/register/match_batch.sql kept each batch's k nearest per level), their weights, and
-- analysis.register_matches for statisticians. Parameters: k.
-- A client's level is the lowest at which any batch found a candidate; a client with j < k
-- candidates there keeps the j; a client with none at any level is unmatched
-- (results.register_balance counts clients per level and the unmatched).
-- weight: 1 / the client's number of matches, so each matched client's matches weigh 1 in all
-- (the ATT weights of k:1 matching with replacement; a person matched twice counts twice).
CREATE OR REPLACE TEMP TABLE match_pairs AS
WITH levelled AS (
    SELECT * FROM match_pairs_found
    QUALIFY level = min(level) OVER (PARTITION BY client_unit)
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY client_unit
                                 ORDER BY distance, tiebreak, unit_no) AS match_no
    FROM levelled
    QUALIFY match_no <= $k
)
SELECT *, 1.0 / count(*) OVER (PARTITION BY client_unit) AS weight
FROM ranked;

CREATE OR REPLACE TABLE analysis.register_matches AS
SELECT c.client_id, c.cohort, c.design, p.pid AS comparison_pid,
       make_date(CAST(m.month_no // 12 AS INTEGER), CAST(m.month_no % 12 + 1 AS INTEGER), 1)
           AS index_month,
       CAST(m.match_no AS INTEGER) AS match_no, CAST(m.level AS INTEGER) AS fallback_level,
       m.weight, m.client_lp, m.lp AS comparison_lp, m.distance
FROM match_pairs AS m
JOIN match_clients AS c ON c.unit_no = m.client_unit
JOIN match_persons AS p ON p.unit_no = m.unit_no
ORDER BY c.design, c.client_id, m.match_no;
