-- Parsing delivered text into the codebook's types (docs/methods.md §Sources and deliveries, "CSV
-- as the regions and registers really send it"). Every format goes through these: CSV text, xlsx
-- cells read as text, SPSS values written as text. An unparseable value gives NULL (the caller
-- records it). They run over tens of millions of register rows: callers pass a column, not an
-- expression (a macro's argument is expanded wherever the macro names it).

-- Numbers: decimal comma or point, thousand separators as spaces (incl. no-break, narrow
-- no-break and thin spaces), an optional sign. '1 234,50' → 1234.5. Anything else (two
-- separators, letters, exponents) → NULL.
-- The spaces are removed by translate(), not a regular expression (a third of the parse's
-- time over tens of millions of amounts): tab, line feed, form feed, carriage return and space
-- (RE2's \s), no-break, narrow no-break and thin space — tests/test_ingest_macros.py holds it
-- equal to regexp_replace(s, '[\s\x{00A0}\x{202F}\x{2009}]', '', 'g').
CREATE OR REPLACE TEMP MACRO ingest_number_text(s) AS (
    replace(translate(s, chr(9) || chr(10) || chr(12) || chr(13) || chr(32) || chr(160)
                         || chr(8239) || chr(8201), ''), ',', '.')
);

-- The general forms (any spaces, decimal comma or point).
CREATE OR REPLACE TEMP MACRO ingest_parse_number_any(s) AS (
    TRY_CAST(nullif(regexp_extract(ingest_number_text(s), '^[+-]?(\d+(\.\d*)?|\.\d+)$', 0), '')
             AS DOUBLE)
);

CREATE OR REPLACE TEMP MACRO ingest_parse_int_any(s) AS (
    TRY_CAST(TRY_CAST(nullif(regexp_extract(ingest_number_text(s), '^[+-]?\d+(\.0*)?$', 0), '')
                      AS DOUBLE) AS INTEGER)
);

-- Numbers as almost every row has them ('2723,56', '1031.32', '-5'): no space of any kind, so
-- removing the spaces would change nothing and the value is cast at once; anything else takes
-- the general form. translate() over every amount of a register extract was three quarters of
-- the parse's time. tests/test_ingest_macros.py holds each equal to its general form.
CREATE OR REPLACE TEMP MACRO ingest_parse_number(s) AS (
    CASE WHEN regexp_full_match(s, '[+-]?(\d+([.,]\d*)?|[.,]\d+)')
         THEN TRY_CAST(replace(s, ',', '.') AS DOUBLE)
         ELSE ingest_parse_number_any(s) END
);

-- Whole numbers: '3', and '3,0' / '3.0' as a spreadsheet may write them; not '2,5'.
CREATE OR REPLACE TEMP MACRO ingest_parse_int(s) AS (
    CASE WHEN regexp_full_match(s, '[+-]?\d+([.,]0*)?')
         THEN TRY_CAST(TRY_CAST(replace(s, ',', '.') AS DOUBLE) AS INTEGER)
         ELSE ingest_parse_int_any(s) END
);

-- Dates: Finnish d.m.yyyy (5.7.2023, 05.07.2023) or ISO yyyy-mm-dd (xlsx / SPSS dates,
-- possibly with a midnight time). An impossible date (31.2.2023) → NULL.
CREATE OR REPLACE TEMP MACRO ingest_parse_date(s) AS (
    CAST(coalesce(
        try_strptime(nullif(regexp_extract(s, '^\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*$', 1), ''),
                     '%d.%m.%Y'),
        try_strptime(nullif(regexp_extract(
            s, '^\s*(\d{4}-\d{1,2}-\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?\s*$', 1), ''),
                     '%Y-%m-%d')
    ) AS DATE)
);

-- Months (Incomes Register 'yyyy-mm'; also 'm.yyyy' and the first day 'yyyy-mm-01'): the
-- first day of the month.
CREATE OR REPLACE TEMP MACRO ingest_parse_month(s) AS (
    CAST(coalesce(
        try_strptime(nullif(regexp_extract(s, '^\s*(\d{4}-\d{1,2})(?:-0?1)?\s*$', 1), '')
                     || '-01', '%Y-%m-%d'),
        try_strptime('1.' || nullif(regexp_extract(s, '^\s*(\d{1,2}\.\d{4})\s*$', 1), ''),
                     '%d.%m.%Y')
    ) AS DATE)
);

-- Text: trimmed; empty is missing.
CREATE OR REPLACE TEMP MACRO ingest_parse_text(s) AS (nullif(trim(s), ''));
