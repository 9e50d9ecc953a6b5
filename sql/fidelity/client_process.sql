-- analysis.client_process: one row per client of analysis.clients with the client-level process
-- standards (docs/methods.md §Process standards).
--
--   first_meeting_date   the client's first contact of type $first_meeting_type (first meeting
--                        of client and employer) on or after the index date and on or before
--                        the cut-off, by any coach;
--   first_meeting_days   its date − index date (event 1); without one, censored (event 0) at
--                        the service end or, still in service, at the cut-off — the Kaplan–Meier
--                        median runs over all clients;
--   met_within_window    first_meeting_days ≤ $first_meeting_window, defined (TRUE/FALSE) only
--                        for clients with ≥ $first_meeting_window days of follow-up before the
--                        cut-off (followup_days); NULL for the others;
--   referral_days        index date − referral date (lahetepvm); NULL when the referral date is
--                        missing (ingest rejects a referral after the start).
-- Parameters: $first_meeting_type (INTEGER), $first_meeting_window (INTEGER days).
CREATE OR REPLACE TABLE analysis.client_process AS
WITH meetings AS (
    SELECT c.client_id, min(k.contact_date) AS first_meeting_date
    FROM analysis.clients AS c
    JOIN staging.kontaktit AS k
        ON k.client_id = c.client_id
        AND k.contact_type = $first_meeting_type
        AND k.contact_date BETWEEN c.index_date AND c.cutoff_date
    GROUP BY c.client_id
)
SELECT
    c.client_id, c.coach, c.team, c.region, c.cohort, c.index_date, c.referral_date,
    c.followup_days,
    m.first_meeting_date,
    CAST(coalesce(m.first_meeting_date, c.exit_date, c.cutoff_date) - c.index_date AS INTEGER)
        AS first_meeting_days,
    CAST(m.first_meeting_date IS NOT NULL AS INTEGER) AS first_meeting_event,
    CASE WHEN c.followup_days >= $first_meeting_window
        THEN coalesce(m.first_meeting_date - c.index_date <= $first_meeting_window, FALSE)
    END AS met_within_window,
    CAST(c.index_date - c.referral_date AS INTEGER) AS referral_days
FROM analysis.clients AS c
LEFT JOIN meetings AS m USING (client_id)
ORDER BY c.client_id;
