-- meta.cutoffs and meta.windows: the run's data cut-off per cohort and the 6/12-month windows
-- (docs/methods.md §Windows and cut-offs), written from schemas/windows.py and the run's settings
-- by ips_eval.warehouse.write_study_meta. Every SQL file that needs a cut-off or a window joins
-- these tables; no SQL file spells a date or a number of days itself.
-- Parameters: $cutoffs (list of {cohort, cutoff_date}), $windows (list of
-- {window_months, window_days}).
CREATE SCHEMA IF NOT EXISTS meta;

CREATE OR REPLACE TABLE meta.cutoffs AS
SELECT CAST(c.cohort AS VARCHAR) AS cohort, CAST(c.cutoff_date AS DATE) AS cutoff_date
FROM (SELECT unnest($cutoffs) AS c);

CREATE OR REPLACE TABLE meta.windows AS
SELECT CAST(w.window_months AS INTEGER) AS window_months,
       CAST(w.window_days AS DOUBLE) AS window_days
FROM (SELECT unnest($windows) AS w);
