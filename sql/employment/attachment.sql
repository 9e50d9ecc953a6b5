-- results.attachment: attachment to work at 6 and 12 months (docs/methods.md §Attachment to work),
-- by cohort, region and all. Among clients whose index date + window ≤ their cut-off (a full window
-- observed):
--   any job          a competitive job (starting on/after the index date) held on a day of the
--                    window;
--   employed at end  holding one on the window's last day;
--   days worked      days in the window in a competitive job, overlapping jobs counted once.
-- The window covers the days whose distance from the index date is ≤ its length in days
-- (6 months: index … index + 182; 12 months: index … index + 365); its last day is the last of those.
-- Days held: analysis.employment_spells (a job without end date counts to its observed_until).
-- Every count also without pay-subsidised jobs (*_excl_pay_subsidy). The windows: meta.windows
-- (sql/study/windows.sql, the run's horizons).
WITH eligible AS (
    SELECT
        c.client_id, c.cohort, c.region, c.index_date, w.window_months, w.window_days,
        c.index_date + CAST(floor(w.window_days) AS INTEGER) AS window_end
    FROM analysis.clients AS c
    CROSS JOIN meta.windows AS w
    WHERE c.cutoff_date - c.index_date >= w.window_days
),
per_client AS (
    SELECT
        e.client_id, e.cohort, e.region, e.window_months, e.window_days,
        coalesce(bool_or(s.spell_start <= e.window_end)
            FILTER (WHERE s.scope = 'competitive'), FALSE) AS any_job,
        coalesce(bool_or(s.spell_start <= e.window_end AND s.spell_end >= e.window_end)
            FILTER (WHERE s.scope = 'competitive'), FALSE) AS employed_at_end,
        coalesce(sum(greatest(0, least(s.spell_end, e.window_end) - s.spell_start + 1))
            FILTER (WHERE s.scope = 'competitive'), 0) AS days_worked,
        coalesce(bool_or(s.spell_start <= e.window_end)
            FILTER (WHERE s.scope = 'competitive_excl_pay_subsidy'), FALSE) AS any_job_x,
        coalesce(bool_or(s.spell_start <= e.window_end AND s.spell_end >= e.window_end)
            FILTER (WHERE s.scope = 'competitive_excl_pay_subsidy'), FALSE) AS employed_at_end_x,
        coalesce(sum(greatest(0, least(s.spell_end, e.window_end) - s.spell_start + 1))
            FILTER (WHERE s.scope = 'competitive_excl_pay_subsidy'), 0) AS days_worked_x
    FROM eligible AS e
    LEFT JOIN analysis.employment_spells AS s USING (client_id)
    GROUP BY ALL
),
grouped AS (
    SELECT
        window_months,
        any_value(window_days) AS window_days,
        CASE WHEN GROUPING(cohort) = 0 THEN 'cohort'
             WHEN GROUPING(region) = 0 THEN 'region' ELSE 'all' END AS group_var,
        coalesce(cohort, region, 'all') AS "group",
        count(*) AS n_clients,
        count(*) FILTER (WHERE any_job) AS n_any_job,
        count(*) FILTER (WHERE employed_at_end) AS n_employed_at_end,
        avg(days_worked) AS mean_days_worked,
        median(days_worked) AS median_days_worked,
        count(*) FILTER (WHERE any_job_x) AS n_any_job_excl_pay_subsidy,
        count(*) FILTER (WHERE employed_at_end_x) AS n_employed_at_end_excl_pay_subsidy,
        avg(days_worked_x) AS mean_days_worked_excl_pay_subsidy
    FROM per_client
    GROUP BY GROUPING SETS ((window_months, cohort), (window_months, region), (window_months))
)
SELECT
    window_months, window_days, group_var, "group", n_clients,
    n_any_job, 100.0 * n_any_job / n_clients AS pct_any_job,
    n_employed_at_end, 100.0 * n_employed_at_end / n_clients AS pct_employed_at_end,
    mean_days_worked, median_days_worked,
    n_any_job_excl_pay_subsidy,
    100.0 * n_any_job_excl_pay_subsidy / n_clients AS pct_any_job_excl_pay_subsidy,
    n_employed_at_end_excl_pay_subsidy,
    100.0 * n_employed_at_end_excl_pay_subsidy / n_clients
        AS pct_employed_at_end_excl_pay_subsidy,
    mean_days_worked_excl_pay_subsidy
FROM grouped
ORDER BY window_months, group_var, "group";
