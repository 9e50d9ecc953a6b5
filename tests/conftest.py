"""Shared fixtures (helpers are in the ``support`` package: see its docstring).

Made once per test session and shared read-only — a test that changes anything copies first:

- ``synthetic_study``: the default synthetic study (``ips-eval run``'s seed and defect rate;
  ``synthetic_written``: the generator's summary of it);
- ``pipeline_run``: one full run on it → (out folder, RunReport);
- ``small_run(case)``: one of the small deliveries of ``support.small_deliveries
  .SMALL_DELIVERIES`` through ``ips-eval run`` → (deliveries, out folder, Done).

Per test: ``pseudonym_key`` (autouse: IPS_EVAL_PSEUDONYM_KEY set to the tests' key) and
``con`` (a fresh, empty warehouse connection).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import TEST_PSEUDONYM_KEY, run_cli
from support.small_deliveries import SMALL_DELIVERIES


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with IPS_EVAL_PSEUDONYM_KEY set (a test that needs it unset deletes it).
    Session fixtures are set up before this one, so the shared synthetic run keeps the demo key
    the synthetic study is allowed."""
    monkeypatch.setenv("IPS_EVAL_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
    return TEST_PSEUDONYM_KEY


@pytest.fixture
def con(tmp_path: Path):
    """A connection to a fresh, empty warehouse (closed after the test)."""
    from ips_eval.warehouse import connect

    with connect(tmp_path / "w.duckdb", memory_limit="1GB") as c:
        yield c


@pytest.fixture(scope="session")
def synthetic_written(tmp_path_factory: pytest.TempPathFactory):
    """The default synthetic study (seed and defect rate of `ips-eval run`), written once:
    the generator's SynthSummary (its ``out_dir`` is ``synthetic_study``). Read-only."""
    from assets.cli import DEFAULT_SEED
    from ips_eval.synth import write_study

    return write_study(tmp_path_factory.mktemp("deliveries"), seed=DEFAULT_SEED, defects=0.02)


@pytest.fixture(scope="session")
def synthetic_study(synthetic_written) -> Path:  # noqa: ANN001 — a SynthSummary
    """The default synthetic study's delivery folder. Read-only."""
    return synthetic_written.out_dir


@pytest.fixture(scope="session")
def pipeline_run(synthetic_study: Path, tmp_path_factory: pytest.TempPathFactory):
    """One full `ips-eval run` on the default synthetic study: (out_dir, report). Read-only."""
    from assets.runner import execute
    from ips_eval.config import Settings

    out = tmp_path_factory.mktemp("out")
    # the synthetic study's own (demo) key, whatever the environment holds
    report = execute(Settings(deliveries_dir=synthetic_study, out_dir=out, pseudonym_key=None))
    return out, report


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory):
    """``small_run(case)``: the small delivery ``case`` (support.small_deliveries
    .SMALL_DELIVERIES) through `ips-eval run` (in process, with the tests' key), once per
    session → (deliveries, out, Done). Read-only."""
    runs: dict[str, tuple] = {}

    def run(case: str) -> tuple:
        if case not in runs:
            root = tmp_path_factory.mktemp(case)
            deliveries, out = SMALL_DELIVERIES[case](root / "deliveries"), root / "out"
            runs[case] = (deliveries, out, run_cli("run", "--deliveries", str(deliveries),
                                                   "--out", str(out)))
        return runs[case]

    return run


# The suite runs on two pytest-xdist workers (scripts/run-tests.sh, `--dist loadfile`: each test
# file whole on one worker, so a module fixture such as test_bench's is built once). Each worker
# builds the session fixtures it needs itself, so the default run and the small runs may be
# built on both: xdist 3.8's `--dist loadgroup` under pytest 9.2 does not keep a group on one
# worker (a three-test example split its group). Sharing those runs between the workers (a file
# lock around one build) is the next step for the suite's time.
