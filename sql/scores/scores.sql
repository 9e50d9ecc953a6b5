-- analysis.score_items and analysis.scores: the instrument scores of every used survey response
-- (analysis.survey_responses.used), in the long layout of docs/outputs.md.
--
-- The scoring rule is data, bound from schemas/instruments.py — this SQL holds none of it:
--   <item_columns>      every instrument item column of staging.asiakaskysely
--   <item_rules>        (instrument, item, item_min, item_max, reversed)
--   <instrument_rules>  (instrument, n_items, min_answered, transform, item_min, item_max,
--                       higher_is_better)
-- An item outside its codebook range (incl. 99 "don't know") is missing even if ingest let it
-- through; a reversed item is item_min + item_max − x.

-- One row per answered, in-range item of a used response, after reversal.
CREATE OR REPLACE TABLE analysis.score_items AS
WITH rules AS (
    SELECT unnest($item_rules, recursive := true)
),
items_long AS (
    UNPIVOT (
        SELECT client_id, wave_intended,
               CAST(COLUMNS(lambda c: list_contains($item_columns, c)) AS DOUBLE)
        FROM staging.asiakaskysely
    )
    ON COLUMNS(* EXCLUDE (client_id, wave_intended))
    INTO NAME item VALUE raw_value
)
SELECT
    r.client_id,
    r.cohort,
    r.wave,
    ru.instrument,
    ru.item,
    CASE WHEN ru.reversed THEN ru.item_min + ru.item_max - i.raw_value ELSE i.raw_value END
        AS value
FROM analysis.survey_responses AS r
JOIN items_long AS i USING (client_id, wave_intended)
JOIN rules AS ru USING (item)
WHERE r.used
  AND i.raw_value BETWEEN ru.item_min AND ru.item_max;

-- One row per used response × instrument; `score` NULL when too few items were answered.
CREATE OR REPLACE TABLE analysis.scores AS
WITH instruments AS (
    SELECT unnest($instrument_rules, recursive := true)
),
answered AS (
    SELECT client_id, wave, instrument, count(*) AS items_answered, avg(value) AS item_mean
    FROM analysis.score_items
    GROUP BY client_id, wave, instrument
)
SELECT
    r.client_id,
    r.cohort,
    r.wave,
    r.response_date,
    ins.instrument,
    CASE
        WHEN coalesce(a.items_answered, 0) < ins.min_answered THEN NULL
        WHEN ins.transform = 'mean' THEN a.item_mean
        WHEN ins.transform = 'percent_of_max'
            THEN 100 * (a.item_mean - ins.item_min) / (ins.item_max - ins.item_min)
        ELSE error('unknown score transform ' || ins.transform)
    END AS score,
    coalesce(a.items_answered, 0)::INTEGER AS items_answered,
    ins.n_items::INTEGER AS items_total,
    ins.higher_is_better,
    r.days_from_index
FROM analysis.survey_responses AS r
CROSS JOIN instruments AS ins
LEFT JOIN answered AS a
    ON a.client_id = r.client_id AND a.wave = r.wave AND a.instrument = ins.instrument
WHERE r.used;
