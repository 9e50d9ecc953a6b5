-- The competitive-job rule (DESIGN.md §4, "Competitive job" and "Time to first job"), defined
-- once for every SQL file that counts jobs (tte.sql, headline.sql, employment_spells.sql):
-- a job spell on the open labour market (avoimet = 1; pay-subsidised jobs count) that started
-- on or after the client's index date (jobs before it never count) and on or before the
-- cut-off (nothing after it is used).
CREATE OR REPLACE TEMP MACRO counts_as_competitive_job(competitive, start_date, index_date,
                                                        cutoff_date) AS (
    competitive = 1 AND start_date >= index_date AND start_date <= cutoff_date
);
