-- Check on analysis.register_monthly: per person, the months' benefits_eur must add up to what
-- the person's Kela periods paid inside their window, each period pro rata of its days inside
-- the window (so a period wholly inside counts in full). Computed from the periods directly,
-- without the month split it checks. Periods with an unknown amount or end date are never
-- shared out and are left out here too. Parameters: $tolerance (euros), $limit.
WITH windows AS (
    SELECT pid, min(month) AS first_day, last_day(max(month)) AS last_day,
           sum(benefits_eur) AS benefits_eur
    FROM analysis.register_monthly
    GROUP BY pid
),
expected AS (
    SELECT w.pid,
           sum(k.paid_eur * (least(k.end_date, w.last_day) - greatest(k.start_date, w.first_day) + 1)
               / (k.end_date - k.start_date + 1)) AS paid_in_window_eur
    FROM staging.kela AS k
    JOIN windows AS w ON k.pid = w.pid
    WHERE k.paid_eur IS NOT NULL AND k.end_date IS NOT NULL
      AND k.start_date <= w.last_day AND k.end_date >= w.first_day
    GROUP BY w.pid
)
SELECT w.first_day AS window_start, w.last_day AS window_end,
       coalesce(w.benefits_eur, 0) AS benefits_eur,
       coalesce(e.paid_in_window_eur, 0) AS paid_in_window_eur
FROM windows AS w
LEFT JOIN expected AS e USING (pid)
WHERE abs(coalesce(w.benefits_eur, 0) - coalesce(e.paid_in_window_eur, 0)) > $tolerance
ORDER BY window_start, benefits_eur
LIMIT $limit
