-- staging.kustannukset: the newest valid version of each key (ips_eval/ingest/staging.py builds _staged:
-- codebook columns with invalid field values already NULL, plus _file, _delivery_date, _row),
-- with the region's cohort (meta.regions: sql/study/cohorts_and_regions.sql).
CREATE OR REPLACE TABLE staging.kustannukset AS
SELECT s.*, rc.cohort
FROM _staged s
LEFT JOIN meta.regions rc USING (region);
