-- Register effect, part 5: the outcome months of the matched sample and the naive comparison's
-- calendar-month sums (docs/methods.md §Register effect). Needs sql/register/match_final.sql's
-- match_pairs and the tables of sql/register/match_units.sql.
--
-- Parameters: history (H), post_months (+24).
-- match_outcomes: one row per client (its own months) and per match (the matched person's
-- months) at rel_month −H … +24 from the client's (pseudo-)index month, for the months the
-- client is observed in (≤ its last observed month; for the placebo, before the real index
-- month); cluster = the person: a client's own unit_no differs between its designs (and its
-- unit as a later client), so `person` (the client's effect unit, or the comparison person's
-- unit) is the cluster, and a comparison person matched to several clients, designs or
-- months is one cluster.
CREATE OR REPLACE TEMP TABLE match_outcomes AS
WITH members AS (
    SELECT c.unit_no AS client_unit, c.unit_no, 1.0 AS weight, TRUE AS is_client,
           c.index_month_no, c.last_month_no, c.cohort, c.design, c.client_id,
           CAST(NULL AS INTEGER) AS own_index_no
    FROM match_clients AS c
    WHERE c.unit_no IN (SELECT unit_no FROM match_client_scores)
    UNION ALL
    SELECT p.client_unit, p.unit_no, p.weight, FALSE, c.index_month_no, c.last_month_no,
           c.cohort, c.design, c.client_id, q.own_index_no
    FROM match_pairs AS p
    JOIN match_clients AS c ON c.unit_no = p.client_unit
    JOIN match_persons AS q ON q.unit_no = p.unit_no
),
persons AS (
    -- a client's effect unit names the person in every design, and as a later client
    SELECT c.unit_no, coalesce(e.unit_no, c.unit_no) AS person
    FROM match_clients AS c
    LEFT JOIN match_clients AS e ON e.client_id = c.client_id AND e.design = 'effect'
    UNION ALL
    SELECT p.unit_no, coalesce(e.unit_no, p.unit_no)
    FROM match_persons AS p
    JOIN match_clients AS e ON e.client_id = p.client_id AND e.design = 'effect'
),
months AS (
    SELECT m.client_unit, m.unit_no, coalesce(q.person, m.unit_no) AS person, m.weight,
           m.is_client, m.cohort, m.design, m.client_id,
           CAST(h.month_no - m.index_month_no AS INTEGER) AS rel_month,
           h.month_no, CAST(h.employed AS DOUBLE) AS employed, h.earnings_eur, h.benefits_eur,
           h.state_no
    FROM members AS m
    LEFT JOIN persons AS q ON q.unit_no = m.unit_no
    JOIN match_history AS h
      ON h.unit_no = m.unit_no
     -- the placebo's "effects" are its months from the pseudo-index on (real −12 … −1), the
     -- not-yet-treated line's from the index on; a later client's months end before its start
     AND h.month_no BETWEEN m.index_month_no
                            - CASE WHEN m.design = 'effect' THEN $history ELSE 0 END
                        AND least(m.index_month_no + $post_months, m.last_month_no,
                                  m.own_index_no - 1)
),
counted AS (
    SELECT *, count(*) FILTER (WHERE NOT is_client)
                  OVER (PARTITION BY client_unit, month_no) AS n_matches
    FROM months
)
-- A not-yet-treated match's weight is 1 / the client's matches still untreated in the month,
-- and a client counts in a month only while one is; the other designs keep their weights.
SELECT * EXCLUDE (weight, n_matches),
       CASE WHEN design = 'not_yet_treated' AND NOT is_client THEN 1.0 / n_matches
            ELSE weight END AS weight
FROM counted
WHERE design <> 'not_yet_treated' OR n_matches > 0;

-- The naive line: every comparison person's months by calendar month, long: (month_no,
-- outcome, n, total, total_sq), so a mean and its variance come without a second pass; only the
-- months the clients' outcomes need.
CREATE OR REPLACE TEMP TABLE match_calendar AS
WITH h AS (
    SELECT * FROM match_history
    WHERE unit_no > (SELECT count(*) FROM match_clients)
      AND month_no IN (SELECT DISTINCT month_no FROM match_outcomes
                       WHERE is_client AND design = 'effect')
),
totals AS (
    -- exact decimal sums: a parallel float sum's last bits vary from run to run
    SELECT month_no, count(*) AS n, sum(employed) AS employed,
           count(earnings_eur) AS earnings_n,
           CAST(sum(CAST(earnings_eur AS DECIMAL(38, 6))) AS DOUBLE) AS earnings,
           CAST(sum(CAST(earnings_eur * earnings_eur AS DECIMAL(38, 4))) AS DOUBLE)
               AS earnings_sq,
           count(benefits_eur) AS benefits_n,
           CAST(sum(CAST(benefits_eur AS DECIMAL(38, 6))) AS DOUBLE) AS benefits,
           CAST(sum(CAST(benefits_eur * benefits_eur AS DECIMAL(38, 4))) AS DOUBLE)
               AS benefits_sq
    FROM h GROUP BY month_no
),
states AS (
    SELECT month_no, state_no, count(*) AS n_state FROM h GROUP BY ALL
)
SELECT month_no, 'employed' AS outcome, n, CAST(employed AS DOUBLE) AS total,
       CAST(employed AS DOUBLE) AS total_sq
FROM totals
UNION ALL
SELECT month_no, 'earnings_eur', earnings_n, earnings, earnings_sq FROM totals
UNION ALL
SELECT month_no, 'benefits_eur', benefits_n, benefits, benefits_sq FROM totals
UNION ALL
SELECT t.month_no, 'state_' || s.state, t.n, CAST(coalesce(c.n_state, 0) AS DOUBLE),
       CAST(coalesce(c.n_state, 0) AS DOUBLE)
FROM totals AS t
CROSS JOIN meta.register_states AS s
LEFT JOIN states AS c ON c.month_no = t.month_no AND c.state_no = s.priority;
