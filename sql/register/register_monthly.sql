-- analysis.register_monthly, part 1 of 2: the persons, their windows and their register rows
-- keyed by an integer person number; then an empty dataset that sql/register/register_monthly_batch.sql
-- fills one batch of persons at a time (docs/methods.md §Register months).
-- Parameters: months_per_batch, history_back (INTEGER); the cut-offs from meta.cutoffs. Needs
-- meta.register_benefit_states (ips_eval.register.monthly.write_state_map).
--
-- Why batches: a million persons give some 70 million person-months. Aggregated and joined in
-- one go, the hash tables spill to disk and the run crawls on a small machine; a batch of a few
-- million person-months fits in memory, and the register rows are joined to their person once.

-- 1. The extract: its month = the earliest of the register sources' latest delivery months
--    (a month after one source's delivery is not covered by that source, and a missing
--    register would read as "no benefits" / "no pay"); its first month = the earliest month any
--    register row touches (Incomes Register month, Kela period start). A source without rows
--    does not bound the extract.
--    How far back the extract covers the clients (client_history_months): the delivery
--    contract promises 24 months before the index month; when any client has a pay month, or
--    a Kela period that ended, before that, the extract reaches further and the clients'
--    windows open $history_back months before the index month (the register effect's history
--    window and its hold-out placebo, docs/methods.md §Register effect). Months before the
--    extract's first month stay uncovered either way.
CREATE OR REPLACE TEMP TABLE register_extract AS
WITH sources AS (
    SELECT max(_delivery_date) AS delivered, min(start_date) AS first_day FROM staging.kela
    UNION ALL
    SELECT max(_delivery_date), min(month) FROM staging.tulorekisteri
),
client_starts AS (
    SELECT pid, min(CAST(date_trunc('month', index_date) AS DATE)) AS index_month
    FROM staging.asiakkaat
    WHERE pid IS NOT NULL AND index_date IS NOT NULL
    GROUP BY pid
),
reaches_further AS (
    SELECT EXISTS (SELECT 1 FROM staging.tulorekisteri AS t JOIN client_starts AS c USING (pid)
                   WHERE t.month < c.index_month - INTERVAL 24 MONTH)
        OR EXISTS (SELECT 1 FROM staging.kela AS k JOIN client_starts AS c USING (pid)
                   WHERE k.end_date < c.index_month - INTERVAL 24 MONTH) AS further
)
SELECT CAST(date_trunc('month', min(delivered)) AS DATE) AS extract_month,
       CAST(date_trunc('month', min(first_day)) AS DATE) AS first_month,
       CAST(CASE WHEN any_value(r.further) THEN $history_back ELSE 24 END AS INTEGER)
           AS client_history_months
FROM sources, reaches_further AS r
WHERE delivered IS NOT NULL;

-- 2. The persons and their windows. Clients: a staging.asiakkaat row with a pid and no
--    refusal of register linkage, from client_history_months before the index month to the earlier of the cohort
--    cut-off's month and the extract month. A person enrolled under two client codes is
--    followed once, from the first enrolment (earliest index date, then lowest code), so that
--    (pid, month) stays a key. Comparison persons: a pid in the registers with no client_id
--    that is no client's pid at all (not even a client without consent), over every month the
--    extract covers. person_no follows pid order (so a batch is the same persons in every
--    run); batch numbers cut the persons into runs of about months_per_batch person-months.
CREATE OR REPLACE TEMP TABLE register_persons AS
WITH clients AS (
    SELECT pid, client_id, cohort, CAST(date_trunc('month', index_date) AS DATE) AS index_month,
           k.cutoff_date AS cutoff,
           row_number() OVER (PARTITION BY pid ORDER BY index_date, client_id) AS enrolment
    FROM staging.asiakkaat AS a
    LEFT JOIN meta.cutoffs AS k USING (cohort)
    WHERE pid IS NOT NULL AND index_date IS NOT NULL
      AND register_consent IS DISTINCT FROM 0
),
comparison AS (
    SELECT pid FROM staging.kela WHERE client_id IS NULL AND pid IS NOT NULL
    UNION
    SELECT pid FROM staging.tulorekisteri WHERE client_id IS NULL AND pid IS NOT NULL
    EXCEPT
    SELECT pid FROM staging.asiakkaat WHERE pid IS NOT NULL
),
persons AS (
    SELECT c.pid, c.client_id, c.cohort, c.index_month,
           CAST(c.index_month - to_months(e.client_history_months) AS DATE) AS first_month,
           -- least() skips NULLs: without a cut-off (no cohort) or an extract, no rows
           CASE WHEN c.cutoff IS NOT NULL AND e.extract_month IS NOT NULL
                THEN least(CAST(date_trunc('month', c.cutoff) AS DATE), e.extract_month) END
               AS last_month
    FROM clients AS c, register_extract AS e
    WHERE c.enrolment = 1
    UNION ALL
    SELECT p.pid, NULL, NULL, NULL, e.first_month, e.extract_month
    FROM comparison AS p, register_extract AS e
),
numbered AS (
    SELECT CAST(row_number() OVER (ORDER BY pid) AS INTEGER) AS person_no, *,
           sum(date_diff('month', first_month, last_month) + 1) OVER (ORDER BY pid)
               AS months_so_far
    FROM persons
    WHERE last_month >= first_month
)
SELECT person_no, pid, client_id, cohort, index_month, first_month, last_month,
       CAST((months_so_far - 1) // $months_per_batch AS INTEGER) AS batch
FROM numbered;

-- 3. Kela periods split into months: a period counts in every month it touches (within the
--    person's window) with its amount shared by days, inclusive days in the month / the
--    period's inclusive days. A period without an end date runs to the extract month's end and
--    cannot be shared out: its share is unknown (NULL). An unknown paid_eur likewise.
CREATE OR REPLACE TEMP TABLE register_kela_months AS
WITH periods AS (
    SELECT p.person_no, p.batch, k.benefit, k.start_date, k.end_date, k.paid_eur,
           coalesce(k.end_date, last_day(e.extract_month)) AS last_day_counted,
           p.first_month, p.last_month
    FROM staging.kela AS k
    JOIN register_persons AS p ON k.pid = p.pid
    CROSS JOIN register_extract AS e
    WHERE k.start_date <= last_day(p.last_month)
      AND coalesce(k.end_date, last_day(e.extract_month)) >= p.first_month
),
months AS (
    SELECT person_no, batch, benefit, start_date, end_date, paid_eur,
           CAST(unnest(generate_series(
               greatest(CAST(date_trunc('month', start_date) AS DATE), first_month),
               least(CAST(date_trunc('month', last_day_counted) AS DATE), last_month),
               INTERVAL 1 MONTH)) AS DATE) AS month
    FROM periods
)
SELECT m.batch, m.person_no, m.month, s.bit, s.priority,
       m.paid_eur * (least(m.end_date, last_day(m.month)) - greatest(m.start_date, m.month) + 1)
           / (m.end_date - m.start_date + 1) AS share_eur
FROM months AS m
JOIN meta.register_benefit_states AS s ON s.benefit = m.benefit;

-- 4. Incomes Register rows inside their person's window, with the person number.
CREATE OR REPLACE TEMP TABLE register_pay AS
SELECT p.batch, p.person_no, t.month, t.pay_eur
FROM staging.tulorekisteri AS t
JOIN register_persons AS p
  ON t.pid = p.pid AND t.month BETWEEN p.first_month AND p.last_month;

-- 5. Every set of benefits a month can hold, as a sorted list, by bit mask: the batches
--    aggregate a fixed-size mask (cheap) instead of building a list per person-month.
CREATE OR REPLACE TEMP TABLE register_benefit_sets AS
SELECT CAST(m.mask AS INTEGER) AS mask, list(s.benefit ORDER BY s.benefit) AS benefits
FROM range(1, 1 << (SELECT count(*) FROM meta.register_benefit_states)) AS m(mask)
JOIN meta.register_benefit_states AS s ON (m.mask >> s.bit) & 1 = 1
GROUP BY m.mask;

CREATE OR REPLACE TABLE analysis.register_monthly (
    pid VARCHAR NOT NULL,
    client_id VARCHAR,
    month DATE NOT NULL,
    rel_month INTEGER,
    earnings_eur DOUBLE,
    benefits VARCHAR[] NOT NULL,
    benefits_eur DOUBLE,
    main_state VARCHAR,
    cohort VARCHAR,
    covered BOOLEAN NOT NULL
);
