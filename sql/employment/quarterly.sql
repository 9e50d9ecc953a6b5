-- results.quarterly: the quarterly employment rate, IPS Learning Community style (docs/methods.md
-- §Quarterly employment rate): working / active, per region (and 'all') and calendar quarter,
-- counted over analysis.client_quarters (sql/employment/client_quarters.sql says who is active and working).
WITH grouped AS (
    SELECT
        coalesce(region, 'all') AS region,
        CASE WHEN GROUPING(region) = 0 THEN any_value(cohort) ELSE 'all' END AS cohort,
        quarter_start,
        any_value(quarter_end) AS quarter_end,
        bool_and(complete) AS complete,
        count(*) AS active,
        count(*) FILTER (WHERE working) AS working,
        count(*) FILTER (WHERE working_x) AS working_excl_pay_subsidy
    FROM analysis.client_quarters
    GROUP BY GROUPING SETS ((region, quarter_start), (quarter_start))
)
SELECT
    region,
    strftime(quarter_start, '%Y') || '-Q' || CAST(quarter(quarter_start) AS VARCHAR) AS quarter,
    active,
    working,
    working / active AS rate,
    cohort,
    quarter_start,
    quarter_end,
    complete,
    working_excl_pay_subsidy,
    working_excl_pay_subsidy / active AS rate_excl_pay_subsidy
FROM grouped
ORDER BY region, quarter_start;
