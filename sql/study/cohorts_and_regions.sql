-- meta.cohorts and meta.regions: the study's definition (docs/methods.md §The study), written
-- from schemas/study.py by ips_eval.warehouse.write_study_tables. Every SQL file that needs a
-- region's cohort or a cohort's facts joins these tables; no SQL file spells a cohort or a
-- region code itself.
-- Parameters: $cohorts (list of {cohort, name_fi, name_sv, name_en, period_start, period_end,
-- enrolment_start, enrolment_end, default_cutoff, headline_cutoff, headline_started,
-- headline_employed}), $regions (list of {region, cohort, name_fi, name_sv, name_en}).
CREATE SCHEMA IF NOT EXISTS meta;

CREATE OR REPLACE TABLE meta.cohorts AS
SELECT CAST(c.cohort AS VARCHAR) AS cohort,
       CAST(c.name_fi AS VARCHAR) AS name_fi,
       CAST(c.name_sv AS VARCHAR) AS name_sv,
       CAST(c.name_en AS VARCHAR) AS name_en,
       CAST(c.period_start AS DATE) AS period_start,
       CAST(c.period_end AS DATE) AS period_end,
       CAST(c.enrolment_start AS DATE) AS enrolment_start,
       CAST(c.enrolment_end AS DATE) AS enrolment_end,
       CAST(c.default_cutoff AS DATE) AS default_cutoff,
       CAST(c.headline_cutoff AS DATE) AS headline_cutoff,
       CAST(c.headline_started AS INTEGER) AS headline_started,
       CAST(c.headline_employed AS INTEGER) AS headline_employed
FROM (SELECT unnest($cohorts) AS c);

CREATE OR REPLACE TABLE meta.regions AS
SELECT CAST(r.region AS VARCHAR) AS region,
       CAST(r.cohort AS VARCHAR) AS cohort,
       CAST(r.name_fi AS VARCHAR) AS name_fi,
       CAST(r.name_sv AS VARCHAR) AS name_sv,
       CAST(r.name_en AS VARCHAR) AS name_en
FROM (SELECT unnest($regions) AS r);
