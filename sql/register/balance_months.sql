-- Register effect, part 6: the comparison group before matching at every month −24 … −1
-- (docs/methods.md §Register effect, balance by month): for each index month m, the
-- comparison persons who are candidates at m (18–64 years old on its first day), their
-- outcome at m + r, weighted by the effect's clients at m. Aggregated first by calendar month
-- and birth month — a few thousand rows at any scale — so that no person is joined to every
-- index month. Parameters: none. Needs the tables of sql/register/match_units.sql.
CREATE OR REPLACE TEMP TABLE match_balance_months AS
WITH by_birth AS (
    SELECT h.month_no, p.birth_month_no, p.born_after_first, s.state,
           count(*) AS n, sum(h.employed) AS employed,
           sum(coalesce(h.earnings_eur, 0)) AS earnings,
           sum(coalesce(h.earnings_eur, 0) ^ 2) AS earnings_sq,
           sum(coalesce(h.benefits_eur, 0)) AS benefits,
           sum(coalesce(h.benefits_eur, 0) ^ 2) AS benefits_sq
    FROM match_history AS h
    JOIN match_persons AS p USING (unit_no)
    JOIN meta.register_states AS s ON s.priority = h.state_no
    GROUP BY ALL
),
at_month AS (
    SELECT r.rel_month, i.n_clients AS w, b.*
    FROM match_index_months AS i
    CROSS JOIN (SELECT CAST(range AS INTEGER) AS rel_month FROM range(-24, 0)) AS r
    JOIN by_birth AS b
      ON b.month_no = i.month_no + r.rel_month
     AND (i.month_no - b.birth_month_no - b.born_after_first) // 12 BETWEEN 18 AND 64
    WHERE i.n_clients > 0
),
totals AS (
    SELECT rel_month, sum(w * n) AS n, sum(w * employed) AS employed,
           sum(w * earnings) AS earnings, sum(w * earnings_sq) AS earnings_sq,
           sum(w * benefits) AS benefits, sum(w * benefits_sq) AS benefits_sq
    FROM at_month GROUP BY rel_month
)
SELECT t.rel_month, 'employed' AS outcome, t.employed / t.n AS mean,
       t.employed / t.n * (1 - t.employed / t.n) AS var
FROM totals AS t
UNION ALL
SELECT rel_month, 'earnings_eur', earnings / n, earnings_sq / n - (earnings / n) ^ 2 FROM totals
UNION ALL
SELECT rel_month, 'benefits_eur', benefits / n, benefits_sq / n - (benefits / n) ^ 2 FROM totals
UNION ALL
SELECT t.rel_month, 'state_' || s.state, coalesce(a.k, 0) / t.n,
       coalesce(a.k, 0) / t.n * (1 - coalesce(a.k, 0) / t.n)
FROM totals AS t
CROSS JOIN meta.register_states AS s
LEFT JOIN (SELECT rel_month, state, sum(w * n) AS k FROM at_month GROUP BY ALL) AS a
  ON a.rel_month = t.rel_month AND a.state = s.state;
