"""The analysis-dataset export: ``out/analysis/<name>.parquet`` always, and ``.dta`` (Stata)
and ``.sav`` (SPSS) with variable and value labels from ``schemas/analysis.py`` (one language:
Finnish by default, as THL's statisticians read them; ``ips-eval run --label-language sv|en``).

Choices for Stata/SPSS (the Parquet keeps the warehouse's types and values unchanged):
- A coded string column that has a value-label set (region, cohort, sex, dx_group, param,
  censor_reason, …) becomes an integer 1..k in the order the codes are declared in the label
  set, with those value labels — Stata allows value labels on numbers only, and both files get
  the same coding. A value the set does not declare is appended after the declared codes with
  itself as its label (and listed in the log), so nothing is lost.
- Integer codes (education, event, …) keep their values; booleans become 0/1.
- Dates are Stata dates (%td) / SPSS DATE; a list (register benefits) becomes a
  ``;``-separated string; strings longer than Stata's 2045 bytes are refused with a clear error.
- Variable names must be Stata names of at most 32 characters; variable labels are cut to
  Stata's 80 characters (SPSS gets the same text).
- Columns are written in the declared order, then any column the table has beyond the
  declaration (unlabelled); a declared column the table lacks is skipped and logged.
- The write time that Stata and SPSS files carry in their header is set to the data cut-off
  (the latest cohort cut-off of ``analysis.clients``, 00:00), so two runs on the same
  deliveries give byte-identical files.
- Size: ``.dta``/``.sav`` are written only for tables of at most ``max_rows_stat_files`` rows
  (default ``STAT_FILES_ROW_LIMIT``): register_monthly at national scale (tens of millions of
  rows) would give files of many GB. Above the limit only Parquet is written, stale
  ``.dta``/``.sav`` of an earlier run are removed, and the log says so.
"""

from __future__ import annotations

import contextlib
import logging
import re
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ips_eval.outputs import atomic_path, copy_table_to_parquet
from ips_eval.warehouse import insertion_order_kept
from schemas.analysis import DatasetLabels, value_label_set
from schemas.codebook import Lang
from schemas.windows import DEFAULT_CUTOFFS

log = logging.getLogger(__name__)

STAT_FILES_ROW_LIMIT = 2_000_000
STATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
STATA_LABEL_MAX = 80
STATA_STR_MAX = 2045


def export_dataset(con: duckdb.DuckDBPyConnection, table: str, out_dir: Path,
                   labels: DatasetLabels, lang: Lang = "fi",
                   max_rows_stat_files: int = STAT_FILES_ROW_LIMIT,
                   stat_rows: str | None = None) -> list[Path]:
    """Write ``<out_dir>/analysis/<labels.name>.parquet`` (streamed by DuckDB's COPY) and,
    below the row limit, ``.dta`` and ``.sav`` with labels. ``table`` is a warehouse table
    (``analysis.clients``; a bare name means the analysis schema). ``stat_rows``: a SQL
    predicate (a constant of the calling code, never data) choosing the rows of the ``.dta``
    and ``.sav`` files; the Parquet file has them all. Returns the paths written."""
    qualified = table if "." in table else f"analysis.{table}"
    folder = Path(out_dir) / "analysis"
    columns = _export_columns(con, qualified, labels)
    types = _column_types(con, qualified)
    order = ", ".join(f'"{c}"' for c in labels.order_by if c in columns) or f'"{columns[0]}"'
    # a table stored in its key's order is written as stored: no second sort
    stored = labels.stored_in_order
    with insertion_order_kept(con) if stored else contextlib.nullcontext():
        parquet = copy_table_to_parquet(con, qualified, folder / f"{labels.name}.parquet",
                                        order_by=None if stored else order)
    written = [parquet]
    where = f" WHERE {stat_rows}" if stat_rows else ""
    rows = con.execute(f"SELECT count(*) FROM {qualified}{where}").fetchall()[0][0]
    stat_paths = [folder / f"{labels.name}.dta", folder / f"{labels.name}.sav"]
    if rows > max_rows_stat_files:
        for stale in stat_paths:
            stale.unlink(missing_ok=True)
        log.warning("%s: %d rows > %d: Parquet only, no .dta/.sav", labels.name, rows,
                    max_rows_stat_files)
        return written
    select = ", ".join(_stat_column(c, types[c]) for c in columns)
    frame = con.sql(f"SELECT {select} FROM {qualified}{where} ORDER BY {order}").df()
    frame, value_labels = stat_frame(frame, labels, lang)
    variable_labels = {name: text[:STATA_LABEL_MAX]
                       for name, text in labels.variable_labels(lang).items() if name in frame}
    import polars as pl
    import pyreadstat

    # ReadStat's writer walks the rows in Python and asks pandas whether each cell is missing;
    # from a Polars frame it only tests for None (the same file, several seconds less on
    # half a million rows)
    frame = pl.from_pandas(frame)
    stamp = datetime.combine(data_cutoff(con), time())
    with atomic_path(stat_paths[0]) as tmp:
        pyreadstat.write_dta(frame, tmp, file_label=labels.label(lang)[:STATA_LABEL_MAX],
                             column_labels=variable_labels, variable_value_labels=value_labels)
        stamp_file(tmp, stamp)
    with atomic_path(stat_paths[1]) as tmp:
        pyreadstat.write_sav(frame, tmp, file_label=labels.label(lang),
                             column_labels=variable_labels, variable_value_labels=value_labels)
        stamp_file(tmp, stamp)
    return [*written, *stat_paths]


def data_cutoff(con: duckdb.DuckDBPyConnection) -> date:
    """The latest cohort cut-off of the run's clients (the default's when there are none)."""
    found = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                        "'analysis' AND table_name = 'clients' AND column_name = 'cutoff_date'"
                        ).fetchall()[0][0]
    latest = (con.execute("SELECT max(cutoff_date) FROM analysis.clients").fetchall()[0][0]
              if found else None)
    return latest or max(DEFAULT_CUTOFFS.values())


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DTA_STAMP = b"<timestamp>\x11"  # Stata 117+: a length byte (17), then "dd Mon yyyy hh:mm"
_SAV_STAMP = slice(92, 109)  # SPSS header: creation date "dd Mon yy" and time "hh:mm:ss"
_HEADER_BYTES = 4096  # both stamps lie in the first bytes (the .dta's after its 80-byte label)


def stamp_file(path: Path, when: datetime) -> None:
    """Overwrite the write time in a ``.dta`` or ``.sav`` header (ReadStat puts the clock's time
    there, so identical data would give different bytes). English month names, as both
    formats define them."""
    month = _MONTHS[when.month - 1]
    with open(path, "r+b") as file:  # the header only: the data after it stays as written
        head = file.read(_HEADER_BYTES)
        if head[:4] == b"$FL2":
            at = _SAV_STAMP.start
            text = f"{when.day:02d} {month} {when.year % 100:02d}{when:%H:%M:%S}"
        else:
            at = head.find(_DTA_STAMP)
            if at < 0:
                raise ValueError(f"{path}: no Stata timestamp field in the header")
            at += len(_DTA_STAMP)
            text = f"{when.day:02d} {month} {when.year} {when:%H:%M}"
        file.seek(at)
        file.write(text.encode())


def stat_files_note(paths: list[Path], max_rows_stat_files: int = STAT_FILES_ROW_LIMIT) -> str:
    """One line for Dagster metadata saying whether ``.dta``/``.sav`` were written, given the
    paths ``export_dataset`` returned (with the same row limit)."""
    if any(p.suffix == ".dta" for p in paths):
        return "written (.dta and .sav with labels)"
    return (f"not written: the table has more than {max_rows_stat_files:,} rows "
            "(Parquet only; raise max_rows_stat_files to force them)")


def _column_types(con: duckdb.DuckDBPyConnection, qualified: str) -> dict[str, str]:
    schema, name = qualified.split(".", 1)
    return dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = ? AND table_name = ?", [schema, name]
                            ).fetchall())


def _export_columns(con: duckdb.DuckDBPyConnection, qualified: str,
                    labels: DatasetLabels) -> list[str]:
    schema, name = qualified.split(".", 1)
    present = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND "
        "table_name = ? ORDER BY ordinal_position", [schema, name]).fetchall()]
    if not present:
        raise ValueError(f"cannot export {qualified}: no such table in the warehouse")
    missing = [c for c in labels.names if c not in present]
    if missing:
        log.warning("%s: declared columns not in %s, skipped: %s", labels.name, qualified,
                    ", ".join(missing))
    columns = [c for c in labels.names if c in present] + [c for c in present
                                                             if c not in labels.names]
    bad = [c for c in columns if not STATA_NAME.match(c)]
    if bad:
        raise ValueError(f"{labels.name}: column names not valid in Stata (≤ 32 characters, "
                         f"letters, digits, _): {', '.join(bad)}")
    return columns


def _stat_column(name: str, data_type: str) -> str:
    """A column of the Stata/SPSS query: a list of texts joined by ``;`` in DuckDB (the same
    text ``_plain`` would make of it, without a Python call per row), the rest as it is."""
    if data_type == "VARCHAR[]":
        return f'array_to_string("{name}", \';\') AS "{name}"'
    return f'"{name}"'


def stat_frame(frame: pd.DataFrame, labels: DatasetLabels, lang: Lang = "fi"
               ) -> tuple[pd.DataFrame, dict[str, dict[float, str]]]:
    """The frame as Stata/SPSS want it, and its value labels {column: {code: label}}."""
    out = pd.DataFrame(index=frame.index)
    value_labels: dict[str, dict[float, str]] = {}
    declared = {v.name: v for v in labels.variables}
    for name in frame.columns:
        values = frame[name]
        label_set = declared[name].value_labels if name in declared else None
        codes = {code: text(lang) for code, text in value_label_set(label_set).items()}
        if codes and _is_text(values):
            out[name], value_labels[name] = _encode(values, codes, f"{labels.name}.{name}")
        elif codes:
            out[name] = pd.to_numeric(values, errors="raise").astype("float64")
            value_labels[name] = {float(k): v for k, v in codes.items()
                                  if isinstance(k, int | float)}
        else:
            out[name] = _plain(values, f"{labels.name}.{name}")
    return out, value_labels


def _is_text(values: pd.Series) -> bool:
    sample = values.dropna()
    return values.dtype == object and (sample.empty or isinstance(sample.iloc[0], str))


def _encode(values: pd.Series, codes: dict[object, str], where: str
            ) -> tuple[pd.Series, dict[float, str]]:
    """Strings → 1..k in declared order; undeclared values appended with themselves as label."""
    order = [c for c in codes if isinstance(c, str)]
    extra = sorted(set(values.dropna()) - set(order))
    if extra:
        log.warning("%s: values without a value label, appended: %s", where, extra)
    number = {code: float(i) for i, code in enumerate([*order, *extra], start=1)}
    text = {**codes, **{e: e for e in extra}}
    return (values.map(number).astype("float64"),
            {number[c]: text[c] for c in [*order, *extra]})


def _plain(values: pd.Series, where: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.date.astype(object).where(values.notna(), None)
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64") if values.isna().any() else values
    sample = values.dropna()
    if not sample.empty and isinstance(sample.iloc[0], list | np.ndarray):
        values = values.map(lambda v: None if v is None else ";".join(str(x) for x in v))
    if not sample.empty and isinstance(sample.iloc[0], bool):
        return values.map(lambda v: None if v is None else float(v))
    too_long = values.dropna().astype(str).str.encode("utf-8").str.len().max()
    if too_long and too_long > STATA_STR_MAX:
        raise ValueError(f"{where}: a text of {too_long} bytes is longer than Stata's "
                         f"{STATA_STR_MAX}")
    return values
