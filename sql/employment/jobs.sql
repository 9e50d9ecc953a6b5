-- analysis.jobs: one row per cleaned job spell of a client in analysis.clients, as of the
-- cohort's cut-off (docs/outputs.md; docs/methods.md §Job tenure).
--
-- Cleaning, each rule here and only here:
--   * a spell that starts after the cut-off is dropped (nothing after the cut-off is used);
--   * an end date after the cut-off is unknown as of the cut-off: end_date (and end_reason)
--     NULL, so the spell is ongoing on the cut-off day;
--   * permanent = 1 for a permanent contract (sopimus 1), 0 for fixed-term (2);
--     isco1 = the ISCO-08 major group (first digit of ammatti).
-- Overlapping spells of one client are real (two part-time jobs, docs/methods.md §Sources and
-- deliveries): every spell is kept as its own row and counts as its own job in TTFJ (same-day tie →
-- lower job_no) and TENURE; `overlaps` flags a spell whose observed days meet another spell's.
-- Measures of time employed (days employed, attachment, quarterly rate) count a day once, over the
-- union of the spells (analysis.employment_spells).
--
-- observed_until: the last day the spell is known to be held — its end date; else, when the
-- client's service ended before the cut-off, the service end (status unknown after the client
-- left; never before the spell's start: a spell that began after the service end is known on
-- its start day only); else the cut-off. It mirrors the tenure censoring sources in tte.sql.
--
-- end_date_register (docs/methods.md §Register-augmented tenure): for a spell censored at the
-- service end (no end date, service ended before the cut-off), the last day of the last month with
-- pay > 0 from the same employer (staging.tulorekisteri.payer_pid = employer_pid, matched on the
-- client's pid), counting months up to the cut-off's month only — when that month is after the
-- service-end month; capped at the cut-off (nothing after it is used) and NULL when it would be
-- before the spell's start. Without a pid or employer_pid no register end can be found.
CREATE OR REPLACE TABLE analysis.jobs AS
WITH spells AS (
    SELECT
        t.client_id,
        t.job_no,
        t.employer_pid,
        t.start_date,
        CASE WHEN t.end_date <= c.cutoff_date THEN t.end_date END AS end_date,
        t.hours_week,
        t.competitive,
        t.pay_subsidy,
        CASE t.contract_type WHEN 1 THEN 1 WHEN 2 THEN 0 END AS permanent,
        TRY_CAST(substr(t.isco, 1, 1) AS INTEGER) AS isco1,
        CASE WHEN t.end_date <= c.cutoff_date THEN t.end_reason END AS end_reason,
        c.pid,
        c.exit_date,
        c.cutoff_date
    FROM staging.tyosuhteet AS t
    JOIN analysis.clients AS c USING (client_id)
    WHERE t.start_date IS NOT NULL AND t.start_date <= c.cutoff_date
),
observed AS (
    SELECT
        *,
        CASE
            WHEN end_date IS NOT NULL THEN end_date
            WHEN exit_date < cutoff_date THEN greatest(exit_date, start_date)
            ELSE cutoff_date
        END AS observed_until
    FROM spells
),
last_register_pay AS (
    SELECT o.client_id, o.job_no, max(p.month) AS last_pay_month
    FROM observed AS o
    JOIN staging.tulorekisteri AS p
        ON p.pid = o.pid
        AND p.payer_pid = o.employer_pid
        AND p.month <= CAST(date_trunc('month', o.cutoff_date) AS DATE)
        AND p.pay_eur > 0
    WHERE o.end_date IS NULL AND o.exit_date < o.cutoff_date
    GROUP BY o.client_id, o.job_no
),
register_end AS (
    SELECT
        o.client_id,
        o.job_no,
        least(last_day(r.last_pay_month), o.cutoff_date) AS end_date_register
    FROM observed AS o
    JOIN last_register_pay AS r USING (client_id, job_no)
    WHERE r.last_pay_month > CAST(date_trunc('month', o.exit_date) AS DATE)
        AND last_day(r.last_pay_month) >= o.start_date
),
overlapping AS (
    SELECT DISTINCT a.client_id, a.job_no
    FROM observed AS a
    JOIN observed AS b
        ON a.client_id = b.client_id
        AND a.job_no <> b.job_no
        AND a.start_date <= b.observed_until
        AND b.start_date <= a.observed_until
)
SELECT
    o.client_id,
    o.job_no,
    o.employer_pid,
    o.start_date,
    o.end_date,
    r.end_date_register,
    o.hours_week,
    o.competitive,
    o.pay_subsidy,
    o.permanent,
    o.isco1,
    o.end_reason,
    CAST(v.job_no IS NOT NULL AS INTEGER) AS "overlaps",
    o.observed_until
FROM observed AS o
LEFT JOIN register_end AS r USING (client_id, job_no)
LEFT JOIN overlapping AS v USING (client_id, job_no)
ORDER BY o.client_id, o.job_no;
