-- Register effect, part 2: the matching covariates of one batch of units at their index months
-- (docs/methods.md §Register effect: all from m − 24 … m − 1). Run once for the clients and the
-- propensity model's sample of comparison persons, and then once per batch of comparison
-- persons (ips_eval/register/matching.py); a batch stays small at a million persons.
-- Parameters: lo, hi (unit_no range, hi exclusive), step (every step-th unit: 1 = all), and
-- the priority numbers of the benefit states (no_disability_pension, no_sickness_rehabilitation,
-- no_student, no_unemployed; schemas/register_states.py).
-- Needs the tables of sql/register_match_units.sql.
--
-- A client is described at its index month; a comparison person at every clients' index month
-- m at which they are 18–64 years old and have all 24 months m − 24 … m − 1.
-- Why running sums: a sum over m − k … m − 1 is the running sum before m minus the running sum
-- before m − k, read by lag() from the same ordered pass; four framed window aggregates (24, 12,
-- 6 and 1 months) cost four times the sorting and most of the matching's time. The row 24
-- back being month m − 24 proves the 24 months are all there (months are distinct).
CREATE OR REPLACE TEMP TABLE match_covariates_batch AS
WITH running AS (
    SELECT unit_no, month_no, state_no,
           sum(employed) OVER w - employed AS employed_before,
           sum(CAST(state_no = $no_disability_pension AS INTEGER)) OVER w
               - CAST(state_no = $no_disability_pension AS INTEGER) AS disability_before,
           sum(CAST(state_no = $no_sickness_rehabilitation AS INTEGER)) OVER w
               - CAST(state_no = $no_sickness_rehabilitation AS INTEGER) AS sickness_before,
           sum(CAST(state_no = $no_student AS INTEGER)) OVER w
               - CAST(state_no = $no_student AS INTEGER) AS student_before,
           sum(CAST(state_no = $no_unemployed AS INTEGER)) OVER w
               - CAST(state_no = $no_unemployed AS INTEGER) AS unemployed_before,
           -- unknown amounts (NULL) add nothing and are not counted in the means
           sum(coalesce(earnings_eur, 0)) OVER w - coalesce(earnings_eur, 0) AS earnings_before,
           count(earnings_eur) OVER w - CAST(earnings_eur IS NOT NULL AS INTEGER)
               AS earnings_n_before,
           sum(coalesce(benefits_eur, 0)) OVER w - coalesce(benefits_eur, 0) AS benefits_before,
           count(benefits_eur) OVER w - CAST(benefits_eur IS NOT NULL AS INTEGER)
               AS benefits_n_before
    FROM match_history
    WHERE unit_no >= $lo AND unit_no < $hi AND unit_no % $step = 0
    WINDOW w AS (PARTITION BY unit_no ORDER BY month_no ROWS UNBOUNDED PRECEDING)
),
windows AS (
    SELECT unit_no, month_no,
           lag(month_no, 24) OVER o AS month_24_back,
           employed_before - lag(employed_before, 24) OVER o AS employed_24,
           employed_before - lag(employed_before, 6) OVER o AS employed_6,
           disability_before - lag(disability_before, 24) OVER o AS disability_pension_24,
           sickness_before - lag(sickness_before, 24) OVER o AS sickness_rehabilitation_24,
           student_before - lag(student_before, 24) OVER o AS student_24,
           unemployed_before - lag(unemployed_before, 24) OVER o AS unemployed_24,
           coalesce((earnings_before - lag(earnings_before, 12) OVER o)
                    / nullif(earnings_n_before - lag(earnings_n_before, 12) OVER o, 0), 0)
               AS earnings_12,
           coalesce((benefits_before - lag(benefits_before, 12) OVER o)
                    / nullif(benefits_n_before - lag(benefits_n_before, 12) OVER o, 0), 0)
               AS benefits_12,
           lag(state_no, 1) OVER o AS state_no_m1
    FROM running
    WINDOW o AS (PARTITION BY unit_no ORDER BY month_no)
),
units AS (
    SELECT c.unit_no, c.index_month_no AS month_no, TRUE AS is_client, c.age,
           c.sex = 'male' AS male
    FROM match_clients AS c
    WHERE c.unit_no >= $lo AND c.unit_no < $hi AND c.unit_no % $step = 0
    UNION ALL
    -- age in completed years on the first day of month m, by month arithmetic (born on a
    -- later day of the month: the birthday has not yet come)
    SELECT p.unit_no, i.month_no, FALSE,
           (i.month_no - p.birth_month_no - p.born_after_first) // 12 AS age, p.sex = 'male'
    FROM match_persons AS p
    CROSS JOIN match_index_months AS i
    WHERE p.unit_no >= $lo AND p.unit_no < $hi AND p.unit_no % $step = 0
      AND (i.month_no - p.birth_month_no - p.born_after_first) // 12 BETWEEN 18 AND 64
)
SELECT u.unit_no, u.month_no, u.is_client, CAST(u.age AS DOUBLE) AS age, u.male,
       w.state_no_m1, CAST(w.employed_24 AS DOUBLE) AS employed_24,
       CAST(w.employed_6 AS DOUBLE) AS employed_6,
       CAST(w.disability_pension_24 AS DOUBLE) AS disability_pension_24,
       CAST(w.sickness_rehabilitation_24 AS DOUBLE) AS sickness_rehabilitation_24,
       CAST(w.student_24 AS DOUBLE) AS student_24,
       CAST(w.unemployed_24 AS DOUBLE) AS unemployed_24,
       CAST(w.earnings_12 AS DOUBLE) AS earnings_12, CAST(w.benefits_12 AS DOUBLE) AS benefits_12
FROM units AS u
JOIN windows AS w USING (unit_no, month_no)
WHERE w.month_24_back = u.month_no - 24;
