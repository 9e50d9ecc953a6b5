-- staging.asiakkaat: the newest valid enrolment form per client (built from _staged by
-- ips_eval/ingest/staging.py) plus what the analyses derive at ingest:
--   cohort         from the client code's prefix (= region on a valid row) and meta.regions
--                  (sql/study/cohorts_and_regions.sql; docs/methods.md §The study);
--   age_at_index   completed years from the HETU's birth date to the index date;
--   sex            from the HETU's individual number; both NULL without a valid HETU
--                  (the form carries no age or sex of its own);
--   diagnosis_non_f  an ICD-10 code outside chapter F: kept, flagged (contract).
CREATE OR REPLACE TABLE staging.asiakkaat AS
SELECT s.* EXCLUDE (_birth_date, _sex, _file, _delivery_date, _row),
       rc.cohort,
       CAST(CASE WHEN s.pid IS NOT NULL THEN
           date_diff('year', s._birth_date, s.index_date)
           - CASE WHEN strftime(s.index_date, '%m-%d') < strftime(s._birth_date, '%m-%d')
                  THEN 1 ELSE 0 END
       END AS INTEGER) AS age_at_index,
       CASE WHEN s.pid IS NOT NULL THEN s._sex END AS sex,
       s.diagnosis IS NOT NULL AND NOT starts_with(s.diagnosis, 'F') AS diagnosis_non_f,
       s._file, s._delivery_date, s._row
FROM _staged s
LEFT JOIN meta.regions rc ON rc.region = split_part(s.client_id, '-', 1);
