"""The worked-analysis notebook runs (nbclient) and its re-derived numbers equal the published
ones: on a hand-made output folder (expected values worked out by hand), and on a full
pipeline run of the synthetic study."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import polars as pl
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ips_eval.warehouse import connect

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "worked_analysis.ipynb"


def run_notebook(out_dir: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel gets the output folder in its own environment; this process's stays as it is
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute(
        env={**os.environ, "IPS_EVAL_OUT": str(out_dir)})
    return notebook


def _hand_made_run(out: Path, km_estimate: float, mean_change: float, n: int) -> None:
    # TENURE1, pilots: jobs ending on days 100, 300, 400; censored on 200 and 500
    tte = pl.DataFrame({
        "client_id": ["A", "B", "C", "D", "E", "F"], "cohort": ["pilot"] * 5 + ["rrp"],
        "region": ["HEL"] * 5 + ["KAI"], "param": ["TENURE1"] * 6, "job_no": [1] * 6,
        "time_days": [100, 200, 300, 400, 500, 50], "event": [1, 0, 1, 1, 0, 1],
        "censor_reason": [None, "cutoff", None, None, "cutoff", None]})
    # MHI-5 at T0 and T12: changes +10, +5, −5, +15, 0 (F has no T12; G's T12 is unscored)
    scores = pl.DataFrame({
        "client_id": ["A", "B", "C", "D", "E", "F", "G", "A", "B", "C", "D", "E", "G"],
        "cohort": ["pilot"] * 13, "wave": [0] * 7 + [12] * 6, "instrument": ["mhi5"] * 13,
        "score": [50.0, 40, 70, 55, 60, 80, 30, 60, 45, 65, 70, 60, None]})
    (out / "analysis").mkdir(parents=True)
    (out / "results").mkdir()
    tte.write_parquet(out / "analysis" / "tte.parquet")
    scores.write_parquet(out / "analysis" / "scores.parquet")
    pl.DataFrame({"param": ["TENURE1"], "group_var": ["cohort"], "group": ["pilot"],
                  "time_days": [365.25], "n_at_risk": [2], "n_events": [2],
                  "estimate": [km_estimate], "ci_lower": [0.1], "ci_upper": [0.9],
                  "method": ["KM"]}).write_csv(out / "results" / "km.csv")
    pl.DataFrame({"instrument": ["mhi5"], "cohort": ["all"], "contrast": ["T0-T12"],
                  "group_var": ["all"], "group": ["all"], "n": [n],
                  "mean_change": [mean_change]}).write_csv(out / "results" / "change.csv")
    with connect(out / "ips_eval.duckdb"):
        pass  # the notebook opens the warehouse read-only


def test_notebook_re_derives_the_published_estimates_worked_by_hand(tmp_path: Path) -> None:
    # S(365.25) = (1 − 1/5)(1 − 1/3) = 8/15; mean change (10 + 5 − 5 + 15 + 0)/5 = 5
    _hand_made_run(tmp_path, km_estimate=8 / 15, mean_change=5.0, n=5)
    run_notebook(tmp_path)


def test_notebook_fails_when_a_published_number_differs(tmp_path: Path) -> None:
    _hand_made_run(tmp_path, km_estimate=0.6, mean_change=5.0, n=5)
    with pytest.raises(CellExecutionError, match="AssertionError"):
        run_notebook(tmp_path)


def test_notebook_reproduces_the_pipeline_run(pipeline_run) -> None:  # noqa: ANN001 — fixture
    out, _ = pipeline_run
    run_notebook(out)
