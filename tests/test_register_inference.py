"""The register effect's estimators, each against numbers worked out by hand or by R
(docs/methods.md §Register effect): the Abadie–Imbens variance (R's ``Matching::Match``), the
joint Wald test over months, the sup-t band's critical value, the E-value, and the timed
matching (a candidate with the client's timing of work beats one with the same months in work
at another time)."""

from __future__ import annotations

from datetime import date
from math import sqrt

import duckdb
import numpy as np
import polars as pl
import polars.testing
import pytest
from scipy import stats

from ips_eval.register.effect import build_register_effect
from ips_eval.register.inference import (
    abadie_imbens_se,
    att_influence,
    covariance,
    e_value,
    interaction_test,
    sup_t_critical,
    wald,
)
from ips_eval.register.monthly import write_state_map


def _pairs(y: list[float], pairs: list[tuple[int, int]], m: int) -> pl.DataFrame:
    return pl.DataFrame({"client": [a for a, _ in pairs], "control": [b for _, b in pairs],
                         "weight": [1 / m] * len(pairs),
                         "y_client": [y[a - 1] for a, _ in pairs],
                         "y_control": [y[b - 1] for _, b in pairs]})


def test_abadie_imbens_se_equals_r_matching() -> None:
    """R 4.2, Matching 4.10-8: Match(Y, Tr, X, M = 2, estimand = "ATT", replace = TRUE)
    (ties = TRUE, the standard version that computes the AI SE): est 1.0625,
    se 0.304134112841276; the matches are the pairs below (unit 10 serves twice)."""
    y = [3.1, 2.4, 5.0, 4.2, 1.0, 2.2, 3.9, 0.5, 2.8, 4.4, 1.7, 3.3]
    pairs = [(1, 5), (1, 6), (2, 7), (2, 8), (3, 9), (3, 10), (4, 10), (4, 11)]
    assert abadie_imbens_se(_pairs(y, pairs, 2)) == pytest.approx(0.304134112841276, rel=1e-12)


def test_abadie_imbens_se_equals_r_matching_binary_three_matches() -> None:
    """Match(Y, Tr, X, M = 3, estimand = "ATT", replace = TRUE) on a 0/1 outcome: est 0.2,
    se 0.228619042659763 (units 10 and 8 serve three and two times)."""
    y = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1]
    pairs = [(1, 6), (1, 7), (1, 8), (2, 10), (2, 11), (2, 12), (3, 10), (3, 11), (3, 12),
             (4, 13), (4, 14), (4, 15), (5, 8), (5, 9), (5, 10)]
    assert abadie_imbens_se(_pairs(y, pairs, 3)) == pytest.approx(0.228619042659763, rel=1e-12)


def _influence(rows: list[tuple[int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"rel_month": pl.Int32, "cluster": pl.String,
                                      "s": pl.Float64}, orient="row")


def test_joint_wald_over_three_months_equals_the_hand_worked_value() -> None:
    """Three months, factor 1. Clusters a, b touch month −3 and −2; c only −2; d only −1:
    s(a) = (0.1, 0.1, 0), s(b) = (−0.1, 0.1, 0), s(c) = (0, 0.2, 0), s(d) = (0, 0, 0.3).
    V = S′S = [[0.02, 0, 0], [0, 0.06, 0], [0, 0, 0.09]] (a's and b's cross terms cancel).
    θ = (0.02, −0.03, 0.06): W = 0.02²/0.02 + 0.03²/0.06 + 0.06²/0.09
    = 0.02 + 0.015 + 0.04 = 0.075, df 3, p = P(χ²₃ > 0.075)."""
    estimates = pl.DataFrame({"rel_month": [-3, -2, -1], "estimate": [0.02, -0.03, 0.06],
                              "factor": [1.0, 1.0, 1.0]},
                             schema_overrides={"rel_month": pl.Int32})
    influence = _influence([(-3, "a", 0.1), (-2, "a", 0.1), (-3, "b", -0.1), (-2, "b", 0.1),
                            (-2, "c", 0.2), (-1, "d", 0.3)])
    keys, theta, v = covariance(estimates, influence, "rel_month")
    assert keys == [-3, -2, -1]
    assert np.allclose(v, np.diag([0.02, 0.06, 0.09]))
    stat, df, p = wald(theta, v)
    assert stat == pytest.approx(0.075) and df == 3
    assert p == pytest.approx(stats.chi2.sf(0.075, 3))


def test_joint_wald_drops_a_month_without_variance() -> None:
    """A month the exact strata fix (every client equals its matches): θ 0, no variance — it
    adds neither to W nor to df."""
    theta = np.array([0.05, 0.0])
    v = np.array([[0.01, 0.0], [0.0, 0.0]])
    stat, df, _p = wald(theta, v)
    assert (stat, df) == (pytest.approx(0.25), 1)


def test_sup_t_critical_value_for_independent_months_is_sidak() -> None:
    """Independent months: P(max |Z| ≤ c) = Φ₂(c)^R, so c = Φ⁻¹((1 + 0.95^(1/R)) / 2);
    for R = 25 that is 3.0230 (the 20,000 fixed draws land within 0.03)."""
    c = sup_t_critical(np.eye(25))
    assert c == pytest.approx(stats.norm.ppf((1 + 0.95 ** (1 / 25)) / 2), abs=0.03)
    assert sup_t_critical(np.eye(25)) == c  # the same every run
    assert sup_t_critical(np.ones((5, 5))) == pytest.approx(1.96, abs=0.03)  # one month, 5×


def test_e_value_for_a_risk_ratio_of_two() -> None:
    """p₁ = 0.4, ATT = 0.2: RR = 0.4 / 0.2 = 2, E = 2 + √2; CI (0.1, 0.3): the lower limit
    gives RR 0.4 / 0.3 = 4/3, E = 4/3 + √(4/3 · 1/3) = 2; a CI over 0 gives 1."""
    point, limit = e_value(0.4, 0.2, (0.1, 0.3))
    assert point == pytest.approx(2 + sqrt(2))
    assert limit == pytest.approx(2.0)
    assert e_value(0.4, 0.05, (-0.1, 0.2))[1] == 1.0


def test_interaction_test_finds_subgroups_that_differ() -> None:
    """Two subgroups with ATTs 1 and 0 over 200 independent clients each: the test rejects;
    with equal ATTs it does not."""
    rng = np.random.default_rng(7)

    def rows(shift: float) -> pl.DataFrame:
        n = 200
        parts = []
        for g, effect in (("a", 1.0), ("b", shift)):
            base = rng.normal(0, 1, n)
            parts.append(pl.DataFrame({
                "subgroup": [g] * 2 * n, "is_client": [True] * n + [False] * n,
                "weight": [1.0] * 2 * n, "unit_no": list(range(2 * n)),
                "person": [f"{g}{i}" for i in range(2 * n)],
                "y": np.concatenate([base + effect, base + rng.normal(0, 0.1, n)])}))
        return pl.concat(parts)

    est, infl = att_influence(rows(0.0), ["subgroup"])
    assert interaction_test(est, infl, "subgroup")[2] < 1e-6
    est, infl = att_influence(rows(1.0), ["subgroup"])
    assert interaction_test(est, infl, "subgroup")[2] > 0.01


def test_att_influence_over_outcome_columns_equals_the_long_form() -> None:
    """The wide call (a column per outcome, as the register effect makes it) gives the long
    form's estimates and influence sums: a missing outcome leaves its row out of that outcome
    only, and a month where one side has no value of an outcome has no estimate for it."""
    rng = np.random.default_rng(11)
    n = 300
    is_client = rng.random(n) < 0.3
    wide = pl.DataFrame({
        "rel_month": rng.integers(0, 3, n), "is_client": is_client,
        "unit_no": rng.integers(0, 60, n), "weight": np.where(is_client, 1.0, 0.5),
        "a": rng.normal(0, 1, n),
        "b": np.where(rng.random(n) < 0.2, np.nan, rng.normal(5, 2, n))}
    ).with_columns(person=pl.col("unit_no") % 40, b=pl.col("b").fill_nan(None)).with_columns(
                   # no client has outcome b at month 2
                   b=pl.when(pl.col("is_client") & (pl.col("rel_month") == 2))
                   .then(None).otherwise(pl.col("b")))
    long = wide.unpivot(on=["a", "b"], index=["rel_month", "is_client", "unit_no", "weight",
                                              "person"], variable_name="outcome", value_name="y")
    keys = ["outcome", "rel_month"]
    est_long, infl_long = att_influence(long, keys)
    est_wide, infl_wide = att_influence(wide, ["rel_month"], outcomes=["a", "b"])
    assert est_wide.height == 5  # (a, 0..2), (b, 0..1)
    pl.testing.assert_frame_equal(est_wide.sort(keys), est_long.sort(keys), check_dtypes=False,
                                  abs_tol=1e-12, rel_tol=1e-12)
    pl.testing.assert_frame_equal(infl_wide.sort([*keys, "cluster"]),
                                  infl_long.sort([*keys, "cluster"]), check_dtypes=False,
                                  abs_tol=1e-12, rel_tol=1e-12)


MONTHS = [date(2017 + i // 12, i % 12 + 1, 1) for i in range(60)]
INDEX = date(2020, 6, 1)


def _history(pid: str, client_id: str | None, worked: tuple[date, date] | None
             ) -> list[dict[str, object]]:
    rows = []
    for month in MONTHS:
        working = worked is not None and worked[0] <= month <= worked[1]
        rel = (month.year - INDEX.year) * 12 + month.month - INDEX.month
        rows.append({"pid": pid, "client_id": client_id, "month": month,
                     "rel_month": rel if client_id else None,
                     "earnings_eur": 1500.0 if working else 0.0,
                     "benefits_eur": 0.0 if working else 760.0,
                     "main_state": "employed" if working else "unemployed",
                     "cohort": "pilot" if client_id else None, "covered": True})
    return rows


BORN = "1980-03-01"


def _warehouse(monthly: pl.DataFrame, clients: dict[str, tuple[str, str]],
               persons: list[str]) -> duckdb.DuckDBPyConnection:
    """A warehouse with register months, the clients ({client_id: (pid, index date)}, all
    male pilots born on BORN) and the comparison persons (male, born on BORN)."""
    con = duckdb.connect()
    for schema in ("analysis", "comparison", "meta", "results", "raw"):
        con.execute(f"CREATE SCHEMA {schema}")
    write_state_map(con)
    con.register("_m", monthly.to_arrow())
    con.execute("CREATE TABLE analysis.register_monthly AS SELECT pid, client_id, month, "
                "CAST(rel_month AS INTEGER) AS rel_month, earnings_eur, "
                "CAST([] AS VARCHAR[]) AS benefits, benefits_eur, main_state, cohort, covered "
                "FROM _m")
    con.register("_c", pl.DataFrame(
        [(cid, pid, "pilot", date.fromisoformat(day), 40, "male", "psychotic", 1)
         for cid, (pid, day) in clients.items()],
        schema=["client_id", "pid", "cohort", "index_date", "age", "sex", "dx_group",
                "work_history"], orient="row").to_arrow())
    con.execute("CREATE TABLE analysis.clients AS SELECT * FROM _c")
    con.execute("CREATE TABLE raw.asiakkaat AS SELECT pid AS hetu_pid, "
                "CAST($born AS DATE) AS hetu_birth_date FROM _c", {"born": BORN})
    con.register("_p", pl.DataFrame({"pid": persons}).to_arrow())
    con.execute("CREATE TABLE comparison.kela AS SELECT pid, CAST($born AS DATE) AS birth_date, "
                "'male' AS sex FROM _p", {"born": BORN})
    con.execute("CREATE TABLE comparison.tulorekisteri AS SELECT * FROM comparison.kela LIMIT 0")
    con.execute("CREATE TABLE meta.cutoffs AS SELECT 'pilot' AS cohort, "
                "DATE '2023-06-30' AS cutoff_date")
    return con


def test_the_candidate_with_the_clients_timing_is_chosen() -> None:
    """The client worked in m − 4 … m − 2. Candidate `early` worked three months too, but in
    m − 22 … m − 20; candidate `same` in m − 4 … m − 2. Counted over 24 months they are alike;
    by the employment pattern of six-month blocks only `same` shares the client's stratum, and
    with k = 1 it is the match — and so the ATT before the start is 0 in every month."""
    late = (date(2020, 2, 1), date(2020, 4, 1))
    rows = [*_history("c1", "HEL-0001", late),
            *_history("early", None, (date(2018, 8, 1), date(2018, 10, 1))),
            *_history("same", None, late)]
    con = _warehouse(pl.DataFrame(rows), {"HEL-0001": ("c1", "2020-06-10")}, ["early", "same"])
    build_register_effect(con, k=1)
    matches = con.execute("SELECT design, comparison_pid, fallback_level FROM "
                          "analysis.register_matches ORDER BY design").fetchall()
    assert matches[0] == ("effect", "same", 0)
    pre = con.execute("SELECT max(abs(estimate)) FROM results.register_effect WHERE "
                      "method = 'matched' AND outcome = 'employed' AND rel_month < 0"
                      ).fetchall()[0][0]
    assert pre == 0.0


def test_not_yet_treated_matches_a_later_client_and_censors_it_at_its_start() -> None:
    """Two clients with the same history: c1 starts in 2020-06, c2 in 2020-12. For the
    not-yet-treated line c1's candidate is c2 (before its start); c2's months from 2020-12 on
    are no comparison, so the line stops at +5; c2 itself has no later client and no match."""
    rows = [*_history("c1", "HEL-0001", None), *_history("c2", "HEL-0002", None),
            *_history("p1", None, None)]
    frame = pl.DataFrame(rows).with_columns(
        rel_month=pl.when(pl.col("client_id") == "HEL-0002").then(pl.col("rel_month") - 6)
        .otherwise(pl.col("rel_month")))
    con = _warehouse(frame, {"HEL-0001": ("c1", "2020-06-10"), "HEL-0002": ("c2", "2020-12-01")},
                     ["p1"])
    build_register_effect(con, k=1)
    later = con.execute("SELECT client_id, comparison_pid FROM analysis.register_matches "
                        "WHERE design = 'not_yet_treated'").fetchall()
    assert later == [("HEL-0001", "c2")]
    months = [r[0] for r in con.execute(
        "SELECT rel_month FROM results.register_effect WHERE method = "
        "'matched_not_yet_treated' AND outcome = 'employed' ORDER BY rel_month").fetchall()]
    assert months == list(range(0, 6))
