-- The outcome of every raw row of one source's active files (contract/DELIVERIES.md):
--   exact_duplicate  the same content as an earlier row of the same file: loaded once;
--   quarantined      broke at least one row-level rule (recorded in _defects);
--   staged           the newest delivery's version of its key (delivery date, then file name);
--   superseded       an older version of a key that a newer delivery repeats.
-- Reads _typed and _defects (ips_eval/ingest/checks.py); writes _duplicates, more _defects
-- (same key twice in one file with different content) and _outcomes.

-- Exact duplicates within one file: the first occurrence stands for them all.
CREATE OR REPLACE TEMP TABLE _duplicates AS
SELECT _hash, _row
FROM (
    SELECT _hash, _row,
           row_number() OVER (PARTITION BY _hash, _row_hash ORDER BY _row) AS occurrence
    FROM _typed
    WHERE _row_hash IS NOT NULL
)
WHERE occurrence > 1;

-- The same key twice in one file with different content: no row can be trusted over the
-- other, so every row of that key in that file is rejected.
INSERT INTO _defects
SELECT _hash, _row, NULL, 'row', 'duplicate_key_conflict', NULL,
       'the same key appears ' || versions || ' times in this file with different content'
FROM (
    SELECT t._hash, t._row,
           count(*) OVER (PARTITION BY t._hash, t._key) AS versions,
           min(t._row_hash) OVER (PARTITION BY t._hash, t._key) AS first_content,
           max(t._row_hash) OVER (PARTITION BY t._hash, t._key) AS last_content
    FROM _typed t
    ANTI JOIN _duplicates d ON d._hash = t._hash AND d._row = t._row
    WHERE t._key IS NOT NULL
)
WHERE first_content <> last_content;

CREATE OR REPLACE TEMP TABLE _outcomes AS
WITH rejected AS (
    SELECT DISTINCT _hash, _row FROM _defects WHERE level = 'row'
),
classified AS (
    SELECT t._hash, t._row, t._key, t._delivery_date, t._file,
           CASE
               WHEN d._row IS NOT NULL THEN 'exact_duplicate'
               WHEN r._row IS NOT NULL THEN 'quarantined'
           END AS settled
    FROM _typed t
    LEFT JOIN _duplicates d ON d._hash = t._hash AND d._row = t._row
    LEFT JOIN rejected r ON r._hash = t._hash AND r._row = t._row
)
SELECT _hash, _row,
       coalesce(settled, CASE
           WHEN row_number() OVER (PARTITION BY settled IS NULL, _key
                                   ORDER BY _delivery_date DESC, _file DESC, _row DESC) = 1
           THEN 'staged' ELSE 'superseded' END) AS outcome
FROM classified;
