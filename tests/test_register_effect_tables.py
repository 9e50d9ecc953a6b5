"""The register effect's published tables and figure on small hand-made results: texts in every
language, estimates over fewer than 5 clients hidden, small transition counts suppressed."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ips_eval.publish.figures.register_effect import (
    plot_register_balance_by_month,
    plot_register_effect,
    write_register_balance_figure,
    write_register_effect_figure,
)
from ips_eval.publish.tables.common import DeliverySet
from ips_eval.publish.tables.register_effect import (
    build_register_balance,
    build_register_effect,
    build_register_effect_subgroups,
    build_register_effect_tests,
    build_transitions,
)
from schemas.codebook import LANGS

SOURCE = DeliverySet({"pilot": date(2023, 6, 30), "rrp": date(2024, 12, 31)}, files=3,
                     version="abc")


def _effect() -> pl.DataFrame:
    rows = []
    for outcome in ("employed", "earnings_eur", "benefits_eur"):
        for method in ("matched", "matched_did", "naive"):
            for r in range(-24, 25):
                n = 3 if r == 24 else 40  # +24: too few clients to publish
                rows.append({"outcome": outcome, "rel_month": r, "method": method,
                             "n_clients": n, "n_comparison": 5 * n,
                             "estimate": 0.2 if r >= 0 else 0.0, "ci_lower": 0.1 if r >= 0
                             else -0.05, "ci_upper": 0.3 if r >= 0 else 0.05, "p": 0.01,
                             "method_note": "x", "placebo": r < 0})
    return pl.DataFrame(rows)


@pytest.mark.parametrize("lang", LANGS)
def test_effect_table_shows_percentage_points_and_hides_estimates_over_few_clients(lang):
    table = build_register_effect(_effect(), lang, SOURCE)
    first = table.data.row(0, named=True)  # employed, matched
    assert first["m6"].startswith("20") and "10" in first["m6"] and "30" in first["m6"]
    assert first["n6"] == "40"
    assert first["m24"] == ".." and first["n24"] == ".."
    assert table.small_counts() == []
    assert table.data.height == 12  # 3 outcomes × (3 methods + the matched estimate's band)
    band = table.data.row(1, named=True)
    assert band["m6"] == "" and band["n6"] == ""  # no band in these results: an empty cell


def test_balance_table_hides_the_unmatched_count_under_5():
    balance = pl.DataFrame({
        "covariate": ["age", "state_m1_unemployed", "state_m1_student", "n_clients_matched",
                      "n_clients_unmatched", "n_comparison_matched"],
        "mean_clients": [40.0, 0.5, 0.0, 120.0, 3.0, 400.0],
        "mean_clients_all": [40.1, 0.5, 0.0, None, None, None],
        "mean_comparison_before": [45.0, 0.3, 0.1, None, None, None],
        "mean_comparison_after": [40.2, 0.5, 0.0, None, None, None],
        "smd_before": [-0.5, 0.4, -0.3, None, None, None],
        "smd_after": [-0.02, 0.0, 0.0, None, None, None]})
    table = build_register_balance(balance, "en", SOURCE)
    stubs = table.data["stub"].to_list()
    assert "Age, years" in stubs and not any("Student" in s for s in stubs)
    counts = dict(zip(stubs, table.data["clients"].to_list(), strict=True))
    # 3 unmatched is small; the matched count would give it away from the total: both hidden
    assert counts["Clients without a match, n"] == ".."
    assert counts["Clients matched, n"] == ".."
    assert counts["Distinct comparison persons, n"] == "400"


def test_transitions_table_suppresses_small_cells_and_their_complement():
    rows = [("all", "clients", 6, "unemployed", "employed", 3, 10.0),
            ("all", "clients", 6, "unemployed", "unemployed", 27, 90.0),
            ("all", "clients", 6, "unemployed", "other", 0, 0.0)]
    frame = pl.DataFrame(rows, schema=["cohort", "group", "horizon", "state_from", "state_to",
                                       "n", "pct"], orient="row")
    table = build_transitions(frame, "fi", SOURCE)
    row = table.data.row(0, named=True)
    assert row["employed"] == ".." and row["unemployed"] == ".."
    assert table.small_counts() == []


def test_a_longer_follow_up_gives_the_transitions_table_its_block_and_title():
    """--horizons 6,12,24 (docs/methods.md §Windows and cut-offs): the +24 block and a title
    naming the months; the default run's title as it always was."""
    from dataclasses import replace

    rows = [("all", "clients", h, "unemployed", to, n, 100.0 * n / 40)
            for h in (6, 12, 24) for to, n in (("employed", 10), ("unemployed", 30))]
    frame = pl.DataFrame(rows, schema=["cohort", "group", "horizon", "state_from", "state_to",
                                       "n", "pct"], orient="row")
    longer = build_transitions(frame, "en", replace(SOURCE, horizons=(6, 12, 24)))
    default = build_transitions(frame.filter(pl.col("horizon") < 24), "en", SOURCE)
    assert longer.title.endswith("at 6, 12 and 24 months")
    assert default.title.endswith("at 6 and 12 months")
    assert [g for g in longer.data["group"].unique(maintain_order=True) if "24" in g]
    assert not [g for g in default.data["group"].to_list() if "24" in g]


def test_event_study_figure_is_written_and_leaves_out_months_under_5(tmp_path):
    effect = _effect()
    fig = plot_register_effect(effect, "sv")
    drawn = [line for ax in fig.axes for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert drawn and all(24 not in list(line.get_xdata()) for line in drawn)
    paths = write_register_effect_figure(effect, tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"register_effect_by_rel_month_{lang}.{ext}"
                                                   for lang in ("fi", "sv", "en")
                                                   for ext in ("png", "svg"))


def test_tests_table_reads_each_test_and_its_verdict():
    tests = pl.DataFrame({
        "outcome": ["employed", "employed", "employed", "employed", "earnings_eur"],
        "test": ["pre_joint_wald", "holdout_joint_wald", "pre_equivalence", "e_value",
                 "pre_equivalence"],
        "statistic": [30.1, 9.5, 0.004, 2.4, 61.0], "df": [36, 12, None, None, None],
        "p": [0.74, 0.66, None, None, None], "bound": [None, None, 0.02, 1.8, 50.0],
        "max_abs": [None, None, 0.004, None, 61.0],
        "passed": [True, True, True, None, False]})
    effect = _effect().with_columns(se_ai=pl.lit(0.021))
    balance = pl.DataFrame({"covariate": ["history_months"], "mean_clients": [36.0]})
    table = build_register_effect_tests(tests, effect, balance, "en", SOURCE)
    rows = {(r["group"], r["stub"]): r for r in table.data.iter_rows(named=True)}
    wald = rows[("Employed (share, %-points)", "Months before the start, joint test (Wald)")]
    assert (wald["df"], wald["p"], wald["result"]) == ("36", "0.740", "passed")
    equivalence = rows[("Earnings, EUR/month", "Largest |ATT| before the start against its bound")]
    assert (equivalence["statistic"], equivalence["bound"], equivalence["result"]) == (
        "61.00", "50", "failed")
    # employed in %-points: 0.004 → 0.40 against 2.0
    employed = rows[("Employed (share, %-points)",
                     "Largest |ATT| before the start against its bound")]
    assert (employed["statistic"], employed["bound"]) == ("0.40", "2.0")
    assert ("Employed (share, %-points)", "Abadie–Imbens standard error, month +12") in rows
    assert "−36…−1" in table.notes[0] or "-36…-1" in table.notes[0]
    assert table.small_counts() == []


@pytest.mark.parametrize("lang", LANGS)
def test_subgroup_table_hides_a_small_subgroup_and_its_complement(lang):
    rows = []
    for m in (6, 12):
        rows += [("sex", "female", m, "employed", 40, 0.2, 0.1, 0.3, 0.45),
                 ("sex", "male", m, "employed", 35, 0.1, 0.0, 0.2, 0.45),
                 ("cohort", "pilot", m, "employed", 70, 0.15, 0.05, 0.25, 0.8),
                 ("cohort", "rrp", m, "employed", 4, 0.3, -0.2, 0.8, 0.8)]
    frame = pl.DataFrame(rows, schema=["subgroup_var", "subgroup", "rel_month", "outcome",
                                       "n_clients", "estimate", "ci_lower", "ci_upper",
                                       "interaction_p"], orient="row")
    table = build_register_effect_subgroups(frame, lang, SOURCE)
    assert table.data.height == 4
    cohort = [r for r in table.data.iter_rows(named=True) if r["m6"] == ".."]
    assert len(cohort) == 2  # RRP's 4 and, by the total, the pilots' 70
    assert all(r["n6"] == ".." for r in cohort)
    assert table.small_counts() == []


def test_balance_figure_draws_before_and_after_by_month(tmp_path):
    monthly = pl.DataFrame({"outcome": ["employed"] * 24, "rel_month": list(range(-24, 0)),
                            "smd_before": [0.4] * 24, "smd_after": [0.01] * 24})
    fig = plot_register_balance_by_month(monthly, "fi")
    lines = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 24]
    assert len(lines) == 2
    paths = write_register_balance_figure(monthly, tmp_path)
    assert len(paths) == 6
