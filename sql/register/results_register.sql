-- results.register: clients' register months by cohort and relative month (docs/methods.md
-- §Register months). One row per state — every state, n = 0 included, so tables and stacked figures
-- see a full grid — plus one row with state 'all' (n = persons observed at that relative month, pct
-- 100). Every row carries the mean and median earnings and the mean benefits of its persons: on
-- the 'all' row, of every client observed at that relative month.
-- Months before the registers begin (covered = false) are left out: no data, not "other";
-- so are a client's months before −24, there for the register effect's history only.
-- Means are taken over exact decimals: a float average's last bits depend on the order in which
-- parallel threads add, and two runs on the same deliveries must publish the same digits.
WITH months AS (
    SELECT cohort, rel_month, main_state, earnings_eur, benefits_eur
    FROM analysis.register_monthly
    WHERE client_id IS NOT NULL AND covered AND rel_month >= -24
),
groups AS (
    SELECT cohort, rel_month, coalesce(main_state, 'all') AS state, count(*) AS n,
           avg(earnings_eur::DECIMAL(18, 6))::DOUBLE AS mean_earnings_eur,
           median(earnings_eur) AS median_earnings_eur,
           avg(benefits_eur::DECIMAL(18, 6))::DOUBLE AS mean_benefits_eur
    FROM months
    GROUP BY GROUPING SETS ((cohort, rel_month, main_state), (cohort, rel_month))
),
grid AS (
    SELECT g.cohort, g.rel_month, s.state, s.priority AS state_order
    FROM (SELECT DISTINCT cohort, rel_month FROM groups) AS g
    CROSS JOIN (SELECT state, priority FROM meta.register_states
                UNION ALL SELECT 'all', 0) AS s
)
SELECT grid.cohort, grid.rel_month, grid.state, grid.state_order,
       coalesce(g.n, 0) AS n,
       100.0 * coalesce(g.n, 0) / max(g.n) FILTER (WHERE grid.state = 'all')
           OVER (PARTITION BY grid.cohort, grid.rel_month) AS pct,
       g.mean_earnings_eur, g.median_earnings_eur, g.mean_benefits_eur
FROM grid
LEFT JOIN groups AS g USING (cohort, rel_month, state)
ORDER BY grid.cohort, grid.rel_month, grid.state_order
