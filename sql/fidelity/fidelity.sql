-- analysis.fidelity: one row per team × IPS-25 fidelity review (docs/outputs.md).
--
-- Bound from schemas/ (the rule lives there): <fidelity_items> (k01 … k25), <fidelity_item_min>,
-- <fidelity_item_max> (the items' codebook range), <fidelity_bands> (band, min_total, max_total),
-- a region's cohort from meta.regions, the cut-offs of meta.cutoffs (sql/study/cohorts_and_regions.sql,
-- sql/study/cutoffs.sql).
-- `total` = the sum of k01 … k25 only when ALL 25 items are answered, else NULL (a partial sum
-- is not on the 25–125 scale, and prorating a fidelity review is not the scale's rule);
-- `items_answered` says how many were. `band`: 115–125 exemplary, 100–114 good, 74–99 fair,
-- ≤ 73 not IPS; NULL when total is NULL. An item outside its range is treated as unanswered even
-- if ingest let it through. `region` falls back to the team code's prefix (`HEL-T1`) when the
-- delivered region is missing; `cohort` follows the region. Reviews after the cohort's cut-off
-- are not used (docs/methods.md §Windows and cut-offs: nothing after the cut-off).
CREATE OR REPLACE TEMP MACRO fidelity_in_range(x, lo, hi) AS
    CASE WHEN x BETWEEN lo AND hi THEN x END;

CREATE OR REPLACE TABLE analysis.fidelity AS
WITH bands AS (
    SELECT unnest($fidelity_bands, recursive := true)
),
reviews AS (
    SELECT
        f.team,
        coalesce(f.region, rp.region) AS region,
        f.review_date,
        fidelity_in_range(
            COLUMNS(lambda c: list_contains($fidelity_items, c)),
            $fidelity_item_min, $fidelity_item_max
        )
    FROM staging.laatuarviot AS f
    LEFT JOIN meta.regions AS rp ON rp.region = split_part(f.team, '-', 1)
),
totals AS (
    SELECT
        *,
        list_count([*COLUMNS(lambda c: list_contains($fidelity_items, c))]) AS items_answered
    FROM reviews
),
scored AS (
    SELECT
        t.*,
        rg.cohort,
        CASE WHEN t.items_answered = len($fidelity_items)
            THEN list_sum([*COLUMNS(lambda c: list_contains($fidelity_items, c))])
        END AS total
    FROM totals AS t
    LEFT JOIN meta.regions AS rg USING (region)
)
SELECT
    s.team,
    s.region,
    s.cohort,
    s.review_date,
    s.total::INTEGER AS total,
    b.band,
    s.items_answered::INTEGER AS items_answered,
    COLUMNS(lambda c: list_contains($fidelity_items, c))::INTEGER
FROM scored AS s
LEFT JOIN bands AS b ON s.total BETWEEN b.min_total AND b.max_total
LEFT JOIN meta.cutoffs AS k ON k.cohort = s.cohort
WHERE s.cohort IS NULL
   OR s.review_date <= k.cutoff_date;
