"""``ips-eval bench``: the register path a user runs, from delivery files to the register
effect, timed stage by stage against the machine's floor.

The bench writes the built-in synthetic study with N register comparison persons through the
real ``synth`` (the contract's CSV files), then runs, in one process on a fresh warehouse, the
same plain functions the Dagster assets call — raw and staging of the enrolment, the job
spells and both registers, ``analysis.register_monthly`` written to Parquet,
``analysis.clients`` (the effect's index dates), the register effect (risk-set matching and the
ATT by month, written to ``results/``), the checks (reconciliation, one row per person-month,
Kela shares add up, a main state everywhere) and the identity-leak scan. It prints each stage's
wall time, CPU time and peak RSS, then the floor: one bare DuckDB scan that parses every
register file once (all columns as text, decimal comma and dates converted) with a group-by
person-month. Its last line is

    bench persons=N register_rows=R wall_s=W peak_rss_mb=M floor_s=F

where W is the whole register path (the stages, not the writing of the study) and M the
highest resident set size during it.

The stages are the list ``STAGES``, one named step each, in the order the asset graph runs
them.
"""

from __future__ import annotations

import contextlib
import json
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

import duckdb

from ips_eval.config import DEFAULT_MEMORY_LIMIT, DEMO_PSEUDONYM_KEY, parse_memory_limit
from ips_eval.employment.derive import build_clients_and_jobs
from ips_eval.export import export_dataset
from ips_eval.ingest.audit import identity_leaks, reconciliation, reconciliation_totals
from ips_eval.ingest.pipeline import load_source, stage_source
from ips_eval.register.effect import build_register_effect, write_register_effect_results
from ips_eval.register.monthly import (
    REGISTER_MONTHLY,
    build_register_monthly,
    duplicate_person_months,
    kela_share_mismatches,
    null_main_states,
)
from ips_eval.warehouse import connect
from schemas.analysis import dataset
from schemas.codebook import SOURCES
from schemas.windows import DEFAULT_CUTOFFS

REGISTER_SOURCES = ("rekisterit/kela", "rekisterit/tulorekisteri")
ENROLMENT = SOURCES["asiakkaat"]
JOBS = SOURCES["tyosuhteet"]


@dataclass
class BenchRun:
    """What the stages share: the warehouse connection, the folders and what they found."""

    con: duckdb.DuckDBPyConnection
    deliveries: Path
    out: Path
    cutoffs: dict[str, date]
    key: bytes
    found: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[BenchRun], None]
    reads: tuple[str, ...] = REGISTER_SOURCES  # whose rows its progress lines count


def _load(source: str) -> Callable[[BenchRun], None]:
    def run(b: BenchRun) -> None:
        outcomes = load_source(b.con, b.deliveries, SOURCES[source], b.key)
        b.found[f"rows_read/{source}"] = sum(o.rows_read for o in outcomes)
        b.found[f"files_rejected/{source}"] = sum(o.outcome == "rejected" for o in outcomes)
    return run


def _stage(source: str) -> Callable[[BenchRun], None]:
    def run(b: BenchRun) -> None:
        summary = stage_source(b.con, SOURCES[source])
        b.found[f"staged/{source}"] = summary.staged
    return run


def _register_monthly(b: BenchRun) -> None:
    b.found["register_monthly_rows"] = build_register_monthly(b.con, b.cutoffs)
    paths = export_dataset(b.con, REGISTER_MONTHLY, b.out, dataset("register_monthly"))
    b.found["register_monthly_files"] = [p.name for p in paths]


def _clients(b: BenchRun) -> None:
    build_clients_and_jobs(b.con, b.cutoffs)
    b.found["clients"] = b.con.execute("SELECT count(*) FROM analysis.clients").fetchall()[0][0]


def _register_effect(b: BenchRun) -> None:
    """What the ``register_effect`` asset does: match, estimate, write the results files."""
    counts = build_register_effect(b.con)
    written = write_register_effect_results(b.con, b.out)
    b.found["register_effect"] = counts
    b.found["register_effect_files"] = {name: meta["rows"] for name, meta in written.items()}
    b.found["register_matches"] = b.con.execute(
        "SELECT count(*) FROM analysis.register_matches").fetchall()[0][0]
    b.found["register_matches_effect"] = b.con.execute(
        "SELECT count(*) FROM analysis.register_matches WHERE design = 'effect'"
    ).fetchall()[0][0]


def _checks(b: BenchRun) -> None:
    """The blocking checks of the register path's assets; what they found, not pass/fail
    alone, so that the caller can say which one broke."""
    unbalanced = 0
    for source in (ENROLMENT.name, JOBS.name, *REGISTER_SOURCES):
        unbalanced += reconciliation_totals(reconciliation(b.con, SOURCES[source]))[
            "unbalanced_files"]
    b.found["unbalanced_files"] = unbalanced
    b.found["duplicate_person_months"] = duplicate_person_months(b.con).height
    b.found["kela_share_mismatches"] = kela_share_mismatches(b.con).height
    b.found["null_main_states"] = null_main_states(b.con)


def _identity_scan(b: BenchRun) -> None:
    b.found["identity_leaks"] = [(x.table, x.column, x.values) for x in identity_leaks(b.con)]


# The register path, in the order the asset graph runs it (the enrolment first: the register
# sources look their persons up among the staged clients; the job spells before
# analysis.clients, whose index dates the register effect matches at).
STAGES: tuple[Stage, ...] = (
    Stage("raw asiakkaat", _load(ENROLMENT.name), ()),
    Stage("staging asiakkaat", _stage(ENROLMENT.name), ()),
    Stage("raw tyosuhteet", _load(JOBS.name), ()),
    Stage("staging tyosuhteet", _stage(JOBS.name), ()),
    Stage("raw kela", _load("rekisterit/kela"), ("rekisterit/kela",)),
    Stage("raw tulorekisteri", _load("rekisterit/tulorekisteri"), ("rekisterit/tulorekisteri",)),
    Stage("staging kela", _stage("rekisterit/kela"), ("rekisterit/kela",)),
    Stage("staging tulorekisteri", _stage("rekisterit/tulorekisteri"),
          ("rekisterit/tulorekisteri",)),
    Stage("register_monthly", _register_monthly),
    Stage("analysis.clients", _clients, ()),
    Stage("register effect", _register_effect),
    Stage("checks", _checks),
    Stage("identity scan", _identity_scan),
)


@dataclass(frozen=True)
class StageTime:
    name: str
    wall_s: float
    cpu_s: float  # user + system over all threads: what the stage costs on a busy machine
    peak_rss_mb: float


@dataclass
class BenchResult:
    persons: int
    register_rows: int
    stages: list[StageTime]
    floor_s: float
    floor_cpu_s: float
    floor_rows: int
    found: dict[str, object]

    @property
    def wall_s(self) -> float:
        return sum(s.wall_s for s in self.stages)

    @property
    def cpu_s(self) -> float:
        return sum(s.cpu_s for s in self.stages)

    @property
    def peak_rss_mb(self) -> float:
        return max((s.peak_rss_mb for s in self.stages), default=0.0)

    def line(self) -> str:
        return (f"bench persons={self.persons} register_rows={self.register_rows} "
                f"wall_s={self.wall_s:.1f} peak_rss_mb={self.peak_rss_mb:.0f} "
                f"floor_s={self.floor_s:.1f}")


# -- memory and progress -----------------------------------------------------------------------

def _rss_mb(field_name: str) -> float:
    """``VmRSS`` or ``VmHWM`` (the peak since the last reset) of this process, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Reset the kernel's high-water mark so the next stage's peak is its own (Linux ≥ 4.0)."""
    # where it cannot be reset the peak is the process's so far: an upper bound, still true
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@contextmanager
def _progress(con: duckdb.DuckDBPyConnection, name: str, rows: int, stream: TextIO,
              every_s: float = 10.0) -> Iterator[None]:
    """While a stage runs, a line every ``every_s`` seconds: the running query's progress as
    DuckDB reports it, turned into rows of the stage's input done and the rate."""
    done = threading.Event()
    started = time.monotonic()

    def report() -> None:
        while not done.wait(every_s):
            elapsed = time.monotonic() - started
            try:
                pct = con.query_progress()
            except duckdb.Error:
                pct = -1
            if pct is not None and pct >= 0 and rows:
                rows_done = int(rows * pct / 100)
                print(f"    {name}: query {pct:5.1f} % (≈ {rows_done:,} of {rows:,} rows, "
                      f"{rows_done / elapsed:,.0f} rows/s), {elapsed:.0f} s, "
                      f"RSS {_rss_mb('VmRSS'):,.0f} MB", file=stream, flush=True)
            else:
                print(f"    {name}: {elapsed:.0f} s, RSS {_rss_mb('VmRSS'):,.0f} MB",
                      file=stream, flush=True)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


# -- the floor ---------------------------------------------------------------------------------

FLOOR_SQL = """
WITH pay AS (
    SELECT hetu, strptime(kuukausi, '%Y-%m')::DATE AS month,
           CAST(replace(replace(palkka_eur, ' ', ''), ',', '.') AS DOUBLE) AS eur
    FROM read_csv($pay, sep = ';', header = true, all_varchar = true, auto_detect = false,
                  columns = {'hetu': 'VARCHAR', 'kuukausi': 'VARCHAR', 'maksaja': 'VARCHAR',
                             'palkka_eur': 'VARCHAR'})
),
kela AS (
    SELECT hetu, date_trunc('month', strptime(alkupvm, '%d.%m.%Y'))::DATE AS month,
           strptime(loppupvm, '%d.%m.%Y')::DATE AS last_day,
           CAST(replace(replace(maksettu_eur, ' ', ''), ',', '.') AS DOUBLE) AS eur
    FROM read_csv($kela, sep = ';', header = true, all_varchar = true, auto_detect = false,
                  columns = {'hetu': 'VARCHAR', 'etuus': 'VARCHAR', 'alkupvm': 'VARCHAR',
                             'loppupvm': 'VARCHAR', 'maksettu_eur': 'VARCHAR'})
)
SELECT count(*), sum(n) FROM (
    SELECT hetu, month, count(*) AS n, sum(eur) AS eur, max(last_day) AS last_day
    FROM (SELECT hetu, month, eur, NULL::DATE AS last_day FROM pay
          UNION ALL SELECT hetu, month, eur, last_day FROM kela)
    GROUP BY hetu, month)
"""


def _cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def floor_seconds(deliveries: Path, memory_limit: str) -> tuple[float, float, int]:
    """The floor: every register file parsed once, grouped by person-month, nothing kept.
    Returns (wall seconds, CPU seconds, register rows parsed)."""
    kela = sorted(str(p) for p in (deliveries / "rekisterit/kela").glob("*.csv"))
    pay = sorted(str(p) for p in (deliveries / "rekisterit/tulorekisteri").glob("*.csv"))
    con = duckdb.connect(config={"memory_limit": parse_memory_limit(memory_limit),
                                 "preserve_insertion_order": False})
    try:
        started, cpu = time.monotonic(), _cpu_s()
        _groups, rows = con.execute(FLOOR_SQL, {"kela": kela, "pay": pay}).fetchall()[0]
        return time.monotonic() - started, _cpu_s() - cpu, int(rows)
    finally:
        con.close()


# -- the run -----------------------------------------------------------------------------------

def _synthesised(deliveries: Path, persons: int, seed: int, say: Callable[[str], None]) -> None:
    """Write the study, unless ``deliveries`` already holds this very one (same seed and size:
    synth is deterministic, so the files would be byte-identical)."""
    from ips_eval.synth import MANIFEST, write_study

    manifest = deliveries / MANIFEST
    if manifest.is_file():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        if (meta.get("seed"), meta.get("comparison_persons"), meta.get("defect_rate")) == (
                seed, persons, 0.02):
            say(f"deliveries in {deliveries} are this study already: not written again")
            return
    started = time.monotonic()
    write_study(deliveries, seed=seed, defects=0.02, comparison_persons=persons,
                progress=lambda msg: say(f"  {msg}"))
    say(f"study written in {time.monotonic() - started:.0f} s (not part of the path)")


def run_bench(persons: int, work: Path | None = None, memory_limit: str = DEFAULT_MEMORY_LIMIT,
              seed: int = 20240430, stream: TextIO = sys.stderr,
              stages: tuple[Stage, ...] = STAGES) -> BenchResult:
    """Write the study with ``persons`` comparison persons, run ``stages`` on a fresh
    warehouse, then the floor. ``work`` keeps the files (default: a temporary folder)."""
    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    temp = None
    if work is None:
        temp = tempfile.mkdtemp(prefix="ips-bench-")
        work = Path(temp)
    work = Path(work).resolve()
    try:
        deliveries, out = work / "deliveries", work / "out"
        _synthesised(deliveries, persons, seed, say)
        shutil.rmtree(out, ignore_errors=True)
        on_disk = {s: _rows_on_disk(deliveries / s) for s in REGISTER_SOURCES}
        times: list[StageTime] = []
        with connect(out / "ips_eval.duckdb", memory_limit=memory_limit) as con:
            # DuckDB tracks a query's progress only with its progress bar on (not printed)
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
            run = BenchRun(con, deliveries, out, dict(DEFAULT_CUTOFFS),
                           DEMO_PSEUDONYM_KEY.encode("utf-8"))
            for stage in stages:
                _reset_peak()
                started, cpu = time.monotonic(), _cpu_s()
                with _progress(con, stage.name, sum(on_disk[s] for s in stage.reads), stream):
                    stage.run(run)
                took = time.monotonic() - started
                times.append(StageTime(stage.name, took, _cpu_s() - cpu, _rss_mb("VmHWM")))
                say(f"  {stage.name:<24} {took:7.1f} s  cpu {times[-1].cpu_s:7.1f} s  "
                    f"peak RSS {times[-1].peak_rss_mb:7,.0f} MB")
        register_rows = sum(int(run.found.get(f"rows_read/{s}", 0)) for s in REGISTER_SOURCES)
        floor, floor_cpu, parsed = floor_seconds(deliveries, memory_limit)
        say(f"  {'floor (bare scan)':<24} {floor:7.1f} s  cpu {floor_cpu:7.1f} s  "
            f"({parsed:,} register rows parsed)")
        result = BenchResult(persons, register_rows, times, floor, floor_cpu, parsed, run.found)
        say(f"  path / floor: wall {result.wall_s / floor:.1f}×, "
            f"cpu {result.cpu_s / max(floor_cpu, 1e-9):.1f}×")
        return result
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _rows_on_disk(folder: Path) -> int:
    """Data lines of a register folder's CSV files (for progress lines only: the path counts
    its own rows)."""
    total = 0
    for path in folder.glob("*.csv"):
        with open(path, "rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 24),
                                                               b"")) - 1
    return total
