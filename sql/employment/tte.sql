-- analysis.tte: the time-to-event dataset (docs/outputs.md), derived admiral-style: every
-- event and every censoring source is one named CTE below (which rows, which date, which code),
-- and every row says which source it came from (`source`), so a statistician can audit each
-- number back to its rows. Rules: docs/methods.md §Time to first job, §Job tenure,
-- §Register-augmented tenure, implemented exactly; the one deviation is marked.
--
-- Population: analysis.clients (index date ≤ the cohort's cut-off; exit_date already NULL when
-- after the cut-off). Jobs: analysis.jobs (starts ≤ cut-off; end dates after the cut-off NULL).
--
-- param      origin (start_date)  end_date                            time_days
-- TTFJ       index date           first job start / service end /     end − start
--                                 cut-off
-- TENURE1    job start            job end / service end / cut-off     end − start + 1 (inclusive)
-- TENURE     job start            as TENURE1, for every competitive job after the index date
-- TENURE1_REG job start           as TENURE1, a service_exit censoring replaced by the register
--
-- event: TTFJ 1 = first competitive job, 2 = competing (service ended without a job),
-- 0 = censored; tenure 1 = the job ended, 0 = censored. censor_reason on censored rows only.
CREATE OR REPLACE TABLE analysis.tte AS
WITH
population AS (
    SELECT client_id, cohort, region, index_date, exit_date, cutoff_date
    FROM analysis.clients
),
-- Competitive jobs that count (sql/employment/macros.sql).
competitive_jobs AS (
    SELECT j.client_id, j.job_no, j.start_date, j.end_date, j.end_date_register,
           p.cohort, p.region, p.exit_date, p.cutoff_date
    FROM analysis.jobs AS j
    JOIN population AS p USING (client_id)
    WHERE counts_as_competitive_job(j.competitive, j.start_date, p.index_date, p.cutoff_date)
),
-- The first competitive job: the earliest start; two on the same day → the lower job number.
first_job AS (
    SELECT *
    FROM competitive_jobs
    QUALIFY row_number() OVER (PARTITION BY client_id ORDER BY start_date, job_no) = 1
),

-- ----------------------------------------------------------------------------- TTFJ sources
-- Event (1): the first competitive job starts.
ttfj_first_job_start AS (
    SELECT p.client_id, p.cohort, p.region, f.job_no, p.index_date AS start_date,
           f.start_date AS end_date, 1 AS event, NULL AS censor_reason,
           'first_job_start' AS source
    FROM population AS p
    JOIN first_job AS f USING (client_id)
),
-- Competing event (2): no such job, and the service ended on or before the cut-off.
ttfj_service_exit AS (
    SELECT p.client_id, p.cohort, p.region, NULL AS job_no, p.index_date AS start_date,
           p.exit_date AS end_date, 2 AS event, NULL AS censor_reason,
           'service_exit' AS source
    FROM population AS p
    ANTI JOIN first_job AS f USING (client_id)
    WHERE p.exit_date <= p.cutoff_date
),
-- Censored (0, cutoff): no such job and still in the service on the cut-off day.
ttfj_cutoff AS (
    SELECT p.client_id, p.cohort, p.region, NULL AS job_no, p.index_date AS start_date,
           p.cutoff_date AS end_date, 0 AS event, 'cutoff' AS censor_reason,
           'cutoff' AS source
    FROM population AS p
    ANTI JOIN first_job AS f USING (client_id)
    WHERE p.exit_date IS NULL
),

-- --------------------------------------------------------------------------- tenure sources
-- The spells of each tenure param: TENURE1 the first competitive job, TENURE every one.
tenure_spells AS (
    SELECT 'TENURE1' AS param, * FROM first_job
    UNION ALL
    SELECT 'TENURE' AS param, * FROM competitive_jobs
),
-- Event (1): the job has an end date on or before the cut-off (a job ending ON the cut-off
-- day has ended).
tenure_job_end AS (
    SELECT param, client_id, cohort, region, job_no, start_date, end_date,
           1 AS event, NULL AS censor_reason, 'job_end' AS source
    FROM tenure_spells
    WHERE end_date IS NOT NULL
),
-- Censored (0, service_exit): no end date and the service ended before the cut-off — status
-- unknown after the client left. DEVIATION (documented): a spell that began after the service
-- end is censored on its start day (time_days 1), not at the earlier service end, which would
-- give a time ≤ 0.
tenure_service_exit AS (
    SELECT param, client_id, cohort, region, job_no, start_date,
           greatest(exit_date, start_date) AS end_date,
           0 AS event, 'service_exit' AS censor_reason, 'service_exit' AS source
    FROM tenure_spells
    WHERE end_date IS NULL AND exit_date < cutoff_date
),
-- Censored (0, cutoff): no end date by the cut-off (incl. an end date after it) and the service
-- had not ended before the cut-off.
tenure_cutoff AS (
    SELECT param, client_id, cohort, region, job_no, start_date, cutoff_date AS end_date,
           0 AS event, 'cutoff' AS censor_reason, 'cutoff' AS source
    FROM tenure_spells
    WHERE end_date IS NULL AND (exit_date IS NULL OR exit_date >= cutoff_date)
),
tenure AS (
    SELECT * FROM tenure_job_end
    UNION ALL SELECT * FROM tenure_service_exit
    UNION ALL SELECT * FROM tenure_cutoff
),

-- ---------------------------------------------------------------------- TENURE1_REG sources
-- As TENURE1, except a spell censored at the service end when the Incomes Register shows pay
-- from the same employer in a month after the service-end month (analysis.jobs.
-- end_date_register = the last day of the last such month, up to the cut-off):
-- event (1) when that month is before the cut-off's month ...
register_pay_end AS (
    SELECT t.client_id, t.cohort, t.region, t.job_no, t.start_date,
           f.end_date_register AS end_date, 1 AS event, NULL AS censor_reason,
           'register_pay_end' AS source
    FROM tenure AS t
    JOIN first_job AS f USING (client_id, job_no)
    WHERE t.param = 'TENURE1' AND t.source = 'service_exit'
        AND f.end_date_register IS NOT NULL
        AND date_trunc('month', f.end_date_register) < date_trunc('month', f.cutoff_date)
),
-- ... censored (0, cutoff) at the cut-off when the pay reaches the cut-off's month.
register_pay_to_cutoff AS (
    SELECT t.client_id, t.cohort, t.region, t.job_no, t.start_date,
           f.cutoff_date AS end_date, 0 AS event, 'cutoff' AS censor_reason,
           'register_pay_to_cutoff' AS source
    FROM tenure AS t
    JOIN first_job AS f USING (client_id, job_no)
    WHERE t.param = 'TENURE1' AND t.source = 'service_exit'
        AND f.end_date_register IS NOT NULL
        AND date_trunc('month', f.end_date_register) = date_trunc('month', f.cutoff_date)
),
tenure1_reg AS (
    SELECT * FROM register_pay_end
    UNION ALL SELECT * FROM register_pay_to_cutoff
    -- every other TENURE1 row unchanged (no pay after the service-end month)
    UNION ALL
    SELECT t.client_id, t.cohort, t.region, t.job_no, t.start_date, t.end_date, t.event,
           t.censor_reason, t.source
    FROM tenure AS t
    WHERE t.param = 'TENURE1'
        AND NOT EXISTS (
            SELECT 1 FROM register_pay_end AS r
            WHERE r.client_id = t.client_id AND r.job_no = t.job_no)
        AND NOT EXISTS (
            SELECT 1 FROM register_pay_to_cutoff AS r
            WHERE r.client_id = t.client_id AND r.job_no = t.job_no)
),

rows AS (
    SELECT 'TTFJ' AS param, * FROM ttfj_first_job_start
    UNION ALL SELECT 'TTFJ', * FROM ttfj_service_exit
    UNION ALL SELECT 'TTFJ', * FROM ttfj_cutoff
    UNION ALL
    SELECT param, client_id, cohort, region, job_no, start_date, end_date, event,
           censor_reason, source
    FROM tenure
    UNION ALL SELECT 'TENURE1_REG', * FROM tenure1_reg
)
SELECT
    client_id,
    cohort,
    region,
    param,
    CAST(job_no AS INTEGER) AS job_no,
    start_date,
    end_date,
    -- time from the origin: TTFJ counts days after the index day (a job on the index day is
    -- 0); tenure counts the days the job was held, both ends inclusive
    CAST(CASE WHEN param = 'TTFJ' THEN end_date - start_date
              ELSE end_date - start_date + 1 END AS INTEGER) AS time_days,
    CAST(event AS INTEGER) AS event,
    CAST(censor_reason AS VARCHAR) AS censor_reason,
    source
FROM rows
ORDER BY param, client_id, job_no;
