"""Readers for every contract format, each giving the same thing: a DuckDB view ``_src`` with
``_row`` (1-based data row, header excluded) and one VARCHAR column per delivered column, named
in normal form (lower case, stray spaces and BOM removed).

- CSV (Finnish Excel style, ``;``, any of the contract's encodings): DuckDB's reader, all text.
  A file that is not valid UTF-8 is transcoded from Windows-1252 first (DuckDB's encodings
  extension cannot be downloaded here). Rows the parser rejects (a truncated last line, a row
  with too many or too few fields, an unterminated quote) are reported by data row number.
- xlsx: fastexcel (first sheet, every cell as text; real Excel dates come as ISO text).
- SPSS .sav: pyreadstat (numbers that are whole become integers as text; dates ISO text).

Parsing text into numbers and dates (decimal comma, thousand spaces, ``d.m.yyyy``) happens later
in SQL, per the codebook's types, so that every format goes through the same rules.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.ingest.files import DeliveryFile, transcode_to_utf8
from ips_eval.ingest.identity import mask_hetus

SRC_VIEW = "_src"


class FileRejected(Exception):
    """The whole file goes to quarantine (contract: file-level defect)."""

    def __init__(self, rule: str, message: str, column: str | None = None) -> None:
        # a parser's message may quote the offending line: never let a HETU through
        message = mask_hetus(message)
        # one line in quarantine and the summary: libraries append multi-line context
        # (a Rust backtrace, the absolute path) that says nothing more to a researcher
        message = next((line.strip() for line in message.splitlines() if line.strip()),
                       "the file cannot be read")
        super().__init__(message)
        self.rule, self.message, self.column = rule, message, column


@dataclass
class OpenedDelivery:
    columns: list[str]  # normalised delivered column names, in file order
    unparseable_rows: list[int] = field(default_factory=list)  # data rows the parser rejected
    encoding: str = "utf-8"
    format: str = "csv"


def normalise_name(name: str, position: int) -> str:
    """Column names are case-insensitive and may carry stray spaces (contract)."""
    clean = re.sub(r"\s+", " ", name.replace("\ufeff", "").replace("\xa0", " ")).strip().lower()
    return clean or f"_column_{position + 1}"


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_delivery(con: duckdb.DuckDBPyConnection, f: DeliveryFile,
                  workdir: Path) -> OpenedDelivery:
    """Create the ``_src`` view over one delivery file, or raise FileRejected."""
    if f.size_bytes == 0:
        raise FileRejected("file_empty", "the file is empty (0 bytes)")
    if f.extension not in f.source.extensions:
        raise FileRejected("file_unreadable", f"unsupported file type {f.extension or '(none)'}"
                           f" for {f.source.name} (expected {', '.join(f.source.extensions)})")
    if f.extension == ".csv":
        return _open_csv(con, f, workdir)
    frame = _read_xlsx(f.path) if f.extension == ".xlsx" else _read_sav(f.path)
    columns = _unique([normalise_name(c, i) for i, c in enumerate(frame.columns)])
    frame = frame.rename(dict(zip(frame.columns, columns, strict=True)))
    if not columns:
        raise FileRejected("file_empty", "the file has no header row")
    # a sheet's wholly empty rows are not rows (Excel keeps formatting there)
    frame = frame.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int32))
    frame = frame.filter(pl.any_horizontal(pl.col(columns).is_not_null()))
    con.register("_src_frame", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TEMP VIEW {SRC_VIEW} AS SELECT * FROM _src_frame")
    return OpenedDelivery(columns, format=f.extension.lstrip("."))


def close_delivery(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP VIEW IF EXISTS {SRC_VIEW}")
    con.execute("DROP VIEW IF EXISTS _src_csv")
    for table in ("_rej", "_rej_scan", "_src_rows"):  # _rej*: raw line text; _src_rows: rows
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for name in ("_src_frame",):
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)


# ---------------------------------------------------------------------------------------------
def _open_csv(con: duckdb.DuckDBPyConnection, f: DeliveryFile, workdir: Path) -> OpenedDelivery:
    if f.looks_binary:
        raise FileRejected("file_unreadable", "the file is binary or garbage, not CSV text")
    path, encoding = f.path, "utf-8"
    if not f.utf8:
        path, encoding = workdir / f"{f.content_hash}.csv", "windows-1252"
        transcode_to_utf8(f.path, path)
    try:
        header = pl.read_csv(path, separator=";", n_rows=0, infer_schema=False,
                             quote_char='"', truncate_ragged_lines=True).columns
    except (pl.exceptions.PolarsError, OSError) as error:
        if "empty" in str(error).lower():
            raise FileRejected("file_empty", "the file has no header row") from error
        raise FileRejected("file_unreadable", f"the CSV header cannot be read: {error}") from error
    columns = _unique([normalise_name(c, i) for i, c in enumerate(header)])
    if not columns or columns == ["_column_1"]:
        raise FileRejected("file_empty", "the file has no header row")
    positional = {f"c{i}": "VARCHAR" for i in range(len(columns))}
    for table in ("_rej", "_rej_scan"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        rel = con.read_csv(str(path), sep=";", header=True, quotechar='"', escapechar='"',
                           columns=positional, auto_detect=False, store_rejects=True,
                           rejects_table="_rej", rejects_scan="_rej_scan", max_line_size=1 << 24)
        rel.create_view("_src_csv")
        # parsed once, here: the rows numbered in file order (preserve_insertion_order keeps
        # a file's order for row_number() OVER ()), the parser's rejects collected on the
        # way; every later query of the load (distinct identity codes, the INSERT) reads
        # this table instead of parsing a gigabyte of CSV again
        con.execute("SET preserve_insertion_order = true")
        con.execute("CREATE OR REPLACE TEMP TABLE _src_rows AS "
                    "SELECT row_number() OVER () AS _k, * FROM _src_csv")
        # the reject table holds the raw line text (it may contain identity codes): take the
        # line numbers only and drop it at once
        lines = _rejected_lines(con)
    except duckdb.Error as error:
        raise FileRejected("file_unreadable", f"the CSV cannot be parsed: {error}") from error
    finally:
        con.execute("SET preserve_insertion_order = false")
        for table in ("_rej", "_rej_scan"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    unparseable = [int(line) - 1 for line in lines]  # line 1 is the header
    # the k-th accepted row is data row k + (number of rejected rows before it); with rejected
    # rows r_1 < r_2 < … that is k + #{j : r_j − j < k}
    gaps = [r - j for j, r in enumerate(unparseable, start=1)]
    renamed = ", ".join(f"c{i} AS {quote_ident(name)}" for i, name in enumerate(columns))
    row = "_k" if not gaps else f"_k + len(list_filter({_int_list(gaps)}, lambda g: g < _k))"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {SRC_VIEW} AS SELECT CAST({row} AS INTEGER) AS _row, "
        f"{renamed} FROM _src_rows"
    )
    return OpenedDelivery(columns, unparseable, encoding=encoding, format="csv")


def _rejected_lines(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Physical line numbers the parser rejected (DuckDB creates the table only when some
    line was rejected)."""
    try:
        return [r[0] for r in con.execute("SELECT DISTINCT line FROM _rej ORDER BY 1").fetchall()]
    except duckdb.CatalogException:
        return []


def _int_list(values: list[int]) -> str:
    # integers computed here, not delivered text: safe to write into the view definition
    return "[" + ", ".join(str(int(v)) for v in values) + "]::BIGINT[]"


def _read_xlsx(path: Path) -> pl.DataFrame:
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
        if not reader.sheet_names:
            raise FileRejected("file_empty", "the workbook has no sheets")
        frame = reader.load_sheet(0, dtypes="string").to_polars()
    except FileRejected:
        raise
    except Exception as error:  # fastexcel raises its own error types per failure
        raise FileRejected("file_unreadable", f"the workbook cannot be read: {error}") from error
    return frame.with_columns(pl.all().cast(pl.String).str.strip_suffix(" 00:00:00"))


def _read_sav(path: Path) -> pl.DataFrame:
    import pyreadstat

    try:
        data, _meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as error:  # pyreadstat raises ReadstatError / PyreadstatError
        raise FileRejected("file_unreadable", f"the SPSS file cannot be read: {error}") from error
    frame = pl.from_pandas(data)
    return frame.with_columns(_as_text(frame[c]).alias(c) for c in frame.columns)


def _as_text(series: pl.Series) -> pl.Expr:
    col = pl.col(series.name)
    if series.dtype.is_float():
        whole = col.is_finite() & (col == col.round(0))
        return (pl.when(col.is_nan()).then(None)
                .when(whole).then(col.cast(pl.Int64).cast(pl.String))
                .otherwise(col.cast(pl.String)))
    if series.dtype in (pl.Date, pl.Datetime):
        return col.dt.strftime("%Y-%m-%d")
    if series.dtype == pl.Object:
        return col.map_elements(lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v),
                                return_dtype=pl.String)
    return col.cast(pl.String).replace("", None)
