-- The rules of a client's time in IPS and of a competitive job, each defined once for every SQL
-- file that uses it.

-- In service at some time from first_day to last_day (both inclusive): enrolled on or before
-- last_day and no service end before first_day (an exit on first_day itself still counts;
-- analysis.clients: an exit after the cut-off is none). A day is first_day = last_day. Used by
-- client_quarters.sql (a quarter), coach_weeks.sql (a week), coach_months.sql (a month end).
CREATE OR REPLACE TEMP MACRO in_service(index_date, exit_date, first_day, last_day) AS (
    index_date <= last_day AND (exit_date IS NULL OR exit_date >= first_day)
);

-- The competitive-job rule (docs/methods.md §Competitive job, §Time to first job), defined
-- once for every SQL file that counts jobs (tte.sql, headline.sql, employment_spells.sql):
-- a job spell on the open labour market (avoimet = 1; pay-subsidised jobs count) that started
-- on or after the client's index date (jobs before it never count) and on or before the
-- cut-off (nothing after it is used).
CREATE OR REPLACE TEMP MACRO counts_as_competitive_job(competitive, start_date, index_date,
                                                        cutoff_date) AS (
    competitive = 1 AND start_date >= index_date AND start_date <= cutoff_date
);
