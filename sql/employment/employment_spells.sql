-- analysis.employment_spells: the days each client held a competitive job after the index
-- date, as disjoint periods (the union of the client's overlapping or adjacent spells), so that
-- a day worked in two part-time jobs counts once. Every measure of time employed reads this
-- table: days_employed (client_employment.sql), attachment at 6/12 months (attachment.sql),
-- the quarterly employment rate (quarterly.sql).
--
-- A spell counts from its start to its observed_until (analysis.jobs: the end date, else the
-- last day it is known to be held). Only competitive jobs that count (sql/employment/macros.sql).
-- scope 'competitive' = all competitive jobs (pay-subsidised count, docs/methods.md §Competitive
-- job); scope 'competitive_excl_pay_subsidy' = the same without pay-subsidised jobs.
CREATE OR REPLACE TABLE analysis.employment_spells AS
WITH counted AS (
    SELECT j.client_id, s.scope, j.start_date, j.observed_until
    FROM analysis.jobs AS j
    JOIN analysis.clients AS c USING (client_id)
    CROSS JOIN (VALUES ('competitive'), ('competitive_excl_pay_subsidy')) AS s (scope)
    WHERE counts_as_competitive_job(j.competitive, j.start_date, c.index_date, c.cutoff_date)
        AND (s.scope = 'competitive' OR coalesce(j.pay_subsidy, 0) = 0)
),
ordered AS (
    SELECT
        *,
        max(observed_until) OVER (
            PARTITION BY client_id, scope ORDER BY start_date, observed_until
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS reached_before
    FROM counted
),
islands AS (
    SELECT
        *,
        sum(CASE WHEN reached_before IS NULL OR start_date > reached_before + 1 THEN 1 ELSE 0
            END) OVER (
            PARTITION BY client_id, scope ORDER BY start_date, observed_until
            ROWS UNBOUNDED PRECEDING
        ) AS island
    FROM ordered
)
SELECT
    client_id,
    scope,
    min(start_date) AS spell_start,
    max(observed_until) AS spell_end
FROM islands
GROUP BY client_id, scope, island
ORDER BY client_id, scope, spell_start;
