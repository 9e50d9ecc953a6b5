-- analysis.client_service_years: one row per client of analysis.clients and calendar year in
-- which the client was in service (DESIGN.md §4, Costs), the denominators of costs.csv.
--   days_in_service  the year's days from the index date to the service end or, still in
--                    service, the cut-off, both days included (a client-year = 365.25 days);
--   started          the index date falls in the year;
--   window_12m       the client has 12 months of follow-up: index date + $window_12 ≤ cut-off;
--   employed_12m     of those, a first competitive job within $window_12 days of the index
--                    date (analysis.tte, TTFJ event 1) — "job within 12 months" as attachment.
-- Parameters: $window_12 (DOUBLE days, schemas/windows.py).
CREATE OR REPLACE TABLE analysis.client_service_years AS
WITH spans AS (
    SELECT c.client_id, c.region, c.cohort, c.index_date,
           coalesce(c.exit_date, c.cutoff_date) AS last_day,
           c.followup_days >= $window_12 AS window_12m,
           c.followup_days >= $window_12 AND t.event = 1 AND t.time_days <= $window_12
               AS employed_12m
    FROM analysis.clients AS c
    LEFT JOIN analysis.tte AS t ON t.client_id = c.client_id AND t.param = 'TTFJ'
),
years AS (
    SELECT s.*, y.year
    FROM spans AS s,
        LATERAL (SELECT unnest(range(year(s.index_date), year(s.last_day) + 1)) AS year) AS y
)
SELECT
    client_id, region, cohort, CAST(year AS INTEGER) AS year,
    CAST(least(last_day, make_date(CAST(year AS INTEGER), 12, 31))
         - greatest(index_date, make_date(CAST(year AS INTEGER), 1, 1)) + 1 AS INTEGER)
        AS days_in_service,
    year(index_date) = year AS started,
    window_12m,
    coalesce(employed_12m, FALSE) AS employed_12m
FROM years
ORDER BY client_id, year;
