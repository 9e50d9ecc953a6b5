-- Parsing delivered text into the codebook's types (contract/DELIVERIES.md, "CSV as the regions
-- and registers really send it"). Every format goes through these: CSV text, xlsx cells read as
-- text, SPSS values written as text. An unparseable value gives NULL (the caller records it).

-- Numbers: decimal comma or point, thousand separators as spaces (incl. no-break and thin
-- spaces), an optional sign. '1 234,50' → 1234.5. Anything else (two separators, letters) → NULL.
CREATE OR REPLACE TEMP MACRO ingest_parse_number(s) AS (
    CASE
        WHEN regexp_matches(
            regexp_replace(trim(s), '[\s\x{00A0}\x{202F}\x{2009}]', '', 'g'),
            '^[+-]?(\d+([.,]\d*)?|[.,]\d+)$')
        THEN TRY_CAST(replace(
            regexp_replace(trim(s), '[\s\x{00A0}\x{202F}\x{2009}]', '', 'g'), ',', '.') AS DOUBLE)
    END
);

-- Whole numbers: as numbers, but only when whole ('3', '3,0' from a spreadsheet, not '2,5').
CREATE OR REPLACE TEMP MACRO ingest_parse_int(s) AS (
    CASE
        WHEN ingest_parse_number(s) = round(ingest_parse_number(s))
             AND abs(ingest_parse_number(s)) < 2147483647
        THEN CAST(ingest_parse_number(s) AS INTEGER)
    END
);

-- Dates: Finnish d.m.yyyy (5.7.2023, 05.07.2023) or ISO yyyy-mm-dd (xlsx / SPSS dates,
-- possibly with a midnight time). An impossible date (31.2.2023) → NULL.
CREATE OR REPLACE TEMP MACRO ingest_parse_date(s) AS (
    CASE
        WHEN regexp_matches(trim(s), '^\d{1,2}\.\d{1,2}\.\d{4}$')
            THEN CAST(try_strptime(trim(s), '%d.%m.%Y') AS DATE)
        WHEN regexp_matches(trim(s), '^\d{4}-\d{1,2}-\d{1,2}([ T]00:00(:00(\.0+)?)?)?$')
            THEN CAST(try_strptime(split_part(split_part(trim(s), ' ', 1), 'T', 1), '%Y-%m-%d')
                      AS DATE)
    END
);

-- Months (Incomes Register 'yyyy-mm'; also 'm.yyyy' / 'mm/yyyy'): the first day of the month.
CREATE OR REPLACE TEMP MACRO ingest_parse_month(s) AS (
    CASE
        WHEN regexp_matches(trim(s), '^\d{4}-\d{1,2}$')
            THEN CAST(try_strptime(trim(s) || '-1', '%Y-%m-%d') AS DATE)
        WHEN regexp_matches(trim(s), '^\d{1,2}[./]\d{4}$')
            THEN CAST(try_strptime('1.' || replace(trim(s), '/', '.'), '%d.%m.%Y') AS DATE)
        WHEN regexp_matches(trim(s), '^\d{4}-\d{1,2}-01$')
            THEN CAST(try_strptime(trim(s), '%Y-%m-%d') AS DATE)
    END
);

-- Text: trimmed; empty is missing.
CREATE OR REPLACE TEMP MACRO ingest_parse_text(s) AS (nullif(trim(s), ''));
