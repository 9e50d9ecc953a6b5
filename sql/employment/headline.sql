-- results.headline, one row: the crude "% ever employed" as published (docs/methods.md §The
-- follow-up trap), for one cohort at one published cut-off ($cohort, $cutoff;
-- schemas.windows.HEADLINE_CUTOFFS):
--   clients_started  = staged clients of the cohort with index date ≤ the cut-off;
--   clients_employed = of them, those with a competitive job that counts by the cut-off
--                      (sql/employment/macros.sql);
--   *_excl_pay_subsidy = the same counting only jobs without pay subsidy (docs/methods.md
--                      §Competitive job);
--   median_followup_days = the median of (cut-off − index date) over the clients started: how
--                      long they could have been followed when the figure was published.
-- Crude: it ignores how long each client was followed (the trap of docs/methods.md §The follow-up
-- trap); see results.employment_comparison for the follow-up-aware figures. Read from staging
-- because a published cut-off need not be the analysis cut-off.
WITH started AS (
    SELECT client_id, index_date
    FROM staging.asiakkaat
    WHERE cohort = CAST($cohort AS VARCHAR)
        AND index_date <= CAST($cutoff AS DATE)
),
employed AS (
    SELECT
        s.client_id,
        bool_or(coalesce(j.pay_subsidy, 0) = 0) AS without_pay_subsidy
    FROM started AS s
    JOIN staging.tyosuhteet AS j USING (client_id)
    WHERE counts_as_competitive_job(j.competitive, j.start_date, s.index_date,
                                    CAST($cutoff AS DATE))
    GROUP BY s.client_id
),
counts AS (
    SELECT
        (SELECT count(*) FROM started) AS clients_started,
        (SELECT median(CAST($cutoff AS DATE) - index_date) FROM started)
            AS median_followup_days,
        count(*) AS clients_employed,
        count(*) FILTER (WHERE without_pay_subsidy) AS clients_employed_excl_pay_subsidy
    FROM employed
)
SELECT
    CAST($cohort AS VARCHAR) AS cohort,
    CAST($cutoff AS DATE) AS cutoff_date,
    clients_started,
    clients_employed,
    100.0 * clients_employed / nullif(clients_started, 0) AS pct_employed,
    clients_employed_excl_pay_subsidy,
    100.0 * clients_employed_excl_pay_subsidy / nullif(clients_started, 0)
        AS pct_employed_excl_pay_subsidy,
    CAST(median_followup_days AS DOUBLE) AS median_followup_days
FROM counts;
