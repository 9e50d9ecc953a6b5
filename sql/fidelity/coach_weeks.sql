-- analysis.coach_weeks: employer contacts per coach and ISO week (docs/methods.md §Process
-- standards), one row per coach × week in which the coach had at least one client in service.
--
--   coach, team, region, cohort  from analysis.coaches (sql/fidelity/coaches.sql);
--   in service in the week       in_service (employment_macros.sql) from its Monday to its
--                                Sunday;
--   contacts                     staging.kontaktit rows of the coach in the week whose type is
--                                an employer contact ($contact_types: first meeting, job
--                                development), whoever the contact was about.
-- Weeks run Monday–Sunday (ISO) from the week of the coach's first index date; only weeks that
-- end on or before the cohort's cut-off count (a week the cut-off cuts short would undercount
-- its contacts). A contact of a coach no client names never reaches staging (unknown_coach).
-- Parameters: $contact_types (INTEGER[]).
CREATE OR REPLACE TABLE analysis.coach_weeks AS
WITH weeks AS (
    SELECT co.*, CAST(w.week_start AS DATE) AS week_start,
           CAST(w.week_start + INTERVAL 6 DAY AS DATE) AS week_end
    FROM analysis.coaches AS co,
        LATERAL (SELECT unnest(generate_series(date_trunc('week', co.first_index),
                                               date_trunc('week', co.cutoff_date),
                                               INTERVAL 7 DAY)) AS week_start) AS w
),
in_service AS (
    SELECT w.coach, w.week_start, count(*) AS clients_in_service
    FROM weeks AS w
    JOIN analysis.clients AS c
        ON c.coach = w.coach
        AND in_service(c.index_date, c.exit_date, w.week_start, w.week_end)
    WHERE w.week_end <= w.cutoff_date
    GROUP BY ALL
),
contacts AS (
    SELECT coach, CAST(date_trunc('week', contact_date) AS DATE) AS week_start,
           count(*) AS contacts
    FROM staging.kontaktit
    WHERE list_contains($contact_types, contact_type)
    GROUP BY ALL
)
SELECT
    w.coach, w.team, w.region, w.cohort,
    strftime(w.week_start, '%G-W%V') AS iso_week,
    w.week_start, w.week_end,
    s.clients_in_service::INTEGER AS clients_in_service,
    coalesce(k.contacts, 0)::INTEGER AS contacts
FROM weeks AS w
JOIN in_service AS s USING (coach, week_start)
LEFT JOIN contacts AS k USING (coach, week_start)
ORDER BY w.coach, w.week_start;
