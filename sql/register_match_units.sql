-- Register effect, part 1: the units of the risk-set matching and their monthly histories
-- (docs/methods.md §Register effect), keyed by integers so that the batches of
-- sql/register_match_covariates.sql read a compact table instead of 64-character pids.
-- Parameters: state_employed (schemas/register_states.py), cutoff_pilot, cutoff_rrp (DATE).
-- Needs analysis.register_monthly, analysis.clients, comparison.kela,
-- comparison.tulorekisteri, meta.register_states.
--
-- month_no = year * 12 + month − 1: consecutive integers, so "m − 24 … m − 1" is a RANGE frame.
-- The extract: its first month and its month, from the comparison persons' months (they span
-- the whole extract). An outcome month must be before the extract's month: the extract's own
-- month is not yet reported in full (pay of the month arrives later), and counting it would
-- read as everyone out of work.

CREATE OR REPLACE TEMP TABLE match_extract AS
SELECT min(year(month) * 12 + month(month) - 1) AS first_month_no,
       max(year(month) * 12 + month(month) - 1) AS extract_month_no
FROM analysis.register_monthly
WHERE client_id IS NULL;

-- Clients: linked to the registers (rows in register_monthly) with index month − 24 ≥ the
-- extract's first month. unit_no 1 … n_clients in client code order; last_month_no = the last
-- month observed: the cut-off's month or the month before the extract's month, the earlier.
CREATE OR REPLACE TEMP TABLE match_clients AS
WITH linked AS (
    SELECT c.client_id, c.pid, c.cohort, c.age, c.sex,
           year(c.index_date) * 12 + month(c.index_date) - 1 AS index_month_no,
           year(k.cutoff) * 12 + month(k.cutoff) - 1 AS cutoff_month_no
    FROM analysis.clients AS c
    JOIN (SELECT 'pilot' AS cohort, CAST($cutoff_pilot AS DATE) AS cutoff
          UNION ALL SELECT 'rrp', CAST($cutoff_rrp AS DATE)) AS k USING (cohort)
    WHERE c.pid IS NOT NULL AND c.index_date IS NOT NULL
      AND c.client_id IN (SELECT client_id FROM analysis.register_monthly
                          WHERE client_id IS NOT NULL)
)
SELECT CAST(row_number() OVER (ORDER BY l.client_id) AS INTEGER) AS unit_no, l.client_id,
       l.pid, l.cohort, l.age, l.sex, l.index_month_no,
       least(l.cutoff_month_no, e.extract_month_no - 1) AS last_month_no
FROM linked AS l, match_extract AS e
WHERE l.index_month_no - 24 >= e.first_month_no;

-- Comparison persons: a pid of register_monthly without client_id, with the birth date and sex
-- the ingest derived from their HETU (comparison.kela / comparison.tulorekisteri rows).
-- unit_no after the clients', in pid order (the same persons the same numbers in every run).
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
)
SELECT CAST((SELECT count(*) FROM match_clients)
            + row_number() OVER (ORDER BY p.pid) AS INTEGER) AS unit_no,
       p.pid, b.birth_date, b.sex,
       year(b.birth_date) * 12 + month(b.birth_date) - 1 AS birth_month_no,
       CAST(day(b.birth_date) > 1 AS INTEGER) AS born_after_first
FROM persons AS p
JOIN born AS b USING (pid);

-- Every unit's months: the clients' from index − 24 to their last observed month (+ 24 at
-- most), the comparison persons' over the extract. Ordered by unit_no: a batch's unit range
-- then reads a few row groups only.
CREATE OR REPLACE TEMP TABLE match_history AS
WITH months AS (
    SELECT c.unit_no, r.month, r.earnings_eur, r.benefits_eur, r.main_state,
           year(r.month) * 12 + month(r.month) - 1 AS month_no
    FROM analysis.register_monthly AS r
    JOIN match_clients AS c USING (client_id)
    WHERE year(r.month) * 12 + month(r.month) - 1
          BETWEEN c.index_month_no - 24 AND least(c.last_month_no, c.index_month_no + 24)
    UNION ALL
    SELECT p.unit_no, r.month, r.earnings_eur, r.benefits_eur, r.main_state,
           year(r.month) * 12 + month(r.month) - 1
    FROM analysis.register_monthly AS r
    JOIN match_persons AS p USING (pid)
    WHERE r.client_id IS NULL
)
SELECT m.unit_no, CAST(m.month_no AS INTEGER) AS month_no,
       CAST(m.main_state = $state_employed AS TINYINT) AS employed,
       CAST(s.priority AS TINYINT) AS state_no, m.earnings_eur, m.benefits_eur
FROM months AS m
JOIN meta.register_states AS s ON s.state = m.main_state
ORDER BY m.unit_no, m.month_no;

-- The clients' index months: the only months at which a comparison person is a candidate.
CREATE OR REPLACE TEMP TABLE match_index_months AS
SELECT index_month_no AS month_no, count(*) AS n_clients
FROM match_clients
GROUP BY index_month_no;
