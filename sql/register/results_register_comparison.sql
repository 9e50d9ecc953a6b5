-- results.register_comparison: the register comparison persons (no client) by calendar month,
-- shaped as results.register: a row per state (n = 0 included) and one 'all' row, each with
-- the mean earnings and the mean benefits of its persons. No rows when the extract has no
-- comparison persons. No median: an exact median holds every value of its group in memory
-- (a million persons a month), which a memory-limited run cannot afford; means stream.
-- Means are taken over exact decimals: a float average's last bits depend on the order in which
-- parallel threads add, and two runs on the same deliveries must publish the same digits.
WITH months AS (
    SELECT month, main_state, earnings_eur, benefits_eur
    FROM analysis.register_monthly
    WHERE client_id IS NULL AND covered
),
groups AS (
    SELECT month, coalesce(main_state, 'all') AS state, count(*) AS n,
           avg(earnings_eur::DECIMAL(18, 6))::DOUBLE AS mean_earnings_eur,
           avg(benefits_eur::DECIMAL(18, 6))::DOUBLE AS mean_benefits_eur
    FROM months
    GROUP BY GROUPING SETS ((month, main_state), (month))
),
grid AS (
    SELECT g.month, s.state, s.priority AS state_order
    FROM (SELECT DISTINCT month FROM groups) AS g
    CROSS JOIN (SELECT state, priority FROM meta.register_states
                UNION ALL SELECT 'all', 0) AS s
)
SELECT grid.month, grid.state, grid.state_order,
       coalesce(g.n, 0) AS n,
       100.0 * coalesce(g.n, 0) / max(g.n) FILTER (WHERE grid.state = 'all')
           OVER (PARTITION BY grid.month) AS pct,
       g.mean_earnings_eur, g.mean_benefits_eur
FROM grid
LEFT JOIN groups AS g USING (month, state)
ORDER BY grid.month, grid.state_order
