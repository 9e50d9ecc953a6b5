"""``ips-eval validate``: the ingest alone — every delivery checked, loaded and reconciled, no
analyses — with a summary a person can read per source and rule, a progress line per source
while it runs, a warning for what would otherwise be ignored without a word (a source folder
whose name is off by case or spelling, a cut-off after the newest delivery) and, with
``--out``, a workbook per region to send back (``ips_eval.ingest.region_workbooks``).

Every rejected file is named once, in the summary under its source: the ingest's own warnings
about single files are held back here (the run prints them as they come).

By default it runs into a throw-away warehouse, so checking a new delivery folder never touches
the study's warehouse; pass ``warehouse_path`` to validate into a real one (the ingest is the
same either way and incremental by content hash).
"""

from __future__ import annotations

import difflib
import logging
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.config import Settings, is_demo_key, study_key
from ips_eval.ingest import pipeline
from ips_eval.ingest.audit import Leak, all_reconciliations, identity_leaks
from ips_eval.ingest.pipeline import LOADED, REJECTED, FileOutcome, ingest_deliveries
from ips_eval.ingest.region_workbooks import issuer_of
from ips_eval.ingest.staging import SourceSummary
from ips_eval.warehouse import connect
from schemas.codebook import COHORT_OF_REGION, SOURCES
from schemas.rules import RULES

# exit codes of `ips-eval validate` (also in its --help and docs/operations.md)
EXIT_CLEAN, EXIT_DEFECTS, EXIT_CANNOT_RUN = 0, 1, 2
DEFECT_COLUMNS = ["source", "file", "row", "column", "level", "rule", "value", "message"]


@dataclass
class ValidationSummary:
    deliveries_dir: Path
    files: list[FileOutcome]
    sources: dict[str, SourceSummary]
    reconciliation: pl.DataFrame = field(default_factory=pl.DataFrame)
    leaks: list[Leak] = field(default_factory=list)
    defects: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema=dict.fromkeys(DEFECT_COLUMNS, pl.String)))

    @property
    def files_rejected(self) -> int:
        return sum(f.outcome == REJECTED for f in self.files)

    @property
    def balanced(self) -> bool:
        return bool(self.reconciliation.is_empty() or self.reconciliation["balanced"].all())

    @property
    def ok(self) -> bool:
        """No file rejected whole, reconciliation holds, no identity code leaked."""
        return self.files_rejected == 0 and self.balanced and not self.leaks

    @property
    def clean(self) -> bool:
        """Nothing for a region to correct: ``ok`` and not a row or field in quarantine."""
        return self.ok and self.defects.is_empty()

    @property
    def exit_code(self) -> int:
        return EXIT_CLEAN if self.clean else EXIT_DEFECTS

    def render(self) -> str:
        lines = [f"Deliveries: {self.deliveries_dir}",
                 f"Files: {len(self.files)} ({self.files_rejected} rejected)", ""]
        for name, s in self.sources.items():
            files = [f for f in self.files if f.source == name]
            lines.append(f"{name}: {len(files)} files, {s.rows_read} rows read — "
                         f"{s.staged} staged, {s.superseded} superseded, "
                         f"{s.exact_duplicates} exact duplicates, {s.quarantined_rows} "
                         f"quarantined; {s.field_defects} field values set to missing")
            for rule_id, n in sorted(s.by_rule.items()):
                rule = RULES.get(rule_id)
                what = f"{rule.level}: {rule.en}" if rule else rule_id
                lines.append(f"    {rule_id:<26} {n:>7}  ({what})")
            for f in files:
                if f.outcome == REJECTED:
                    lines.append(f"    REJECTED {f.file}: {f.message}")
                elif f.outcome == LOADED and f.message:  # which sheet of a workbook was read
                    lines.append(f"    read {f.file}: {f.message}")
        lines.append("")
        unbalanced = (self.reconciliation.filter(~pl.col("balanced"))
                      if not self.reconciliation.is_empty() else self.reconciliation)
        if unbalanced.is_empty():
            lines.append("Reconciliation: rows read = staged + superseded + duplicates + "
                         "quarantined, for every source and file.")
        else:
            lines.append("Reconciliation FAILED for:")
            lines += [f"    {r['source']} {r['file']}" for r in unbalanced.iter_rows(named=True)]
        if self.leaks:
            lines.append("IDENTITY LEAK: valid personal identity codes found in "
                         + ", ".join(f"{leak.table}.{leak.column}" for leak in self.leaks))
        else:
            lines.append("Identity scan: no valid personal identity code in any table.")
        return "\n".join(lines)


def validate_deliveries(settings: Settings, deliveries_dir: Path | None = None,
                        warehouse_path: Path | None = None,
                        progress: Callable[[str], None] | None = None) -> ValidationSummary:
    """Ingest ``deliveries_dir`` (default: the settings') and summarise what happened;
    ``progress`` gets a line per source and step as the ingest goes."""
    deliveries = Path(deliveries_dir or settings.deliveries_dir)
    if not deliveries.is_dir():
        raise FileNotFoundError(f"delivery folder not found: {deliveries}")
    # KeyRefused before a row is read
    key = study_key(deliveries, settings.pseudonym_key).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="ips-validate-") as tmp:
        path = Path(warehouse_path) if warehouse_path else Path(tmp) / "validate.duckdb"
        with connect(path, memory_limit=settings.duckdb_memory_limit) as con, \
                _file_warnings_held():
            report = ingest_deliveries(con, deliveries, key,
                                       is_demo_key(key),
                                       progress=_progress_lines(progress))
            defects = _defects(con)
            return ValidationSummary(deliveries, report.files, report.sources,
                                     all_reconciliations(con), identity_leaks(con), defects)


def _defects(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every quarantine record as stored (values already masked), all as text."""
    cols = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in DEFECT_COLUMNS if c != "row")
    return con.sql(f'SELECT {cols}, "row" FROM quarantine.defects').pl().select(
        DEFECT_COLUMNS)


@contextmanager
def _file_warnings_held() -> Iterator[None]:
    """Hold back the ingest's warnings about single files (the summary names each rejected file
    once, under its source); anything else it says still reaches the console."""
    class Hold(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.funcName != "_load_one" and logging.lastResort is not None:
                logging.lastResort.handle(record)  # as if no handler were here

    logger = logging.getLogger(pipeline.__name__)
    hold = Hold()
    logger.addHandler(hold)
    try:
        yield
    finally:
        logger.removeHandler(hold)


def _progress_lines(say: Callable[[str], None] | None) -> Callable[[str, str, object], None]:
    started = [time.monotonic()]

    def hear(step: str, source: str, what: object) -> None:
        now = time.monotonic()
        took, started[0] = now - started[0], now
        if say is None:
            return
        if step == "raw":
            files = list(what)  # type: ignore[call-overload]
            rejected = sum(f.outcome == REJECTED for f in files)
            detail = f"{len(files)} files" + (f", {rejected} rejected" if rejected else "")
        else:
            s: SourceSummary = what  # type: ignore[assignment]
            detail = (f"{s.rows_read:,} rows: {s.staged:,} staged, {s.quarantined_rows:,} "
                      f"quarantined, {s.field_defects:,} field values set to missing")
        say(f"  {'reading' if step == 'raw' else 'checking'} {source:<26} {detail} "
            f"({took:.1f} s)")

    return hear


def _folded(name: str) -> str:
    """A folder name without case, accents or separators: ``Työsuhteet`` → ``tyosuhteet``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def misnamed_folders(deliveries: Path) -> list[str]:
    """One warning per subfolder that is not a source's folder but looks like one: the ingest
    reads the exact names only, so ``Tyosuhteet/`` would otherwise be skipped without a word."""
    expected: dict[str, list[str]] = {}
    for src in SOURCES.values():
        parent, _, leaf = src.name.rpartition("/")
        expected.setdefault(parent, []).append(leaf)
        if parent:
            expected.setdefault("", []).append(parent)
    warnings = []
    for parent, names in expected.items():
        folder = deliveries / parent if parent else deliveries
        if not folder.is_dir():
            continue
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            if sub.name in names or sub.name.startswith("."):
                continue
            same = [n for n in names if _folded(n) == _folded(sub.name)]
            close = same or difflib.get_close_matches(_folded(sub.name), names, n=1, cutoff=0.8)
            if close:
                where = f"{parent}/" if parent else ""
                how = "case or spelling" if same else "spelling"
                warnings.append(
                    f"folder {where}{sub.name}/ is not read: its name differs from the source "
                    f"folder {where}{close[0]}/ in {how} (rename it to {close[0]})")
    return warnings


def late_cutoffs(files: list[FileOutcome], cutoffs: dict[str, date]) -> list[str]:
    """One warning per cohort whose cut-off is after the newest delivery from its regions: the
    time between is not in the data, yet clients would count as followed through it."""
    newest: dict[str, date] = {}
    for f in files:
        cohort = COHORT_OF_REGION.get(issuer_of(f.file))
        if cohort and f.delivery_date and f.delivery_date > newest.get(cohort, date.min):
            newest[cohort] = f.delivery_date
    return [f"cut-off {cohort}={cutoff.isoformat()} is after the newest {cohort} delivery "
            f"({newest[cohort].isoformat()}): the time after it is not in the data but "
            "would count as follow-up without events"
            for cohort, cutoff in sorted(cutoffs.items())
            if cohort in newest and cutoff > newest[cohort]]
