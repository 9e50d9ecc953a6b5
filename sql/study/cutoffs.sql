-- meta.cutoffs: the run's data cut-off per cohort (docs/methods.md §Windows and cut-offs), written
-- from the run's settings by ips_eval.warehouse.write_study_meta. Every SQL file that needs a
-- cut-off joins this table; no SQL file spells a date itself.
-- Parameters: $cutoffs (list of {cohort, cutoff_date}).
CREATE SCHEMA IF NOT EXISTS meta;

CREATE OR REPLACE TABLE meta.cutoffs AS
SELECT CAST(c.cohort AS VARCHAR) AS cohort, CAST(c.cutoff_date AS DATE) AS cutoff_date
FROM (SELECT unnest($cutoffs) AS c);
