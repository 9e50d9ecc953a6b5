-- The outcome of every raw row of one source's active files (docs/methods.md §Sources and
-- deliveries):
--   exact_duplicate  the same content as an earlier row of the same file: loaded once;
--   quarantined      broke at least one row-level rule (recorded in _defects);
--   staged           the newest delivery's version of its key (delivery date, then file name);
--   superseded       an older version of a key that a newer delivery repeats.
-- Reads _typed, _content and _defects (ips_eval/ingest/checks.py; rows are identified by
-- _rid = file number × 2^32 + data row); writes _duplicates, more _defects (the same key twice
-- in one file with different content) and _outcomes. Hash aggregates, not window sorts, over
-- all rows: register extracts have tens of millions of rows, and only the few rows or keys that
-- repeat need a second look.

-- Exact duplicates within one file: the first occurrence stands for them all. _row_hash is a
-- 64-bit hash of the content (ips_eval/ingest/raw.py): rows whose hashes repeat in a file are
-- candidates, and only they are compared on their whole content (_content), so a collision of
-- two different rows never makes one a duplicate.
CREATE OR REPLACE TEMP TABLE _duplicates AS
WITH repeated AS (
    SELECT _file_no, _row_hash
    FROM _typed
    WHERE _row_hash IS NOT NULL
    GROUP BY _file_no, _row_hash
    HAVING count(*) > 1
),
candidates AS (
    SELECT t._rid
    FROM _typed t
    JOIN repeated r ON r._file_no = t._file_no AND r._row_hash = t._row_hash
),
compared AS (
    SELECT c._rid,
           row_number() OVER (PARTITION BY x._file_no, x.content ORDER BY c._rid) AS occurrence
    FROM candidates c
    JOIN _content x ON x._rid = c._rid
)
SELECT _rid FROM compared WHERE occurrence > 1;

-- The same key twice in one file with different content: no row can be trusted over the
-- other, so every row of that key in that file is rejected.
INSERT INTO _defects
WITH candidates AS (
    SELECT t._rid, t._file_no, t._key
    FROM _typed t
    ANTI JOIN _duplicates d ON d._rid = t._rid
    WHERE t._key IS NOT NULL
),
conflicting AS (
    SELECT _file_no, _key, count(*) AS versions
    FROM candidates
    GROUP BY _file_no, _key
    HAVING count(*) > 1
)
SELECT c._rid, NULL, 'row', 'duplicate_key_conflict', NULL,
       'the same key appears ' || k.versions || ' times in this file with different content'
FROM candidates c
JOIN conflicting k ON k._file_no = c._file_no AND k._key = c._key;

-- Duplicates and rejected rows are settled; of the rest, per key the newest delivery's row is
-- staged and every other version is superseded. Files are numbered in delivery order
-- (delivery date, then file name) and a key is unique within a file by now, so the newest
-- version is the one with the largest _rid. The staged rows come straight from the aggregate;
-- only keys with more than one version are looked up again (a register key is almost always
-- delivered once: joining every row back to a key aggregate of tens of millions cost more).
-- A row without a key is never a candidate here (it was quarantined: key_missing /
-- key_malformed).
CREATE OR REPLACE TEMP TABLE _outcomes AS
WITH settled AS (
    SELECT _rid, 'exact_duplicate' AS outcome FROM _duplicates
    UNION ALL
    SELECT DISTINCT r._rid, 'quarantined'
    FROM _defects r ANTI JOIN _duplicates d ON d._rid = r._rid
    WHERE r.level = 'row'
),
candidates AS (
    SELECT t._rid, t._key
    FROM _typed t
    ANTI JOIN settled s ON s._rid = t._rid
),
newest AS (
    SELECT _key, max(_rid) AS staged_rid, count(*) AS versions
    FROM candidates
    WHERE _key IS NOT NULL
    GROUP BY _key
)
SELECT _rid, outcome FROM settled
UNION ALL
SELECT staged_rid, 'staged' FROM newest
UNION ALL
SELECT c._rid, 'superseded'
FROM candidates c
JOIN newest n ON n._key = c._key AND n.versions > 1 AND c._rid <> n.staged_rid;
