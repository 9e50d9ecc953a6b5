-- analysis.coach_months: the caseload of each coach on the last day of each month (docs/methods.md
-- §Process standards): clients in service on that day (in_service, employment_macros.sql:
-- index date ≤ the day, no service end before it).
-- Month ends from the month of the coach's first index date to the last month end on or before
-- the cohort's cut-off; a month end with no client in service is no coach-month (the coach had
-- no caseload to measure). coach, team, region, cohort from analysis.coaches (sql/fidelity/coaches.sql).
CREATE OR REPLACE TABLE analysis.coach_months AS
WITH month_ends AS (
    SELECT co.*, CAST(m.month_start + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
    FROM analysis.coaches AS co,
        LATERAL (SELECT unnest(generate_series(date_trunc('month', co.first_index),
                                               date_trunc('month', co.cutoff_date),
                                               INTERVAL 1 MONTH)) AS month_start) AS m
)
SELECT
    m.coach, m.team, m.region, m.cohort, m.month_end,
    count(*)::INTEGER AS caseload
FROM month_ends AS m
JOIN analysis.clients AS c
    ON c.coach = m.coach
    AND in_service(c.index_date, c.exit_date, m.month_end, m.month_end)
WHERE m.month_end <= m.cutoff_date
GROUP BY ALL
ORDER BY m.coach, m.month_end;
