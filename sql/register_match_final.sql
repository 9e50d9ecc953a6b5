-- Register effect, part 4: each client's k nearest over all batches (sql/register_match_batch.sql
-- kept each batch's k nearest), their weights, and analysis.register_matches for statisticians.
-- Parameters: k. A client with j < k candidates inside its stratum and caliper keeps the j; a
-- client with none is unmatched (results.register_balance counts them).
-- weight: 1 / the client's number of matches, so each matched client's matches weigh 1 in all
-- (the ATT weights of k:1 matching with replacement; a person matched twice counts twice).
CREATE OR REPLACE TEMP TABLE match_pairs AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY client_unit ORDER BY distance, unit_no)
              AS match_no
    FROM match_pairs_found
    QUALIFY match_no <= $k
)
SELECT *, 1.0 / count(*) OVER (PARTITION BY client_unit) AS weight
FROM ranked;

CREATE OR REPLACE TABLE analysis.register_matches AS
SELECT c.client_id, c.cohort, p.pid AS comparison_pid,
       make_date(CAST(m.month_no // 12 AS INTEGER), CAST(m.month_no % 12 + 1 AS INTEGER), 1)
           AS index_month,
       CAST(m.match_no AS INTEGER) AS match_no, m.weight, m.client_lp, m.lp AS comparison_lp,
       m.distance
FROM match_pairs AS m
JOIN match_clients AS c ON c.unit_no = m.client_unit
JOIN match_persons AS p ON p.unit_no = m.unit_no
ORDER BY c.client_id, m.match_no;
