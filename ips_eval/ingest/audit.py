"""What must hold after ingest, measured independently of how ingest got there.

- Reconciliation (docs/methods.md §Sources and deliveries): per source and per file, rows read =
  rows staged + rows superseded + exact duplicates + rows quarantined. "Rows read" is the count
  taken when the file was loaded (``meta.ingest_files``), "staged" is counted in the staging table
  itself and "quarantined" in ``quarantine.defects`` — three different places, so a lost or
  double-counted row shows up.
- Identity leaks (docs/methods.md §Identity and pseudonyms): no text anywhere in the warehouse is
  a valid HETU. Every text column of every table is scanned with a regex prefilter in SQL (each
  distinct value once where values repeat; texts shorter than a HETU skipped); stdnum judges the
  candidates. Only counts are reported, never the values.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from ips_eval.ingest.identity import HETU_CHARS, HETU_PATTERN, is_valid_hetu
from ips_eval.ingest.readers import quote_ident
from schemas.codebook import SOURCES, Source

COUNTS = ("staged", "superseded", "exact_duplicates", "quarantined_rows")


def reconciliation(con: duckdb.DuckDBPyConnection, src: Source) -> pl.DataFrame:
    """One row per delivery file present now (rejected files included, with 0 rows): rows_read,
    staged, superseded, exact_duplicates, quarantined_rows, field_defects, balanced."""
    return con.sql(
        f"""
        WITH present AS (
            -- rows_read: counted at load; 0 for a rejected file and for a copy of a file
            -- loaded under another name (its rows are that file's)
            SELECT s.file, s.content_hash, s.outcome, s.rows_read,
                   f.file AS loaded_as  -- the name the rows carry (the content's first name)
            FROM meta.ingest_scan s LEFT JOIN meta.ingest_files f USING (content_hash)
            WHERE s.source = $s
        ),
        outcomes AS (
            SELECT content_hash,
                   count(*) FILTER (WHERE outcome = 'superseded') AS superseded,
                   count(*) FILTER (WHERE outcome = 'exact_duplicate') AS exact_duplicates
            FROM meta.row_outcomes WHERE source = $s GROUP BY content_hash
        ),
        quarantined AS (
            SELECT content_hash,
                   count(DISTINCT "row") FILTER (WHERE level = 'row') AS quarantined_rows,
                   count(*) FILTER (WHERE level = 'field') AS field_defects
            FROM quarantine.defects WHERE source = $s GROUP BY content_hash
        ),
        staged AS (
            SELECT _file, count(*) AS staged FROM staging.{quote_ident(src.table)} GROUP BY _file
        )
        SELECT p.file, p.outcome, p.rows_read,
               CASE WHEN p.rows_read = 0 THEN 0 ELSE coalesce(st.staged, 0) END AS staged,
               CASE WHEN p.rows_read = 0 THEN 0 ELSE coalesce(o.superseded, 0) END AS superseded,
               CASE WHEN p.rows_read = 0 THEN 0 ELSE coalesce(o.exact_duplicates, 0) END
                   AS exact_duplicates,
               CASE WHEN p.rows_read = 0 THEN 0 ELSE coalesce(q.quarantined_rows, 0) END
                   AS quarantined_rows,
               coalesce(q.field_defects, 0) AS field_defects
        FROM present p
        LEFT JOIN outcomes o USING (content_hash)
        LEFT JOIN quarantined q USING (content_hash)
        LEFT JOIN staged st ON st._file = p.loaded_as
        ORDER BY p.file
        """, params={"s": src.name}).pl().with_columns(
        (pl.col("rows_read") == pl.sum_horizontal(*COUNTS)).alias("balanced"))


def reconciliation_totals(per_file: pl.DataFrame) -> dict[str, int]:
    sums = {c: int(per_file[c].sum()) for c in ("rows_read", *COUNTS, "field_defects")}
    sums["unbalanced_files"] = int((~per_file["balanced"]).sum()) if per_file.height else 0
    return sums


@dataclass(frozen=True)
class Leak:
    table: str
    column: str
    values: int  # distinct valid HETUs found (the values themselves are never returned)


def text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every text or text-list column of every stored
    table."""
    return con.execute(
        "SELECT c.schema_name, c.table_name, c.column_name, c.data_type FROM duckdb_columns() c "
        "JOIN duckdb_tables() t ON t.schema_name = c.schema_name AND t.table_name = c.table_name "
        "AND t.database_name = c.database_name "
        "WHERE c.database_name = current_database() AND NOT t.temporary "
        "AND (c.data_type = 'VARCHAR' OR c.data_type = 'VARCHAR[]' OR c.data_type = 'JSON') "
        "ORDER BY 1, 2, 3").fetchall()


# Fewer distinct values than this share of the rows: the scan groups first, so the regular
# expression runs once a value (a pseudonym repeats in every row of its person) and not once a
# row; above it grouping costs more than it saves.
GROUP_FIRST_SHARE = 0.25


def _candidates(con: duckdb.DuckDBPyConnection, name: str, column: str, data_type: str
                ) -> list[str]:
    """The distinct HETU-shaped substrings of one column's values (every value is read)."""
    col = quote_ident(column)
    # a list's elements one by one: a HETU in its text form lies inside one element (they are
    # separated by ", "), and an element is far cheaper to read than a whole list cast to text
    value = f"unnest({col})" if data_type.endswith("[]") else col
    texts = (f"(SELECT v FROM (SELECT CAST({value} AS VARCHAR) AS v FROM {name}) "
             f"WHERE strlen(v) >= {HETU_CHARS})")
    distinct, rows = con.execute(f"SELECT approx_count_distinct(v), count(v) FROM {texts}"
                                 ).fetchall()[0]
    if not rows:
        return []
    if distinct < GROUP_FIRST_SHARE * rows:
        # any_value() over the group, not the grouping key itself: DuckDB would push a filter
        # on the key below the GROUP BY, back to one regular expression a row
        texts = f"(SELECT any_value(v) AS v FROM {texts} GROUP BY v)"
    return [m for (m,) in con.execute(
        f"SELECT DISTINCT m FROM (SELECT unnest(regexp_extract_all(v, $p)) AS m FROM {texts} "
        "WHERE regexp_matches(v, $p))",
        {"p": HETU_PATTERN}).fetchall()]


def identity_leaks(con: duckdb.DuckDBPyConnection) -> list[Leak]:
    """Every stored text column holding a valid HETU anywhere in its values."""
    leaks = []
    for schema, table, column, data_type in text_columns(con):
        name = f"{quote_ident(schema)}.{quote_ident(table)}"
        found = sum(1 for m in _candidates(con, name, column, data_type) if is_valid_hetu(m))
        if found:
            leaks.append(Leak(f"{schema}.{table}", column, found))
    return leaks


def all_reconciliations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    frames = [reconciliation(con, s).with_columns(pl.lit(s.name).alias("source"))
              for s in SOURCES.values()]
    return pl.concat(frames).select("source", pl.exclude("source"))
