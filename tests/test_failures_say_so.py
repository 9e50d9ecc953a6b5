"""Issue 27 item 3: a full disk, a read-only folder or a missing permission stops the run with
one line naming the cause and the path (no traceback), the folder marked incomplete, and a
re-run after the cause is fixed converges; a --select that takes part of a multi-asset runs
the whole multi-asset."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support.cli import TEST_PSEUDONYM_KEY
from support.small_deliveries import enrolment_only

from assets.runguard import INCOMPLETE_FILE
from ips_eval import stoppage
from ips_eval.config import ENV_KEY, Settings, SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SELECT = '+key:"staging/asiakkaat"'


# ----------------------------------------------------------------------- the cause in words
@pytest.mark.parametrize("error, cause, path", [
    (OSError(errno.ENOSPC, "No space left on device", "/data/out/results/x.csv"),
     "the disk is full", "/data/out/results/x.csv"),
    (OSError(errno.EROFS, "Read-only file system", "/data/out/INCOMPLETE.txt"),
     "read-only", "/data/out/INCOMPLETE.txt"),
    (PermissionError(errno.EACCES, "Permission denied", "/data/out/tables"),
     "permission denied", "/data/out/tables"),
    (duckdb.IOException('IO Error: Could not write file "/data/out/ips_eval.duckdb.wal": '
                        "No space left on device"),
     "the disk is full", "/data/out/ips_eval.duckdb.wal"),
    (sqlite3.OperationalError("database or disk is full"), "the disk is full", "/data/out"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only",
     "/data/out"),
])
def test_environment_errors_are_named_with_their_path(error, cause, path):
    line = stoppage.environment_cause(error, Path("/data/out"))
    assert line is not None and "\n" not in line
    assert line.startswith("stopped: ") and cause in line and path in line
    assert "marked incomplete" in line


def test_a_wrapped_cause_is_found_and_other_errors_are_not_the_environments():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/x/out/a.parquet")
        except OSError as inner:
            raise RuntimeError("writing failed") from inner
    except RuntimeError as outer:
        assert "/x/out/a.parquet" in stoppage.environment_cause(outer, Path("/x/out"))
    assert stoppage.environment_cause(ValueError("bad date in row 3"), Path("/x")) is None
    assert stoppage.environment_cause(KeyError("pid"), Path("/x")) is None


def test_disk_io_error_is_the_full_disk_only_when_the_disk_is_full(monkeypatch, tmp_path):
    error = sqlite3.OperationalError("disk I/O error")
    assert stoppage.environment_cause(error, tmp_path) is None  # a roomy disk: not ours to say
    monkeypatch.setattr(stoppage, "_free_bytes", lambda _path: 4096)
    assert "the disk is full" in stoppage.environment_cause(error, tmp_path)


# --------------------------------------------------------------- a step's error, in process
@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return enrolment_only(tmp_path_factory.mktemp("tiny") / "deliveries")


def _staging(out: Path) -> list[tuple]:
    with duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True) as con:
        return con.execute("SELECT * FROM staging.asiakkaat ORDER BY ALL").fetchall()


def test_full_disk_in_a_step_stops_with_one_line_and_a_rerun_converges(
        tiny, tmp_path, monkeypatch, capsys):
    """ENOSPC simulated: every warehouse connection of the steps fails as on a full disk."""
    from contextlib import contextmanager

    import assets.defs.resources as resources
    from assets.cli import main

    out = tmp_path / "out"
    real = resources.connect

    @contextmanager
    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
        yield  # pragma: no cover

    monkeypatch.setattr(resources, "connect", full)
    assert main(["run", "--deliveries", str(tiny), "--out", str(out), "--select", SELECT]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("ips-eval: stopped: the disk is full"), err[-2000:]
    assert str(out / "ips_eval.duckdb") in last
    assert (out / INCOMPLETE_FILE).exists()
    assert err.count("FAILED:") == 1, err[-3000:]  # stopped at the first, not one per step

    monkeypatch.setattr(resources, "connect", real)
    assert main(["run", "--deliveries", str(tiny), "--out", str(out), "--select", SELECT]) == 0
    assert not (out / INCOMPLETE_FILE).exists()
    clean = tmp_path / "clean"
    assert main(["run", "--deliveries", str(tiny), "--out", str(clean), "--select", SELECT]) == 0
    assert _staging(out) == _staging(clean) and _staging(out)


# ------------------------------------------------------------------- a real full file system
def _mount_small_tmpfs(target: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                          capture_output=True)
    return done.returncode == 0


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPS_EVAL_")}
    return subprocess.run([sys.executable, "-m", "assets.cli", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=1800,
                          env={**env, ENV_KEY: TEST_PSEUDONYM_KEY})


def test_a_full_file_system_is_one_line_and_a_roomy_disk_converges(tiny, tmp_path):
    small = tmp_path / "small"
    if not _mount_small_tmpfs(small, "2m"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        out = small / "out"
        run = _cli("run", "--deliveries", str(tiny), "--out", str(out), "--select", SELECT)
        assert run.returncode == 2, run.stderr[-3000:]
        assert "Traceback" not in run.stderr
        last = run.stderr.strip().splitlines()[-1]
        assert last.startswith("ips-eval: stopped: the disk is full"), run.stderr[-3000:]
        assert str(small) in last
        assert (out / INCOMPLETE_FILE).exists()
        roomy = tmp_path / "roomy"
        shutil.copytree(out, roomy, symlinks=True)
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)
    again = _cli("run", "--deliveries", str(tiny), "--out", str(roomy), "--select", SELECT)
    assert again.returncode == 0, again.stderr[-3000:]
    assert not (roomy / INCOMPLETE_FILE).exists()
    clean = tmp_path / "clean"
    fresh = _cli("run", "--deliveries", str(tiny), "--out", str(clean), "--select", SELECT)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert _staging(roomy) == _staging(clean) and _staging(clean)


# ------------------------------------------------------------------------------- --select
@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory):
    from assets.definitions import build_defs

    root = tmp_path_factory.mktemp("graph")
    settings = Settings(deliveries_dir=root, out_dir=root / "out",
                        pseudonym_key=TEST_PSEUDONYM_KEY)
    return build_defs(settings).resolve_asset_graph()


def test_select_of_part_of_a_multi_asset_runs_all_of_it(graph, capsys):
    import dagster as dg

    from assets.runner import resolve_selection

    keys = resolve_selection('+key:"analysis/register_matches"', graph, sys.stderr)
    names = {k.to_user_string() for k in keys}
    assert {"analysis/register_matches", "results/register_effect",
            "results/register_balance", "results/transitions"} <= names
    assert "analysis/register_monthly" in names  # and its upstream
    assert "also running" in capsys.readouterr().err
    job = dg.define_asset_job("t").resolve(asset_graph=graph)
    job.get_subset(asset_selection=keys)  # Dagster accepts it (it refused the part alone)


@pytest.mark.parametrize("selection", ['key:"no/such_asset"', "+key:(", "tag:"])
def test_a_selection_that_selects_nothing_is_one_line(graph, selection):
    from assets.runner import resolve_selection

    with pytest.raises(SettingsError) as refused:
        resolve_selection(selection, graph, sys.stderr)
    assert "\n" not in str(refused.value) and "--select" in str(refused.value)
