-- analysis.score_panel and analysis.score_changes: the scores with what the change scores and
-- the mixed models need beside them.
--
-- analysis.score_panel: one row per scored client × wave × instrument (score not NULL), with the
-- client's baseline covariates from analysis.clients and two employment flags from
-- analysis.jobs (competitive = 1, docs/methods.md §Competitive job; pay-subsidised jobs count):
--   job_by_answer       a competitive job started on/after the index date and on/before THIS
--                       answer's date (the change scores' grouping, per follow-up answer);
--   job_by_last_answer  the same by the client's LAST used answer (any instrument): a fixed
--                       client-level group;
--   employed_at_answer  in a competitive job (started on/after the index date) on THIS
--                       answer's date: start ≤ answer ≤ end, no end = still in it; the
--                       time-varying `employed` term of the secondary mixed model.
-- Jobs that started before the index date never count (as for time to first job).
CREATE OR REPLACE TABLE analysis.score_panel AS
WITH first_job AS (
    SELECT j.client_id, min(j.start_date) AS first_job_date
    FROM analysis.jobs AS j
    JOIN analysis.clients AS c USING (client_id)
    WHERE CAST(j.competitive AS INTEGER) = 1 AND j.start_date >= c.index_date
    GROUP BY j.client_id
),
last_answer AS (
    SELECT client_id, max(response_date) AS last_answer_date
    FROM analysis.survey_responses
    WHERE used
    GROUP BY client_id
)
SELECT
    s.client_id,
    s.cohort,
    s.instrument,
    s.wave,
    s.response_date,
    s.score,
    s.higher_is_better,
    coalesce(f.first_job_date <= s.response_date, false) AS job_by_answer,
    coalesce(f.first_job_date <= l.last_answer_date, false) AS job_by_last_answer,
    EXISTS (
        SELECT 1 FROM analysis.jobs AS j
        WHERE j.client_id = s.client_id AND CAST(j.competitive AS INTEGER) = 1
          AND j.start_date >= c.index_date AND j.start_date <= s.response_date
          AND (j.end_date IS NULL OR j.end_date >= s.response_date)
    ) AS employed_at_answer,
    c.age,
    c.sex,
    c.education,
    c.work_history,
    c.dx_group
FROM analysis.scores AS s
JOIN analysis.clients AS c USING (client_id)
LEFT JOIN first_job AS f USING (client_id)
LEFT JOIN last_answer AS l USING (client_id)
WHERE s.score IS NOT NULL;

-- analysis.score_changes: one row per client × instrument × contrast (T0-T6, T0-T12) for clients
-- scored at both waves: change = follow-up − baseline (docs/methods.md §Change scores).
-- `competitive_job` = a competitive job started between the index date and the follow-up answer.
CREATE OR REPLACE TABLE analysis.score_changes AS
SELECT
    b.client_id,
    b.cohort,
    b.instrument,
    'T0-T' || f.wave AS contrast,
    f.wave AS followup_wave,
    b.score AS baseline,
    f.score AS followup,
    f.score - b.score AS change,
    f.job_by_answer AS competitive_job,
    b.higher_is_better
FROM analysis.score_panel AS b
JOIN analysis.score_panel AS f
    ON f.client_id = b.client_id AND f.instrument = b.instrument AND f.wave > 0
WHERE b.wave = 0;
