"""Situation, satisfaction and employer-survey summaries, and the scores group's Dagster assets
run end to end on a temporary warehouse."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint
from support.scores import (
    CUTOFFS,
    D0,
    analysis_tables,
    answer,
    client,
    create_staging,
    esis,
    mhi,
    qol,
)

from assets.defs import scores as score_assets
from assets.defs.fidelity import analysis_fidelity
from assets.defs.resources import Study, Warehouse
from ips_eval.scores.derive import build_scores
from ips_eval.scores.surveys import (
    employer_answers,
    employer_survey_summary,
    followup_items,
    satisfaction_summary,
    situation_summary,
    wilson_ci,
)
from ips_eval.warehouse import connect


def test_wilson_interval_matches_statsmodels():
    lo, hi = proportion_confint(3, 4, alpha=0.05, method="wilson")
    assert wilson_ci(3, 4) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    assert wilson_ci(0, 0) == (None, None)


def test_situation_and_satisfaction_at_follow_up(con):  # noqa: F811
    ids = [f"HEL-000{i}" for i in range(1, 6)]
    create_staging(con, "asiakkaat", [client(i, D0) for i in ids])
    # T6 answers: situation 1 working, 2 studying, 3 both, 4 neither, missing; 99 on tyyt1
    create_staging(con, "asiakaskysely", [
        answer(i, 6, D0 + timedelta(days=180), situation=s, tyyt1=t)
        for i, s, t in zip(ids, [1, 2, 3, 4, None], [5, 4, 2, 99, 3], strict=True)])
    build_scores(con, CUTOFFS)
    items = followup_items(con)
    sit = situation_summary(items).filter((pl.col("cohort") == "all") & (pl.col("wave") == 6))
    got = {r["category"]: (r["n"], r["n_answered"], r["pct"]) for r in sit.iter_rows(named=True)}
    assert got["working_or_studying"] == (3, 4, 75.0)
    assert got["working"] == (2, 4, 50.0)
    assert got["studying"] == (2, 4, 50.0)
    assert got["answer_4_neither"] == (1, 4, 25.0)
    assert got["answer_3_both"] == (1, 4, 25.0)
    sat = satisfaction_summary(items).filter(
        (pl.col("cohort") == "all") & (pl.col("item") == "tyyt1")).row(0, named=True)
    # 5, 4, 2, 3 (99 is missing): mean 3.5, agree (4–5) 2 of 4
    assert (sat["n"], sat["mean"], sat["n_agree"], sat["pct_agree"]) == (4, 3.5, 2, 50.0)


def test_employer_survey_by_cohort_via_region(con):  # noqa: F811
    def emp(region, day, ta1, hire):
        return {"employer_pid": f"e{day}", "region": region, "response_date": day, "ta1": ta1,
                "would_hire": hire}
    create_staging(con, "tyonantajakysely", [
        emp("HEL", date(2022, 3, 1), 5, 1),
        emp("PKA", date(2022, 4, 1), 4, 1),
        emp("EPO", date(2022, 5, 1), 2, 3),
        emp("HEL", date(2023, 8, 1), 1, 3),   # after the pilot cut-off: not used
        emp("KAI", date(2024, 3, 1), 4, 2),
        emp(None, date(2022, 6, 1), 3, 2),    # region unknown
    ])
    summary = employer_survey_summary(employer_answers(con, CUTOFFS))
    pilot = summary.filter((pl.col("cohort") == "pilot") & (pl.col("item") == "ta1")).row(
        0, named=True)
    assert (pilot["n"], pilot["n_answered"]) == (2, 3)  # agree: 5 and 4 of 5, 4, 2
    assert pilot["mean"] == pytest.approx(11 / 3)
    hire = summary.filter((pl.col("cohort") == "all") & (pl.col("item") == "would_hire"))
    assert dict(zip(hire["category"], hire["n"], strict=True)) == {"yes": 2, "maybe": 2,
                                                                   "no": 1}
    assert set(summary["cohort"]) == {"all", "pilot", "rrp", "unknown"}


# ---------------------------------------------------------------------------------------------
# The Dagster assets on a hand-made warehouse
# ---------------------------------------------------------------------------------------------
def _small_study(con, n: int = 30) -> None:  # noqa: F811
    """n clients (pilot and RRP) with baseline, most with 6- and 12-month answers."""
    rng = np.random.default_rng(3)
    clients, answers, jobs = [], [], []
    for i in range(n):
        cid = f"{'HEL' if i % 2 else 'KAI'}-{i:04d}"
        index = date(2021, 1, 1) + timedelta(days=int(i * 3))
        if cid.startswith("KAI"):
            index = date(2023, 7, 1) + timedelta(days=int(i * 3))
        clients.append(client(cid, index, age_at_index=25 + i % 30,
                              sex="female" if i % 3 else "male", work_history=i % 4))
        level = rng.normal(0, 0.8)
        for wave, day in ((0, 3), (6, 180), (12, 370)):
            if wave and rng.random() < 0.25:
                continue
            v = int(np.clip(round(3.5 + level + wave / 12 + rng.normal(0, 0.5)), 1, 5))
            answers.append(answer(cid, wave, index + timedelta(days=day),
                                  **mhi(*[v] * 2, 7 - v, v, 7 - v), **qol(*[v] * 8),
                                  **esis(*[v] * 9, min(v + 1, 5)), was=2 * v, readiness=v,
                                  self_rated_health=6 - v,
                                  situation=(1 if i % 3 else 4) if wave else None,
                                  tyyt1=v if wave else None))
        if i % 3 == 0:
            jobs.append({"client_id": cid, "start_date": index + timedelta(days=90),
                         "competitive": 1})
    create_staging(con, "asiakkaat", clients)
    create_staging(con, "asiakaskysely", answers)
    create_staging(con, "laatuarviot", [
        {"team": "HEL-T1", "region": "HEL", "review_date": date(2022, 1, 10)}
        | {f"k{j:02d}": 4 for j in range(1, 26)}])
    create_staging(con, "tyonantajakysely", [
        {"employer_pid": "e1", "region": "HEL", "response_date": date(2022, 1, 10), "ta1": 5,
         "would_hire": 1}])
    analysis_tables(con, clients, jobs)


def test_scores_assets_materialise_with_their_checks(tmp_path: Path):
    db = tmp_path / "out" / "ips_eval.duckdb"
    with connect(db, memory_limit="1GB") as c:
        _small_study(c)
    resources = {
        "warehouse": Warehouse(path=str(db), memory_limit="1GB"),
        "study": Study(deliveries_dir=str(tmp_path / "deliveries"), out_dir=str(tmp_path / "out"),
                       cutoff={c: d.isoformat() for c, d in CUTOFFS.items()}),
    }
    # analysis/fidelity moved to the fidelity domain's module
    assets = [*dg.load_assets_from_modules([score_assets]), analysis_fidelity]
    checks = dg.load_asset_checks_from_modules([score_assets])
    result = dg.materialize([*assets, *checks], resources=resources)
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evaluations["scores_within_instrument_range"].passed
    assert evaluations["mixed_models_converged"].passed
    out = tmp_path / "out"
    for name in ("change", "reliability", "mixed", "attrition", "situation", "satisfaction",
                 "employer_survey"):
        assert (out / "results" / f"{name}.csv").is_file(), name
    change = pl.read_csv(out / "results" / "change.csv")
    assert {"instrument", "cohort", "contrast", "n", "baseline_mean", "followup_mean",
            "mean_change", "ci_lower", "ci_upper", "effect_size", "pct_improved",
            "pct_deteriorated"} <= set(change.columns)
    assert set(change["contrast"]) == {"T0-T6", "T0-T12"}
    mixed = pl.read_csv(out / "results" / "mixed.csv")
    assert {"instrument", "model", "term", "estimate", "ci_lower", "ci_upper", "p", "n_clients",
            "n_obs", "converged"} <= set(mixed.columns)
    assert set(mixed["model"]) == {"primary", "secondary"}
    assert (out / "analysis" / "scores.parquet").is_file()
    assert (out / "analysis" / "fidelity.parquet").is_file()
    assert (out / "analysis" / "scores.dta").is_file()
    assert (out / "analysis" / "scores.sav").is_file()
    assert (out / "figures" / "scores_by_wave_sv.png").is_file()
    assert pl.read_parquet(out / "analysis" / "fidelity.parquet")["total"].to_list() == [100]


def test_figure_hides_means_over_fewer_than_five_clients():
    from ips_eval.publish.figures.scores import plot_scores_by_wave
    from ips_eval.publish.tables.disclosure import SUPPRESSED

    means = pl.DataFrame({
        "instrument": ["mhi5"] * 3, "cohort": ["pilot", "pilot", "rrp"], "wave": [0, 6, 0],
        "n": [12, 3, 8], "mean": [50.0, 61.0, 55.0], "sd": [10.0, 9.0, 8.0],
        "ci_lower": [44.0, 39.0, 48.0], "ci_upper": [56.0, 83.0, 62.0]})
    fig = plot_scores_by_wave(means)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["n=12", f"n={SUPPRESSED}", "n=8"]
    drawn = [y for line in ax.get_lines() for y in line.get_ydata()]
    assert 61.0 not in drawn and 50.0 in drawn
