-- staging.tyosuhteet: the newest valid version of each job spell, plus `overlaps`: the spell
-- shares at least one day with another spell of the same client (an open end runs on). Such
-- spells are real (two part-time jobs) and are kept; docs/methods.md §Competitive job says how they
-- count.
CREATE OR REPLACE TABLE staging.tyosuhteet AS
SELECT s.* EXCLUDE (_file, _delivery_date, _row),
       coalesce(EXISTS (
           SELECT 1 FROM _staged o
           WHERE o.client_id = s.client_id AND o.job_no <> s.job_no
             AND o.start_date <= coalesce(s.end_date, DATE '9999-12-31')
             AND coalesce(o.end_date, DATE '9999-12-31') >= s.start_date
       ), false) AS overlaps,
       s._file, s._delivery_date, s._row
FROM _staged s;
