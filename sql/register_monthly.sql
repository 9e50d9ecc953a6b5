-- analysis.register_monthly: one row per person and calendar month (DESIGN.md §4, register
-- months). Parameters: cutoff_pilot, cutoff_rrp (DATE), state_employed, state_other (the
-- rule states of schemas/register_states.py). Needs meta.register_benefit_states and
-- meta.register_states (ips_eval.register.write_state_map).
--
-- Built in steps, each materialised, so that at national scale (a million persons, tens of
-- millions of rows) every step is one streaming join or one hash aggregate DuckDB can spill.

-- 1. The extract: its month = the earliest of the register sources' latest delivery months
--    (a month after one source's delivery is not covered by that source, and a missing
--    register would read as "no benefits" / "no pay"); its first month = the earliest month any
--    register row touches (Incomes Register month, Kela period start). A source without rows
--    does not bound the extract.
CREATE OR REPLACE TEMP TABLE register_extract AS
WITH sources AS (
    SELECT max(_delivery_date) AS delivered, min(start_date) AS first_day FROM staging.kela
    UNION ALL
    SELECT max(_delivery_date), min(month) FROM staging.tulorekisteri
)
SELECT CAST(date_trunc('month', min(delivered)) AS DATE) AS extract_month,
       CAST(date_trunc('month', min(first_day)) AS DATE) AS first_month
FROM sources
WHERE delivered IS NOT NULL;

-- 2. The persons and their windows. Clients: a staging.asiakkaat row with a pid and no
--    refusal of register linkage, from the index month − 24 to the earlier of the cohort
--    cut-off's month and the extract month. A person enrolled under two client codes is
--    followed once, from the first enrolment (earliest index date, then lowest code), so that
--    (pid, month) stays a key. Comparison persons: a pid in the registers with no client_id
--    that is no client's pid at all (not even a client without consent), over every month the
--    extract covers.
CREATE OR REPLACE TEMP TABLE register_persons AS
WITH clients AS (
    SELECT pid, client_id, cohort, CAST(date_trunc('month', index_date) AS DATE) AS index_month,
           CASE cohort WHEN 'pilot' THEN $cutoff_pilot WHEN 'rrp' THEN $cutoff_rrp END AS cutoff,
           row_number() OVER (PARTITION BY pid ORDER BY index_date, client_id) AS enrolment
    FROM staging.asiakkaat
    WHERE pid IS NOT NULL AND index_date IS NOT NULL
      AND register_consent IS DISTINCT FROM 0
),
comparison AS (
    SELECT pid FROM staging.kela WHERE client_id IS NULL AND pid IS NOT NULL
    UNION
    SELECT pid FROM staging.tulorekisteri WHERE client_id IS NULL AND pid IS NOT NULL
    EXCEPT
    SELECT pid FROM staging.asiakkaat WHERE pid IS NOT NULL
)
SELECT c.pid, c.client_id, c.cohort, c.index_month,
       CAST(c.index_month - INTERVAL 24 MONTH AS DATE) AS first_month,
       -- least() skips NULLs: without a cut-off (no cohort) or an extract, no rows
       CASE WHEN c.cutoff IS NOT NULL AND e.extract_month IS NOT NULL
            THEN least(CAST(date_trunc('month', c.cutoff) AS DATE), e.extract_month) END
           AS last_month
FROM clients AS c, register_extract AS e
WHERE c.enrolment = 1
UNION ALL
SELECT p.pid, NULL, NULL, NULL, e.first_month, e.extract_month
FROM comparison AS p, register_extract AS e;

DELETE FROM register_persons WHERE last_month IS NULL OR last_month < first_month;

-- 3. Kela periods split into months: a period counts in every month it touches (within the
--    person's window) with its amount shared by days, inclusive days in the month / the
--    period's inclusive days. A period without an end date runs to the extract month's end and
--    cannot be shared out: its share is unknown (NULL). An unknown paid_eur likewise.
CREATE OR REPLACE TEMP TABLE register_kela_months AS
WITH periods AS (
    SELECT k.pid, k.benefit, k.start_date, k.end_date, k.paid_eur,
           coalesce(k.end_date, last_day(e.extract_month)) AS last_day_counted,
           p.first_month, p.last_month
    FROM staging.kela AS k
    JOIN register_persons AS p ON k.pid = p.pid
    CROSS JOIN register_extract AS e
    WHERE k.start_date <= last_day(p.last_month)
      AND coalesce(k.end_date, last_day(e.extract_month)) >= p.first_month
),
months AS (
    SELECT pid, benefit, start_date, end_date, paid_eur,
           CAST(unnest(generate_series(
               greatest(CAST(date_trunc('month', start_date) AS DATE), first_month),
               least(CAST(date_trunc('month', last_day_counted) AS DATE), last_month),
               INTERVAL 1 MONTH)) AS DATE) AS month
    FROM periods
)
SELECT m.pid, m.month, m.benefit, s.priority,
       m.paid_eur * (least(m.end_date, last_day(m.month)) - greatest(m.start_date, m.month) + 1)
           / (m.end_date - m.start_date + 1) AS share_eur
FROM months AS m
JOIN meta.register_benefit_states AS s ON s.benefit = m.benefit;

-- 4. Every person-month of the window, with the month's pay and Kela shares stacked beneath
--    it and aggregated once (one spillable hash aggregate instead of two joins on the
--    person-month spine).
CREATE OR REPLACE TEMP TABLE register_month_totals AS
WITH stacked AS (
    SELECT pid, CAST(unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH)) AS DATE)
               AS month,
           NULL::DOUBLE AS pay_eur, 0 AS pay_rows,
           NULL::VARCHAR AS benefit, NULL::INTEGER AS priority, NULL::DOUBLE AS share_eur
    FROM register_persons
    UNION ALL
    SELECT t.pid, t.month, t.pay_eur, 1, NULL, NULL, NULL
    FROM staging.tulorekisteri AS t
    JOIN register_persons AS p
      ON t.pid = p.pid AND t.month BETWEEN p.first_month AND p.last_month
    UNION ALL
    SELECT pid, month, NULL, 0, benefit, priority, share_eur
    FROM register_kela_months
)
SELECT pid, month,
       -- sum() of no rows is NULL: a month without pay rows has 0 earnings; a month whose
       -- every amount is unknown stays NULL (unknown, not zero)
       CASE WHEN sum(pay_rows) = 0 THEN 0 ELSE sum(pay_eur) END AS earnings_eur,
       list_sort(list_distinct(list(benefit))) AS benefits,
       CASE WHEN count(benefit) = 0 THEN 0 ELSE sum(share_eur) END AS benefits_eur,
       min(priority) AS benefit_priority
FROM stacked
GROUP BY pid, month;

-- 5. The dataset: the main state is the first that holds — earnings > 0, then the month's
--    highest-priority benefit, else other (also a month with no register rows at all).
CREATE OR REPLACE TABLE analysis.register_monthly AS
SELECT t.pid, p.client_id, t.month,
       CAST(date_diff('month', p.index_month, t.month) AS INTEGER) AS rel_month,
       t.earnings_eur, t.benefits, t.benefits_eur,
       CASE WHEN t.earnings_eur > 0 THEN $state_employed
            ELSE coalesce(s.state, $state_other) END AS main_state,
       p.cohort,
       -- months before the extract's first month (a client's window reaching before the
       -- registers begin) have no data rather than no benefits: results leave them out
       t.month >= e.first_month AS covered
FROM register_month_totals AS t
JOIN register_persons AS p ON p.pid = t.pid
CROSS JOIN register_extract AS e
LEFT JOIN meta.register_states AS s ON s.priority = t.benefit_priority;

DROP TABLE register_month_totals;
DROP TABLE register_kela_months;
