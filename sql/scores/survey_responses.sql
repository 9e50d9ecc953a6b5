-- analysis.survey_responses: every staged client-survey response with the wave its ANSWER DATE
-- falls in (docs/methods.md §Survey waves), not the intended wave (`aalto`), and whether the
-- analysis uses it.
--
-- Windows (<wave_windows>, from schemas/instruments.py): days from the index date, bounds
-- inclusive. Within one client and window the response nearest the target day is used; a tie
-- goes to the later delivery (`_delivery_date`), then the later answer; the file name and row
-- number only make the choice deterministic when even those tie.
-- Nothing after the cut-off is used (docs/methods.md §Windows and cut-offs), and clients whose
-- index date is after their cohort's cut-off are not in the analysis (as in analysis.clients).
-- `not_used_reason`: no_answer_date | no_index_date | index_after_cutoff | after_cutoff |
-- outside_windows | not_nearest_in_window; NULL when used. Unused responses stay in staging and here, never in
-- analysis.scores.
CREATE OR REPLACE TABLE analysis.survey_responses AS
WITH windows AS (
    SELECT unnest($wave_windows, recursive := true)
),
responses AS (
    SELECT
        s.client_id,
        c.cohort,
        c.index_date,
        k.cutoff_date,
        s.wave_intended,
        s.response_date,
        s.response_date - c.index_date AS days_from_index,
        s._file,
        s._delivery_date,
        s._row
    FROM staging.asiakaskysely AS s
    JOIN staging.asiakkaat AS c USING (client_id)
    LEFT JOIN meta.cutoffs AS k ON k.cohort = c.cohort
),
windowed AS (
    SELECT
        r.*,
        w.wave,
        w.target_day,
        r.response_date IS NOT NULL
            AND r.index_date IS NOT NULL
            AND r.index_date <= r.cutoff_date
            AND r.response_date <= r.cutoff_date
            AND w.wave IS NOT NULL AS eligible
    FROM responses AS r
    LEFT JOIN windows AS w
        ON r.days_from_index BETWEEN w.first_day AND w.last_day
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY client_id, wave, eligible
            ORDER BY abs(days_from_index - target_day),
                     _delivery_date DESC, response_date DESC, _file DESC, _row DESC
        ) AS rank_in_window
    FROM windowed
)
SELECT
    client_id,
    cohort,
    index_date,
    cutoff_date,
    wave_intended,
    response_date,
    days_from_index::INTEGER AS days_from_index,
    CASE WHEN eligible THEN wave END::INTEGER AS wave,
    eligible AND rank_in_window = 1 AS used,
    CASE
        WHEN response_date IS NULL THEN 'no_answer_date'
        WHEN index_date IS NULL THEN 'no_index_date'
        WHEN index_date > cutoff_date THEN 'index_after_cutoff'
        WHEN response_date > cutoff_date THEN 'after_cutoff'
        WHEN wave IS NULL THEN 'outside_windows'
        WHEN rank_in_window > 1 THEN 'not_nearest_in_window'
    END AS not_used_reason,
    _file,
    _delivery_date,
    _row
FROM ranked;
