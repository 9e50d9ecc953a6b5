-- Register effect, part 3: score one batch's candidates (after sql/register_match_covariates.sql)
-- by the propensity model's linear predictor, add them to the balance-before sums, and keep
-- each client's k nearest within its exact stratum and the caliper (docs/methods.md §Register
-- effect). Parameters: b_intercept, b_age, b_male, b_employed_24, b_employed_6,
-- b_disability_pension_24, b_sickness_rehabilitation_24, b_student_24, b_unemployed_24,
-- b_earnings_12, b_benefits_12 (the logit's coefficients on the covariates' own scale), b_state
-- (DOUBLE[]: the coefficient of each state at m − 1, by its priority number), caliper (on the
-- linear predictor), k.
--
-- Exact strata: sex and the state at m − 1; the candidate's pseudo-index month is the client's
-- index month, which also fixes the index quarter. Ties in distance go to the lower unit_no
-- (pid order), so the same data give the same matches in every run. Each batch keeps its own
-- k nearest per client; the k nearest over all batches are among them
-- (sql/register_match_final.sql picks them).
CREATE OR REPLACE TEMP TABLE match_scored_batch AS
SELECT *,
       $b_intercept + $b_age * age + $b_male * CAST(male AS DOUBLE)
       + $b_employed_24 * employed_24 + $b_employed_6 * employed_6
       + $b_disability_pension_24 * disability_pension_24
       + $b_sickness_rehabilitation_24 * sickness_rehabilitation_24
       + $b_student_24 * student_24 + $b_unemployed_24 * unemployed_24
       + $b_earnings_12 * earnings_12 + $b_benefits_12 * benefits_12
       + coalesce(list_extract(CAST($b_state AS DOUBLE[]), state_no_m1), 0) AS lp
FROM match_covariates_batch;

-- The clients are scored once, in the batch that holds them (the first).
INSERT INTO match_client_scores
SELECT * EXCLUDE (is_client) FROM match_scored_batch WHERE is_client;

-- Balance before matching: every eligible candidate row, weighted by the number of clients
-- whose index month it stands at (the risk set the clients were drawn from).
-- Sums over exact decimals: a parallel float sum's order (and so its last bits) varies from
-- run to run, and the published balance must not.
INSERT INTO match_before_sums
SELECT covariate, sum(CAST(w * value AS DECIMAL(38, 6))),
       sum(CAST(w * value * value AS DECIMAL(38, 4))), sum(CAST(w AS DECIMAL(38, 0)))
FROM (
    UNPIVOT (
        SELECT CAST(i.n_clients AS DOUBLE) AS w, s.age, CAST(s.male AS DOUBLE) AS male,
               s.employed_24, s.employed_6, s.disability_pension_24,
               s.sickness_rehabilitation_24, s.student_24, s.unemployed_24,
               s.earnings_12, s.benefits_12,
               CAST(s.state_no_m1 AS DOUBLE) AS state_no_m1
        FROM match_scored_batch AS s
        JOIN match_index_months AS i USING (month_no)
        WHERE NOT s.is_client)
    ON COLUMNS(* EXCLUDE (w, state_no_m1)) INTO NAME covariate VALUE value)
GROUP BY covariate
UNION ALL
SELECT 'state_m1:' || CAST(s.state_no_m1 AS VARCHAR), sum(i.n_clients), sum(i.n_clients),
       sum(i.n_clients)
FROM match_scored_batch AS s
JOIN match_index_months AS i USING (month_no)
WHERE NOT s.is_client
GROUP BY s.state_no_m1;

INSERT INTO match_pairs_found
SELECT c.unit_no AS client_unit, c.lp AS client_lp, abs(p.lp - c.lp) AS distance,
       p.* EXCLUDE (is_client)
FROM match_client_scores AS c
JOIN match_scored_batch AS p
  ON p.month_no = c.month_no AND p.male = c.male AND p.state_no_m1 = c.state_no_m1
 AND p.lp BETWEEN c.lp - $caliper AND c.lp + $caliper
WHERE NOT p.is_client
QUALIFY row_number() OVER (PARTITION BY c.unit_no ORDER BY abs(p.lp - c.lp), p.unit_no) <= $k;
