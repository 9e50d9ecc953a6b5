-- The per-client employment summary in analysis.clients (docs/methods.md §The study: number of job
-- contracts and their duration per client), counted from the index date to the cut-off:
--   n_jobs              job spells of any kind starting on/after the index date;
--   n_competitive_jobs  of them competitive (avoimet = 1; pay-subsidised count);
--   days_employed       days in a competitive job, overlapping spells counted once
--                       (analysis.employment_spells, scope 'competitive').
UPDATE analysis.clients AS c
SET
    n_jobs = coalesce(j.n_jobs, 0),
    n_competitive_jobs = coalesce(j.n_competitive_jobs, 0),
    days_employed = coalesce(d.days_employed, 0)
FROM analysis.clients AS base
LEFT JOIN (
    SELECT
        j.client_id,
        count(*) AS n_jobs,
        count(*) FILTER (WHERE j.competitive = 1) AS n_competitive_jobs
    FROM analysis.jobs AS j
    JOIN analysis.clients AS cl USING (client_id)
    WHERE j.start_date >= cl.index_date
    GROUP BY j.client_id
) AS j USING (client_id)
LEFT JOIN (
    SELECT client_id, sum(spell_end - spell_start + 1) AS days_employed
    FROM analysis.employment_spells
    WHERE scope = 'competitive'
    GROUP BY client_id
) AS d USING (client_id)
WHERE c.client_id = base.client_id;
