-- analysis.client_service_years: one row per client of analysis.clients and calendar year in
-- which the client was in service (docs/methods.md §Costs), the denominators of costs.csv.
--   days_in_service  the year's days from the index date to the service end or, still in
--                    service, the cut-off, both days included (client-years: / DAYS_PER_YEAR of schemas/windows.py);
--   started          the index date falls in the year;
--   followup_days, event, time_days  the client's follow-up and TTFJ row (analysis.tte), from
--                    which ips_eval.fidelity.costs tells "a job within 12 months" by the rule's
--                    one home (ips_eval.employment.derive.followed_for / first_job_within).
CREATE OR REPLACE TABLE analysis.client_service_years AS
WITH spans AS (
    SELECT c.client_id, c.region, c.cohort, c.index_date, c.followup_days,
           coalesce(c.exit_date, c.cutoff_date) AS last_day, t.event, t.time_days
    FROM analysis.clients AS c
    LEFT JOIN analysis.tte AS t ON t.client_id = c.client_id AND t.param = 'TTFJ'
),
years AS (
    SELECT s.*, CAST(y.year AS INTEGER) AS year
    FROM spans AS s,
        LATERAL (SELECT unnest(range(year(s.index_date), year(s.last_day) + 1)) AS year) AS y
)
SELECT
    client_id, region, cohort, year,
    CAST(least(last_day, make_date(year, 12, 31))
         - greatest(index_date, make_date(year, 1, 1)) + 1 AS INTEGER) AS days_in_service,
    year(index_date) = year AS started,
    followup_days, event, time_days
FROM years
ORDER BY client_id, year;
