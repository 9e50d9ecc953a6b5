-- results.quarterly_team: the quarterly employment rate per team (docs/methods.md §Quarterly
-- employment rate; the same active and working clients as sql/employment/quarterly.sql,
-- analysis.client_quarters, grouped by the client's team). Clients without a team code are left
-- out.
SELECT
    team,
    any_value(region) AS region,
    any_value(cohort) AS cohort,
    strftime(quarter_start, '%Y') || '-Q' || CAST(quarter(quarter_start) AS VARCHAR) AS quarter,
    count(*) AS active,
    count(*) FILTER (WHERE working) AS working,
    count(*) FILTER (WHERE working) / count(*) AS rate,
    quarter_start,
    any_value(quarter_end) AS quarter_end,
    bool_and(complete) AS complete,
    count(*) FILTER (WHERE working_x) AS working_excl_pay_subsidy,
    count(*) FILTER (WHERE working_x) / count(*) AS rate_excl_pay_subsidy
FROM analysis.client_quarters
WHERE team IS NOT NULL
GROUP BY team, quarter_start
ORDER BY team, quarter_start;
