"""Issue 27 item 2: every model of a tiny delivery ends in results, never an exception.

The models get what their assets read from the warehouse (analysis.score_panel,
tenure/TTFJ model frames, the fidelity Cox frame), drawn at random for many tiny deliveries:
5–60 clients, sources missing at random (no surveys, no jobs, no fidelity reviews), random
waves, missing covariates, one cohort only, constant or exactly linear scores. Each model
gives either fitted rows with finite estimates or a not-fitted row that names its reason.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from ips_eval.employment.competing import competing_table
from ips_eval.employment.cox import TENURE_PARAMS, cox_table, logit_table
from ips_eval.fidelity.outcomes import fidelity_cox
from ips_eval.outputs import NOT_FITTED_REASONS
from ips_eval.scores import mixed

DRAWS = 30
SEXES = ("female", "male")
DX = ("F20-F29", "F30-F39", "F40-F48", "other")


def _clients(rng: random.Random) -> list[dict]:
    n = rng.randint(5, 60)
    one_cohort = rng.random() < 0.25
    missing = rng.choice((0.0, 0.0, 0.2, 0.6))  # share of clients without some covariate
    clients = []
    for i in range(n):
        def maybe(value):
            return None if rng.random() < missing else value
        clients.append({
            "client_id": f"p{i:03d}",
            "cohort": "pilot" if one_cohort or rng.random() < 0.5 else "rrp",
            "age": maybe(float(rng.randint(18, 64))),
            "sex": maybe(rng.choice(SEXES)),
            "dx_group": maybe(rng.choice(DX)),
            "work_history": maybe(rng.randint(0, 3)),
            "followup_days": rng.choice((90, 200, 365, 400, 700)),
            "team": rng.choice(("T1", "T2", "T3")),
        })
    return clients


def _panel(rng: random.Random, clients: list[dict]) -> pl.DataFrame:
    """analysis.score_panel of one instrument: random waves, some clients without answers,
    scores random, constant or exactly linear in the wave (a perfect fit)."""
    waves = rng.choice(((0,), (0, 6), (0, 6, 12), (6,), ()))
    kind = rng.choice(("random", "random", "constant", "linear"))
    rows = []
    for c in clients:
        for wave in waves:
            if rng.random() < 0.3:
                continue
            score = {"random": rng.gauss(20, 5), "constant": 12.0,
                     "linear": 10.0 + wave / 6.0}[kind]
            rows.append({"instrument": "x", "client_id": c["client_id"], "wave": wave,
                         "score": score, "cohort": c["cohort"],
                         "employed": rng.random() < 0.3, "age": c["age"], "sex": c["sex"],
                         "work_history": c["work_history"]})
    schema = {"instrument": pl.String, "client_id": pl.String, "wave": pl.Int64,
              "score": pl.Float64, "cohort": pl.String, "employed": pl.Boolean,
              "age": pl.Float64, "sex": pl.String, "work_history": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def _ttfj(rng: random.Random, clients: list[dict], jobs: bool) -> pl.DataFrame:
    rows = []
    for c in clients:
        event = rng.choice((0, 1, 2)) if jobs else rng.choice((0, 0, 2))
        rows.append({"client_id": c["client_id"], "time_days": rng.randint(1, c["followup_days"]),
                     "event": event, "followup_days": c["followup_days"],
                     **{k: c[k] for k in ("cohort", "age", "sex", "dx_group", "work_history")}})
    schema = {"client_id": pl.String, "time_days": pl.Int64, "event": pl.Int64,
              "followup_days": pl.Int64, "cohort": pl.String, "age": pl.Float64,
              "sex": pl.String, "dx_group": pl.String, "work_history": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def _tenure(rng: random.Random, clients: list[dict], jobs: bool) -> pl.DataFrame:
    rows = []
    for c in clients if jobs else []:
        for job_no in range(1, rng.randint(1, 3) + 1) if rng.random() < 0.5 else ():
            params = ("TENURE1_REG", "TENURE1", "TENURE") if job_no == 1 else ("TENURE",)
            time, event = rng.randint(1, 400), int(rng.random() < 0.5)
            for param in params:
                rows.append({"param": param, "client_id": c["client_id"], "job_no": job_no,
                             "time_days": time, "event": event,
                             **{k: c[k] for k in ("cohort", "age", "sex", "dx_group",
                                                  "work_history")},
                             "hours_week": float(rng.choice((10, 20, 37.5))),
                             "pay_subsidy": rng.random() < 0.3})
    schema = {"param": pl.String, "client_id": pl.String, "job_no": pl.Int64,
              "time_days": pl.Int64, "event": pl.Int64, "cohort": pl.String,
              "age": pl.Float64, "sex": pl.String, "dx_group": pl.String,
              "work_history": pl.Int64, "hours_week": pl.Float64, "pay_subsidy": pl.Boolean}
    return pl.DataFrame(rows, schema=schema)


def _fidelity_frame(rng: random.Random, ttfj: pl.DataFrame, reviews: bool) -> pl.DataFrame:
    teams = {"T1": rng.randint(70, 110), "T2": rng.randint(70, 110), "T3": rng.randint(70, 110)}
    frame = ttfj.select("client_id", "time_days", "event", "cohort").with_columns(
        team=pl.Series([rng.choice(list(teams)) for _ in range(ttfj.height)], dtype=pl.String),
        index_date=pl.lit(date(2023, 1, 1)))
    frame = frame.with_columns(review_date=pl.col("index_date") - timedelta(days=30),
                               total=pl.col("team").replace_strict(teams, return_dtype=pl.Int64))
    return frame if reviews else frame.head(0)


def _assert_explained(table: pl.DataFrame, keys: list[dict], estimate: str | None,
                      what: str) -> None:
    """Every key has rows; each row is fitted with a finite estimate or says why not
    (``estimate`` None: a fitted row may leave it empty — a CIF past the longest follow-up)."""
    assert table.height, what
    for key in keys:
        rows = table.filter(*(pl.col(k) == v for k, v in key.items()))
        assert rows.height, f"{what}: no row for {key}"
    for r in table.iter_rows(named=True):
        if r.get("not_fitted") is None:
            if estimate is not None:
                assert r[estimate] is not None and math.isfinite(r[estimate]), (what, r)
        else:
            assert r["not_fitted"] in NOT_FITTED_REASONS, (what, r)
            assert r["note"], (what, r)


def _assert_mixed(table: pl.DataFrame, what: str) -> None:
    assert sorted(table["model"].unique()) == ["primary", "secondary"], what
    for _, part in table.group_by("model"):
        if part["term"].to_list() == ["(not fitted)"]:
            assert part["converged"].to_list() == [False], what
            assert part["warnings"][0], (what, part)
        else:
            assert "(not fitted)" not in part["term"].to_list(), what
            fixed = part.filter(~pl.col("term").str.starts_with("var("))
            assert fixed.height >= 1, what
            assert np.isfinite(fixed["estimate"].to_numpy()).all(), (what, fixed)
            assert np.isfinite(fixed["se"].to_numpy()).all(), (what, fixed)


def test_tiny_random_deliveries_end_in_results_or_reasons():
    rng = random.Random(27)
    reasons: set[str] = set()
    fitted_mixed = 0
    for draw in range(DRAWS):
        clients = _clients(rng)
        surveys, jobs, reviews = (rng.random() < 0.8, rng.random() < 0.7, rng.random() < 0.6)
        what = f"draw {draw}: {len(clients)} clients, surveys={surveys} jobs={jobs}"
        panel = _panel(rng, clients) if surveys else _panel(rng, [])
        table = mixed.fit_instrument("x", panel)
        _assert_mixed(table, what)
        fitted_mixed += int((table["term"] != "(not fitted)").any())
        reasons |= set(table.filter(pl.col("term") == "(not fitted)")["warnings"].to_list())

        ttfj = _ttfj(rng, clients, jobs)
        _assert_explained(cox_table(_tenure(rng, clients, jobs)),
                          [{"param": p} for p in TENURE_PARAMS], "coef", f"{what} cox")
        _assert_explained(logit_table(ttfj), [], "coef", f"{what} logit")
        _assert_explained(competing_table(ttfj),
                          [{"model": m} for m in ("cif_difference", "gray_test")],
                          None, f"{what} competing")
        fidelity = fidelity_cox(_fidelity_frame(rng, ttfj, reviews), 0)
        _assert_explained(fidelity, [{"model": "unadjusted"}], "coef", f"{what} fidelity")
    # the draws reached both sides: fitted models and several kinds of not-fitted reason
    assert fitted_mixed >= 3
    assert len({r.split(" (")[0].split(":")[0] for r in reasons}) >= 2, reasons


def _panel_of(scores: list[tuple[str, int, float]], **covariates) -> pl.DataFrame:
    base = {"instrument": "x", "cohort": "pilot", "employed": False, "age": 30.0,
            "sex": "female", "work_history": 1}
    return pl.DataFrame([base | covariates | {"client_id": c, "wave": w, "score": s}
                         for c, w, s in scores])


@pytest.mark.parametrize("case, scores, reason", [
    ("perfect fit: scores exactly linear in the wave",
     [(f"c{i}", w, 1.0 + 0.5 * (w == 6)) for i in range(3) for w in (0, 6)], "perfect fit"),
    ("no variation", [(f"c{i}", w, 7.0) for i in range(4) for w in (0, 6)],
     "no variation in the score"),
    ("one client", [("c0", w, float(w)) for w in (0, 6, 12)], "too few clients"),
    ("fewer answers than terms", [("c0", 0, 1.0), ("c1", 6, 2.0)], "fewer answers than terms"),
])
def test_mixed_model_the_data_cannot_support_says_why(case, scores, reason):
    """The 40-client delivery of issue 27 died here with ZeroDivisionError (r² = 0)."""
    table = mixed.fit_instrument("x", _panel_of(scores))
    assert table["term"].to_list() == ["(not fitted)", "(not fitted)"], case
    assert table["converged"].to_list() == [False, False]
    assert all(w.startswith(reason) for w in table["warnings"]), table["warnings"].to_list()


def test_mixed_model_still_fits_an_ordinary_small_delivery():
    rng = random.Random(5)
    scores = [(f"c{i}", w, 10 + w / 6 + rng.gauss(0, 1) + i % 3) for i in range(12)
              for w in (0, 6, 12)]
    table = mixed.fit_instrument("x", _panel_of(scores))
    assert "(not fitted)" not in table["term"].to_list()
    wave6 = table.filter((pl.col("model") == "primary") & (pl.col("term") == "wave6"))
    assert wave6.height == 1 and 0 < wave6["estimate"][0] < 3
