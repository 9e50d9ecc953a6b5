"""The register effect: ATT by relative month with its falsification tests, balance (by
covariate and by month), who benefits, transitions and the register-based attachment
(docs/methods.md §Register effect, §Transitions), from the matched samples that
``ips_eval.register.matching`` leaves in the warehouse.

Inference (named in every row's ``method_note``; ``ips_eval.register.inference``): the ATT at a
relative month is the difference of the clients' mean and their matches' weighted mean (the
coefficient of a weighted regression on being a client), with CR1 cluster-robust errors by
person — a comparison person matched to several clients or index months, and a client in both
the effect and the placebo design, is one cluster. CIs are normal (95 %). Beside them: a sup-t
simultaneous band over months 0 … +24, Abadie–Imbens SEs at the reported horizons, and the
tests of ``register_effect_tests``: a joint Wald test over the pre-index months, the same over
the hold-out placebo's months, the equivalence statement, and the E-value at +12.

The naive line compares each client with the mean of all comparison persons in the same calendar
month; its variance adds the clients' spread and each month's sampling variance of the mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from ips_eval.outputs import write_result
from ips_eval.register.inference import (
    Z95,
    abadie_imbens_se,
    att_influence,
    covariance,
    e_value,
    interaction_test,
    p_normal,
    sup_t_critical,
    wald,
    with_se,
)
from ips_eval.register.matching import (
    CALIPER_SD,
    DEFAULT_K,
    FALLBACK_LEVELS,
    MatchSummary,
    covariate_columns,
    drop_match_tables,
    match_clients,
    model_columns,
)
from ips_eval.warehouse import has_table, run_sql
from schemas.register_states import PRIORITY, STATE_NAMES
from schemas.windows import (
    EFFECT_POST_MONTHS,
    HORIZONS_DEFAULT,
    PLACEBO_SHIFT_MONTHS,
    REGISTER_HISTORY_DEFAULT,
)

OUTCOMES = ("employed", "earnings_eur", "benefits_eur", *(f"state_{s}" for s in STATE_NAMES))
TESTED = ("employed", "earnings_eur", "benefits_eur")  # the falsification tests' outcomes
EQUIVALENCE_BOUND = {"employed": 0.02, "earnings_eur": 50.0, "benefits_eur": 50.0}
ALPHA = 0.05
DID_BASELINE = range(-12, 0)  # the pre-index months the matched DiD subtracts
# the reported horizons (AI SEs, subgroups, transitions, attachment) are the run's follow-up
# horizons (``--horizons``; schemas/windows.py): 6 and 12 months unless asked
HORIZONS = HORIZONS_DEFAULT
BALANCE_MONTHS = range(-24, 0)
AGE_BANDS = ((18, 29, "18-29"), (30, 44, "30-44"), (45, 64, "45-64"))
SUBGROUP_VARS = ("cohort", "sex", "age_band", "dx_group", "work_history")
_STATE_OF_NO = {no: name for name, no in PRIORITY.items()}


def method_notes(k: int, caliper_sd: float, history: int,
                 horizons: tuple[int, ...] = HORIZONS) -> dict[str, str]:
    matching = (f"risk-set matching with replacement, {k} nearest by the logit of the "
                f"propensity score within {caliper_sd} SD on timed covariates over {history} "
                "months, exact on sex, state at m-1, index month and the employment pattern of "
                "m-24..m-1")
    variance = ("SE: weighted regression in the matched sample, cluster-robust (CR1) by person; "
                "95% normal CI; band_lower/band_upper: sup-t simultaneous 95% band over "
                "months 0..+24; se_ai: Abadie-Imbens SE at "
                f"{'/'.join(f'+{h}' for h in horizons)}")
    return {
        "matched": f"ATT, {matching}; {variance}",
        "matched_did": f"ATT of the outcome minus its mean over m-12..m-1, {matching}; "
                       "SE cluster-robust (CR1) by person; 95% normal CI",
        "naive": "clients minus the mean of all comparison persons in the same calendar month; "
                 "SE from the clients' differences and each month's comparison mean; 95% "
                 "normal CI",
        "matched_not_yet_treated": f"ATT against clients who start later, before their own "
                                   f"start (censored at it; weights over the matches still "
                                   f"untreated), {matching}; SE CR1 by person",
        "holdout_placebo": f"placebo: pseudo-index {PLACEBO_SHIFT_MONTHS} months before the "
                           f"index month, matched on the history before it only ({matching}); "
                           "rel_month counts from the real index month; SE CR1 by person",
    }


def _with_outcomes(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per unit-month with a column per outcome (``employed``, euros, state shares)."""
    states = [(pl.col("state_no") == PRIORITY[s]).cast(pl.Float64).alias(f"state_{s}")
              for s in STATE_NAMES]
    return frame.with_columns(states).drop("state_no")


def long_outcomes(months: pl.DataFrame) -> pl.DataFrame:
    """Long form of ``load_outcomes``: one row per unit-month and outcome (``outcome``, ``y``)."""
    ids = [c for c in months.columns if c not in OUTCOMES]
    return months.unpivot(on=list(OUTCOMES), index=ids, variable_name="outcome", value_name="y")


def _finish(frame: pl.DataFrame, method: str, note: str) -> pl.DataFrame:
    se = frame["se"].to_numpy().astype(float)
    est = frame["estimate"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    p = [(p_normal(v) if np.isfinite(v) else None) for v in z]
    return frame.with_columns(
        method=pl.lit(method), ci_lower=pl.col("estimate") - Z95 * pl.col("se"),
        ci_upper=pl.col("estimate") + Z95 * pl.col("se"),
        p=pl.Series(p, dtype=pl.Float64), method_note=pl.lit(note),
        placebo=pl.col("rel_month") < 0, n_clients=pl.col("n_clients").cast(pl.Int64),
        n_comparison=pl.col("n_comparison").cast(pl.Int64),
    ).select("outcome", "rel_month", "method", "n_clients", "n_comparison", "estimate",
             "ci_lower", "ci_upper", "p", "method_note", "placebo", "se")


def load_outcomes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The matched clients' and their matches' outcome months, every design: one row per
    unit-month, a column per outcome (``long_outcomes`` makes the long form)."""
    months = _with_outcomes(con.sql(
        "SELECT design, client_unit, unit_no, person, weight, is_client, rel_month, month_no, "
        "employed, earnings_eur, benefits_eur, state_no FROM match_outcomes "
        "ORDER BY design, client_unit, unit_no, rel_month").pl())
    matched_units = months.filter(~pl.col("is_client")).select("client_unit").unique()
    return months.join(matched_units, on="client_unit", how="semi")


def _pre_tests(est: pl.DataFrame, infl: pl.DataFrame, test: str) -> list[dict[str, Any]]:
    rows = []
    for outcome in TESTED:
        e = est.filter(pl.col("outcome") == outcome)
        i = infl.filter(pl.col("outcome") == outcome)
        _keys, theta, v = covariance(e, i, "rel_month")
        stat, df, p = wald(theta, v)
        if df == 0:  # nothing to test (no month with variance): no statistic, no p
            stat = p = None
        rows.append({"outcome": outcome, "test": test, "statistic": stat, "df": df, "p": p,
                     "bound": None, "max_abs": None,
                     "passed": None if df == 0 else bool(p > ALPHA)})
    return rows


def _bands(est: pl.DataFrame, infl: pl.DataFrame) -> pl.DataFrame:
    """``outcome, rel_month, band_lower, band_upper`` over months 0 … +24."""
    parts = []
    for outcome in OUTCOMES:
        e = est.filter((pl.col("outcome") == outcome) & (pl.col("rel_month") >= 0))
        i = infl.filter((pl.col("outcome") == outcome) & (pl.col("rel_month") >= 0))
        if e.height == 0:
            continue
        keys, _theta, v = covariance(e, i, "rel_month")
        c = sup_t_critical(v)
        se = np.sqrt(np.clip(np.diag(v), 0, None))
        part = pl.DataFrame({"outcome": [outcome] * len(keys), "rel_month": keys,
                             "half": c * se}, schema_overrides={"rel_month": pl.Int32})
        parts.append(part)
    if not parts:
        return pl.DataFrame(schema={"outcome": pl.String, "rel_month": pl.Int32,
                                    "half": pl.Float64})
    return pl.concat(parts)


def _ai_se(effect_rows: pl.DataFrame, horizons: tuple[int, ...]) -> pl.DataFrame:
    """``outcome, rel_month, se_ai`` at the reported horizons."""
    at = effect_rows.filter(pl.col("rel_month").is_in(horizons) & pl.col("y").is_not_null())
    clients = at.filter(pl.col("is_client")).select("outcome", "rel_month", "client_unit",
                                                    y_client="y")
    pairs = (at.filter(~pl.col("is_client"))
             .join(clients, on=["outcome", "rel_month", "client_unit"])
             .with_columns(control=pl.concat_str("unit_no", pl.lit(":"),
                                                 pl.col("month_no") - pl.col("rel_month")),
                           client=pl.col("client_unit"), y_control=pl.col("y")))
    rows = []
    for (outcome, rel), group in pairs.group_by("outcome", "rel_month", maintain_order=True):
        rows.append({"outcome": outcome, "rel_month": rel, "se_ai": abadie_imbens_se(group)})
    return pl.DataFrame(rows, schema={"outcome": pl.String, "rel_month": pl.Int32,
                                      "se_ai": pl.Float64})


def _subgroups(con: duckdb.DuckDBPyConnection, effect_rows: pl.DataFrame,
               horizons: tuple[int, ...]) -> pl.DataFrame:
    """``register_effect_subgroups``: the matched ATT on employment at each horizon (+6 and
    +12 unless asked) by subgroup, with the interaction test's p (exploratory)."""
    attrs = con.sql("SELECT c.unit_no AS client_unit, k.cohort, k.sex, k.age, k.dx_group, "
                    "CAST(k.work_history AS VARCHAR) AS work_history FROM match_clients AS c "
                    "JOIN analysis.clients AS k USING (client_id) WHERE c.design = 'effect'"
                    ).pl()
    band = pl.lit(None, pl.String)
    for lo, hi, label in AGE_BANDS:
        band = pl.when(pl.col("age").is_between(lo, hi)).then(pl.lit(label)).otherwise(band)
    attrs = attrs.with_columns(age_band=band)
    rows = effect_rows.filter((pl.col("outcome") == "employed")
                              & pl.col("rel_month").is_in(horizons)).join(attrs,
                                                                           on="client_unit")
    out = []
    for var in SUBGROUP_VARS:
        sub = rows.filter(pl.col(var).is_not_null()).with_columns(
            subgroup=pl.col(var).cast(pl.String))
        for rel in horizons:
            at = sub.filter(pl.col("rel_month") == rel)
            if at.height == 0:
                continue
            est, infl = att_influence(at, ["subgroup"])
            est = with_se(est, infl, ["subgroup"])
            _stat, _df, p_int = interaction_test(est, infl, "subgroup")
            for r in est.sort("subgroup").iter_rows(named=True):
                se = r["se"]
                out.append({"subgroup_var": var, "subgroup": r["subgroup"], "rel_month": rel,
                            "outcome": "employed", "n_clients": r["n_clients"],
                            "estimate": r["estimate"],
                            "ci_lower": None if se is None else r["estimate"] - Z95 * se,
                            "ci_upper": None if se is None else r["estimate"] + Z95 * se,
                            "interaction_p": p_int if np.isfinite(p_int) else None})
    return pl.DataFrame(out, schema={
        "subgroup_var": pl.String, "subgroup": pl.String, "rel_month": pl.Int32,
        "outcome": pl.String, "n_clients": pl.Int64, "estimate": pl.Float64,
        "ci_lower": pl.Float64, "ci_upper": pl.Float64, "interaction_p": pl.Float64})


def effect_estimates(con: duckdb.DuckDBPyConnection, months: pl.DataFrame,
                     long: pl.DataFrame, notes: Mapping[str, str],
                     horizons: tuple[int, ...] = HORIZONS) -> dict[str, pl.DataFrame]:
    """``register_effect`` (matched, matched_did, naive, holdout_placebo by outcome and
    rel_month, with the band and AI SEs), ``register_effect_tests`` and
    ``register_effect_subgroups``, from the matched sample (``load_outcomes``, and its long
    form). The matched and DiD lines, over every outcome and month, take the wide form: the
    same numbers from a tenth of the rows."""
    effect_months = months.filter(pl.col("design") == "effect")
    effect_rows = long.filter(pl.col("design") == "effect")
    by = ["outcome", "rel_month"]
    est, infl = att_influence(effect_months, ["rel_month"], outcomes=list(OUTCOMES))
    matched = with_se(est, infl, by)
    bands = _bands(est, infl)
    ai = _ai_se(effect_rows, horizons)
    matched = (_finish(matched, "matched", notes["matched"])
               .join(bands, on=by, how="left").join(ai, on=by, how="left")
               .with_columns(band_lower=pl.col("estimate") - pl.col("half"),
                             band_upper=pl.col("estimate") + pl.col("half")).drop("half"))

    baseline = (effect_months.filter(pl.col("rel_month").is_between(DID_BASELINE.start,
                                                                    DID_BASELINE.stop - 1))
                .group_by("client_unit", "unit_no").agg(
                    pl.col(o).mean().alias(f"base:{o}") for o in OUTCOMES))
    did_months = (effect_months.join(baseline, on=["client_unit", "unit_no"])
                  .with_columns(pl.col(o) - pl.col(f"base:{o}") for o in OUTCOMES))
    did = with_se(*att_influence(did_months, ["rel_month"], outcomes=list(OUTCOMES)), by)

    later_rows = long.filter((pl.col("design") == "not_yet_treated") & (pl.col("rel_month") >= 0))
    later = with_se(*att_influence(later_rows, by), by)

    placebo_rows = (long.filter((pl.col("design") == "placebo") & (pl.col("rel_month") >= 0))
                    .with_columns(rel_month=pl.col("rel_month") - PLACEBO_SHIFT_MONTHS))
    p_est, p_infl = att_influence(placebo_rows, by)
    placebo = with_se(p_est, p_infl, by)

    pre = est.filter(pl.col("rel_month") < 0)
    tests = _pre_tests(pre, infl.filter(pl.col("rel_month") < 0), "pre_joint_wald")
    tests += _pre_tests(p_est, p_infl, "holdout_joint_wald")
    for outcome in TESTED:
        values = pre.filter(pl.col("outcome") == outcome)["estimate"].abs()
        max_abs = float(values.max()) if values.len() else None
        bound = EQUIVALENCE_BOUND[outcome]
        tests.append({"outcome": outcome, "test": "pre_equivalence", "statistic": max_abs,
                      "df": None, "p": None, "bound": bound, "max_abs": max_abs,
                      "passed": None if max_abs is None else bool(max_abs <= bound)})
    tests.append(_e_value_row(matched, effect_rows))
    tests_frame = pl.DataFrame(tests, schema={
        "outcome": pl.String, "test": pl.String, "statistic": pl.Float64, "df": pl.Int64,
        "p": pl.Float64, "bound": pl.Float64, "max_abs": pl.Float64, "passed": pl.Boolean})

    parts = [matched,
             _finish(did, "matched_did", notes["matched_did"]),
             _finish(naive_estimates(con, effect_rows), "naive", notes["naive"]),
             _finish(placebo, "holdout_placebo", notes["holdout_placebo"]),
             _finish(later, "matched_not_yet_treated", notes["matched_not_yet_treated"])]
    effect = pl.concat(parts, how="diagonal_relaxed").select(
        "outcome", "rel_month", "method", "n_clients", "n_comparison", "estimate", "ci_lower",
        "ci_upper", "p", "band_lower", "band_upper", "se", "se_ai", "method_note", "placebo")
    return {"register_effect": effect, "register_effect_tests": tests_frame,
            "register_effect_subgroups": _subgroups(con, effect_rows, horizons)}


def placebo_verdict(tests: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The run's placebo check from ``register_effect_tests``: the tests that failed and the
    ones that could not be computed (no pre-index months, no placebo clients), each as
    ``outcome:test``; the check passes when both are empty."""
    failed, missing = [], []
    for outcome in TESTED:
        for test in ("pre_joint_wald", "holdout_joint_wald", "pre_equivalence"):
            row = tests.filter((pl.col("outcome") == outcome) & (pl.col("test") == test))
            passed = row["passed"][0] if row.height else None
            if passed is None:
                missing.append(f"{outcome}:{test}")
            elif not passed:
                failed.append(f"{outcome}:{test}")
    return failed, missing


def _e_value_row(matched: pl.DataFrame, effect_rows: pl.DataFrame) -> dict[str, Any]:
    row = matched.filter((pl.col("outcome") == "employed") & (pl.col("rel_month") == 12))
    clients = effect_rows.filter(pl.col("is_client") & (pl.col("outcome") == "employed")
                                 & (pl.col("rel_month") == 12))["y"]
    out = {"outcome": "employed", "test": "e_value", "statistic": None, "df": None, "p": None,
           "bound": None, "max_abs": None, "passed": None}
    if row.height and clients.len() and row["ci_lower"][0] is not None:
        point, limit = e_value(float(clients.mean()), float(row["estimate"][0]),
                               (float(row["ci_lower"][0]), float(row["ci_upper"][0])))
        # statistic: the estimate's E-value; bound: the CI limit's nearer the null
        out |= {"statistic": point, "bound": limit}
    return out


def naive_estimates(con: duckdb.DuckDBPyConnection, long: pl.DataFrame) -> pl.DataFrame:
    calendar = con.sql("SELECT * FROM match_calendar ORDER BY month_no, outcome").pl().with_columns(
        c_mean=pl.col("total") / pl.col("n"),
        c_var=(pl.col("total_sq") - pl.col("total") ** 2 / pl.col("n"))
        / (pl.col("n") - 1))
    clients = (long.filter(pl.col("is_client") & pl.col("y").is_not_null())
               .join(calendar, on=["month_no", "outcome"])
               .with_columns(d=pl.col("y") - pl.col("c_mean")))
    per_month = clients.group_by("outcome", "rel_month", "month_no").agg(
        n_month=pl.len(), c_var=pl.col("c_var").first(), c_n=pl.col("n").first())
    month_var = per_month.join(clients.group_by("outcome", "rel_month").agg(n_t=pl.len()),
                               on=["outcome", "rel_month"]).group_by("outcome", "rel_month").agg(
        v_c=((pl.col("n_month") / pl.col("n_t")) ** 2 * pl.col("c_var") / pl.col("c_n")).sum(),
        n_comparison=pl.col("c_n").max())
    return (clients.group_by("outcome", "rel_month")
            .agg(n_clients=pl.len(), estimate=pl.col("d").mean(), v_t=pl.col("d").var())
            .join(month_var, on=["outcome", "rel_month"])
            .with_columns(se=(pl.col("v_t") / pl.col("n_clients") + pl.col("v_c")).sqrt())
            .select("outcome", "rel_month", "n_clients", "n_comparison", "estimate", "se"))


def balance(con: duckdb.DuckDBPyConnection, summary: MatchSummary) -> pl.DataFrame:
    """``results.register_balance``: every covariate's means and SMDs before and after matching
    (SMD denominator: the SD of all eligible clients, as MatchIt for the ATT; for a covariate
    constant among clients, the comparison's SD before), and the count rows: matched,
    unmatched, dropped by reason, clients per fallback level, the placebo's, the history."""
    # fixed row order: a float sum's last bits follow it, and the CSV must not change
    effect_units = "SELECT unit_no FROM match_clients WHERE design = 'effect'"
    clients = con.sql(f"SELECT * FROM match_client_scores WHERE unit_no IN ({effect_units}) "
                      "ORDER BY unit_no").pl()
    pairs = con.sql(f"SELECT * FROM match_pairs WHERE client_unit IN ({effect_units}) "
                    "ORDER BY client_unit, unit_no").pl()
    matched_ids = pairs.select(pl.col("client_unit").alias("unit_no")).unique()
    sums = con.sql("SELECT CAST(sum(COLUMNS(*)) AS DOUBLE) FROM match_before_sums"
                   ).pl().row(0, named=True)
    total_w = sums["weight"] or 0.0
    before = {c.removeprefix("sum_"): {"total": v, "total_sq": sums[f"sumsq_{c[4:]}"],
                                       "weight": total_w}
              for c, v in sums.items() if c.startswith("sum_") and v is not None}
    for state_no, w in con.execute("SELECT state_no_m1, CAST(sum(weight) AS DOUBLE) FROM "
                                   "match_before_states GROUP BY ALL").fetchall():
        before[f"state_m1:{state_no}"] = {"total": w, "total_sq": w, "weight": total_w}

    def with_states(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(*[
            (pl.col("state_no_m1") == PRIORITY[s]).cast(pl.Float64).alias(f"state_m1_{s}")
            for s in STATE_NAMES])

    clients, pairs = with_states(clients), with_states(pairs)
    matched_clients = clients.join(matched_ids, on="unit_no", how="semi")
    rows = []
    columns = ["x_employed_m1", *model_columns(covariate_columns(con), summary.history)]
    names = [*columns, *(f"state_m1_{s}" for s in STATE_NAMES)]
    for name in names:
        key = f"state_m1:{PRIORITY[name.removeprefix('state_m1_')]}" if name.startswith(
            "state_m1_") else name
        b = before.get(key)
        weight = total_w
        mean_b = b["total"] / weight if b and weight else (0.0 if weight else None)
        var_b = (b["total_sq"] / weight - mean_b ** 2) if b and weight else None
        sd_t = clients[name].std() if clients.height > 1 else None
        sd = sd_t if sd_t else (np.sqrt(var_b) if var_b and var_b > 0 else None)
        mean_all = clients[name].mean()
        mean_m = matched_clients[name].mean() if matched_clients.height else None
        mean_a = ((pairs[name] * pairs["weight"]).sum() / pairs["weight"].sum()
                  if pairs.height else None)
        rows.append({
            "covariate": name.removeprefix("x_"), "mean_clients": mean_m,
            "mean_clients_all": mean_all, "mean_comparison_before": mean_b,
            "mean_comparison_after": mean_a,
            "smd_before": ((mean_all - mean_b) / sd if sd and mean_b is not None else None),
            "smd_after": ((mean_m - mean_a) / sd if sd and mean_a is not None
                          and mean_m is not None else None)})
    counts = {"n_clients_matched": summary.clients_matched,
              "n_clients_unmatched": summary.clients_unmatched,
              "n_comparison_matched": pairs["unit_no"].n_unique() if pairs.height else 0,
              "history_months": summary.history,
              **{f"n_clients_level_{lv}": summary.levels.get(lv, 0)
                 for lv in range(FALLBACK_LEVELS)},
              **{f"n_clients_dropped_{r}": n for r, n in sorted(summary.dropped.items())},
              "n_placebo_matched": summary.placebo_matched,
              "n_not_yet_treated_matched": summary.not_yet_treated_matched,
              "n_placebo_unmatched": summary.placebo_eligible - summary.placebo_matched,
              **{f"n_placebo_dropped_{r}": n
                 for r, n in sorted(summary.placebo_dropped.items())}}
    rows += [{"covariate": name, "mean_clients": float(v)} for name, v in counts.items()]
    return pl.DataFrame(rows, schema={
        "covariate": pl.String, "mean_clients": pl.Float64, "mean_clients_all": pl.Float64,
        "mean_comparison_before": pl.Float64, "mean_comparison_after": pl.Float64,
        "smd_before": pl.Float64, "smd_after": pl.Float64})


def balance_by_month(con: duckdb.DuckDBPyConnection, long: pl.DataFrame) -> pl.DataFrame:
    """``results.register_balance_monthly``: each outcome at every month −24 … −1 among the
    matched clients, the comparison before matching (sql/register/balance_months.sql) and
    after, with SMDs (denominator: the clients' SD, else the comparison's before)."""
    run_sql(con, "register/balance_months")
    before = con.sql("SELECT * FROM match_balance_months ORDER BY outcome, rel_month").pl()
    rows = long.filter((pl.col("design") == "effect")
                             & pl.col("rel_month").is_in(list(BALANCE_MONTHS))
                             & pl.col("y").is_not_null())
    clients = rows.filter(pl.col("is_client")).group_by("outcome", "rel_month").agg(
        mean_clients=pl.col("y").mean(), sd_clients=pl.col("y").std())
    after = rows.filter(~pl.col("is_client")).group_by("outcome", "rel_month").agg(
        mean_comparison_after=(pl.col("weight") * pl.col("y")).sum() / pl.col("weight").sum())
    out = (clients.join(after, on=["outcome", "rel_month"], how="left")
           .join(before.rename({"mean": "mean_comparison_before", "var": "var_before"}),
                 on=["outcome", "rel_month"], how="left")
           .with_columns(sd=pl.when(pl.col("sd_clients") > 0).then(pl.col("sd_clients"))
                         .otherwise(pl.col("var_before").sqrt())))
    out = out.with_columns(
        smd_before=pl.when(pl.col("sd") > 0).then(
            (pl.col("mean_clients") - pl.col("mean_comparison_before")) / pl.col("sd")),
        smd_after=pl.when(pl.col("sd") > 0).then(
            (pl.col("mean_clients") - pl.col("mean_comparison_after")) / pl.col("sd")))
    return out.select("outcome", "rel_month", "mean_clients", "mean_comparison_before",
                      "mean_comparison_after", "smd_before", "smd_after")


def transitions(con: duckdb.DuckDBPyConnection,
                horizons: tuple[int, ...] = HORIZONS) -> pl.DataFrame:
    """``results.transitions``: state at m − 1 by state at each horizon, for the eligible
    clients and their matches (each match counts once: a person matched to two clients
    twice), by cohort and all."""
    rows = con.sql("""
        SELECT CASE WHEN o.is_client THEN 'clients' ELSE 'matched_comparison' END AS "group",
               o.cohort, h.horizon, f.state_no AS from_no, o.state_no AS to_no
        FROM match_outcomes AS o
        JOIN (SELECT unnest($horizons) AS horizon) AS h ON o.rel_month = h.horizon
        JOIN match_outcomes AS f
          ON f.client_unit = o.client_unit AND f.unit_no = o.unit_no AND f.rel_month = -1
        WHERE o.design = 'effect'
        """, params={"horizons": list(horizons)}).pl()
    both = pl.concat([rows, rows.with_columns(cohort=pl.lit("all"))])
    counts = both.group_by("cohort", "group", "horizon", "from_no", "to_no").agg(n=pl.len())
    counts = counts.with_columns(
        pct=100.0 * pl.col("n") / pl.col("n").sum().over("cohort", "group", "horizon",
                                                         "from_no"),
        state_from=pl.col("from_no").replace_strict(_STATE_OF_NO),
        state_to=pl.col("to_no").replace_strict(_STATE_OF_NO))
    return counts.select("cohort", "group", "horizon", "state_from", "state_to", "n",
                         "pct").sort("cohort", "group", "horizon", "state_from", "state_to")


def register_transitions(con: duckdb.DuckDBPyConnection,
                         horizons: tuple[int, ...] = HORIZONS) -> None:
    """``analysis.register_transitions``: each eligible client's, and each of its matches',
    main state at m − 1 and at each horizon (``state_6``, ``state_12``, and ``state_24`` when
    asked; empty when the month is not observed), the paths of the transitions figure and the
    data of the model of transitions (docs/methods.md §Transitions). A match carries its
    client's ``client_id`` and cohort, and a person matched to two clients is two rows, as in
    ``transitions``."""
    names = ", ".join(f"({no}, '{name}')" for no, name in sorted(_STATE_OF_NO.items()))
    at = ",\n".join(f"any_value(state_no) FILTER (WHERE rel_month = {int(h)}) AS no_{int(h)}"
                     for h in horizons)
    states = ", ".join(f"s{int(h)}.name AS state_{int(h)}" for h in horizons)
    joins = "\n".join(f"LEFT JOIN names AS s{int(h)} ON s{int(h)}.no = u.no_{int(h)}"
                      for h in horizons)
    con.execute(f"""
        CREATE OR REPLACE TABLE analysis.register_transitions AS
        WITH names(no, name) AS (VALUES {names}),
        units AS (
            SELECT CASE WHEN is_client THEN 'clients' ELSE 'matched_comparison' END AS "group",
                   client_id, cohort,
                   any_value(state_no) FILTER (WHERE rel_month = -1) AS no_m1,
                   {at}
            FROM match_outcomes
            WHERE design = 'effect'
            GROUP BY client_unit, unit_no, is_client, client_id, cohort
        )
        SELECT u."group", u.client_id, u.cohort, a.name AS state_m1, {states}
        FROM units AS u
        JOIN names AS a ON a.no = u.no_m1
        {joins}
        ORDER BY ALL
        """)


def transition_paths(con: duckdb.DuckDBPyConnection,
                     horizons: tuple[int, ...] = HORIZONS) -> pl.DataFrame:
    """``results.transition_paths``: persons by their states at m − 1 and at each horizon, the
    clients and their matches observed at every horizon, all cohorts together (the transitions
    figure, ``ips_eval.publish.figures.transitions``)."""
    states = [f"state_{int(h)}" for h in horizons]
    observed = " AND ".join(f"{c} IS NOT NULL" for c in states)
    return con.sql(f"""
        SELECT "group", state_m1, {", ".join(states)}, count(*) AS n
        FROM analysis.register_transitions
        WHERE {observed}
        GROUP BY ALL ORDER BY ALL
        """).pl()


def register_attachment(con: duckdb.DuckDBPyConnection,
                        horizons: tuple[int, ...] = HORIZONS) -> pl.DataFrame:
    """``results.register_attachment``: register-linked clients observed in the month of each
    horizon (m + 6, m + 12; m + 24 when asked) and how many had pay in it, by cohort and all;
    beside it the coach form's ``employed at the window's end`` (results.attachment) when that
    exists."""
    reg = con.sql("""
        SELECT o.cohort, o.rel_month AS window_months, o.employed
        FROM match_outcomes AS o
        WHERE o.design = 'effect' AND o.is_client AND list_contains($horizons, o.rel_month)
        """, params={"horizons": list(horizons)}).pl()
    reg = pl.concat([reg, reg.with_columns(cohort=pl.lit("all"))])
    out = reg.group_by("cohort", "window_months").agg(
        n_clients_register=pl.len(), n_employed_register=pl.col("employed").sum().cast(pl.Int64)
    ).with_columns(pct_employed_register=100.0 * pl.col("n_employed_register")
                   / pl.col("n_clients_register")).rename({"cohort": "group"})
    if has_table(con, "results", "attachment"):
        coach = con.sql("""SELECT "group", window_months, n_clients AS n_clients_form,
                           pct_employed_at_end AS pct_employed_form FROM results.attachment
                           WHERE group_var IN ('cohort', 'all')""").pl()
        out = out.join(coach, on=["group", "window_months"], how="left")
    else:
        out = out.with_columns(n_clients_form=pl.lit(None, pl.Int64),
                               pct_employed_form=pl.lit(None, pl.Float64))
    return out.sort("window_months", "group")



# each results table with its stable row order (outputs.write_result)
RESULT_TABLES: dict[str, list[str]] = {
    "register_effect": ["outcome", "method", "rel_month"],
    "register_effect_tests": ["outcome", "test"],
    "register_effect_subgroups": ["subgroup_var", "subgroup", "rel_month"],
    "register_balance": ["covariate"],
    "register_balance_monthly": ["outcome", "rel_month"],
    "transitions": ["cohort", "group", "horizon", "state_from", "state_to"],
    "register_attachment": ["window_months", "group"],
    "transition_paths": ["group", "state_m1", "state_6", "state_12"],
}


def result_order(name: str, horizons: tuple[int, ...] = HORIZONS) -> list[str]:
    """A results table's row order (``RESULT_TABLES``); the paths' by their states at every
    horizon."""
    if name == "transition_paths":
        return ["group", "state_m1", *(f"state_{h}" for h in horizons)]
    return RESULT_TABLES[name]


def build_register_effect(con: duckdb.DuckDBPyConnection, k: int = DEFAULT_K,
                          history: int = REGISTER_HISTORY_DEFAULT,
                          horizons: tuple[int, ...] = HORIZONS) -> dict[str, Any]:
    """Match, estimate and write every table of ``RESULT_TABLES`` to the warehouse's
    ``results`` schema (and ``analysis.register_matches``, ``analysis.register_transitions``)
    from ``analysis.register_monthly`` and ``analysis.clients``; returns counts for a person to
    read."""
    summary = match_clients(con, k=k, history=history)
    try:
        run_sql(con, "register/effect_outcomes", {"history": summary.history,
                                                  "post_months": EFFECT_POST_MONTHS})
        months = load_outcomes(con)
        long = long_outcomes(months)
        tables = effect_estimates(con, months, long,
                                  method_notes(k, CALIPER_SD, summary.history, horizons),
                                  horizons)
        tables |= {
            "register_balance": balance(con, summary),
            "register_balance_monthly": balance_by_month(con, long),
            "transitions": transitions(con, horizons),
            "register_attachment": register_attachment(con, horizons),
        }
        register_transitions(con, horizons)
        tables["transition_paths"] = transition_paths(con, horizons)
    finally:
        drop_match_tables(con)
    con.execute("CREATE SCHEMA IF NOT EXISTS results")
    for name in RESULT_TABLES:
        con.register("_frame", tables[name].to_arrow())
        try:
            con.execute(f"CREATE OR REPLACE TABLE results.{name} AS SELECT * FROM _frame")
        finally:
            con.unregister("_frame")
    return {"history_months": summary.history,
            "clients_eligible": summary.clients_eligible,
            "clients_matched": summary.clients_matched,
            "clients_unmatched": summary.clients_unmatched,
            "clients_dropped": dict(summary.dropped),
            "clients_per_fallback_level": {str(k): v for k, v in summary.levels.items()},
            "placebo_matched": summary.placebo_matched,
            "not_yet_treated_matched": summary.not_yet_treated_matched,
            "comparison_persons": summary.comparison_persons,
            "candidates_in_propensity_fit": summary.candidates_in_fit,
            "caliper": summary.caliper, "k": k,
            **{f"{name}_rows": frame.height for name, frame in tables.items()}}


def write_register_effect_results(con: duckdb.DuckDBPyConnection, out_dir: Path,
                                  horizons: tuple[int, ...] = HORIZONS
                                  ) -> dict[str, dict[str, Any]]:
    """``out/results/<name>.csv`` (and Parquet) of each table ``build_register_effect`` wrote."""
    written = {}
    for name in RESULT_TABLES:
        frame = con.sql(f"SELECT * FROM results.{name}").pl()
        written[name] = write_result(None, name, frame, out_dir,
                                     sort_by=result_order(name, horizons))
    return written
