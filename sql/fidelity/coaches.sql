-- analysis.coaches: one row per coach named on an enrolment form of analysis.clients, with the
-- team most of the coach's clients have (ties: the first team code), region and cohort, the
-- coach's first client's index date and the cohort's cut-off. The frame of the coach-level
-- process standards (sql/fidelity/coach_weeks.sql, sql/fidelity/coach_months.sql).
CREATE OR REPLACE TABLE analysis.coaches AS
WITH coach_team AS (
    SELECT coach, first(team ORDER BY n DESC, team) AS team
    FROM (SELECT coach, team, count(*) AS n FROM analysis.clients
          WHERE coach IS NOT NULL GROUP BY ALL)
    GROUP BY coach
)
SELECT c.coach, t.team, first(c.region ORDER BY c.region) AS region,
       first(c.cohort ORDER BY c.cohort) AS cohort, min(c.index_date) AS first_index,
       max(c.cutoff_date) AS cutoff_date, count(*)::INTEGER AS clients
FROM analysis.clients AS c
JOIN coach_team AS t USING (coach)
GROUP BY c.coach, t.team
ORDER BY c.coach;
