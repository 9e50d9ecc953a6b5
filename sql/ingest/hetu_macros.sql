-- Personal identity codes (HETU) checked in SQL, for the distinct values of a register
-- extract (a million persons): the same rules as python-stdnum's stdnum.fi.hetu.validate,
-- which ips_eval/ingest/identity.py uses for everything else and which the tests hold these
-- macros to (tests/test_hetu_sql.py, every century sign and every wrong check character).
-- The argument is the code's compact form (upper case, no spaces), printable ASCII only: a
-- value with anything else in it goes to stdnum itself (ips_eval.ingest.identity).

-- The year of birth of a well-formed code (ddmmyy + century sign).
CREATE OR REPLACE TEMP MACRO hetu_year(c) AS (
    CASE WHEN substr(c, 7, 1) = '+' THEN 1800
         WHEN substr(c, 7, 1) IN ('A', 'B', 'C', 'D', 'E', 'F') THEN 2000
         ELSE 1900 END + CAST(substr(c, 5, 2) AS INTEGER)
);

-- A well-formed code's ddmmyy is a real day (leap years by the full year: 1900 was none, 2000
-- was one). Month first: make_date of month 13 would be an error, not false.
CREATE OR REPLACE TEMP MACRO hetu_date_is_valid(c) AS (
    CASE WHEN CAST(substr(c, 3, 2) AS INTEGER) BETWEEN 1 AND 12
         THEN CAST(substr(c, 1, 2) AS INTEGER) BETWEEN 1 AND day(last_day(make_date(
                  hetu_year(c), CAST(substr(c, 3, 2) AS INTEGER), 1)))
         ELSE false END
);

-- Which rule a compact code breaks, as stdnum checks them in order: 0 valid, 1 malformed (not
-- ddmmyyCnnnX with a check character of the alphabet), 2 an impossible birth date or an
-- individual number outside 002–899, 3 a wrong check character. The century signs: '+' the
-- 1800s; '-' and the 2023 signs Y X W V U the 1900s; A and the 2023 signs B C D E F the 2000s.
CREATE OR REPLACE TEMP MACRO hetu_rule_broken(c) AS (
    CASE
        WHEN NOT regexp_full_match(
            c, '[0-3][0-9][01][0-9][0-9]{2}[-+ABCDEFYXWVU][0-9]{3}[0-9ABCDEFHJKLMNPRSTUVWXY]')
            THEN 1
        WHEN NOT hetu_date_is_valid(c)
          OR CAST(substr(c, 8, 3) AS INTEGER) NOT BETWEEN 2 AND 899 THEN 2
        WHEN substr('0123456789ABCDEFHJKLMNPRSTUVWXY',
                    CAST(CAST(substr(c, 1, 6) || substr(c, 8, 3) AS BIGINT) % 31 AS INTEGER) + 1,
                    1) <> substr(c, 11, 1) THEN 3
        ELSE 0
    END
);

-- Birth date and sex of a valid code (the individual number odd = male).
CREATE OR REPLACE TEMP MACRO hetu_birth_date(c) AS (
    make_date(hetu_year(c), CAST(substr(c, 3, 2) AS INTEGER), CAST(substr(c, 1, 2) AS INTEGER))
);

CREATE OR REPLACE TEMP MACRO hetu_sex(c) AS (
    CASE WHEN CAST(substr(c, 8, 3) AS INTEGER) % 2 = 1 THEN 'male' ELSE 'female' END
);

-- HMAC-SHA-256 (RFC 2104) in hex, given the key's inner and outer pads (the key padded to the
-- 64-byte block and XOR-ed with 0x36 / 0x5c: ips_eval.ingest.identity.hmac_pads), so that
-- the key itself is never in a statement. Equal to Python's hmac.new(key, text, sha256).
CREATE OR REPLACE TEMP MACRO hmac_sha256_hex(ipad, opad, text) AS (
    sha256(opad || unhex(sha256(ipad || encode(text))))
);
