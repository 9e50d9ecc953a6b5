-- analysis.register_monthly, part 2 of 2: one batch of persons (after sql/register/register_monthly.sql).
-- Parameters: batch (INTEGER), state_employed, state_other (the rule states of
-- schemas/register_states.py). Needs meta.register_states.
--
-- Every person-month of the window (the spine), with the month's pay and Kela shares stacked
-- beneath it and aggregated once: one hash aggregate instead of two joins on the spine. Rows
-- go in in (pid, month) order (person numbers follow pid, batches are runs of them; the caller
-- keeps insertion order for these INSERTs): the table is then stored sorted, so that the
-- register effect's queries by person skip the row groups of other persons (a quarter of the
-- CPU of an unsorted table at 200,000 persons) and the export's sort meets sorted input.
-- The main state is the first that holds: earnings > 0, then the month's highest-priority
-- benefit, else other — also for a month with no register rows at all.
INSERT INTO analysis.register_monthly
WITH stacked AS (
    SELECT person_no,
           CAST(unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH)) AS DATE)
               AS month,
           NULL::DOUBLE AS pay_eur, 0 AS pay_rows,
           NULL::INTEGER AS bit, NULL::INTEGER AS priority, NULL::DOUBLE AS share_eur
    FROM register_persons
    WHERE batch = $batch
    UNION ALL
    SELECT person_no, month, pay_eur, 1, NULL, NULL, NULL
    FROM register_pay
    WHERE batch = $batch
    UNION ALL
    SELECT person_no, month, NULL, 0, bit, priority, share_eur
    FROM register_kela_months
    WHERE batch = $batch
),
totals AS (
    SELECT person_no, month,
           -- sum() of no rows is NULL: a month without pay rows has 0 earnings; a month whose
           -- every amount is unknown stays NULL (unknown, not zero)
           CASE WHEN sum(pay_rows) = 0 THEN 0 ELSE sum(pay_eur) END AS earnings_eur,
           bit_or(1 << bit) AS benefit_mask,
           CASE WHEN count(bit) = 0 THEN 0 ELSE sum(share_eur) END AS benefits_eur,
           min(priority) AS benefit_priority
    FROM stacked
    GROUP BY person_no, month
)
SELECT p.pid, p.client_id, t.month,
       CAST(date_diff('month', p.index_month, t.month) AS INTEGER) AS rel_month,
       t.earnings_eur, coalesce(b.benefits, []) AS benefits, t.benefits_eur,
       CASE WHEN t.earnings_eur > 0 THEN $state_employed
            ELSE coalesce(s.state, $state_other) END AS main_state,
       p.cohort,
       -- months before the extract's first month (a client's window reaching back before
       -- the registers begin) have no data rather than no benefits: results leave them out
       t.month >= e.first_month AS covered
FROM totals AS t
JOIN register_persons AS p ON p.person_no = t.person_no
CROSS JOIN register_extract AS e
LEFT JOIN register_benefit_sets AS b ON b.mask = t.benefit_mask
LEFT JOIN meta.register_states AS s ON s.priority = t.benefit_priority
ORDER BY t.person_no, t.month;
