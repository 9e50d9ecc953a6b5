-- staging.{table} of a register source (staging.kela, staging.tulorekisteri; the caller fills
-- {table} from the codebook): the newest valid version of each key, with client_id where the
-- person (pid) is a client (if one person was enrolled twice, the lower client code). Rows of
-- persons who are no client are kept, client_id NULL, and shown in comparison.{table}
-- (contract: the register comparison group, not quarantined). A comparison person's birth date
-- and sex (from the HETU at ingest, as a client's age and sex) are kept on their rows for the
-- register effect's matching; a client's come from the enrolment form, so their rows carry
-- none.
CREATE OR REPLACE TABLE staging.{table} AS
SELECT s.* EXCLUDE (_birth_date, _sex, _file, _delivery_date, _row), c.client_id,
       CASE WHEN c.client_id IS NULL THEN s._birth_date END AS birth_date,
       CASE WHEN c.client_id IS NULL THEN s._sex END AS sex,
       s._file, s._delivery_date, s._row
FROM _staged s
LEFT JOIN (
    SELECT pid, min(client_id) AS client_id
    FROM staging.asiakkaat WHERE pid IS NOT NULL GROUP BY pid
) c ON c.pid = s.pid;

CREATE OR REPLACE VIEW comparison.{table} AS
SELECT * EXCLUDE (client_id) FROM staging.{table} WHERE client_id IS NULL;
