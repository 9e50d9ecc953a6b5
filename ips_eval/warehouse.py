"""The DuckDB warehouse: one file, schemas raw → quarantine → staging → analysis → results
(docs/outputs.md). SQL transforms live in ``sql/<domain>/<name>.sql`` — one folder per domain:
ingest, study, employment, scores, register, fidelity, costs — and are run by that path
(``run_sql(con, "employment/clients")``) with bound parameters, never with values spliced into
the text.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ips_eval.config import DEFAULT_MEMORY_LIMIT, check_threads, parse_memory_limit
from ips_eval.outputs import make_private, private_files
from schemas.study import STUDY
from schemas.windows import HORIZONS_DEFAULT, check_horizons, windows_days

SCHEMAS = ("raw", "quarantine", "staging", "comparison", "analysis", "results", "meta")


def _sql_dir() -> Path:
    here = Path(__file__).resolve().parent.parent / "sql"
    if here.is_dir():
        return here
    # installed as a wheel: sql/ is force-included at the site-packages root
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"]) / "sql"


@cache
def sql_text(name: str) -> str:
    """The text of ``sql/<name>.sql`` (``name`` = ``<domain>/<file>``)."""
    path = _sql_dir() / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL transform named {name!r} ({path})")
    return path.read_text(encoding="utf-8")


def run_sql(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Run every statement of ``sql/<name>.sql`` with named parameters (``$cutoff_pilot``).
    ``names`` fills ``{placeholder}`` identifiers (a table name: one file for every register
    source); they come from the codebook, never from data, and must be plain identifiers."""
    text = sql_text(name)
    for placeholder, identifier in (names or {}).items():
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", identifier):
            raise ValueError(f"{name}.sql: {identifier!r} is not a plain identifier")
        text = text.replace("{" + placeholder + "}", identifier)
    for statement in split_statements(text):
        code = _without_comments(statement)
        # bind only the parameters this statement names: DuckDB rejects unused ones, and a
        # plain substring test would take `$cutoff` for `$cutoff_pilot` or a word in a comment
        used = {k: v for k, v in (params or {}).items()
                if re.search(rf"\${re.escape(k)}\b", code)}
        con.execute(statement, used or None)


def _without_comments(statement: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in statement.splitlines())


def split_statements(text: str) -> list[str]:
    """Split a SQL file on ``;`` at line ends (our files keep one statement per block)."""
    statements, current = [], []
    for line in text.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(current).strip()
            if _has_code(stmt):
                statements.append(stmt)
            current = []
    tail = "\n".join(current).strip()
    if _has_code(tail):
        statements.append(tail)
    return statements


def _has_code(stmt: str) -> bool:
    return any(
        line.strip() and not line.strip().startswith("--") for line in stmt.splitlines()
    )


@contextmanager
def insertion_order_kept(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """While the block runs, DuckDB keeps rows in the order they are written and reads a table
    in the order it stores them (preserve_insertion_order); the connection's own setting is
    restored after."""
    keep = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if keep else 'false'}")


SPILL_PREFIX = "ips-eval-duckdb-"


def _remove_stale_spill(out_dir: Path) -> None:
    """Spill folders a killed process left: ``<out>/.duckdb_tmp`` (where earlier versions
    spilled, inside the output folder) and this user's private spill folders whose process is
    gone. Spilled rows can hold anything a query held, delivered identity codes included."""
    shutil.rmtree(out_dir / ".duckdb_tmp", ignore_errors=True)
    for folder in Path(tempfile.gettempdir()).glob(SPILL_PREFIX + "*"):
        try:
            pid = int(folder.name.removeprefix(SPILL_PREFIX).split("-", 1)[0])
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(pid, 0)  # raises when no such process
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, OSError):
            continue


@contextmanager
def connect(
    path: Path | str, memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int | None = None,
    read_only: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file with the schemas in place and spilling to disk, so
    register-scale work runs out of core. The warehouse and its write-ahead log hold
    pseudonymised personal data: owner-only (ips_eval.outputs). DuckDB's spill files hold
    whatever a query held (pseudonymised rows; stale bytes zeroed, ips_eval/allocator.py):
    they go to a private folder of this connection's own outside the output folder (mode
    0700, in the system's temporary folder, ``TMPDIR``), removed when the connection closes;
    a killed run's are removed by the next connection. The memory limit and thread count are
    checked against their strict forms (``ips_eval.config``) and given as connection
    configuration, never as SQL text."""
    path = Path(path)
    config: dict[str, str | int | bool] = {
        "memory_limit": parse_memory_limit(memory_limit, "the DuckDB memory limit"),
        "preserve_insertion_order": False}
    if check_threads(threads, "the DuckDB thread count"):
        config["threads"] = int(threads)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_spill(path.parent)
    spill = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")  # 0700
    config["temp_directory"] = spill
    try:
        with private_files():
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            try:
                if not read_only:  # also when an earlier version wrote them with the umask's mode
                    for part in (path, path.with_name(path.name + ".wal")):
                        make_private(part)
                    for schema in SCHEMAS:
                        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                yield con
            finally:
                con.close()
    finally:
        shutil.rmtree(spill, ignore_errors=True)


class MissingInputError(RuntimeError):
    """A table or column a step needs is not in the warehouse."""


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = $schema AND table_name = $table ORDER BY ordinal_position",
        {"schema": schema, "table": table},
    ).fetchall()
    return [r[0] for r in rows]


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether ``schema.table`` is in the warehouse (an optional input: an early delivery may
    not have made it yet)."""
    return bool(table_columns(con, schema, table))


def require_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str,
                    columns: list[str] | tuple[str, ...]) -> None:
    """Fail with a message naming the table and the missing columns (never a binder traceback)."""
    present = set(table_columns(con, schema, table))
    if not present:
        raise MissingInputError(f"{schema}.{table} is not in the warehouse (run its asset first)")
    missing = [c for c in columns if c not in present]
    if missing:
        raise MissingInputError(f"{schema}.{table} lacks column(s) {', '.join(missing)}")


def write_study_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``meta.cohorts`` and ``meta.regions``: the study's definition (``schemas/study.py``) as
    the tables every SQL file joins for a region's cohort or a cohort's facts
    (``sql/study/cohorts_and_regions.sql``)."""
    run_sql(con, "study/cohorts_and_regions", {
        "cohorts": [{"cohort": c.code, "name_fi": c.name.fi, "name_sv": c.name.sv,
                     "name_en": c.name.en, "period_start": c.period[0],
                     "period_end": c.period[1], "enrolment_start": c.enrolment[0],
                     "enrolment_end": c.enrolment[1], "default_cutoff": c.default_cutoff,
                     "headline_cutoff": c.headline.cutoff,
                     "headline_started": c.headline.started,
                     "headline_employed": c.headline.employed} for c in STUDY.cohorts],
        "regions": [{"region": r.code, "cohort": r.cohort, "name_fi": r.name.fi,
                     "name_sv": r.name.sv, "name_en": r.name.en} for r in STUDY.regions],
    })


def write_study_meta(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date]) -> None:
    """The study's tables (``write_study_tables``) and ``meta.cutoffs`` (cohort → the run's
    cut-off), which every SQL file needing a cut-off joins (``sql/study/cutoffs.sql``). Each step
    that reads them writes them first, from the settings it was given: the same values every time
    in a run, so the order of steps does not matter."""
    missing = set(STUDY.cohort_codes) - set(cutoffs)
    if missing:
        raise ValueError(f"a cut-off is missing for cohort(s) {sorted(missing)}")
    write_study_tables(con)
    run_sql(con, "study/cutoffs", {
        "cutoffs": [{"cohort": c, "cutoff_date": cutoffs[c]} for c in STUDY.cohort_codes],
    })


def write_windows(con: duckdb.DuckDBPyConnection,
                  horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> None:
    """``meta.windows``: the run's follow-up horizons in days (``schemas/windows.py``), which
    every SQL file needing a window joins (``sql/study/windows.sql``); written by the step that
    reads it, from the horizons it was given."""
    run_sql(con, "study/windows", {
        "windows": [{"window_months": m, "window_days": d}
                    for m, d in windows_days(check_horizons(horizons)).items()],
    })
