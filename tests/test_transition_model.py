"""The determinants of transitions (docs/methods.md §Transitions): the multinomial logit of the
state at +12 and +6 equals R's ``nnet::multinom`` (with the delta method for the AMEs) on the
default run's own data to 1e-6 — R's numbers carried in tests/r/transition_model_reference.csv
— and on small hand-made frames a state with too few clients is merged into ``other`` or
reported ``not_fitted`` with the reason, never an error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ips_eval.register.transition_model import (
    COLUMNS,
    _mean_gradient,
    _probabilities,
    average_marginal_effects,
    pool_levels,
    transition_model,
)
from schemas.results import result_file

REFERENCE = Path(__file__).parent / "r" / "transition_model_reference.csv"
ESTIMATES = ("coef", "se", "ame", "ame_se")


def test_the_default_run_equals_r_nnet_multinom_to_1e_6(pipeline_run):
    out, _report = pipeline_run
    mine = pl.read_csv(out / "results" / "transition_model.csv")
    assert mine.columns == list(result_file("transition_model").columns)
    assert mine["not_fitted"].null_count() == mine.height  # both horizons fitted
    r = pl.read_csv(REFERENCE, comment_prefix="#")
    keys = ["horizon", "state_to", "term"]
    assert sorted(mine.select(keys).rows()) == sorted(r.select(keys).rows())
    both = r.join(mine, on=keys, suffix="_py")
    assert (both["n"] == both["n_py"]).all()
    for column in ESTIMATES:
        a, b = both[column], both[f"{column}_py"]
        assert (a.is_null() == b.is_null()).all(), column
        assert (a - b).abs().max() < 1e-6, column
    # exp(coef) and its Wald CI; the AME's CI from its SE
    fitted = mine.filter(pl.col("coef").is_not_null())
    assert np.allclose(fitted["rrr"], np.exp(fitted["coef"]), rtol=1e-9)
    assert np.allclose(np.log(fitted["ci_upper"]) - fitted["coef"], 1.959963984540054
                       * fitted["se"], rtol=1e-8)
    # the AMEs of a term add up to 0 over the states, the reference (unemployed) included
    sums = mine.filter(pl.col("ame").is_not_null()).group_by("horizon", "term").agg(
        pl.col("ame").sum(), pl.col("state_to").n_unique().alias("states"),
        pl.col("state_to").eq("unemployed").any().alias("reference"))
    assert sums["ame"].abs().max() < 1e-9
    assert sums["reference"].all()
    assert (sums["states"] == mine.group_by("horizon").agg(pl.col("state_to").n_unique())
            .join(sums, on="horizon")["state_to"]).all()


STATES = ("employed", "unemployed", "sickness_rehabilitation", "other", "student",
          "disability_pension")


def hand_made(counts: dict[str, int], horizon: str = "state_12", seed: int = 7) -> pl.DataFrame:
    """Clients with the given numbers in each state at the horizon, the covariates mixed so that
    every level holds every state (no level is pooled), the other horizon all unemployed."""
    rng = np.random.default_rng(seed)
    outcome = [s for s, n in counts.items() for _ in range(n)]
    n = len(outcome)
    other = "state_6" if horizon == "state_12" else "state_12"
    return pl.DataFrame({
        "client_id": [f"c{i:04d}" for i in range(n)],
        "state_m1": ["unemployed"] * n, horizon: outcome, other: ["unemployed"] * n,
        "age_band": ["18-29"] * n,
        "sex": [("female", "male")[i % 2] for i in range(n)],
        "dx_group": ["psychotic"] * n, "work_history": ["0"] * n,
        "cohort": list(rng.permutation([("pilot", "rrp")[i % 2] for i in range(n)])),
        "fidelity_band": ["fair"] * n}).cast(pl.String)


def at(table: pl.DataFrame, horizon: int) -> pl.DataFrame:
    return table.filter(pl.col("horizon") == horizon)


def test_a_state_under_20_clients_is_merged_into_other():
    table = transition_model(hand_made({"unemployed": 60, "employed": 50, "other": 30,
                                        "student": 8}))
    twelve = at(table, 12)
    assert set(twelve["state_to"]) == {"unemployed", "employed", "other"}
    assert twelve["not_fitted"].null_count() == twelve.height
    assert set(twelve["merged_states"]) == {"student"}
    assert set(twelve.filter(pl.col("state_to") == "other")["n_state"]) == {38}
    assert set(twelve["n"]) == {148}
    # +6: every client unemployed, one state: not fitted, saying why
    six = at(table, 6)
    assert six.height == 1 and six["not_fitted"][0] == "few_rows"
    assert "one state" in six["note"][0]


def test_states_still_too_few_in_other_are_not_fitted_with_the_reason():
    table = at(transition_model(hand_made({"unemployed": 60, "employed": 50, "other": 9,
                                           "student": 4})), 12)
    unfitted = table.filter(pl.col("not_fitted").is_not_null())
    assert sorted(unfitted["state_to"]) == ["other", "student"]
    assert set(unfitted["not_fitted"]) == {"few_rows"}
    note = unfitted.filter(pl.col("state_to") == "student")["note"][0]
    assert "4 clients in student" in note and "13" in note
    fitted = table.filter(pl.col("not_fitted").is_null())
    assert set(fitted["state_to"]) == {"unemployed", "employed"}
    assert set(fitted["n"]) == {110}  # the 13 left out
    assert table.columns == [*COLUMNS, "not_fitted", "note"]


def test_too_few_in_the_reference_state_is_one_not_fitted_row():
    table = at(transition_model(hand_made({"unemployed": 12, "employed": 50, "other": 30})), 12)
    assert table.height == 1
    row = table.row(0, named=True)
    assert row["not_fitted"] == "few_rows" and row["state_to"] is None
    assert "12 clients in unemployed" in row["note"]


def test_no_clients_is_no_rows_and_separation_is_a_failed_fit_not_an_error():
    empty = transition_model(hand_made({}))
    assert set(empty["not_fitted"]) == {"no_rows"}
    # every level shows both states (no level is pooled), yet employed exactly when two of
    # male, rrp and a good team are true: a plane separates the states, the fit runs off
    i = pl.int_range(pl.len())
    frame = hand_made({"unemployed": 80, "employed": 80}).with_columns(
        sex=pl.when(i % 2 == 0).then(pl.lit("male")).otherwise(pl.lit("female")),
        cohort=pl.when(i // 2 % 2 == 0).then(pl.lit("rrp")).otherwise(pl.lit("pilot")),
        fidelity_band=pl.when(i // 4 % 2 == 0).then(pl.lit("good")).otherwise(pl.lit("fair")))
    votes = ((pl.col("sex") == "male").cast(pl.Int8) + (pl.col("cohort") == "rrp").cast(pl.Int8)
             + (pl.col("fidelity_band") == "good").cast(pl.Int8))
    frame = frame.with_columns(state_12=pl.when(votes >= 2).then(pl.lit("employed"))
                               .otherwise(pl.lit("unemployed")))
    table = at(transition_model(frame), 12)
    assert set(table["not_fitted"]) == {"failed"}
    assert "separates" in table["note"][0]


def test_pool_levels_pools_the_sparse_or_joins_them_to_the_reference():
    y = pl.Series([0, 1, 2] * 20 + [2] * 5 + [0, 1] * 10 + [0, 1, 2] * 8)
    v = pl.Series("dx", ["a"] * 60 + ["b"] * 5 + ["c"] * 20 + ["d"] * 24)
    pooled, note = pool_levels(v, y, "a", 3)
    # b (5 clients) and c (no state 2) are sparse; together they show every state
    assert note == "dx: b, c pooled as other"
    assert pooled.to_list() == ["a"] * 60 + ["other"] * 25 + ["d"] * 24
    # a reference in which a state never occurs takes the sparse levels in
    pooled, note = pool_levels(v, y, "c", 3)
    assert note == "dx: b joined the reference (c)"
    assert pooled.to_list() == ["a"] * 60 + ["c"] * 25 + ["d"] * 24
    # a pool that is sparse too joins the reference
    pooled, note = pool_levels(v, y.set(pl.Series(v == "b"), 0), "a", 3)
    assert note == "dx: b, c joined the reference (a)"
    unchanged, note = pool_levels(pl.Series("x", ["a", "d"] * 30), pl.Series([0, 1, 2] * 20),
                                  "a", 3)
    assert note == "" and unchanged.to_list() == ["a", "d"] * 30


def test_the_ame_is_the_mean_change_and_its_se_the_delta_method():
    import pandas as pd

    rng = np.random.default_rng(1)
    n = 200
    x = pd.DataFrame({"intercept": 1.0, "sex[male]": rng.integers(0, 2, n).astype(float),
                      "dx_group[a]": 0.0, "dx_group[b]": 0.0})
    dx = rng.integers(0, 3, n)
    x.loc[dx == 1, "dx_group[a]"] = 1.0
    x.loc[dx == 2, "dx_group[b]"] = 1.0
    beta = np.array([[0.2, -0.5], [0.7, 0.1], [-0.3, 0.4], [0.5, -0.2]])  # terms × 2
    cov = np.diag(np.linspace(0.01, 0.08, 8)) + 0.002
    ame, se = average_marginal_effects(x, beta, cov, factors=("sex", "dx_group"))
    values = x.to_numpy()
    for term, col, zero in (("sex[male]", 1, [1]), ("dx_group[b]", 3, [2, 3])):
        def effect(b: np.ndarray, col: int = col, zero: list[int] = zero) -> np.ndarray:
            base = values.copy()
            base[:, zero] = 0.0
            level = base.copy()
            level[:, col] = 1.0
            b = b.reshape(2, -1).T
            return _probabilities(level, b).mean(0) - _probabilities(base, b).mean(0)

        flat = beta.T.ravel()  # equation by equation, as the covariance orders them
        assert ame[term] == pytest.approx(effect(flat), abs=1e-14)
        assert ame[term].sum() == pytest.approx(0.0, abs=1e-12)
        h = 1e-6
        jac = np.column_stack([(effect(flat + h * e) - effect(flat - h * e)) / (2 * h)
                               for e in np.eye(flat.size)])
        assert se[term] == pytest.approx(np.sqrt(np.diag(jac @ cov @ jac.T)), rel=1e-7)
    p = _probabilities(values, beta)
    grad = _mean_gradient(values, p)
    assert grad.sum(axis=0) == pytest.approx(np.zeros(8), abs=1e-14)  # probabilities sum to 1


def test_the_table_shows_rrrs_and_ames_and_hides_a_horizon_with_a_state_of_1_to_4():
    from datetime import date

    from ips_eval.publish.tables.common import DeliverySet
    from ips_eval.publish.tables.disclosure import SUPPRESSED
    from ips_eval.publish.tables.transition_model import build_transition_model

    model = transition_model(hand_made({"unemployed": 60, "employed": 50, "other": 30,
                                        "student": 8}))
    model = model.filter(pl.col("not_fitted").is_null())
    six = model.with_columns(horizon=pl.lit(6, pl.Int64),
                             n_state=pl.when(pl.col("state_to") == "other").then(3)
                             .otherwise(pl.col("n_state")))
    table = build_transition_model(pl.concat([model, six]), "en",
                                   DeliverySet({"pilot": date(2023, 6, 30)}))
    rows = {(r["group"], r["stub"]): r for r in table.data.iter_rows(named=True)}
    male = rows["Employed", "Sex: Male"]
    fit = model.filter((pl.col("state_to") == "employed") & (pl.col("term") == "sex[male]"))
    assert male["rrr12"].startswith(f"{fit['rrr'][0]:.2f} (")
    assert male["ame12"].startswith(f"{100 * fit['ame'][0]:.1f} (")
    assert male["rrr6"] == male["ame6"] == SUPPRESSED  # a state of 3 clients at +6
    reference = rows["Unemployed (reference state)", "Sex: Male"]
    assert reference["rrr12"] == "" and reference["ame12"]
    assert any("merged into Other: Student" in note for note in table.notes)


def test_the_figure_draws_no_flow_or_state_of_1_to_4(tmp_path: Path):
    from matplotlib.patches import PathPatch, Rectangle

    from ips_eval.publish.figures.common import svg_small_counts
    from ips_eval.publish.figures.transitions import (
        plot_transitions,
        shown_flows,
        write_transitions_figure,
    )

    paths = pl.DataFrame({
        "group": ["clients"] * 4 + ["matched_comparison"] * 2,
        "state_m1": ["unemployed", "unemployed", "sickness_rehabilitation", "student",
                     "unemployed", "unemployed"],
        "state_6": ["unemployed", "employed", "sickness_rehabilitation", "student",
                    "unemployed", "employed"],
        "state_12": ["employed", "employed", "employed", "student", "unemployed",
                     "employed"],
        "n": [40, 30, 3, 6, 100, 20]})
    clients = paths.filter(pl.col("group") == "clients")
    flows = shown_flows(clients)
    # sickness at −1 and +6 has 3 persons: neither state nor its bands are drawn
    assert flows["state_m1", "state_6"] == {("unemployed", "unemployed"): 40,
                                            ("unemployed", "employed"): 30,
                                            ("student", "student"): 6}
    assert flows["state_6", "state_12"] == {("unemployed", "employed"): 40,
                                            ("employed", "employed"): 30,
                                            ("student", "student"): 6}
    fig = plot_transitions(paths, "en")
    left = fig.axes[0]
    assert len([p for p in left.patches if isinstance(p, PathPatch)]) == 6
    # states drawn: −1 unemployed, student; +6 unemployed, employed, student; +12 employed,
    # student (employed at +12 holds 73 with the 3, drawn as a share of all 79)
    assert len([p for p in left.patches if isinstance(p, Rectangle)]) == 7
    for path in write_transitions_figure(paths, tmp_path):
        if path.suffix == ".svg":
            assert svg_small_counts(path) == []


def test_the_figure_is_the_same_bytes_whatever_the_order_of_its_rows(tmp_path: Path):
    """The bands are drawn in the register's order of the states, not in the order a group-by
    happens to give them (which differs from run to run)."""
    from ips_eval.publish.figures.transitions import flow_counts, write_transitions_figure

    states = ["unemployed", "employed", "sickness_rehabilitation", "student", "other"]
    paths = pl.DataFrame([("clients", a, b, c, 5 + i)
                          for i, (a, b, c) in enumerate((a, b, c) for a in states
                                                        for b in states[:3] for c in states[:2])],
                         schema=["group", "state_m1", "state_6", "state_12", "n"],
                         orient="row")
    shuffled = paths.sample(fraction=1.0, shuffle=True, seed=7)
    assert list(flow_counts(paths, "state_m1", "state_6")) == \
        list(flow_counts(shuffled, "state_m1", "state_6"))
    first = write_transitions_figure(paths, tmp_path / "a")
    second = write_transitions_figure(shuffled, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_table_with_unfitted_states_keeps_counts_whole_and_the_flag_boolean():
    table = transition_model(hand_made({"unemployed": 60, "employed": 50, "other": 9,
                                        "student": 4}))
    assert table.schema["n"] == table.schema["n_state"] == pl.Int64
    assert table.schema["converged"] == pl.Boolean
