-- analysis.client_quarters: one row per client and calendar quarter in which the client was
-- active in the service — the frame of the quarterly employment rate, IPS Learning Community
-- style (docs/methods.md §Quarterly employment rate), which sql/employment/quarterly.sql (by region) and
-- sql/employment/quarterly_team.sql (by team) count:
--   active   in the service on some day of the quarter up to the cut-off (in_service,
--            employment_macros.sql);
--   working  held a competitive job (started on/after the index date; pay-subsidised count)
--            on some day of the quarter (analysis.employment_spells); working_x without
--            pay-subsidised jobs.
-- Quarters run from the region's first index date to its cohort's cut-off; only days up to the
-- cut-off are used, and a quarter the cut-off cuts short is marked complete = false.
CREATE OR REPLACE TABLE analysis.client_quarters AS
WITH regions AS (
    SELECT region, any_value(cohort) AS cohort, min(index_date) AS first_index,
           max(cutoff_date) AS cutoff_date
    FROM analysis.clients
    GROUP BY region
),
quarters AS (
    SELECT
        r.region, r.cohort, r.cutoff_date,
        CAST(q.quarter_start AS DATE) AS quarter_start,
        CAST(q.quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS quarter_end
    FROM regions AS r,
        LATERAL (
            SELECT unnest(generate_series(
                date_trunc('quarter', r.first_index),
                date_trunc('quarter', r.cutoff_date),
                INTERVAL 3 MONTH)) AS quarter_start
        ) AS q
),
active AS (
    SELECT q.region, q.cohort, q.quarter_start, q.quarter_end,
           least(q.quarter_end, q.cutoff_date) AS last_day,
           q.quarter_end <= q.cutoff_date AS complete, c.client_id, c.team
    FROM quarters AS q
    JOIN analysis.clients AS c
        ON c.region = q.region
        AND in_service(c.index_date, c.exit_date, q.quarter_start,
                       least(q.quarter_end, q.cutoff_date))
)
SELECT
    a.region, a.cohort, a.team, a.quarter_start, a.quarter_end, a.complete, a.client_id,
    bool_or(s.scope = 'competitive') AS working,
    bool_or(s.scope = 'competitive_excl_pay_subsidy') AS working_x
FROM active AS a
LEFT JOIN analysis.employment_spells AS s
    ON s.client_id = a.client_id
    AND s.spell_start <= a.last_day
    AND s.spell_end >= a.quarter_start
GROUP BY ALL;
