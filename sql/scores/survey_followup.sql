-- analysis.survey_followup: the non-scored items of every used follow-up response (situation
-- `tilanne`, satisfaction `tyyt1` … `tyyt3`; asked at 6 and 12 months), one row per client ×
-- wave by answer date (analysis.survey_responses). Items bound as <followup_items> from
-- schemas/instruments.py; the summaries check their ranges against the codebook.
CREATE OR REPLACE TABLE analysis.survey_followup AS
SELECT
    r.client_id,
    r.cohort,
    r.wave,
    r.response_date,
    COLUMNS(lambda c: list_contains($followup_items, c))
FROM analysis.survey_responses AS r
JOIN staging.asiakaskysely AS s USING (client_id, wave_intended)
WHERE r.used AND r.wave > 0;
