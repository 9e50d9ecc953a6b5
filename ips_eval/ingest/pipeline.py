"""The ingest as a list of named steps: for each source, load its new delivery files into raw,
then rebuild its staging from raw. Used by the Dagster assets (one step per asset), by
``validate_deliveries`` and by the tests — no Dagster needed here.

Versions and files (docs/methods.md §Sources and deliveries; where the contract is silent, the
choice is ours and stated here):
- Incremental by content hash: a file version already in raw is not read again; the same bytes
  under another name are "already loaded" (their rows count under the first name, the copy
  reads 0 rows). A rejected file is tried again on every run (nothing of it is kept).
- The *active* files of a source are the ones in its delivery folder now. A file deleted from
  the folder drops out of staging (its raw rows stay, as history). A file whose bytes changed
  under the same name is a new version that replaces the old one.
- Newest wins per key: delivery date from the file name, then the file name; a key is unique
  within a file once duplicates and conflicts are out. A key missing from a later delivery is
  not a deletion (deliveries repeat, they do not withdraw). If the newest version of a key is
  rejected, the newest *valid* version is staged: the defect costs the correction, not the key.
- A file whose name is not ``YYYY-MM-DD_<region or register>.<ext>`` is rejected whole
  (``file_name_invalid``): without a delivery date its rows cannot be versioned, and a name
  whose issuer is not a region (``2024-06-11_hus_korjattu.csv``) is not a delivery the contract
  knows. Files in subfolders and links out of the delivery folder are rejected unread
  (``ips_eval/ingest/files.py``).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.allocator import require_zeroed
from ips_eval.ingest import files as delivery_files
from ips_eval.ingest.raw import create_raw_tables, is_loaded, load_file, register_functions
from ips_eval.ingest.readers import FileRejected, close_delivery, open_delivery
from ips_eval.ingest.staging import SourceSummary, build_source, create_tables
from ips_eval.warehouse import run_sql
from schemas.codebook import SOURCES, Source

log = logging.getLogger(__name__)

SCAN_DDL = """CREATE TABLE IF NOT EXISTS meta.ingest_scan (
    source VARCHAR, file VARCHAR, content_hash VARCHAR, size_bytes BIGINT, delivery_date DATE,
    outcome VARCHAR, rule VARCHAR, message VARCHAR, rows_read BIGINT, "column" VARCHAR)"""

LOADED, ALREADY_LOADED, REJECTED = "loaded", "already_loaded", "rejected"


@dataclass(frozen=True)
class FileOutcome:
    source: str
    file: str
    content_hash: str
    size_bytes: int
    delivery_date: date | None
    outcome: str  # loaded / already_loaded / rejected
    rule: str | None = None
    message: str | None = None
    rows_read: int = 0
    column: str | None = None  # the missing required column(s) of a rejected file


def prepare_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Macros, functions and the ingest's tables (idempotent; once per connection)."""
    try:
        con.execute("SELECT ingest_parse_text('')").fetchall()
        return  # this connection is prepared already (the macros are per connection)
    except duckdb.CatalogException:
        pass
    run_sql(con, "ingest/parsing_macros")
    register_functions(con)
    create_raw_tables(con, tuple(SOURCES.values()))
    create_tables(con)
    con.execute(SCAN_DDL)


_demo_key_logged = False


def note_demo_key(uses_demo_key: bool) -> None:
    """Say once per process that pids are made with the public demo key."""
    global _demo_key_logged
    if uses_demo_key and not _demo_key_logged:
        log.warning("pseudonyms use the embedded DEMO key: pids are reproducible by anyone; "
                    "set IPS_EVAL_PSEUDONYM_KEY for real data")
        _demo_key_logged = True


def load_source(con: duckdb.DuckDBPyConnection, deliveries_dir: Path, src: Source,
                key: bytes) -> list[FileOutcome]:
    """Load the source's new delivery files into raw; record every present file's outcome in
    ``meta.ingest_scan``. A bad file is rejected whole and the others still load. Refused in a
    process whose DuckDB memory is not zeroed (``ips_eval/allocator.py``): its spill files could
    carry the delivery's text."""
    require_zeroed()
    prepare_warehouse(con)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="ips-ingest-") as workdir:
        for f in delivery_files.discover(Path(deliveries_dir), src):
            outcomes.append(_load_one(con, f, key, Path(workdir)))
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM meta.ingest_scan WHERE source = $s", {"s": src.name})
    if outcomes:
        con.executemany("INSERT INTO meta.ingest_scan VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[o.source, o.file, o.content_hash, o.size_bytes, o.delivery_date,
                          o.outcome, o.rule, o.message, o.rows_read, o.column]
                         for o in outcomes])
    con.execute("COMMIT")
    return outcomes


def _load_one(con: duckdb.DuckDBPyConnection, f: delivery_files.DeliveryFile, key: bytes,
              workdir: Path) -> FileOutcome:
    base = dict(source=f.source.name, file=f.file, content_hash=f.content_hash,
                size_bytes=f.size_bytes, delivery_date=f.delivery_date)
    if f.problem is not None:  # found by discovery: never opened
        rule, message = f.problem
        log.warning("%s rejected: %s", f.file, message)
        return FileOutcome(**base, outcome=REJECTED, rule=rule, message=message)
    loaded_as = is_loaded(con, f.content_hash)
    if loaded_as is not None:
        rows = con.execute("SELECT rows_read FROM meta.ingest_files WHERE content_hash = $h",
                           {"h": f.content_hash}).fetchall()[0][0]
        note = None if loaded_as == f.file else f"identical to {loaded_as} (loaded once)"
        return FileOutcome(**base, outcome=ALREADY_LOADED, message=note,
                           rows_read=rows if note is None else 0)
    try:
        try:
            opened = open_delivery(con, f, workdir)
            loaded = load_file(con, f, opened, key)
        except (duckdb.Error, pl.exceptions.PolarsError, OSError, ValueError) as error:
            # whatever else a malformed file does to a reader: the file is rejected with the
            # reader's own words (HETU-masked by FileRejected), the run goes on
            raise FileRejected("file_unreadable", f"the file cannot be loaded: {error}") \
                from error
    except FileRejected as rejected:
        log.warning("%s rejected: %s", f.file, rejected.message)
        return FileOutcome(**base, outcome=REJECTED, rule=rejected.rule,
                           message=rejected.message, column=rejected.column)
    finally:
        close_delivery(con)
    log.info("%s: %d rows read", f.file, loaded.rows_read)
    if loaded.note:  # a person should know which sheet of a workbook was taken
        log.warning("%s: %s", f.file, loaded.note)
    return FileOutcome(**base, outcome=LOADED, rows_read=loaded.rows_read, message=loaded.note)


def active_files(con: duckdb.DuckDBPyConnection, src: Source) -> list[str]:
    """Content hashes of the source's file versions present in the delivery folder now."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT s.content_hash FROM meta.ingest_scan s JOIN meta.ingest_files f "
        "ON f.content_hash = s.content_hash WHERE s.source = $s AND s.outcome <> 'rejected' "
        "ORDER BY 1", {"s": src.name}).fetchall()]


def stage_source(con: duckdb.DuckDBPyConnection, src: Source) -> SourceSummary:
    """Rebuild ``staging.<table>`` (and the source's quarantine and row history) from raw."""
    prepare_warehouse(con)
    enrolment = active_files(con, SOURCES["asiakkaat"])
    # one transaction: readers see the old staging or the new, never half of it (and one
    # commit instead of dozens)
    con.execute("BEGIN TRANSACTION")
    try:
        summary = build_source(con, src, active_files(con, src), enrolment)
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return summary


@dataclass
class IngestReport:
    files: list[FileOutcome]
    sources: dict[str, SourceSummary]


def ingest_deliveries(con: duckdb.DuckDBPyConnection, deliveries_dir: Path, key: bytes,
                      uses_demo_key: bool = False,
                      progress: Callable[[str, str, object], None] | None = None) -> IngestReport:
    """Every source: new files into raw, then staging rebuilt (enrolment first: the register
    sources look their persons up among the staged clients). ``progress(step, source, what)``
    hears of each source's ``raw`` step (its file outcomes) and ``staging`` step (its summary)."""
    note_demo_key(uses_demo_key)
    tell = progress or (lambda _step, _source, _what: None)
    files: list[FileOutcome] = []
    for src in SOURCES.values():
        loaded = load_source(con, deliveries_dir, src, key)
        tell("raw", src.name, loaded)
        files += loaded
    sources = {}
    for src in SOURCES.values():
        sources[src.name] = stage_source(con, src)
        tell("staging", src.name, sources[src.name])
    return IngestReport(files, sources)
