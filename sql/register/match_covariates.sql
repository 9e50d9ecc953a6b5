-- Register effect, part 2: the timed matching covariates of one batch of units at their
-- (pseudo-)index months m (docs/methods.md §Register effect: all from m − H … m − 1). Run
-- once for the clients, once over every batch for the propensity model's sample, and once per
-- batch of comparison persons to score and match (ips_eval/register/matching.py); a batch
-- stays small at a million persons.
-- Parameters: lo, hi (unit_no range, hi exclusive); sample_step (1 = every comparison person;
-- n = the persons whose sample_key, a hash of birth date and sex, is divisible by n — a sample
-- that does not depend on the pseudonym key; the clients always); the priority numbers of the states (no_employed, no_disability_pension,
-- no_sickness_rehabilitation, no_student, no_unemployed; schemas/register_states.py).
-- Needs the tables of sql/register/match_units.sql.
--
-- A client is described at its index month; a comparison person at every client's index month
-- m at which they are 18–64 years old on the first day of m; design: the client's, and for a
-- candidate `not_yet_treated` when it is a later client (else NULL).
-- Six-month blocks b1 = m − 6 … m − 1, b2 = m − 12 … m − 7, …, b6 = m − 36 … m − 31 (the
-- longest history window; ips_eval/register/matching.py uses the blocks inside H). Per block:
-- months employed, mean earnings and mean benefits per month (a month with no data counts 0 €),
-- months in each benefit state, months with no register data (no row, or a row with no pay and
-- no benefit). Why running sums: a block's sum is the running sum before m − 6(b − 1) minus the
-- running sum before m − 6b, read by lag() from one ordered pass; a framed window aggregate per
-- block would cost a sort each, and so would a second stage of lags. A unit's months are consecutive from its first covered month,
-- so a lag that falls before it is a month with no row: 0 in every sum, and "no data".
CREATE OR REPLACE TEMP TABLE match_covariates_batch AS
WITH monthly AS (
    SELECT unit_no, month_no, state_no, employed,
           CAST(employed AS DOUBLE) AS v_employed,
           coalesce(earnings_eur, 0) AS v_earnings,
           coalesce(benefits_eur, 0) AS v_benefits,
           CAST(state_no = $no_disability_pension AS DOUBLE) AS v_disability_pension,
           CAST(state_no = $no_sickness_rehabilitation AS DOUBLE) AS v_sickness_rehabilitation,
           CAST(state_no = $no_student AS DOUBLE) AS v_student,
           CAST(state_no = $no_unemployed AS DOUBLE) AS v_unemployed,
           -- no_data − 1: a block's sum is (months with a row but no data) − (months with a
           -- row), so 6 + the sum counts the block's months with no data, rows or not
           CAST(no_data AS DOUBLE) - 1 AS v_no_data
    FROM match_history
    WHERE unit_no >= $lo AND unit_no < $hi
      AND ($sample_step = 1 OR unit_no <= (SELECT max(unit_no) FROM match_clients)
           OR unit_no IN (SELECT unit_no FROM match_persons WHERE sample_key % $sample_step = 0))
),
running AS (
    SELECT unit_no, month_no, state_no, employed,
           sum(COLUMNS('^v_(.*)')) OVER w - COLUMNS('^v_(.*)') AS 'r_\1'
    FROM monthly
    WINDOW w AS (PARTITION BY unit_no ORDER BY month_no ROWS UNBOUNDED PRECEDING)
),
blocks AS (
    SELECT unit_no, month_no,
           COLUMNS('^r_(.*)') - coalesce(lag(COLUMNS('^r_(.*)'), 6) OVER o, 0) AS 'b1_\1',
           coalesce(lag(COLUMNS('^r_(.*)'), 6) OVER o, 0)
               - coalesce(lag(COLUMNS('^r_(.*)'), 12) OVER o, 0) AS 'b2_\1',
           coalesce(lag(COLUMNS('^r_(.*)'), 12) OVER o, 0)
               - coalesce(lag(COLUMNS('^r_(.*)'), 18) OVER o, 0) AS 'b3_\1',
           coalesce(lag(COLUMNS('^r_(.*)'), 18) OVER o, 0)
               - coalesce(lag(COLUMNS('^r_(.*)'), 24) OVER o, 0) AS 'b4_\1',
           coalesce(lag(COLUMNS('^r_(.*)'), 24) OVER o, 0)
               - coalesce(lag(COLUMNS('^r_(.*)'), 30) OVER o, 0) AS 'b5_\1',
           coalesce(lag(COLUMNS('^r_(.*)'), 30) OVER o, 0)
               - coalesce(lag(COLUMNS('^r_(.*)'), 36) OVER o, 0) AS 'b6_\1',
           lag(state_no, 1) OVER o AS state_no_m1,
           coalesce(lag(employed, 1) OVER o, 0) AS employed_m1,
           coalesce(lag(employed, 2) OVER o, 0) AS employed_m2,
           coalesce(lag(employed, 3) OVER o, 0) AS employed_m3,
           coalesce(lag(employed, 6) OVER o, 0) AS employed_m6,
           coalesce(lag(employed, 12) OVER o, 0) AS employed_m12,
           coalesce(lag(employed, 18) OVER o, 0) AS employed_m18,
           coalesce(lag(employed, 24) OVER o, 0) AS employed_m24,
           coalesce(lag(state_no, 12) OVER o, 0) AS state_no_m12,
           coalesce(lag(state_no, 24) OVER o, 0) AS state_no_m24
    FROM running
    WINDOW o AS (PARTITION BY unit_no ORDER BY month_no)
),
units AS (
    SELECT c.unit_no, c.index_month_no AS month_no, TRUE AS is_client, c.design, c.age,
           c.sex = 'male' AS male
    FROM match_clients AS c
    WHERE c.unit_no >= $lo AND c.unit_no < $hi
    UNION ALL
    -- age in completed years on the first day of month m, by month arithmetic (born on a
    -- later day of the month: the birthday has not yet come). A later client is a candidate
    -- before its own start only, with 24 covered months behind m, as a client needs.
    SELECT p.unit_no, i.month_no, FALSE,
           CASE WHEN p.own_index_no IS NOT NULL THEN 'not_yet_treated' END,
           (i.month_no - p.birth_month_no - p.born_after_first) // 12 AS age, p.sex = 'male'
    FROM match_persons AS p
    CROSS JOIN match_index_months AS i
    WHERE p.unit_no >= $lo AND p.unit_no < $hi
      AND (i.month_no - p.birth_month_no - p.born_after_first) // 12 BETWEEN 18 AND 64
      AND (p.own_index_no IS NULL
           OR (i.month_no < p.own_index_no AND i.month_no - 24 >= p.first_covered_no))
),
described AS (
    SELECT u.unit_no, u.month_no, u.is_client, u.design, u.male, b.state_no_m1,
           -- the employment pattern: each block of the last 24 months as 0 / 1–3 / 4–6 months
           -- employed, b1 the lowest digit (base 3), so that dropping the oldest block is a
           -- remainder (sql/register/match_batch.sql)
           CAST(CASE WHEN b.b1_employed = 0 THEN 0 WHEN b.b1_employed <= 3 THEN 1 ELSE 2 END
                + 3 * CASE WHEN b.b2_employed = 0 THEN 0 WHEN b.b2_employed <= 3 THEN 1 ELSE 2 END
                + 9 * CASE WHEN b.b3_employed = 0 THEN 0 WHEN b.b3_employed <= 3 THEN 1 ELSE 2 END
                + 27 * CASE WHEN b.b4_employed = 0 THEN 0 WHEN b.b4_employed <= 3 THEN 1 ELSE 2 END
                AS INTEGER) AS pattern,
           CAST(u.age AS DOUBLE) AS x_age, CAST(u.male AS DOUBLE) AS x_male,
           COLUMNS('^b[1-6]_(employed|disability_pension|sickness_rehabilitation|student|unemployed)$')
               AS 'x_\0',
           COLUMNS('^(b[1-6])_(earnings|benefits)$') / 6 AS 'x_\1_\2',
           6 + COLUMNS('^b[1-6]_no_data$') AS 'x_\0',
           CAST(COLUMNS('^employed_m[0-9]+$') AS DOUBLE) AS 'x_\0',
           CAST(b.state_no_m12 = $no_disability_pension AS DOUBLE) AS x_m12_disability_pension,
           CAST(b.state_no_m12 = $no_sickness_rehabilitation AS DOUBLE)
               AS x_m12_sickness_rehabilitation,
           CAST(b.state_no_m12 = $no_student AS DOUBLE) AS x_m12_student,
           CAST(b.state_no_m12 = $no_unemployed AS DOUBLE) AS x_m12_unemployed,
           CAST(b.state_no_m24 = $no_disability_pension AS DOUBLE) AS x_m24_disability_pension,
           CAST(b.state_no_m24 = $no_sickness_rehabilitation AS DOUBLE)
               AS x_m24_sickness_rehabilitation,
           CAST(b.state_no_m24 = $no_student AS DOUBLE) AS x_m24_student,
           CAST(b.state_no_m24 = $no_unemployed AS DOUBLE) AS x_m24_unemployed
    FROM units AS u
    JOIN blocks AS b USING (unit_no, month_no)
    WHERE b.state_no_m1 IS NOT NULL
)
SELECT *,
       -- the last word among candidates at the same distance: their covariates and month,
       -- never the pseudonym (sql/register/match_batch.sql)
       hash(month_no, list_value(*COLUMNS('^x_'))) AS tiebreak
FROM described;
