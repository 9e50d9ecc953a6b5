-- analysis.score_attrition: who answered the follow-up surveys, among those who could have.
--
-- One row per client × follow-up wave (6, 12) for every client in analysis.clients with a used
-- baseline (T0) response whose follow-up window had CLOSED by the cohort's cut-off
-- (index date + the window's last day ≤ cut-off; windows bound from schemas/instruments.py as
-- <wave_windows>): a client still inside the window is not yet a non-responder. `answered` = a
-- used response in that wave's window. Baseline characteristics from analysis.clients.
CREATE OR REPLACE TABLE analysis.score_attrition AS
WITH windows AS (
    SELECT unnest($wave_windows, recursive := true)
),
baseline AS (
    SELECT DISTINCT client_id FROM analysis.survey_responses WHERE used AND wave = 0
),
followup AS (
    SELECT DISTINCT client_id, wave FROM analysis.survey_responses WHERE used AND wave > 0
)
SELECT
    c.client_id,
    c.cohort,
    w.wave::INTEGER AS followup_wave,
    f.client_id IS NOT NULL AS answered,
    c.age,
    c.sex,
    c.education,
    c.work_history,
    c.income_source,
    c.dx_group
FROM analysis.clients AS c
JOIN baseline AS b USING (client_id)
JOIN windows AS w
    ON w.wave > 0 AND c.index_date + CAST(w.last_day AS INTEGER) <= c.cutoff_date
LEFT JOIN followup AS f
    ON f.client_id = c.client_id AND f.wave = w.wave;
