-- staging.laatuarviot: the newest valid version of each key (ips_eval/ingest/staging.py builds _staged:
-- codebook columns with invalid field values already NULL, plus _file, _delivery_date, _row).
CREATE OR REPLACE TABLE staging.laatuarviot AS
SELECT * FROM _staged;
