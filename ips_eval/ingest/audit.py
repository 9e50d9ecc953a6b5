"""What must hold after ingest, measured independently of how ingest got there.

- Reconciliation (docs/methods.md §Sources and deliveries): per source and per file, rows read =
  rows staged + rows superseded + exact duplicates + rows quarantined. "Rows read" is the count
  taken when the file was loaded (``meta.ingest_files``), "staged" is counted in the staging table
  itself and "quarantined" in ``quarantine.defects`` — three different places, so a lost or
  double-counted row shows up.
- Identity leaks (docs/methods.md §Identity and pseudonyms): no text anywhere in the warehouse
  holds a valid HETU. Every text column of every table is scanned with a loose regex prefilter in
  SQL (each distinct value once where values repeat; texts shorter than a HETU skipped; pids and
  hashes blanked); the one finder of ``identity.py`` and stdnum judge the candidates. Only counts
  are reported, never the values.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.ingest.identity import HETU_CHARS, HETU_PATTERN, HEX_RUN_PATTERN, find_hetus
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


def _candidates(con: duckdb.DuckDBPyConnection, relation: str, column: str, data_type: str,
                params: dict | None = None) -> list[str]:
    """The distinct values of one column (of a table, or of a query in parentheses with the
    named ``params``) that the SQL prefilter finds HETU-shaped once digests are blanked (every
    value is read)."""
    params = params or {}
    col = quote_ident(column)
    # a list's elements one by one: a HETU in its text form lies inside one element (they are
    # separated by ", "), and an element is far cheaper to read than a whole list cast to text
    value = f"unnest({col})" if data_type.endswith("[]") else col
    texts = (f"(SELECT v FROM (SELECT CAST({value} AS VARCHAR) AS v FROM {relation}) "
             f"WHERE strlen(v) >= {HETU_CHARS})")
    distinct, rows = con.execute(f"SELECT approx_count_distinct(v), count(v) FROM {texts}",
                                 params or None).fetchall()[0]
    if not rows:
        return []
    if distinct < GROUP_FIRST_SHARE * rows:
        # any_value() over the group, not the grouping key itself: DuckDB would push a filter
        # on the key below the GROUP BY, back to one regular expression a row
        texts = f"(SELECT any_value(v) AS v FROM {texts} GROUP BY v)"
    return [v for (v,) in con.execute(
        f"SELECT DISTINCT v FROM {texts} WHERE regexp_matches(v, $p) "
        "AND regexp_matches(regexp_replace(v, $hex, 'x', 'g'), $p)",
        {"p": HETU_PATTERN, "hex": HEX_RUN_PATTERN, **params}).fetchall()]


def codes_in(values: list[str]) -> set[str]:
    """The distinct valid HETUs (compact) in these texts."""
    return {code for v in values for code in find_hetus(v)}


def file_rows_leak(con: duckdb.DuckDBPyConnection, table: str, content_hash: str) -> list[str]:
    """The columns of ``table``'s rows of one file version (``_hash``) that hold a valid HETU:
    the raw loader's last look before it commits a file."""
    schema, name = table.split(".")
    columns = [(c, t) for s_, t_, c, t in text_columns(con) if (s_, t_) == (schema, name)]
    rows = (f"(SELECT * FROM {quote_ident(schema)}.{quote_ident(name)} "
            "WHERE _hash = $content_hash)")
    return [c for c, t in columns
            if codes_in(_candidates(con, rows, c, t, {"content_hash": content_hash}))]


def identity_leaks(con: duckdb.DuckDBPyConnection) -> list[Leak]:
    """Every stored text column holding a valid HETU anywhere in its values."""
    leaks = []
    for schema, table, column, data_type in text_columns(con):
        name = f"{quote_ident(schema)}.{quote_ident(table)}"
        found = len(codes_in(_candidates(con, name, column, data_type)))
        if found:
            leaks.append(Leak(f"{schema}.{table}", column, found))
    return leaks


def all_reconciliations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    frames = [reconciliation(con, s).with_columns(pl.lit(s.name).alias("source"))
              for s in SOURCES.values()]
    return pl.concat(frames).select("source", pl.exclude("source"))


# -- the same scan over the files of an output folder ------------------------------------------
# The warehouse is not the only place a code could land: manifest.json, the report, the
# tables, Dagster's event log (a SQLite file under .dagster) and anything else under the
# output folder are read too. Text is read as UTF-8 (anything undecodable replaced), Parquet
# through DuckDB (its pages are compressed), Office files member by member (zips); the
# warehouse file itself by ``identity_leaks``.
_SCAN_CHUNK = 8 << 20


def _text_codes(stream) -> set[str]:  # noqa: ANN001 — a binary file object
    found: set[str] = set()
    tail = ""
    while chunk := stream.read(_SCAN_CHUNK):
        text = tail + chunk.decode("utf-8", errors="replace")
        found |= codes_in([text])
        tail = text[-64:]  # a code cut by the chunk boundary is whole in the next text
    return found


def _parquet_codes(path: Path) -> set[str]:
    con = duckdb.connect()
    try:
        con.read_parquet(str(path)).create_view("p")
        columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                              "WHERE table_name = 'p'").fetchall()
        return codes_in([v for name, data_type in columns
                         if data_type in ("VARCHAR", "VARCHAR[]")
                         for v in _candidates(con, "p", name, data_type)])
    finally:
        con.close()


def file_codes(path: Path) -> set[str]:
    """The distinct valid HETUs (compact) in one file of any kind (the warehouse file aside)."""
    if path.suffix == ".parquet":
        return _parquet_codes(path)
    if zipfile.is_zipfile(path):
        found: set[str] = set()
        with zipfile.ZipFile(path) as book:
            for member in book.infolist():
                with book.open(member) as stream:
                    found |= _text_codes(stream)
        return found
    with path.open("rb") as stream:
        return _text_codes(stream)


WAREHOUSE_FILES = (".duckdb",)


# What every run scans when it ends (``assets.runner``): the files a delivery's texts reach
# besides the warehouse (which the blocking ``identity_leak_scan`` check reads) and the tables
# (which hold counts and labels only) — the manifest, the report and Dagster's event log.
RUN_SCANNED = ("manifest.json", "report", ".dagster")


def identity_leaks_in_files(folder: Path, parts: tuple[str, ...] | None = None
                            ) -> dict[str, int]:
    """Every file under ``folder`` (or under its ``parts``, files or folders), its name too,
    holding a valid HETU: relative path (masked) → how many distinct codes. The warehouse file
    is scanned as a database; its write-ahead log and any leftover spill files as bytes."""
    from ips_eval.ingest.files import shown_name

    folder = Path(folder)
    roots = [folder / p for p in parts] if parts is not None else [folder]
    paths = sorted(p for root in roots if root.exists()
                   for p in ([root] if root.is_file() else root.rglob("*")))
    found: dict[str, int] = {}
    for path in paths:
        if path.is_symlink() or not path.is_file():
            continue
        codes = codes_in([path.relative_to(folder).as_posix()])
        if path.suffix in WAREHOUSE_FILES:
            con = duckdb.connect(str(path), read_only=True)
            try:
                codes |= {f"{x.table}.{x.column}:{i}" for x in identity_leaks(con)
                          for i in range(x.values)}
            finally:
                con.close()
        else:
            codes |= file_codes(path)
        if codes:
            found[shown_name(path.relative_to(folder).as_posix())] = len(codes)
    return found
