"""Every delivery ends in a complete report, and every wrong set-up in one line — through the
command line's own entry point, as a new user meets it: small and early deliveries, wrong
folders and settings, a second writer, runs killed or interrupted, incremental runs.

Runs and set-up errors call ``assets.cli.main`` in this process (support.cli.run_cli: the
same parsing, checks, messages and exit status, without an interpreter start each); what only
a process shows — a kill, a signal, the children it leaves — starts ``python -m assets.cli``
(support.cli.start_cli / spawn_cli)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from support.cli import RUN_TIMEOUT, Done, run_cli, start_cli
from support.small_deliveries import CORRECTED_ON, SMALL_DELIVERIES, enrolment_only

from assets.runguard import INCOMPLETE_FILE, LOCK_FILE
from ips_eval.publish.report import report_coverage


def wait_for(predicate, what: str, proc: subprocess.Popen, timeout: float = RUN_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (exit {proc.returncode}) before {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def digests(out: Path, *patterns: str) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for pattern in patterns for p in sorted(out.glob(pattern))}


RESULT_FILES = ("results/*.csv", "analysis/*.parquet", "analysis/*.dta", "analysis/*.sav",
                "tables/*.csv")


def assert_complete(proc: Done | subprocess.CompletedProcess, out: Path) -> None:
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert not (out / INCOMPLETE_FILE).exists()
    coverage = report_coverage(out / "report" / "index.html")
    assert coverage.missing == [], coverage.missing
    assert coverage.figures >= 5


@pytest.fixture
def no_definitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the asset definitions fails the test: what must be refused before them is."""
    import assets.definitions

    def refuse(*_args, **_kwargs):
        raise AssertionError("the definitions were loaded")

    monkeypatch.setattr(assets.definitions, "build_defs", refuse)


# ---------------------------------------------------------------------------------------------
# 1. Any delivery → exit 0 and a complete report
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", list(SMALL_DELIVERIES))
def test_small_delivery_gives_a_complete_report(small_run, case):
    _, out, proc = small_run(case)
    assert_complete(proc, out)
    assert "Finished" in proc.stdout


def test_a_table_without_data_says_so_in_its_language(small_run):
    _, out, _ = small_run("ten_clients_with_enrolment_forms_only")
    # no registers delivered: the register table is written, with the no-data line
    assert "Inga uppgifter ännu" in (out / "tables" / "register_sv.csv").read_text("utf-8")
    assert "Ei vielä tietoja" in (out / "tables" / "register_fi.html").read_text("utf-8")
    # no jobs: the Cox models are not fitted, and results and table say why
    cox = (out / "results" / "cox.csv").read_text("utf-8")
    assert "no_rows" in cox or "no_events" in cox
    assert "the model was not fitted" in (out / "tables" / "cox_en.csv").read_text("utf-8") \
        or "the model was not fitted" in (out / "tables" / "cox_en.html").read_text("utf-8")


def test_messy_small_delivery_quarantines_its_defects(small_run):
    _, out, _ = small_run("forty_clients_without_12_month_answers")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    by_rule = {rule for s in manifest["sources"].values() for rule in s.get("by_rule", {})}
    assert by_rule, "the messy delivery's defects should be in quarantine"


# ---------------------------------------------------------------------------------------------
# 2. Wrong set-ups fail at once, in one line
# ---------------------------------------------------------------------------------------------
def _one_line_error(proc: Done, *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("command", ["run", "validate"])
def test_empty_delivery_folder_is_a_wrong_set_up(tmp_path, command, no_definitions):
    (tmp_path / "empty").mkdir()
    started = time.monotonic()
    proc = run_cli(command, "--deliveries", str(tmp_path / "empty"), "--out",
                   str(tmp_path / "o"))
    _one_line_error(proc, "not a delivery folder", "asiakkaat")
    assert time.monotonic() - started < 60  # before any definitions are loaded


@pytest.mark.parametrize("command", ["run", "validate"])
def test_folder_with_only_empty_source_folders_is_a_wrong_set_up(tmp_path, command):
    (tmp_path / "d" / "asiakkaat").mkdir(parents=True)
    proc = run_cli(command, "--deliveries", str(tmp_path / "d"), "--out", str(tmp_path / "o"))
    _one_line_error(proc, "no delivery files")


def test_folder_of_other_things_is_a_wrong_set_up(tmp_path):
    (tmp_path / "d" / "photos").mkdir(parents=True)
    (tmp_path / "d" / "photos" / "a.jpg").write_bytes(b"x")
    _one_line_error(run_cli("validate", "--deliveries", str(tmp_path / "d")),
                    "not a delivery folder")


@pytest.mark.parametrize("value", ["pilot=2023-06-31", "rrp=30.4.2024", "x=2024-01-01"])
def test_bad_cutoff_in_the_environment_is_one_line(tmp_path, value):
    deliveries = enrolment_only(tmp_path / "d")
    proc = run_cli("run", "--deliveries", str(deliveries), "--out", str(tmp_path / "o"),
                   IPS_EVAL_CUTOFFS=value)
    _one_line_error(proc, value.split(",")[0].split("=")[0])
    assert not (tmp_path / "o").exists()


def test_bad_thread_count_is_one_line(tmp_path):
    deliveries = enrolment_only(tmp_path / "d")
    proc = run_cli("run", "--deliveries", str(deliveries), "--out", str(tmp_path / "o"),
                   IPS_EVAL_DUCKDB_THREADS="many")
    _one_line_error(proc, "IPS_EVAL_DUCKDB_THREADS")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_output_folder_that_cannot_be_written_is_one_line(tmp_path):
    deliveries = enrolment_only(tmp_path / "d")
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = run_cli("run", "--deliveries", str(deliveries), "--out", str(locked / "out"))
    finally:
        locked.chmod(0o700)
    _one_line_error(proc, "cannot write to the output folder")


def test_output_path_that_is_a_file_is_one_line(tmp_path):
    deliveries = enrolment_only(tmp_path / "d")
    (tmp_path / "out").write_text("not a folder")
    proc = run_cli("run", "--deliveries", str(deliveries), "--out",
                   str(tmp_path / "out" / "x"))
    _one_line_error(proc, "cannot write to the output folder")


# ---------------------------------------------------------------------------------------------
# 3. One writer, checked first
# ---------------------------------------------------------------------------------------------
def test_second_run_is_refused_before_anything_else(tmp_path, no_definitions):
    from assets.runguard import output_lock

    deliveries = enrolment_only(tmp_path / "d")
    out = tmp_path / "out"
    # flock is per open file description: the run's own open of the lock file conflicts with
    # this one as a second process's would
    with output_lock(out, "first-run"):
        started = time.monotonic()
        proc = run_cli("run", "--deliveries", str(deliveries), "--out", str(out))
        took = time.monotonic() - started
    assert proc.returncode == 3
    assert "another ips-eval run" in proc.stderr and "first-run" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert took < 60  # refused before the definitions are loaded
    assert not (out / INCOMPLETE_FILE).exists()  # nothing of the first run's folder touched


def test_a_stale_lock_says_whose_it_was(tmp_path):
    from assets.runguard import output_lock

    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_FILE).write_text(json.dumps({"pid": 4242, "host": "elsewhere",
                                             "run_id": "killed-run", "started": "then"}))
    with output_lock(out, "next-run") as stale:
        assert stale and "pid 4242" in stale and "killed-run" in stale
    with output_lock(out, "after") as stale:
        assert stale is None  # a clean release leaves no holder behind


# ---------------------------------------------------------------------------------------------
# 4. Killed and interrupted runs
# ---------------------------------------------------------------------------------------------
def _descendants(pid: int) -> dict[int, str]:
    """{pid: command line} of every process below ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                try:
                    found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes() \
                        .replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium")
def test_killed_runs_converge_and_never_look_complete(small_run, tmp_path):
    deliveries, reference, _ = small_run("ten_clients_with_enrolment_forms_only")
    out = tmp_path / "out"
    args = ("run", "--deliveries", str(deliveries), "--out", str(out))

    # killed during the ingest
    log = tmp_path / "first.log"
    proc = start_cli(*args, log=log)
    wait_for(lambda: "[  1/" in log.read_text(), "the first step", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert (out / INCOMPLETE_FILE).exists()

    # killed while a browser renders the tables: the browser dies with the run
    log = tmp_path / "second.log"
    proc = start_cli(*args, log=log)
    browsers = wait_for(lambda: {p: c for p, c in _descendants(proc.pid).items()
                                 if "chrom" in c}, "a Chromium child", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in browsers):
        time.sleep(0.5)
    assert not any(_alive(p) for p in browsers), "a browser outlived the killed run"
    assert (out / INCOMPLETE_FILE).exists()
    assert "did not finish" in (out / INCOMPLETE_FILE).read_text() or \
        "INCOMPLETE" in (out / INCOMPLETE_FILE).read_text()

    # the next run says whose lock it found, finishes, and equals an uninterrupted run
    final = run_cli(*args)
    assert "did not finish" in final.stderr
    assert_complete(final, out)
    assert digests(out, *RESULT_FILES) == digests(reference, *RESULT_FILES)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    page = (out / "report" / "index.html").read_text("utf-8")
    assert manifest["run_id"] and manifest["run_id"] in page
    assert manifest["run_id"] in final.stdout


@pytest.mark.parametrize("signo", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_says_so_and_exits_130(tmp_path, signo):
    deliveries = enrolment_only(tmp_path / "d")
    out, log = tmp_path / "out", tmp_path / "run.log"
    proc = start_cli("run", "--deliveries", str(deliveries), "--out", str(out), log=log)
    wait_for(lambda: "[  2/" in log.read_text(), "the second step", proc)
    children = _descendants(proc.pid)  # the watchdog at least
    assert children
    proc.send_signal(signo)
    assert proc.wait(timeout=300) == 130
    text = log.read_text()
    assert "interrupted" in text
    assert "Traceback" not in text
    assert (out / INCOMPLETE_FILE).exists()
    time.sleep(2)
    assert not [c for p, c in children.items() if _alive(p)]


def test_failed_step_summary_shows_the_root_error(tmp_path):
    import dagster as dg
    import duckdb

    from assets.runner import failure_message

    @dg.asset
    def hungry() -> None:
        con = duckdb.connect(str(tmp_path / "w.duckdb"))
        con.execute("SET memory_limit = '1MB'")
        con.execute("SET temp_directory = ''")
        con.execute("CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS h "
                    "FROM range(3000000)")
        con.execute("SELECT h, count(*) FROM t GROUP BY h ORDER BY h").fetchall()

    result = dg.materialize([hungry], raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure_message(failure.event_specific_data.error)
    assert "Out of Memory Error" in message
    assert "tune_workloads" not in message and "See also" not in message


# ---------------------------------------------------------------------------------------------
# 5. Incremental runs
# ---------------------------------------------------------------------------------------------
def test_an_incremental_run_computes_every_asset_after_all_its_inputs(tmp_path):
    """The phases a partial run goes through: an asset never runs before one of its parents,
    and a multi-asset runs once, after the inputs of all its parts. (The register effect wrote
    its matches, an analysis table, with its results, and ran in the analysis phase — before
    ``results.attachment`` was made again, so its attachment results kept the old one.)"""
    import dagster as dg

    from assets.definitions import build_defs
    from assets.runner import asset_phases
    from ips_eval.config import Settings

    graph = build_defs(Settings(deliveries_dir=tmp_path, out_dir=tmp_path)).resolve_asset_graph()
    phase = asset_phases(graph)
    for key in graph.get_all_asset_keys():
        assert all(phase[p] <= phase[key] for p in graph.get(key).parent_keys
                   if p in phase), key
        together = dg.AssetSelection.assets(key).required_multi_asset_neighbors().resolve(graph)
        assert {phase[k] for k in together} == {phase[key]}, key
    attachment = dg.AssetKey(["results", "attachment"])
    assert phase[dg.AssetKey(["analysis", "register_matches"])] >= phase[attachment]
    assert phase[dg.AssetKey(["staging", "asiakkaat"])] < phase[attachment]


def test_incremental_run_equals_a_full_run(small_run, tmp_path):
    """A complete run, then the same folder again (up to date), then a region's corrected
    enrolment file: the incremental run re-reads only that source and ends with the same files
    as a fresh run on the same deliveries (small_run's)."""
    reference, fresh, _ = small_run("no_client_survey")
    deliveries, out = tmp_path / "d", tmp_path / "out"
    shutil.copytree(reference, deliveries)
    corrected = next((deliveries / "asiakkaat").glob(f"{CORRECTED_ON}_*.csv"))
    held_back = corrected.read_bytes()
    corrected.unlink()
    assert_complete(run_cli("run", "--deliveries", str(deliveries), "--out", str(out)), out)

    same = run_cli("run", "--deliveries", str(deliveries), "--out", str(out))
    assert same.returncode == 0 and "Up to date" in same.stderr

    corrected.write_bytes(held_back)
    again = run_cli("run", "--deliveries", str(deliveries), "--out", str(out))
    assert_complete(again, out)
    assert "changed since the last complete run: asiakkaat" in again.stderr
    assert "raw__kontaktit " not in again.stderr  # a source without a new file is not re-read
    assert " unchanged (incremental" in again.stdout

    assert digests(out, *RESULT_FILES) == digests(fresh, *RESULT_FILES)
