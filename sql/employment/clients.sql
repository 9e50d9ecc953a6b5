-- analysis.clients: one row per client in the analysis (docs/outputs.md), as of the cohort's
-- data cut-off (docs/methods.md §Windows and cut-offs: nothing after the cut-off is used).
--
-- Who is in: every staged enrolment (staging.asiakkaat) whose index date (aloituspvm) is on or
-- before its cohort's cut-off. Clients who started after the cut-off are NOT in the analysis.
-- As of the cut-off:
--   * exit_date after the cut-off is treated as no exit by the cut-off (exit_date and exit_reason
--     NULL): the service had not ended on the cut-off day;
--   * exit_date before the index date cannot be true (the service cannot end before it began)
--     and ingest does not reject it; it is set NULL here and counted by the asset's WARN check
--     (`exit_before_index`), so that no time in analysis.tte is negative.
--   * followup_days = cut-off − index date: the days in which a job could be recorded (the
--     window of the crude "% ever employed"), whatever the service end.
-- dx_group from the referral's ICD-10 code per docs/outputs.md §Analysis datasets; a missing code
-- gives NULL. coach (valmentaja) and referral_date (lahetepvm) as delivered, for the process
-- standards. The per-client employment summary (n_jobs, n_competitive_jobs, days_employed) is added
-- by client_employment.sql once analysis.jobs exists.
-- The cut-offs: meta.cutoffs (sql/study/cutoffs.sql).
CREATE OR REPLACE TABLE analysis.clients AS
WITH enrolled AS (
    SELECT a.*, c.cutoff_date
    FROM staging.asiakkaat AS a
    JOIN meta.cutoffs AS c USING (cohort)
    WHERE a.index_date IS NOT NULL AND a.index_date <= c.cutoff_date
),
icd AS (
    SELECT
        client_id,
        upper(trim(diagnosis)) AS code,
        TRY_CAST(substr(upper(trim(diagnosis)), 2, 2) AS INTEGER) AS num
    FROM enrolled
)
SELECT
    e.client_id,
    e.pid,
    e.region,
    e.cohort,
    e.team,
    e.index_date,
    e.age_at_index AS age,
    e.sex,
    CASE
        WHEN icd.code IS NULL OR icd.code = '' THEN NULL
        WHEN NOT starts_with(icd.code, 'F') THEN 'non_f'
        WHEN icd.num BETWEEN 20 AND 29 THEN 'psychotic'
        WHEN icd.num BETWEEN 30 AND 31 THEN 'bipolar'
        WHEN icd.num BETWEEN 32 AND 39 THEN 'depressive'
        WHEN icd.num BETWEEN 40 AND 48 THEN 'anxiety'
        WHEN icd.num BETWEEN 60 AND 69 THEN 'personality'
        WHEN icd.num BETWEEN 10 AND 19 THEN 'substance'
        WHEN icd.num IN (84, 90) THEN 'neurodevelopmental'
        ELSE 'other_f'
    END AS dx_group,
    e.education,
    e.work_history,
    e.income_source,
    e.language,
    CASE WHEN e.exit_date BETWEEN e.index_date AND e.cutoff_date THEN e.exit_date END
        AS exit_date,
    CASE WHEN e.exit_date BETWEEN e.index_date AND e.cutoff_date THEN e.exit_reason END
        AS exit_reason,
    e.cutoff_date,
    CAST(e.cutoff_date - e.index_date AS INTEGER) AS followup_days,
    -- filled by client_employment.sql from analysis.jobs
    CAST(NULL AS INTEGER) AS n_jobs,
    CAST(NULL AS INTEGER) AS n_competitive_jobs,
    CAST(NULL AS INTEGER) AS days_employed,
    e.diagnosis,
    -- the IPS process standards (sql/fidelity/coach_weeks.sql, coach_months.sql, client_process.sql)
    e.coach,
    e.referral_date
FROM enrolled AS e
JOIN icd USING (client_id)
ORDER BY e.client_id;
