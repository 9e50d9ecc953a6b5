"""Change scores, reliability and attrition: statistics worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest
from support.scores import (
    CUTOFFS,
    D0,
    analysis_tables,
    answer,
    client,
    create_staging,
    day,
    mhi,
)

from ips_eval.scores.attrition import attrition, smd_continuous, smd_multicategory, smd_proportion
from ips_eval.scores.change import (
    build_score_panel,
    change_scores,
    cronbach_alpha,
    paired_change,
    rci_threshold,
)
from ips_eval.scores.derive import build_scores


def test_paired_change_statistics_by_hand():
    # change 10, 0, −15: mean −5/3; SD √(316.67/2) = 12.5831; se 7.2648; t(.975, 2) = 4.3027
    got = paired_change(np.array([40.0, 50, 60]), np.array([50.0, 50, 45]), threshold=12.0,
                        higher_is_better=True)
    assert got["n"] == 3
    assert got["baseline_mean"] == pytest.approx(50.0)
    assert got["followup_mean"] == pytest.approx(145 / 3)
    assert got["mean_change"] == pytest.approx(-5 / 3)
    sd = math.sqrt(((10 + 5 / 3) ** 2 + (5 / 3) ** 2 + (-15 + 5 / 3) ** 2) / 2)
    assert got["sd_change"] == pytest.approx(sd)
    half = 4.302652729911275 * sd / math.sqrt(3)
    assert got["ci_lower"] == pytest.approx(-5 / 3 - half)
    assert got["ci_upper"] == pytest.approx(-5 / 3 + half)
    assert got["effect_size"] == pytest.approx((-5 / 3) / sd)
    assert got["srm"] == got["effect_size"]
    assert got["es_baseline_sd"] == pytest.approx((-5 / 3) / 10.0)
    # reliable change beyond ±12 points: only −15 (deteriorated)
    assert (got["n_improved"], got["n_deteriorated"]) == (0, 1)
    assert got["pct_deteriorated"] == pytest.approx(100 / 3)


def test_reliable_change_direction_flips_when_lower_is_better():
    got = paired_change(np.array([40.0, 50, 60]), np.array([50.0, 50, 45]), threshold=12.0,
                        higher_is_better=False)
    assert (got["n_improved"], got["n_deteriorated"]) == (1, 0)
    assert got["mean_change"] == pytest.approx(-5 / 3)  # still follow-up − baseline


def test_single_items_get_no_reliable_change():
    got = paired_change(np.array([3.0, 4]), np.array([5.0, 4]), threshold=None,
                        higher_is_better=True)
    assert got["pct_improved"] is None and got["pct_deteriorated"] is None
    assert got["mean_change"] == pytest.approx(1.0)


def test_cronbach_alpha_by_hand():
    # item variances 1 and 1/3, total (3, 5, 6) variance 7/3: 2 · (1 − (4/3)/(7/3)) = 6/7
    assert cronbach_alpha(np.array([[1.0, 2], [2, 3], [3, 3]])) == pytest.approx(6 / 7)


def test_rci_threshold_uses_baseline_sd_and_alpha():
    # SEM = 10 · √(1 − .84) = 4; S_diff = √2 · 4; threshold = 1.96 · 5.6569 = 11.0874
    assert rci_threshold(10.0, 0.84) == pytest.approx(1.96 * math.sqrt(2) * 4)
    assert rci_threshold(10.0, None) is None


def test_smds_by_hand():
    # means 3 and 2, variances 1 and 1 → SMD 1
    assert smd_continuous(np.array([2.0, 3, 4]), np.array([1.0, 2, 3])) == pytest.approx(1.0)
    # p .5 vs .2: .3 / √((.25 + .16)/2)
    assert smd_proportion(0.5, 0.2) == pytest.approx(0.3 / math.sqrt(0.205))
    # two levels: Yang & Dalton reduces to the binary SMD
    assert smd_multicategory(np.array([0.5, 0.5]), np.array([0.8, 0.2])) == pytest.approx(
        0.3 / math.sqrt(0.205))


# ---------------------------------------------------------------------------------------------
# From staging to change.csv rows
# ---------------------------------------------------------------------------------------------
def test_change_groups_by_a_competitive_job_between_index_and_followup_answer(con):  # noqa: F811
    ids = ["HEL-0001", "HEL-0002", "HEL-0003", "HEL-0004", "KAI-0001"]
    clients = [client(i, D0) for i in ids]
    create_staging(con, "asiakkaat", clients)
    # WAS at T0 (day 2) and T6 (day 180): changes +4, +1, 0, −3 (pilot) and +2 (rrp)
    was = {"HEL-0001": (3, 7), "HEL-0002": (5, 6), "HEL-0003": (4, 4), "HEL-0004": (6, 3),
           "KAI-0001": (2, 4)}
    create_staging(con, "asiakaskysely", [
        row for i, (b, f) in was.items()
        for row in (answer(i, 0, day(2), was=b), answer(i, 6, day(180), was=f))])
    analysis_tables(con, clients, [
        {"client_id": "HEL-0001", "start_date": day(100), "end_date": day(150),
         "competitive": 1, "pay_subsidy": 1},
        {"client_id": "HEL-0002", "start_date": day(200), "competitive": 1},  # after T6 answer
        {"client_id": "HEL-0003", "start_date": day(-10), "competitive": 1},  # before index
        {"client_id": "HEL-0004", "start_date": day(50), "competitive": 0},   # not competitive
        {"client_id": "KAI-0001", "start_date": day(180), "competitive": 1},  # answer day counts
    ])
    build_scores(con, CUTOFFS)
    build_score_panel(con)
    change, rel = change_scores(con)
    was_rows = change.filter(pl.col("instrument") == "was")

    def row(cohort, group_var, group):
        r = was_rows.filter((pl.col("cohort") == cohort) & (pl.col("group_var") == group_var)
                            & (pl.col("group") == group) & (pl.col("contrast") == "T0-T6"))
        assert r.height == 1
        return r.row(0, named=True)

    assert row("all", "all", "all")["n"] == 5
    assert row("all", "all", "all")["mean_change"] == pytest.approx(4 / 5)
    assert row("pilot", "all", "all")["mean_change"] == pytest.approx(0.5)
    assert row("rrp", "all", "all")["n"] == 1
    yes, no = row("all", "competitive_job", "yes"), row("all", "competitive_job", "no")
    assert (yes["n"], yes["mean_change"]) == (2, pytest.approx(3.0))  # HEL-0001, KAI-0001
    assert (no["n"], no["mean_change"]) == (3, pytest.approx(-2 / 3))
    assert row("all", "all", "all")["pct_improved"] is None  # single item: no RCI
    assert row("all", "all", "all")["ci_lower"] is not None
    required = ["instrument", "cohort", "contrast", "n", "baseline_mean", "followup_mean",
                "mean_change", "ci_lower", "ci_upper", "effect_size", "pct_improved",
                "pct_deteriorated"]
    assert all(c in change.columns for c in required)
    assert rel.filter(pl.col("instrument") == "was")["alpha"][0] is None
    # the secondary mixed model's time-varying employment: in a job on the answer's date
    # (HEL-0001's job ended before its T6 answer; KAI-0001's began on the answer day)
    at_t6 = dict(con.execute("SELECT client_id, employed_at_answer FROM analysis.score_panel "
                             "WHERE instrument = 'was' AND wave = 6").fetchall())
    assert at_t6 == {"HEL-0001": False, "HEL-0002": False, "HEL-0003": False,
                     "HEL-0004": False, "KAI-0001": True}


def test_reliability_uses_baseline_complete_cases(con):  # noqa: F811
    ids = [f"HEL-000{i}" for i in range(1, 5)]
    clients = [client(i, D0) for i in ids]
    create_staging(con, "asiakkaat", clients)
    # after reversing items 3 and 5 (7 − x) every client answers one value on all 5 items
    # (alpha 1 is excluded by design, so client 3 differs on item 1); client 4 skips item 2:
    # not a complete case, still scored (4 of 5)
    create_staging(con, "asiakaskysely", [
        answer("HEL-0001", 0, day(0), **mhi(2, 2, 5, 2, 5)),
        answer("HEL-0002", 0, day(0), **mhi(4, 4, 3, 4, 3)),
        answer("HEL-0003", 0, day(0), **mhi(5, 6, 1, 6, 1)),
        answer("HEL-0004", 0, day(0), **mhi(3, None, 4, 3, 4)),
    ])
    analysis_tables(con, clients, [])
    build_scores(con, CUTOFFS)
    build_score_panel(con)
    _, rel = change_scores(con)
    r = rel.filter(pl.col("instrument") == "mhi5").row(0, named=True)
    items = np.array([[2.0, 2, 2, 2, 2], [4, 4, 4, 4, 4], [5, 6, 6, 6, 6]])
    assert r["n"] == 3
    assert r["alpha"] == pytest.approx(cronbach_alpha(items))
    # baseline scores 20, 60, 100 − 4 = 96 (mean 5.8 → 100·4.8/5), and client 4: mean 3 → 40
    scores = np.array([20.0, 60.0, 96.0, 40.0])
    assert r["baseline_sd"] == pytest.approx(scores.std(ddof=1))
    assert r["n_baseline"] == 4
    assert r["rci_threshold"] == pytest.approx(rci_threshold(scores.std(ddof=1), r["alpha"]))


def test_attrition_counts_only_clients_whose_window_had_closed(con):  # noqa: F811
    # pilot cut-off 30.6.2023. HEL-0001/2 index 1.1.2022: T6 and T12 windows closed.
    # HEL-0003 index 1.3.2023: the T6 window (to day 240) is still open → not in attrition.
    cl = [client("HEL-0001", D0, age_at_index=30), client("HEL-0002", D0, age_at_index=50),
          client("HEL-0003", date(2023, 3, 1), age_at_index=60)]
    create_staging(con, "asiakkaat", cl)
    create_staging(con, "asiakaskysely", [
        answer("HEL-0001", 0, day(0), was=4), answer("HEL-0001", 6, day(180), was=6),
        answer("HEL-0002", 0, day(0), was=8),
        answer("HEL-0003", 0, date(2023, 3, 1), was=5),
    ])
    analysis_tables(con, cl, [])
    build_scores(con, CUTOFFS)
    got = attrition(con)
    t6 = got.filter((pl.col("followup_wave") == 6) & (pl.col("cohort") == "all"))
    n = t6.filter(pl.col("variable") == "clients").row(0, named=True)
    assert (n["answered_n"], n["not_answered_n"]) == (1, 1)
    age = t6.filter(pl.col("variable") == "age").row(0, named=True)
    assert (age["answered_value"], age["not_answered_value"]) == (30.0, 50.0)
    was = t6.filter(pl.col("variable") == "score_was").row(0, named=True)
    assert (was["answered_value"], was["not_answered_value"]) == (4.0, 8.0)

