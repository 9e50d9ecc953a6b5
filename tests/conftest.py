"""Shared fixtures. The default synthetic study and one full pipeline run on it are made once
per test session (they take a while) and shared read-only by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Hand-made deliveries are not the synthetic study, so a run on them needs a real-length key
# (ips_eval.config.study_key). Not a secret: it exists for the tests only.
TEST_PSEUDONYM_KEY = "ips-eval-tests-only-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with IPS_EVAL_PSEUDONYM_KEY set (a test that needs it unset deletes it).
    Session fixtures are set up before this one, so the shared synthetic run keeps the demo key
    the synthetic study is allowed."""
    monkeypatch.setenv("IPS_EVAL_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
    return TEST_PSEUDONYM_KEY


@pytest.fixture(scope="session")
def synthetic_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default synthetic study (seed and defect rate of `ips-eval run`)."""
    from ips_eval.cli import DEFAULT_SEED
    from ips_eval.synth import write_study

    out = tmp_path_factory.mktemp("deliveries")
    write_study(out, seed=DEFAULT_SEED, defects=0.02)
    return out


@pytest.fixture(scope="session")
def pipeline_run(synthetic_study: Path, tmp_path_factory: pytest.TempPathFactory):
    """One full `ips-eval run` on the default synthetic study: (out_dir, report)."""
    from ips_eval.config import Settings
    from ips_eval.runner import execute

    out = tmp_path_factory.mktemp("out")
    # the synthetic study's own (demo) key, whatever the environment holds
    report = execute(Settings(deliveries_dir=synthetic_study, out_dir=out, pseudonym_key=None))
    return out, report
