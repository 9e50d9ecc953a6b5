"""Readers for every contract format, each giving the same thing in two steps:
:func:`open_delivery` a DuckDB view ``_src_plain`` of the file as delivered (one VARCHAR column
per delivered column, named in normal form: lower case, stray spaces and BOM removed), never
stored; then :func:`materialise` the temp table ``_src_rows`` and the view ``_src`` with
``_row`` (1-based data row, header excluded) and the columns the loader asks for — identity
codes already pseudonymised and free text masked (``ingest/raw.py``). Nothing holding a code in
clear is ever written: a temp table may spill to disk and a killed run leaves its spill behind
(docs/methods.md §Identity and pseudonyms).

- CSV (Finnish Excel style, ``;``, any of the contract's encodings): DuckDB's reader, all text.
  A file that is not valid UTF-8 is transcoded from Windows-1252 first (DuckDB's encodings
  extension cannot be downloaded here) into an anonymous in-memory file (``memfd``: no name on
  any disk, gone with the process however it ends). Rows the parser rejects (a truncated last
  line, a row with too many or too few fields, an unterminated quote) are reported by data row
  number.
- xlsx: fastexcel (every cell as text; real Excel dates come as ISO text). The sheet read is
  the one named after the source (``asiakkaat``), else the only sheet with data; several
  sheets with data and none so named is a file defect that names them. Before anything is
  inflated the zip directory's sizes are checked (``limits.py``): a decompression bomb is
  rejected in milliseconds.
- SPSS .sav: pyreadstat (numbers that are whole become integers as text; dates ISO text), its
  size checked from the header first.

Every reader caps what it keeps (``limits.py``): a cell longer than ``MAX_CELL_CHARS`` is cut in
raw and marked with its length (the codebook's length rules then reject it), a line longer
than ``MAX_ROW_BYTES`` or a header of more than ``MAX_COLUMNS`` columns rejects the file.

Parsing text into numbers and dates (decimal comma, thousand spaces, ``d.m.yyyy``) happens later
in SQL, per the codebook's types, so that every format goes through the same rules.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.ingest import limits
from ips_eval.ingest.files import DeliveryFile, shown_name, transcode_to_utf8
from ips_eval.ingest.identity import mask_hetus
from ips_eval.warehouse import insertion_order_kept
from schemas.codebook import Source

SRC_VIEW = "_src"
PLAIN_VIEW = "_src_plain"  # the file as delivered: read through, never stored


class FileRejected(Exception):
    """The whole file goes to quarantine (contract: file-level defect)."""

    def __init__(self, rule: str, message: str, column: str | None = None) -> None:
        # a parser's message may quote the offending line: never let a HETU through
        message = mask_hetus(message)
        # one line in quarantine and the summary: libraries append multi-line context
        # (a Rust backtrace, the absolute path) that says nothing more to a researcher
        message = next((line.strip() for line in message.splitlines() if line.strip()),
                       "the file cannot be read")
        message = limits.cut(message, limits.MESSAGE_CHARS)  # a parser may quote a whole line
        super().__init__(message)
        self.rule, self.message, self.column = rule, message, column


@dataclass
class OpenedDelivery:
    columns: list[str]  # normalised delivered column names, in file order
    unparseable_rows: list[int] = field(default_factory=list)  # data rows the parser rejected
    encoding: str = "utf-8"
    format: str = "csv"
    note: str | None = None  # what a person should know about how it was read (the sheet)
    hint: str | None = None  # why required columns may seem missing (a wrong delimiter)


def normalise_name(name: str, position: int) -> str:
    """Column names are case-insensitive and may carry stray spaces (contract). A name is
    delivered text too: an identity code in it is masked before the name is kept anywhere
    (before it is cut, so that no half of a code survives)."""
    clean = re.sub(r"\s+", " ", name.replace("\ufeff", "").replace("\xa0", " ")).strip().lower()
    clean = mask_hetus(clean)
    return limits.cut(clean, limits.MAX_NAME_CHARS) or f"_column_{position + 1}"


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
    if f.longest_line > limits.MAX_ROW_BYTES and f.extension == ".csv":
        raise FileRejected("file_too_large", f"a line of {f.longest_line:,} bytes (the limit is "
                           f"{limits.MAX_ROW_BYTES:,}): not a delivery, not read")
    if f.extension == ".csv":
        return _open_csv(con, f, workdir)
    note = None
    if f.extension == ".xlsx":
        frame, note = _read_xlsx(f.path, f.source)
    else:
        frame = _read_sav(f.path)
    _check_width(len(frame.columns))
    columns = _unique([normalise_name(c, i) for i, c in enumerate(frame.columns)])
    frame = frame.rename(dict(zip(frame.columns, columns, strict=True)))
    if not columns:
        raise FileRejected("file_empty", "the file has no header row")
    frame = frame.with_columns(_cut_cell(pl.col(c)).alias(c) for c in columns)
    # a sheet's wholly empty rows are not rows (Excel keeps formatting there)
    frame = frame.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int32))
    frame = frame.filter(pl.any_horizontal(pl.col(columns).is_not_null()))
    con.register("_src_frame", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TEMP VIEW {PLAIN_VIEW} AS "
                "SELECT _row AS _k, * EXCLUDE (_row) FROM _src_frame")
    return OpenedDelivery(columns, format=f.extension.lstrip("."), note=note)


def _check_width(n: int) -> None:
    if n > limits.MAX_COLUMNS:
        raise FileRejected("file_too_large", f"{n:,} columns (the limit is "
                           f"{limits.MAX_COLUMNS}): not read")


_CUT_MARK = "… [cut: {} characters]"


def _cut_cell(col: pl.Expr) -> pl.Expr:
    """A cell over the cell limit cut, with its length said (polars: xlsx and SPSS)."""
    n = limits.MAX_CELL_CHARS
    length = col.str.len_chars()
    return (pl.when(length > n)
            .then(col.str.slice(0, n) + pl.lit("… [cut: ") + length.cast(pl.String)
                  + pl.lit(" characters]"))
            .otherwise(col))


def _cut_cell_sql(q: str) -> str:
    """The same cut in SQL (CSV)."""
    n = limits.MAX_CELL_CHARS
    return (f"CASE WHEN length({q}) > {n} THEN left({q}, {n}) || '… [cut: ' || length({q}) "
            f"|| ' characters]' ELSE {q} END")


def close_delivery(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP VIEW IF EXISTS {SRC_VIEW}")
    con.execute(f"DROP VIEW IF EXISTS {PLAIN_VIEW}")
    con.execute("DROP VIEW IF EXISTS _src_csv")
    for table in ("_rej", "_rej_scan", "_src_rows"):  # _rej*: raw line text; _src_rows: rows
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for name in ("_src_frame",):
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)
    while _in_memory:
        os.close(_in_memory.pop())


# ---------------------------------------------------------------------------------------------
def _open_csv(con: duckdb.DuckDBPyConnection, f: DeliveryFile, workdir: Path) -> OpenedDelivery:
    if f.looks_binary:
        raise FileRejected("file_unreadable", "the file is binary or garbage, not CSV text")
    if f.has_nul:  # one NUL anywhere: not text (a reader would cut or skip what follows it)
        raise FileRejected("file_unreadable", "the file holds a NUL byte: not CSV text")
    path, encoding = f.path, "utf-8"
    if not f.utf8:
        path, encoding = _transcoded(f, workdir), "windows-1252"
    try:
        header = pl.read_csv(path, separator=";", n_rows=0, infer_schema=False,
                             quote_char='"', truncate_ragged_lines=True).columns
    except (pl.exceptions.PolarsError, OSError) as error:
        if "empty" in str(error).lower():
            raise FileRejected("file_empty", "the file has no header row") from error
        raise FileRejected("file_unreadable", f"the CSV header cannot be read: {error}") from error
    _check_width(len(header))
    columns = _unique([normalise_name(c, i) for i, c in enumerate(header)])
    if not columns or columns == ["_column_1"]:
        raise FileRejected("file_empty", "the file has no header row")
    hint = _delimiter_hint(header)
    positional = {f"c{i}": "VARCHAR" for i in range(len(columns))}
    for table in ("_rej", "_rej_scan"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        rel = con.read_csv(str(path), sep=";", header=True, quotechar='"', escapechar='"',
                           columns=positional, auto_detect=False, store_rejects=True,
                           rejects_table="_rej", rejects_scan="_rej_scan", max_line_size=1 << 24)
        rel.create_view("_src_csv")
    except duckdb.Error as error:
        raise FileRejected("file_unreadable", f"the CSV cannot be parsed: {error}") from error
    renamed = ", ".join(f"{_cut_cell_sql(f'c{i}')} AS {quote_ident(name)}"
                        for i, name in enumerate(columns))
    # rows numbered in file order as they stream by (a streaming window: nothing buffered;
    # preserve_insertion_order keeps a file's order, see materialise); the data row number
    # needs the parser's rejects, known once the file is read through
    con.execute(f"CREATE OR REPLACE TEMP VIEW {PLAIN_VIEW} AS SELECT row_number() OVER () "
                f"AS _k, {renamed} FROM _src_csv")
    return OpenedDelivery(columns, encoding=encoding, format="csv", hint=hint)


def materialise(con: duckdb.DuckDBPyConnection, opened: OpenedDelivery, select: str,
                params: dict | None = None) -> None:
    """Read the opened file through into the temp table ``_src_rows`` and give the view
    ``_src`` over it: ``select`` is a query over :data:`PLAIN_VIEW` whose first column is its
    ``_k`` (the row's place in the file) — the loader's, which pseudonymises identity codes
    and masks free text in it, so that what is stored (and may spill to disk) holds no code in
    clear. ``_src`` has ``_row``, the data row number: for a CSV the parser's rejected rows
    are counted in (and noted in ``opened.unparseable_rows``)."""
    if opened.format != "csv":
        con.execute(f"CREATE OR REPLACE TEMP TABLE _src_rows AS {select}", params or {})
        con.execute(f"CREATE OR REPLACE TEMP VIEW {SRC_VIEW} AS "
                    "SELECT _k AS _row, * EXCLUDE (_k) FROM _src_rows")
        return
    try:
        # every later query of the load reads this table instead of parsing the CSV again
        with insertion_order_kept(con):
            con.execute(f"CREATE OR REPLACE TEMP TABLE _src_rows AS {select}", params or {})
        # the reject table holds the raw line text (it may contain identity codes): take the
        # line numbers only and drop it at once
        lines = _rejected_lines(con)
    except duckdb.Error as error:
        raise FileRejected("file_unreadable", f"the CSV cannot be parsed: {error}") from error
    finally:
        for table in ("_rej", "_rej_scan"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    unparseable = [int(line) - 1 for line in lines]  # line 1 is the header
    opened.unparseable_rows[:] = unparseable
    # the k-th accepted row is data row k + (number of rejected rows before it); with rejected
    # rows r_1 < r_2 < … that is k + #{j : r_j − j < k}
    gaps = [r - j for j, r in enumerate(unparseable, start=1)]
    row = "_k" if not gaps else f"_k + len(list_filter({_int_list(gaps)}, lambda g: g < _k))"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {SRC_VIEW} AS SELECT CAST({row} AS INTEGER) AS _row, "
        "* EXCLUDE (_k) FROM _src_rows")


# file descriptors of in-memory transcoded copies, closed (and so freed) by close_delivery
_in_memory: list[int] = []


def _transcoded(f: DeliveryFile, workdir: Path) -> Path:
    """A Windows-1252 file as UTF-8 for DuckDB's reader: in an anonymous in-memory file where
    the system has them (Linux), so that the copy — the delivery's text, identity codes in
    clear — is never on a disk and vanishes with the process even when it is killed; elsewhere
    in the private ``workdir`` (removed after the load and at the next start)."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("ips-ingest-transcoded", os.MFD_CLOEXEC)
        _in_memory.append(fd)
        with open(f"/proc/self/fd/{fd}", "wb") as copy:
            transcode_to_utf8(f.path, None, copy)
        return Path(f"/proc/self/fd/{fd}")
    path = workdir / f"{f.content_hash}.csv"
    transcode_to_utf8(f.path, path)
    return path


def _delimiter_hint(header: list[str]) -> str | None:
    """A header read as one column that holds commas, tabs or pipes: the file is most likely
    delimited by that character instead of the contract's ``;``."""
    if len(header) != 1:
        return None
    for sep, name in ((",", "comma"), ("\t", "tab"), ("|", "pipe")):
        if header[0].count(sep) >= 1:
            return (f"the header is one column with {name}s in it: the file looks "
                    f"{name}-delimited, but deliveries use ';' (Finnish Excel CSV); save it "
                    "again as 'CSV (semicolon delimited)'")
    return None


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


def _read_xlsx(path: Path, src: Source) -> tuple[pl.DataFrame, str | None]:
    """The data sheet as text, and a note saying which sheet it was when there was a choice."""
    import fastexcel

    _check_workbook_sizes(path)
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
        if not names:
            raise FileRejected("file_empty", "the workbook has no sheets")
        sheet, note = _data_sheet(reader, names, src)
        frame = reader.load_sheet(sheet, dtypes="string").to_polars()
    except FileRejected:
        raise
    except Exception as error:  # fastexcel raises its own error types per failure
        raise FileRejected("file_unreadable", f"the workbook cannot be read: {error}") from error
    return frame.with_columns(pl.all().cast(pl.String).str.strip_suffix(" 00:00:00")), note


def _data_sheet(reader, names: list[str], src: Source) -> tuple[str, str | None]:
    """The sheet named after the source, else the only one with data (see the module)."""
    wanted = {src.name.lower(), src.table.lower()}
    named = [n for n in names if n.strip().lower() in wanted]
    if named:
        return named[0], (f"sheet {shown_name(named[0])!r} read (named after the source)"
                          if len(names) > 1 else None)
    with_data = [n for n in names if _has_data(reader, n)]
    if not with_data:
        raise FileRejected("file_empty", "no sheet of the workbook holds data")
    if len(with_data) > 1:
        shown = ", ".join(repr(limits.cut(shown_name(n), 31)) for n in with_data[:5])
        raise FileRejected("file_unreadable", f"several sheets hold data ({shown}): name the "
                           f"data sheet {src.table!r} or deliver it alone")
    sheet = with_data[0]
    return sheet, (f"sheet {shown_name(sheet)!r} read (the only sheet with data)"
                   if len(names) > 1 else None)


def _has_data(reader, name: str) -> bool:
    sheet = reader.load_sheet(name, header_row=None, n_rows=2, dtypes="string")
    return sheet.total_height > 0 and sheet.width > 0 and any(
        v is not None and str(v).strip() for column in sheet.to_polars().iter_columns()
        for v in column)


def _check_workbook_sizes(path: Path) -> None:
    """Reject a workbook that would unpack too large, from its zip directory, and verify that
    no part inflates beyond what the directory declares (a lying header is a bomb too)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            total = sum(p.file_size for p in parts)
            biggest = max(parts, key=lambda p: p.file_size, default=None)
            if biggest is not None and (biggest.file_size > limits.MAX_XLSX_PART_BYTES
                                        or total > limits.MAX_XLSX_BYTES):
                raise FileRejected(
                    "file_too_large", f"the workbook unpacks to {total / 2**20:,.0f} MB "
                    f"({limits.cut(biggest.filename, 40)}: {biggest.file_size / 2**20:,.0f} "
                    f"MB; limits {limits.MAX_XLSX_PART_BYTES >> 20} MB a part, "
                    f"{limits.MAX_XLSX_BYTES >> 20} MB in all): not read")
            for part in parts:  # zipfile stops at the declared size and checks the CRC
                with book.open(part) as stream:
                    while stream.read(1 << 20):
                        pass
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as error:
        raise FileRejected("file_unreadable", f"the workbook cannot be read: {error}") from error


def _read_sav(path: Path) -> pl.DataFrame:
    import pyreadstat

    try:
        _meta = pyreadstat.read_sav(str(path), metadataonly=True)[1]
    except Exception as error:  # pyreadstat raises ReadstatError / PyreadstatError
        raise FileRejected("file_unreadable", f"the SPSS file cannot be read: {error}") from error
    columns = max(_meta.number_columns or 0, 1)
    _check_width(_meta.number_columns or 0)
    width = sum(int(w or 8) for w in (_meta.variable_storage_width or {}).values())
    # the most rows the limits allow: a header may say its row count is unknown (-1, allowed
    # by the format), so the read itself stops there and one row more rejects the file
    allowed = min(limits.MAX_SAV_CELLS // columns, limits.MAX_SAV_BYTES // max(width, 1))
    declared = _meta.number_rows if (_meta.number_rows or 0) > 0 else None
    if declared is not None and declared > allowed:
        raise FileRejected("file_too_large", _sav_too_large(f"{declared:,}", _meta, width))
    try:
        data, _meta = pyreadstat.read_sav(str(path), apply_value_formats=False,
                                          row_limit=allowed + 1)
    except Exception as error:  # pyreadstat raises ReadstatError / PyreadstatError
        raise FileRejected("file_unreadable", f"the SPSS file cannot be read: {error}") from error
    if len(data) > allowed:
        raise FileRejected("file_too_large", _sav_too_large(f"over {allowed:,}", _meta, width)
                           + " (its header does not say how many; reading stopped there)")
    frame = pl.from_pandas(data)
    return frame.with_columns(_as_text(frame[c]).alias(c) for c in frame.columns)


def _sav_too_large(rows: str, meta, width: int) -> str:  # noqa: ANN001 — pyreadstat's metadata
    return (f"{rows} rows × {meta.number_columns:,} columns ({width:,} bytes a row) is over "
            "the size limit: not read")


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
