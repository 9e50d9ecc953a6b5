-- Register effect, part 3: score one batch's candidates (after sql/register/match_covariates.sql)
-- by the propensity model's linear predictor, add them to the balance-before sums, and keep
-- each client's k nearest within its exact stratum and the caliper, at every fallback level
-- (docs/methods.md §Register effect).
-- Parameters: b_intercept; b_x (DOUBLE[]: the logit's coefficient of every x_ column of
-- match_covariates_batch in the table's column order, 0 for a covariate the model leaves out);
-- b_state (DOUBLE[]: the coefficient of each state at m − 1, by its priority number); caliper
-- (on the linear predictor); k.
--
-- Exact strata: sex, the state at m − 1, the (pseudo-)index month (calendar time: the
-- candidate's pseudo-index month is the client's) and the employment pattern of the last 24
-- months. Fallback levels for a client without a candidate in its full stratum: level 0 the
-- whole pattern, level 1 without its oldest block (m − 24 … m − 19), level 2 without the two
-- oldest, level 3 the last block only, level 4 no pattern. A pair's level is the lowest at
-- which the two agree; each batch keeps the k nearest per client and level, and
-- sql/register/match_final.sql keeps each client's lowest level that has a candidate — its
-- candidates at that level are exactly the pairs of that level. Ties in distance go to the lower tiebreak (a
-- hash of the candidate's month and covariates) and only then to the lower unit_no: no match
-- depends on the pseudonym key unless two candidates share every covariate.
CREATE OR REPLACE TEMP TABLE match_scored_batch AS
SELECT *,
       $b_intercept + list_dot_product(list_value(*COLUMNS('^x_')), CAST($b_x AS DOUBLE[]))
       + coalesce(list_extract(CAST($b_state AS DOUBLE[]), state_no_m1), 0) AS lp
FROM match_covariates_batch;

-- The clients are scored once, in the batch that holds them (the first).
INSERT INTO match_client_scores
SELECT * EXCLUDE (is_client) FROM match_scored_batch WHERE is_client;

-- Balance before matching: every eligible candidate row, weighted by the number of the
-- effect's clients whose index month it stands at (the risk set they were drawn from): one
-- row per batch with the total weight, each covariate's weighted sum and sum of squares, and
-- the weight of each state at m − 1 (ips_eval/register/effect.py adds the batches up).
-- Sums over exact decimals: a parallel float sum's order (and so its last bits) varies from
-- run to run, and the published balance must not.
INSERT INTO match_before_sums BY NAME
SELECT CAST(sum(w) AS DECIMAL(38, 0)) AS weight,
       sum(CAST(w * COLUMNS('^x_.*$') AS DECIMAL(38, 6))) AS 'sum_\0',
       sum(CAST(w * COLUMNS('^x_.*$') * COLUMNS('^x_.*$') AS DECIMAL(38, 4))) AS 'sumsq_\0'
FROM (SELECT CAST(i.n_clients AS DOUBLE) AS w, s.*
      FROM match_scored_batch AS s
      JOIN match_index_months AS i USING (month_no)
      WHERE NOT s.is_client AND s.design IS NULL AND i.n_clients > 0);

INSERT INTO match_before_states
SELECT s.state_no_m1, sum(i.n_clients)
FROM match_scored_batch AS s
JOIN match_index_months AS i USING (month_no)
WHERE NOT s.is_client AND s.design IS NULL AND i.n_clients > 0
GROUP BY s.state_no_m1;

-- The clients' candidates in their whole stratum (level 0): a join on the full pattern, each
-- client's k nearest taken by min_by(…, k) over (distance, tiebreak, unit_no) — the same pairs as
-- row_number() ≤ k in that order, without sorting every pair in a window (2 million pairs on the
-- built-in study: 12 s as a window, under 1 s so).
INSERT INTO match_pairs_found
SELECT top.client_unit, 0 AS level, top.client_lp, abs(p.lp - top.client_lp) AS distance,
       p.* EXCLUDE (is_client)
FROM (SELECT c.unit_no AS client_unit, any_value(c.lp) AS client_lp,
             unnest(min_by(p.rowid, (abs(p.lp - c.lp), p.tiebreak, p.unit_no), $k)) AS candidate
      FROM match_client_scores AS c
      JOIN match_scored_batch AS p
        ON p.month_no = c.month_no AND p.male = c.male AND p.state_no_m1 = c.state_no_m1
       AND p.pattern = c.pattern
       AND p.lp BETWEEN c.lp - $caliper AND c.lp + $caliper
       -- the not-yet-treated design's candidates are the later clients, the others' the rest
       AND (p.design IS NOT NULL) = (c.design = 'not_yet_treated')
      WHERE NOT p.is_client
      GROUP BY c.unit_no) AS top
JOIN match_scored_batch AS p ON p.rowid = top.candidate;

-- The fallback levels, only for the clients no batch so far has given a candidate at level 0
-- (a client that finds one in a later batch keeps level 0: sql/register/match_final.sql takes
-- the lowest level). A pair's level is the fewest blocks dropped for the patterns to agree.
INSERT INTO match_pairs_found
SELECT c.unit_no AS client_unit,
       CASE WHEN p.pattern % 27 = c.pattern % 27 THEN 1
            WHEN p.pattern % 9 = c.pattern % 9 THEN 2
            WHEN p.pattern % 3 = c.pattern % 3 THEN 3
            ELSE 4 END AS level,
       c.lp AS client_lp, abs(p.lp - c.lp) AS distance, p.* EXCLUDE (is_client)
FROM match_client_scores AS c
JOIN match_scored_batch AS p
  ON p.month_no = c.month_no AND p.male = c.male AND p.state_no_m1 = c.state_no_m1
 AND p.pattern <> c.pattern
 AND p.lp BETWEEN c.lp - $caliper AND c.lp + $caliper
 AND (p.design IS NOT NULL) = (c.design = 'not_yet_treated')
WHERE NOT p.is_client
  AND c.unit_no NOT IN (SELECT client_unit FROM match_pairs_found WHERE level = 0)
QUALIFY row_number() OVER (PARTITION BY c.unit_no, level
                           ORDER BY abs(p.lp - c.lp), p.tiebreak, p.unit_no) <= $k;
