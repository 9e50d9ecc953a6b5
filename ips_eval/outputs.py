"""Writing outputs: the one module that writes a file of the output folder (results tables,
analysis datasets' Parquet, figures, texts, a folder replaced as a whole); every other writer —
``export.py``, ``publish/tables/writer.py``, ``publish/figures/common.py``, the manifest, the
report — writes through :func:`atomic_path` or a function here. One place for the rules every
output follows: atomic replacement (a killed run never leaves half a file), stable
row order and formatting (two runs on the same deliveries give byte-identical files), the
results copy inside the warehouse's ``results`` schema, who may read a file, and spreadsheet
formulas defused in every CSV written.

Who may read (issue 16): whatever holds pseudonymised personal data — the warehouse (and its
WAL and spill files), ``analysis/``, ``results/``, ``manifest.json``, ``.dagster/`` — is the
owner's only (files 0600, folders 0700), on a server other users share. The published,
disclosure-controlled folders (``tables/``, ``figures/``, ``report/``) follow the umask, as any
file the team writes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
# folders of the output folder whose every file holds (pseudonymised) personal data
PRIVATE_DIRS = frozenset({"analysis", "results", ".dagster", ".duckdb_tmp"})
PRIVATE_NAMES = frozenset({"manifest.json"})
PRIVATE_SUFFIXES = (".duckdb", ".wal")

_umask_lock = threading.Lock()
_private_depth = 0
_public_umask: int | None = None


def _current_umask() -> int:
    with _umask_lock:
        if _private_depth:
            return _public_umask or 0
        mask = os.umask(0)
        os.umask(mask)
        return mask


def is_private(path: Path) -> bool:
    """Whether an output file holds personal data (see the module's docstring)."""
    path = Path(path)
    return (path.parent.name in PRIVATE_DIRS or path.name in PRIVATE_NAMES
            or path.suffix in PRIVATE_SUFFIXES)


def output_dir(folder: Path, private: bool) -> Path:
    """Create ``folder`` (and its parents) and give it its mode: 0700 when private, else what
    the umask allows (also when a private-umask window created it)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, PRIVATE_DIR if private else 0o777 & ~_current_umask())
    return folder


def make_private(path: Path) -> None:
    """Owner-only mode for an existing file or folder (a no-op when it is not there)."""
    path = Path(path)
    if path.exists() and not path.is_symlink():
        os.chmod(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)


@contextmanager
def private_files() -> Iterator[None]:
    """Every file created inside is owner-only: for files a library creates by itself, such as
    DuckDB's write-ahead log and spill files, which no chmod after the fact can cover. Public
    outputs written meanwhile still get the umask's mode (``atomic_path``)."""
    global _private_depth, _public_umask
    with _umask_lock:
        if _private_depth == 0:
            _public_umask = os.umask(0o077)
        _private_depth += 1
    try:
        yield
    finally:
        with _umask_lock:
            _private_depth -= 1
            if _private_depth == 0 and _public_umask is not None:
                os.umask(_public_umask)
                _public_umask = None


@contextmanager
def atomic_path(path: Path, suffix: str | None = None, private: bool | None = None,
                folder_mode: bool = True):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.
    ``private`` (default: ``is_private(path)``) gives the file 0600 in a 0700 folder; else the
    file and its folder follow the umask. ``folder_mode=False`` leaves the folder's mode as it
    is (a file in the output folder itself, whose mode is the user's)."""
    path = Path(path)
    private = is_private(path) if private is None else private
    if not folder_mode or (private and path.parent.name not in PRIVATE_DIRS):
        # a private file in a shared folder (manifest.json in out/): the folder keeps its mode
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        output_dir(path.parent, private)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix,
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # after the writer: a library may have replaced the temporary file with its own
        os.chmod(tmp, PRIVATE_FILE if private else 0o666 & ~_current_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str, private: bool | None = None,
               folder_mode: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, private or public as ``atomic_path``
    decides."""
    with atomic_path(path, private=private, folder_mode=folder_mode) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def replace_dir(new: Path, target: Path) -> bool:
    """Put the fully written folder ``new`` at ``target`` by renames, so a reader never sees a
    half-written ``target``; an identical ``target`` is kept as it is (its files untouched).
    Returns whether ``target`` changed."""
    if target.is_dir() and _digest(new) == _digest(target):
        shutil.rmtree(new)
        return False
    old = target.with_name(f".{target.name}.old.{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return True


# OWASP's CSV-injection rule: a spreadsheet runs a cell as a formula when it begins with =, @,
# + or - (or a tab / carriage return that it strips first). A leading apostrophe makes Excel and
# LibreOffice show the text as it is. A cell that begins with + or - but holds nothing besides
# digits, spaces and . , ( ) % / : + - − – is data ("-1,5", "-0.88 (-3.16, 1.41)"): without a
# letter, quote, ! or | it can name no function, link or DDE command.
FORMULA_START = r"^[=@\t\r]|^[+-]."
PLAIN_NUMBERS = "^[+-][0-9\\s.,()%/:+\\-\u2212\u2013]*$"
_FORMULA_START = re.compile(FORMULA_START, re.DOTALL)
_PLAIN_NUMBERS = re.compile(PLAIN_NUMBERS)


def defuse_formula(text: str) -> str:
    """One text cell as a spreadsheet must receive it (see FORMULA_START)."""
    if _FORMULA_START.match(text) and not _PLAIN_NUMBERS.match(text):
        return "'" + text
    return text


def defuse_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Every text cell and column name of ``df`` defused; the one function every CSV / XLSX
    writer of the project goes through (``write_csv`` here; spreadsheet writers call it on the
    frame they write)."""
    exprs = []
    for name, dtype in df.schema.items():
        if dtype in (pl.String, pl.Categorical, pl.Enum):
            col = pl.col(name).cast(pl.String)
            risky = (col.str.contains(FORMULA_START)
                     & ~col.str.contains(PLAIN_NUMBERS).fill_null(False))
            exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    out = df.with_columns(exprs) if exprs else df
    renamed = {c: defuse_formula(c) for c in out.columns if defuse_formula(c) != c}
    return out.rename(renamed) if renamed else out


def write_csv(df: pl.DataFrame, path: Path, **options: Any) -> Path:
    """Write ``df`` as CSV atomically with its formulas defused (``polars.write_csv`` options);
    private or public by the path, as ``atomic_path`` decides."""
    with atomic_path(path) as tmp:
        defuse_formulas(df).write_csv(tmp, **options)
    return Path(path)


def _stable(df: pl.DataFrame, sort_by: Sequence[str] | None) -> pl.DataFrame:
    keys = list(sort_by) if sort_by else list(df.columns)
    return df.sort(keys, nulls_last=True, maintain_order=True) if df.height else df


def write_result(
    con: duckdb.DuckDBPyConnection | None,
    name: str,
    df: pl.DataFrame,
    out_dir: Path,
    sort_by: Sequence[str] | None = None,
    float_precision: int | None = 10,
) -> dict[str, Any]:
    """Write a tidy results table to ``out/results/<name>.csv`` and ``.parquet`` and, when a
    connection is given, to ``results.<name>`` in the warehouse. Returns Dagster metadata.

    Floats are rounded to ``float_precision`` significant decimals in the CSV only, so that a
    last-bit difference in a BLAS reduction never makes two runs' CSVs differ."""
    df = _stable(df, sort_by)
    results = Path(out_dir) / "results"
    write_csv(df, results / f"{name}.csv", float_precision=float_precision,
              date_format="%Y-%m-%d")
    with atomic_path(results / f"{name}.parquet") as tmp:
        df.write_parquet(tmp, statistics=False)
    if con is not None:
        con.register("_result_df", df.to_arrow())
        try:
            con.execute(f'CREATE OR REPLACE TABLE results."{name}" AS SELECT * FROM _result_df')
        finally:
            con.unregister("_result_df")
    return {"rows": df.height, "path": str(results / f"{name}.csv"),
            "preview": markdown_preview(df)}


# Why a model was not fitted (the ``not_fitted`` column of a results row; the tables say it in
# their language from schemas/table_text.py ``not_fitted_<reason>``)
NOT_FITTED_REASONS = ("no_rows", "no_events", "few_rows", "failed")
# the label columns of model results; every other column of an unfitted row is a number
TEXT_COLUMNS = frozenset({"param", "term", "instrument", "model", "contrast", "cohort",
                          "group", "group_var", "method", "outcome", "method_note",
                          "variance", "pooled_levels", "state_to",
                          "merged_states"})


def not_fitted(keys: dict[str, Any], columns: Sequence[str], reason: str,
               detail: str) -> pl.DataFrame:
    """One results row for a model that could not be fitted: its keys (``param``, …), every
    other column of the results table empty, ``not_fitted`` the reason code and ``note`` what
    was found (e.g. "0 events among 12 rows")."""
    if reason not in NOT_FITTED_REASONS:
        raise ValueError(f"unknown not-fitted reason {reason!r}")
    row: dict[str, Any] = {c: None for c in columns}
    row.update(keys)
    row.update(not_fitted=reason, note=detail)
    return pl.DataFrame([row], schema_overrides={
        c: pl.Utf8 if c in TEXT_COLUMNS else pl.Float64 for c in columns if c not in keys})


# What a model raises when the data cannot carry it (singular, no variation, nothing to sum)
MODEL_ERRORS: tuple[type[BaseException], ...] = (ArithmeticError, ValueError, LookupError)


def fit_or_reason(fit: Callable[[], pl.DataFrame], keys: dict[str, Any], columns: Sequence[str],
                  rows: int, events: int | None = None) -> pl.DataFrame:
    """``fit()`` — or, when there is nothing to fit yet (no rows, no events) or the fit fails
    on the data, a ``not_fitted`` row that says why. Early deliveries (a few clients, no jobs
    yet) then give a results table and a table that explain themselves instead of a failed
    step."""
    import numpy as np

    if rows == 0:
        return not_fitted(keys, columns, "no_rows", "no observations")
    if events == 0:
        return not_fitted(keys, columns, "no_events", f"0 events among {rows} observations")
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    try:
        fitted = fit()
    except (*MODEL_ERRORS, np.linalg.LinAlgError, PerfectSeparationError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        return not_fitted(keys, columns, "failed", f"{type(exc).__name__}: {first}"[:300])
    return fitted


def stack_results(frames: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Fitted and not-fitted results rows in one table (columns matched by name)."""
    return pl.concat(frames, how="diagonal_relaxed")


def write_parquet(df: pl.DataFrame, path: Path, sort_by: Sequence[str] | None = None) -> Path:
    with atomic_path(path) as tmp:
        _stable(df, sort_by).write_parquet(tmp, statistics=False)
    return path


def copy_table_to_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path,
                          order_by: str | None) -> Path:
    """Stream a (possibly huge) warehouse table to Parquet without loading it in Python, its
    rows sorted by ``order_by`` — or, when None, in the order the connection reads them (the
    table's stored order inside ``warehouse.insertion_order_kept``)."""
    order = f" ORDER BY {order_by}" if order_by else ""
    with atomic_path(path) as tmp:
        # COPY takes no bound path: the path is a SQL string literal, its quotes doubled
        target = "'" + str(tmp).replace("'", "''") + "'"
        con.execute(f"COPY (SELECT * FROM {table}{order}) TO {target} "
                    "(FORMAT parquet, COMPRESSION zstd)")
    return path


def write_figure(save: Callable[[Path, str], None] | Any, out_dir: Path, name: str) -> list[Path]:
    """Save a matplotlib figure as ``out/figures/<name>.png`` and ``.svg``, reproducibly
    (no timestamps, a fixed SVG id salt). The SVG keeps its texts as text elements (not glyph
    paths): a report author can search and edit them, and the disclosure audit can read them."""
    import matplotlib

    figures = Path(out_dir) / "figures"
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "ips-eval", "svg.fonttype": "none"}):
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            target = figures / f"{name}.{ext}"
            with atomic_path(target) as tmp:
                # the figure's own size (no tight crop): drawn for the page, it stays that size
                save.savefig(tmp, format=ext, metadata=meta, dpi=300)
            written.append(target)
    return written


def markdown_preview(df: pl.DataFrame, rows: int = 8) -> str:
    """A small markdown table for Dagster metadata (``dg.MetadataValue.md``)."""
    head = df.head(rows)
    if not head.columns:
        return ""
    cells = [[("" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v))
              for v in row] for row in head.iter_rows()]
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines)

