"""Fidelity against results on hand-made reviews and clients: the item profile (lowest items),
the trend across reviews, the covariate from the latest review on or before the index date,
and the team-clustered Cox model (checked against lifelines' own cluster sandwich, which agrees
when no event times are tied)."""

from __future__ import annotations

from datetime import date as d

import numpy as np
import polars as pl
import pytest

from ips_eval.fidelity.outcomes import cox_frame, fidelity_cox, item_profile, trend
from schemas.instruments import FIDELITY_ITEMS


def review(team: str, day: d, base: int, low: dict[str, int] | None = None) -> dict:
    items = {k: base for k in FIDELITY_ITEMS} | (low or {})
    return {"team": team, "region": team[:3], "cohort": "pilot", "review_date": day,
            "total": sum(items.values()), "band": "fair", **items}


FIDELITY = pl.DataFrame([
    review("HEL-T1", d(2021, 3, 1), 3, {"k12": 1, "k06": 2, "k20": 2, "k25": 2}),
    review("HEL-T1", d(2022, 3, 1), 4, {"k12": 2, "k06": 3, "k20": 2}),
    review("HEL-T2", d(2021, 6, 1), 4, {"k01": 2, "k12": 3}),
])


def test_item_profile_ranks_the_latest_reviews_lowest_items():
    profile = item_profile(FIDELITY)
    t1 = profile.filter((pl.col("level") == "team") & (pl.col("unit") == "HEL-T1"))
    lowest = t1.filter(pl.col("lowest")).sort("rank")
    # latest HEL-T1 review: k12 = 2, k20 = 2, k06 = 3 … ties in the scale's order
    assert lowest["item"].to_list() == ["k12", "k20", "k06"]
    k12 = t1.filter(pl.col("item") == "k12").row(0, named=True)
    assert (k12["score"], k12["mean_all_reviews"], k12["reviews"]) == (2.0, 1.5, 2)
    everyone = profile.filter((pl.col("level") == "all") & (pl.col("item") == "k12")).row(
        0, named=True)
    assert everyone["teams"] == 2 and everyone["teams_lowest"] == 2
    assert everyone["score"] == pytest.approx(2.5)


def test_trend_gives_the_change_and_slope_per_year():
    rows = trend(FIDELITY).filter(pl.col("team") == "HEL-T1").sort("review_no")
    first, second = rows.row(0, named=True), rows.row(1, named=True)
    assert first["change"] is None and second["change"] == second["total"] - first["total"]
    assert second["slope_per_year"] == pytest.approx(
        (second["total"] - first["total"]) / (365 / 365.25))


def test_the_covariate_is_the_latest_review_on_or_before_the_index_date():
    clients = pl.DataFrame({
        "client_id": ["A", "B", "C", "D"], "team": ["HEL-T1"] * 3 + ["HEL-T2"],
        "cohort": ["pilot"] * 4,
        "index_date": [d(2021, 3, 1), d(2022, 2, 28), d(2021, 2, 1), d(2021, 7, 1)]})
    tte = pl.DataFrame({"client_id": ["A", "B", "C", "D"], "param": ["TTFJ"] * 4,
                        "time_days": [10, 20, 30, 40], "event": [1, 2, 0, 1]})
    frame, excluded = cox_frame(clients, tte, FIDELITY)
    totals = dict(zip(frame["client_id"], frame["total"], strict=True))
    t1 = FIDELITY["total"].to_list()
    # A on the review day takes it; B (a day before the second review) the first; C none
    assert totals == {"A": t1[0], "B": t1[0], "D": t1[2]}
    assert excluded == 1


def test_cox_by_team_matches_the_lifelines_cluster_sandwich_without_ties():
    from lifelines import CoxPHFitter

    rng = np.random.default_rng(7)
    n = 240
    team_total = {f"T{i}": float(v) for i, v in enumerate(rng.integers(75, 115, size=12))}
    teams = [f"T{i % 12}" for i in range(n)]
    total = np.array([team_total[t] for t in teams])
    time = rng.permutation(np.arange(1, n + 1)).astype(float)  # distinct: no ties
    event = (rng.random(n) < 0.6).astype(int) + (rng.random(n) < 0.1)
    frame = pl.DataFrame({"time_days": time, "event": event, "total": total,
                          "cohort": ["pilot"] * n, "team": teams})
    result = fidelity_cox(frame, excluded=0)
    assert result["model"].to_list() == ["unadjusted"]  # one cohort: no adjusted model
    row = result.row(0, named=True)
    reference = CoxPHFitter().fit(
        frame.select("time_days", (pl.col("event") == 1).alias("event").cast(pl.Int64),
                     (pl.col("total") / 10).alias("x"), "team").to_pandas(),
        duration_col="time_days", event_col="event", cluster_col="team")
    assert row["coef"] == pytest.approx(reference.params_["x"], rel=1e-6)
    assert row["se_robust"] == pytest.approx(reference.standard_errors_["x"], rel=1e-4)
    assert row["events"] == int((event == 1).sum()) and row["teams"] == 12


def test_the_item_table_lists_every_item_with_its_share_of_teams_among_the_lowest():
    from ips_eval.publish.tables.common import DeliverySet
    from ips_eval.publish.tables.standards import build_fidelity_items

    cox = pl.DataFrame([{"model": "unadjusted", "term": "fidelity_total_per_10", "hr": 1.2,
                         "ci_lower": 1.0, "ci_upper": 1.4, "p": 0.04, "n": 500, "teams": 20}])
    for lang in ("fi", "sv", "en"):
        table = build_fidelity_items(item_profile(FIDELITY), cox, lang,
                                     DeliverySet({"pilot": d(2023, 6, 30)}), trend(FIDELITY))
        assert table.data.height == 25 and table.small_counts() == []
        k12 = table.data.row(11, named=True)
        assert k12["stub"].startswith("12. ") and k12["lowest"].startswith("100")
        assert any("500" in note for note in table.notes)
    # HEL-T1, the one team with two reviews, went from 70 to 95 points in 365 days
    assert any("1 teams" in n and "25.0 points a year" in n for n in table.notes)
