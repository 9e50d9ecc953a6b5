-- meta.windows: the run's follow-up horizons (6 and 12 months, and 18/24 when asked) in days
-- (docs/methods.md §Windows and cut-offs), written from schemas/windows.py and the run's
-- horizons by ips_eval.warehouse.write_windows. Every SQL file that needs a window joins this
-- table; no SQL file spells a number of days itself.
-- Parameters: $windows (list of {window_months, window_days}).
CREATE SCHEMA IF NOT EXISTS meta;

CREATE OR REPLACE TABLE meta.windows AS
SELECT CAST(w.window_months AS INTEGER) AS window_months,
       CAST(w.window_days AS DOUBLE) AS window_days
FROM (SELECT unnest($windows) AS w);
