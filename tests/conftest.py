"""Shared fixtures (helpers are in the ``support`` package: see its docstring).

Made once per test session, for all its xdist workers (support.shared), and shared read-only —
a test that changes anything copies first, and opens a warehouse ``read_only``:

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
from support.shared import build_once
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

    return build_once(tmp_path_factory, "deliveries",
                      lambda folder: write_study(folder, seed=DEFAULT_SEED, defects=0.02))


@pytest.fixture(scope="session")
def synthetic_study(synthetic_written) -> Path:  # noqa: ANN001 — a SynthSummary
    """The default synthetic study's delivery folder. Read-only."""
    return synthetic_written.out_dir


@pytest.fixture(scope="session")
def pipeline_run(synthetic_study: Path, tmp_path_factory: pytest.TempPathFactory):
    """One full `ips-eval run` on the default synthetic study: (out_dir, report). Read-only."""
    from assets.runner import execute
    from ips_eval.config import Settings

    def run(out: Path) -> tuple:
        # the synthetic study's own (demo) key, whatever the environment holds
        return out, execute(Settings(deliveries_dir=synthetic_study, out_dir=out,
                                     pseudonym_key=None))

    return build_once(tmp_path_factory, "out", run)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory):
    """``small_run(case)``: the small delivery ``case`` (support.small_deliveries
    .SMALL_DELIVERIES) through `ips-eval run` (in process, with the tests' key), once per
    session → (deliveries, out, Done). Read-only."""
    def build(case: str, root: Path) -> tuple:
        deliveries, out = SMALL_DELIVERIES[case](root / "deliveries"), root / "out"
        return deliveries, out, run_cli("run", "--deliveries", str(deliveries), "--out",
                                        str(out))

    def run(case: str) -> tuple:
        return build_once(tmp_path_factory, case, lambda root: build(case, root))

    return run


# The suite runs on two pytest-xdist workers (scripts/run-tests.sh, `--dist loadfile`: each test
# file whole on one worker, so a module fixture such as test_bench's is built once). The session
# fixtures above are built once for both workers (support.shared.build_once: the first worker
# to ask builds, under a file lock; the other waits for it and reads the result back).
#
# The files that take longest start first (run-tests.sh passes --no-loadscope-reorder, so xdist
# hands out files in this order): each worker then takes the next file when it is free, and the
# two end close together instead of one finishing a long file alone. The first two build the
# shared runs, one each (the default run; the small deliveries), so that neither waits for the
# other. Ordered by the suite's own `--durations` (docs/performance.md); files not listed
# follow in collection order.
SLOW_FIRST = (
    "test_pipeline.py", "test_robustness.py",  # ~300 CPU-s each: the shared runs and their own
    "test_bench.py", "test_synth.py", "test_replication_r.py",
    "test_failures_say_so.py", "test_security.py", "test_report.py", "test_figures.py",
    "test_key_fingerprint.py", "test_ingest_defects.py", "test_ingest_killed.py",
    "test_tables.py", "test_ingest_versions.py", "test_tables_office.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole
