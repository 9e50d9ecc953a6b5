-- Register effect, part 1: the units of the risk-set matching and their monthly histories
-- (docs/methods.md §Register effect), keyed by integers so that the batches of
-- sql/register/match_covariates.sql read a compact table instead of 64-character pids.
-- Parameters: state_employed (schemas/register_states.py); placebo_shift (the hold-out
-- placebo's pseudo-index: that many months before the index month); history (H, the months of
-- history the matching reads); post_months (the last month of the effect, +24).
-- Needs analysis.register_monthly, analysis.clients, match_client_births (pid, birth_date:
-- ips_eval/register/matching.py), comparison.kela, comparison.tulorekisteri, meta.cutoffs,
-- meta.register_states.
--
-- month_no = year * 12 + month − 1: consecutive integers. The extract: its first month and its
-- month, from the comparison persons' months (they span the whole extract). An outcome month
-- must be before the extract's month: the extract's own month is not yet reported in full (pay
-- of the month arrives later), and counting it would read as everyone out of work.

CREATE OR REPLACE TEMP TABLE match_extract AS
SELECT min(year(month) * 12 + month(month) - 1) AS first_month_no,
       max(year(month) * 12 + month(month) - 1) AS extract_month_no
FROM analysis.register_monthly
WHERE client_id IS NULL;

-- Every register-linked client (rows in register_monthly), once for each design — `effect`
-- at its index month, `placebo` at the pseudo-index placebo_shift months before it,
-- `not_yet_treated` at its index month but matched to clients who start later — with the
-- reason it is left out, if it is: its (pseudo-)index month m must have 24 covered months
-- behind it and be observed. Both designs are matched in one pass over the candidates.
-- index_month_no: m (the real index month, or the pseudo-index); real_month_no: the real one;
-- last_month_no: the last outcome month — the cut-off's month or the month before the
-- extract's month, the earlier; for the placebo also the month before the real index month.
-- Age in completed years on the first day of m, from the birth date the ingest derived from
-- the HETU, as for the candidates (born on a later day of the month: birthday not yet come).
CREATE OR REPLACE TEMP TABLE match_client_units AS
WITH linked AS (
    SELECT c.client_id, c.pid, c.cohort, c.sex, c.age,
           year(c.index_date) * 12 + month(c.index_date) - 1 AS real_month_no,
           year(k.cutoff_date) * 12 + month(k.cutoff_date) - 1 AS cutoff_month_no
    FROM analysis.clients AS c
    JOIN meta.cutoffs AS k USING (cohort)
    WHERE c.pid IS NOT NULL AND c.index_date IS NOT NULL
      AND c.client_id IN (SELECT client_id FROM analysis.register_monthly
                          WHERE client_id IS NOT NULL)
),
covered AS (
    SELECT client_id, min(year(month) * 12 + month(month) - 1) AS first_covered_no
    FROM analysis.register_monthly
    WHERE client_id IS NOT NULL AND covered
    GROUP BY client_id
),
born AS (
    SELECT pid, min(birth_date) AS birth_date FROM match_client_births GROUP BY pid
),
designs AS (
    SELECT 'effect' AS design, 0 AS shift
    UNION ALL SELECT 'placebo', $placebo_shift
    UNION ALL SELECT 'not_yet_treated', 0
),
units AS (
    SELECT d.design, l.*, l.real_month_no - d.shift AS index_month_no,
           least(l.cutoff_month_no, e.extract_month_no - 1,
                 CASE WHEN d.shift > 0 THEN l.real_month_no - 1 END) AS last_month_no,
           v.first_covered_no,
           CASE WHEN b.birth_date IS NULL THEN l.age
                ELSE (l.real_month_no - d.shift
                      - (year(b.birth_date) * 12 + month(b.birth_date) - 1)
                      - CAST(day(b.birth_date) > 1 AS INTEGER)) // 12 END AS age_at_m
    FROM linked AS l
    CROSS JOIN designs AS d
    CROSS JOIN match_extract AS e
    LEFT JOIN covered AS v USING (client_id)
    LEFT JOIN born AS b USING (pid)
)
SELECT design, client_id, pid, cohort, sex, CAST(age_at_m AS INTEGER) AS age, real_month_no,
       index_month_no, last_month_no,
       CASE WHEN first_covered_no IS NULL OR index_month_no - 24 < first_covered_no
                THEN 'history_under_24_months'
            WHEN last_month_no < index_month_no THEN 'index_month_not_observed'
       END AS dropped
FROM units;

-- The clients to match: unit_no 1 … n in design and client code order (the effect's first).
CREATE OR REPLACE TEMP TABLE match_clients AS
SELECT CAST(row_number() OVER (ORDER BY design, client_id) AS INTEGER) AS unit_no, design,
       client_id, pid, cohort, age, sex, real_month_no, index_month_no, last_month_no
FROM match_client_units
WHERE dropped IS NULL;

-- Comparison persons: a pid of register_monthly without client_id, with the birth date and sex
-- the ingest derived from their HETU (comparison.kela / comparison.tulorekisteri rows);
-- unit_no after the clients', in pid order (the same persons the same numbers in every run
-- with one key; no result depends on this order, sql/register/match_batch.sql). Then the
-- not-yet-treated candidates: every linked client again, as a candidate for the clients who
-- start before it (own_index_no: its index month; before it, it is not yet a client).
CREATE OR REPLACE TEMP TABLE match_persons AS
WITH born AS (
    SELECT pid, min(birth_date) AS birth_date, min(sex) AS sex
    FROM (SELECT pid, birth_date, sex FROM comparison.kela
          UNION ALL
          SELECT pid, birth_date, sex FROM comparison.tulorekisteri)
    WHERE birth_date IS NOT NULL
    GROUP BY pid
),
persons AS (
    SELECT DISTINCT pid FROM analysis.register_monthly WHERE client_id IS NULL
),
comparison AS (
    SELECT p.pid, b.birth_date, b.sex, CAST(NULL AS VARCHAR) AS client_id,
           CAST(NULL AS INTEGER) AS own_index_no, CAST(NULL AS INTEGER) AS first_covered_no,
           -- the propensity model's sample draws persons by this, not by the pseudonym
           hash(b.birth_date, b.sex) AS sample_key
    FROM persons AS p
    JOIN born AS b USING (pid)
),
later_clients AS (
    SELECT u.pid, b.birth_date, u.sex, u.client_id, u.real_month_no, v.first_covered_no,
           CAST(NULL AS UBIGINT)
    FROM match_client_units AS u
    JOIN (SELECT pid, min(birth_date) AS birth_date FROM match_client_births GROUP BY pid)
        AS b USING (pid)
    JOIN (SELECT client_id, min(year(month) * 12 + month(month) - 1) AS first_covered_no
          FROM analysis.register_monthly WHERE client_id IS NOT NULL AND covered
          GROUP BY client_id) AS v USING (client_id)
    WHERE u.design = 'effect'
)
SELECT CAST((SELECT count(*) FROM match_clients)
            + row_number() OVER (ORDER BY c.own_index_no NULLS FIRST, c.pid) AS INTEGER)
           AS unit_no,
       c.pid, c.birth_date, c.sex,
       year(c.birth_date) * 12 + month(c.birth_date) - 1 AS birth_month_no,
       CAST(day(c.birth_date) > 1 AS INTEGER) AS born_after_first,
       c.sample_key, c.client_id, c.own_index_no, c.first_covered_no
FROM (SELECT * FROM comparison UNION ALL SELECT * FROM later_clients) AS c;

-- Every unit's covered months: the clients' from m − H to their last outcome month (+ 24 at
-- most), the comparison persons' over the extract. no_data: a month with no register row at
-- all (no pay, no benefit); a month before a unit's first covered month has no row here and
-- counts as no data too (sql/register/match_covariates.sql). Ordered by unit_no: a batch's
-- unit range then reads a few row groups only.
CREATE OR REPLACE TEMP TABLE match_history AS
WITH months AS (
    SELECT c.unit_no, r.month, r.earnings_eur, r.benefits_eur, r.benefits, r.main_state,
           year(r.month) * 12 + month(r.month) - 1 AS month_no
    FROM analysis.register_monthly AS r
    JOIN match_clients AS c USING (client_id)
    WHERE r.covered
      AND year(r.month) * 12 + month(r.month) - 1
          BETWEEN c.index_month_no - $history
              AND least(c.last_month_no, c.index_month_no + $post_months)
    UNION ALL
    SELECT p.unit_no, r.month, r.earnings_eur, r.benefits_eur, r.benefits, r.main_state,
           year(r.month) * 12 + month(r.month) - 1
    FROM analysis.register_monthly AS r
    JOIN match_persons AS p USING (pid)
    WHERE r.client_id IS NULL AND r.covered AND p.own_index_no IS NULL
    UNION ALL
    -- a later client's months before its own start (after it, it is no comparison)
    SELECT p.unit_no, r.month, r.earnings_eur, r.benefits_eur, r.benefits, r.main_state,
           year(r.month) * 12 + month(r.month) - 1
    FROM analysis.register_monthly AS r
    JOIN match_persons AS p USING (client_id)
    WHERE r.covered AND year(r.month) * 12 + month(r.month) - 1 < p.own_index_no
)
SELECT m.unit_no, CAST(m.month_no AS INTEGER) AS month_no,
       CAST(m.main_state = $state_employed AS TINYINT) AS employed,
       CAST(s.priority AS TINYINT) AS state_no, m.earnings_eur, m.benefits_eur,
       CAST(len(m.benefits) = 0 AND coalesce(m.earnings_eur, 0) = 0 AS TINYINT) AS no_data
FROM months AS m
JOIN meta.register_states AS s ON s.state = m.main_state
ORDER BY m.unit_no, m.month_no;

-- The clients' (pseudo-)index months: the only months at which a comparison person is a
-- candidate; n_clients: the effect's clients at the month (the weights of balance before
-- matching).
CREATE OR REPLACE TEMP TABLE match_index_months AS
SELECT index_month_no AS month_no, count(*) FILTER (WHERE design = 'effect') AS n_clients
FROM match_clients
GROUP BY index_month_no;
