-- Register effect, part 2: the matching covariates of one batch of units at their index months
-- (DESIGN.md §4, "Register effect": all from m − 24 … m − 1). Run once for the clients and the
-- propensity model's sample of comparison persons, and then once per batch of comparison
-- persons (ips_eval/register/matching.py); a batch stays small at a million persons.
-- Parameters: lo, hi (unit_no range, hi exclusive), step (every step-th unit: 1 = all), and
-- the priority numbers of the benefit states (no_disability_pension, no_sickness_rehabilitation,
-- no_student, no_unemployed; schemas/register_states.py).
-- Needs the tables of sql/register_match_units.sql.
--
-- A client is described at its index month; a comparison person at every clients' index month
-- m at which they are 18–64 years old and have all 24 months m − 24 … m − 1 (a RANGE frame
-- over month_no counts the months that are there). state_no_m1: the main state's priority
-- number in month m − 1 (meta.register_states).
CREATE OR REPLACE TEMP TABLE match_covariates_batch AS
WITH windows AS (
    SELECT unit_no, month_no,
           count(*) OVER w24 AS months_24,
           sum(employed) OVER w24 AS employed_24,
           sum(employed) OVER w6 AS employed_6,
           count(*) FILTER (WHERE state_no = $no_disability_pension) OVER w24 AS disability_pension_24,
           count(*) FILTER (WHERE state_no = $no_sickness_rehabilitation) OVER w24 AS sickness_rehabilitation_24,
           count(*) FILTER (WHERE state_no = $no_student) OVER w24 AS student_24,
           count(*) FILTER (WHERE state_no = $no_unemployed) OVER w24 AS unemployed_24,
           coalesce(avg(earnings_eur) OVER w12, 0) AS earnings_12,
           coalesce(avg(benefits_eur) OVER w12, 0) AS benefits_12,
           max(state_no) OVER w1 AS state_no_m1
    FROM match_history
    WHERE unit_no >= $lo AND unit_no < $hi AND unit_no % $step = 0
    WINDOW w24 AS (PARTITION BY unit_no ORDER BY month_no
                   RANGE BETWEEN 24 PRECEDING AND 1 PRECEDING),
           w12 AS (PARTITION BY unit_no ORDER BY month_no
                   RANGE BETWEEN 12 PRECEDING AND 1 PRECEDING),
           w6 AS (PARTITION BY unit_no ORDER BY month_no
                  RANGE BETWEEN 6 PRECEDING AND 1 PRECEDING),
           w1 AS (PARTITION BY unit_no ORDER BY month_no
                  RANGE BETWEEN 1 PRECEDING AND 1 PRECEDING)
),
units AS (
    SELECT c.unit_no, c.index_month_no AS month_no, TRUE AS is_client, c.age,
           c.sex = 'male' AS male
    FROM match_clients AS c
    WHERE c.unit_no >= $lo AND c.unit_no < $hi AND c.unit_no % $step = 0
    UNION ALL
    SELECT p.unit_no, i.month_no, FALSE, a.age, p.sex = 'male'
    FROM match_persons AS p
    CROSS JOIN match_index_months AS i
    CROSS JOIN LATERAL (
        SELECT make_date(CAST(i.month_no // 12 AS INTEGER), CAST(i.month_no % 12 + 1 AS INTEGER),
                         1) AS month_start) AS d
    CROSS JOIN LATERAL (
        SELECT date_diff('year', p.birth_date, d.month_start)
               - CASE WHEN strftime(d.month_start, '%m-%d') < strftime(p.birth_date, '%m-%d')
                      THEN 1 ELSE 0 END AS age) AS a
    WHERE p.unit_no >= $lo AND p.unit_no < $hi AND p.unit_no % $step = 0
      AND a.age BETWEEN 18 AND 64
)
SELECT u.unit_no, u.month_no, u.is_client, CAST(u.age AS DOUBLE) AS age, u.male,
       w.state_no_m1, CAST(w.employed_24 AS DOUBLE) AS employed_24,
       CAST(w.employed_6 AS DOUBLE) AS employed_6,
       CAST(w.disability_pension_24 AS DOUBLE) AS disability_pension_24,
       CAST(w.sickness_rehabilitation_24 AS DOUBLE) AS sickness_rehabilitation_24,
       CAST(w.student_24 AS DOUBLE) AS student_24,
       CAST(w.unemployed_24 AS DOUBLE) AS unemployed_24,
       w.earnings_12, w.benefits_12
FROM units AS u
JOIN windows AS w USING (unit_no, month_no)
WHERE w.months_24 = 24 AND w.state_no_m1 IS NOT NULL;
