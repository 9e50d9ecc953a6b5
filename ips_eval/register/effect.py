"""The register effect: ATT by relative month, balance, transitions and the register-based
attachment (docs/methods.md §Register effect, §Transitions), from the matched sample that
``ips_eval.register.matching`` leaves in the warehouse.

Inference (named in every row's ``method_note``): the ATT at a relative month is the
coefficient of a weighted regression of the outcome on being a client in the matched sample
(clients weight 1, each match 1 / the client's number of matches), with cluster-robust (CR1,
as statsmodels' ``cov_type="cluster"``) errors by person: a comparison person matched to several
clients, or at several index months, is one cluster — MatchIt's guidance for k:1 matching with
replacement. Its closed form is used (two groups' weighted means), not a model fit per month:
98 outcomes × months × methods would otherwise dominate the run. CIs are normal (95 %).

The naive line compares each client with the mean of all comparison persons in the same calendar
month; its variance adds the clients' spread and each month's sampling variance of the mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from math import erf, sqrt
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from ips_eval.outputs import write_result
from ips_eval.register.matching import (
    CALIPER_SD,
    COVARIATES,
    DEFAULT_K,
    MatchSummary,
    drop_match_tables,
    match_clients,
)
from ips_eval.warehouse import run_sql
from schemas.register_states import PRIORITY, STATE_NAMES

REL_MONTHS = range(-24, 25)
OUTCOMES = ("employed", "earnings_eur", "benefits_eur", *(f"state_{s}" for s in STATE_NAMES))
DID_BASELINE = range(-12, 0)  # the pre-index months the matched DiD subtracts
HORIZONS = (6, 12)  # transitions and the register-based attachment
Z95 = 1.959963984540054
_STATE_OF_NO = {no: name for name, no in PRIORITY.items()}


def method_notes(k: int, caliper_sd: float) -> dict[str, str]:
    matching = (f"risk-set matching with replacement, {k} nearest by the logit of the "
                f"propensity score within {caliper_sd} SD, exact on sex, state at m-1 and index "
                "month")
    variance = ("SE: weighted regression in the matched sample, cluster-robust (CR1) by person "
                "(MatchIt guidance for k:1 matching with replacement); 95% normal CI")
    return {
        "matched": f"ATT, {matching}; {variance}",
        "matched_did": f"ATT of the outcome minus its mean over m-12..m-1, {matching}; "
                       f"{variance}",
        "naive": "clients minus the mean of all comparison persons in the same calendar month; "
                 "SE from the clients' differences and each month's comparison mean; 95% "
                 "normal CI",
    }


def _p_value(z: float) -> float:
    return float(1 - erf(abs(z) / sqrt(2)))


def _with_outcomes(frame: pl.DataFrame) -> pl.DataFrame:
    """Long form: one row per unit-month and outcome (``employed``, euros, state shares)."""
    states = [(pl.col("state_no") == PRIORITY[s]).cast(pl.Float64).alias(f"state_{s}")
              for s in STATE_NAMES]
    wide = frame.with_columns(states)
    ids = [c for c in frame.columns if c not in ("employed", "earnings_eur", "benefits_eur",
                                                 "state_no")]
    return wide.unpivot(on=list(OUTCOMES), index=ids, variable_name="outcome", value_name="y")


def cluster_att(rows: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Weighted difference of clients' and matches' means per group ``by``, with its CR1
    cluster-robust SE by ``unit_no``. ``rows``: ``is_client, weight, unit_no, y`` and ``by``."""
    rows = rows.filter(pl.col("y").is_not_null())
    means = rows.group_by([*by, "is_client"]).agg(
        w_total=pl.col("weight").sum(),
        mean=(pl.col("weight") * pl.col("y")).sum() / pl.col("weight").sum(),
        n=pl.col("unit_no").n_unique(), n_obs=pl.len())
    t = means.filter(pl.col("is_client")).drop("is_client")
    c = means.filter(~pl.col("is_client")).drop("is_client")
    both = t.join(c, on=by, suffix="_c")
    scored = rows.join(both.select(*by, "w_total", "mean", "w_total_c", "mean_c"), on=by)
    psi = scored.with_columns(psi=pl.when(pl.col("is_client"))
                              .then(pl.col("weight") * (pl.col("y") - pl.col("mean"))
                                    / pl.col("w_total"))
                              .otherwise(-pl.col("weight") * (pl.col("y") - pl.col("mean_c"))
                                         / pl.col("w_total_c")))
    per_cluster = psi.group_by([*by, "unit_no"]).agg(s=pl.col("psi").sum())
    var = per_cluster.group_by(by).agg(meat=(pl.col("s") ** 2).sum(), n_clusters=pl.len())
    out = both.join(var, on=by).with_columns(
        n_obs=pl.col("n_obs") + pl.col("n_obs_c"))
    # statsmodels' CR1: G / (G − 1) × (N − 1) / (N − K), K = 2 (intercept, client)
    g, n = pl.col("n_clusters"), pl.col("n_obs")
    factor = (g / (g - 1)) * ((n - 1) / (n - 2))
    return out.select(
        *by, n_clients=pl.col("n"), n_comparison=pl.col("n_c"),
        estimate=pl.col("mean") - pl.col("mean_c"),
        se=pl.when(pl.col("n_clusters") > 1).then((pl.col("meat") * factor).sqrt()))


def _finish(frame: pl.DataFrame, method: str, note: str) -> pl.DataFrame:
    se = frame["se"].to_numpy().astype(float)
    est = frame["estimate"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    p = [(_p_value(v) if np.isfinite(v) else None) for v in z]
    return frame.with_columns(
        method=pl.lit(method), ci_lower=pl.col("estimate") - Z95 * pl.col("se"),
        ci_upper=pl.col("estimate") + Z95 * pl.col("se"),
        p=pl.Series(p, dtype=pl.Float64), method_note=pl.lit(note),
        placebo=pl.col("rel_month") < 0, n_clients=pl.col("n_clients").cast(pl.Int64),
        n_comparison=pl.col("n_comparison").cast(pl.Int64),
    ).select("outcome", "rel_month", "method", "n_clients", "n_comparison", "estimate",
             "ci_lower", "ci_upper", "p", "method_note", "placebo")


def effect_estimates(con: duckdb.DuckDBPyConnection, notes: Mapping[str, str]) -> pl.DataFrame:
    """``results.register_effect``: matched, matched_did and naive by outcome and rel_month."""
    long = _with_outcomes(con.sql(
        "SELECT client_unit, unit_no, weight, is_client, rel_month, month_no, employed, "
        "earnings_eur, benefits_eur, state_no FROM match_outcomes "
        "ORDER BY client_unit, unit_no, rel_month").pl())
    matched_units = long.filter(~pl.col("is_client")).select("client_unit").unique()
    in_match = long.join(matched_units, on="client_unit", how="semi")
    matched = cluster_att(in_match, ["outcome", "rel_month"])
    baseline = (in_match.filter(pl.col("rel_month").is_between(DID_BASELINE.start,
                                                               DID_BASELINE.stop - 1))
                .group_by("client_unit", "unit_no", "outcome").agg(base=pl.col("y").mean()))
    did = cluster_att(in_match.join(baseline, on=["client_unit", "unit_no", "outcome"])
                      .with_columns(y=pl.col("y") - pl.col("base")), ["outcome", "rel_month"])
    return pl.concat([_finish(matched, "matched", notes["matched"]),
                      _finish(did, "matched_did", notes["matched_did"]),
                      _finish(naive_estimates(con, long), "naive", notes["naive"])])


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
    constant among clients, the comparison's SD before), and the count rows."""
    # fixed row order: a float sum's last bits follow it, and the CSV must not change
    clients = con.sql("SELECT * FROM match_client_scores ORDER BY unit_no").pl()
    pairs = con.sql("SELECT * FROM match_pairs ORDER BY client_unit, unit_no").pl()
    matched_ids = pairs.select(pl.col("client_unit").alias("unit_no")).unique()
    before = {r["covariate"]: r for r in con.sql(
        "SELECT covariate, CAST(sum(total) AS DOUBLE) AS total, CAST(sum(total_sq) AS DOUBLE) "
        "AS total_sq, CAST(sum(weight) AS DOUBLE) AS weight FROM match_before_sums "
        "GROUP BY covariate").pl().iter_rows(named=True)}
    total_w = before["age"]["weight"] if "age" in before else 0.0

    def with_states(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col("male").cast(pl.Float64), *[
            (pl.col("state_no_m1") == PRIORITY[s]).cast(pl.Float64).alias(f"state_m1_{s}")
            for s in STATE_NAMES])

    clients, pairs = with_states(clients), with_states(pairs)
    matched_clients = clients.join(matched_ids, on="unit_no", how="semi")
    rows = []
    names = [*COVARIATES, *(f"state_m1_{s}" for s in STATE_NAMES)]
    for name in names:
        key = f"state_m1:{PRIORITY[name.removeprefix('state_m1_')]}" if name.startswith(
            "state_m1_") else name
        b = before.get(key)
        weight = total_w if key.startswith("state_m1:") else (b["weight"] if b else 0.0)
        mean_b = b["total"] / weight if b and weight else (0.0 if weight else None)
        var_b = (b["total_sq"] / weight - mean_b ** 2) if b and weight else None
        sd_t = clients[name].std() if clients.height > 1 else None
        sd = sd_t if sd_t else (sqrt(var_b) if var_b and var_b > 0 else None)
        mean_all = clients[name].mean()
        mean_m = matched_clients[name].mean() if matched_clients.height else None
        mean_a = ((pairs[name] * pairs["weight"]).sum() / pairs["weight"].sum()
                  if pairs.height else None)
        rows.append({
            "covariate": name, "mean_clients": mean_m, "mean_clients_all": mean_all,
            "mean_comparison_before": mean_b, "mean_comparison_after": mean_a,
            "smd_before": ((mean_all - mean_b) / sd if sd and mean_b is not None else None),
            "smd_after": ((mean_m - mean_a) / sd if sd and mean_a is not None
                          and mean_m is not None else None)})
    counts = {"n_clients_matched": summary.clients_matched,
              "n_clients_unmatched": summary.clients_unmatched,
              "n_comparison_matched": pairs["unit_no"].n_unique() if pairs.height else 0}
    rows += [{"covariate": name, "mean_clients": float(v)} for name, v in counts.items()]
    return pl.DataFrame(rows, schema={
        "covariate": pl.String, "mean_clients": pl.Float64, "mean_clients_all": pl.Float64,
        "mean_comparison_before": pl.Float64, "mean_comparison_after": pl.Float64,
        "smd_before": pl.Float64, "smd_after": pl.Float64})


def transitions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``results.transitions``: state at m − 1 by state at m + 6 / m + 12, for the eligible
    clients and their matches (each match counts once: a person matched to two clients
    twice), by cohort and all."""
    rows = con.sql("""
        SELECT CASE WHEN o.is_client THEN 'clients' ELSE 'matched_comparison' END AS "group",
               o.cohort, h.horizon, f.state_no AS from_no, o.state_no AS to_no
        FROM match_outcomes AS o
        JOIN (SELECT unnest($horizons) AS horizon) AS h ON o.rel_month = h.horizon
        JOIN match_outcomes AS f
          ON f.client_unit = o.client_unit AND f.unit_no = o.unit_no AND f.rel_month = -1
        """, params={"horizons": list(HORIZONS)}).pl()
    both = pl.concat([rows, rows.with_columns(cohort=pl.lit("all"))])
    counts = both.group_by("cohort", "group", "horizon", "from_no", "to_no").agg(n=pl.len())
    counts = counts.with_columns(
        pct=100.0 * pl.col("n") / pl.col("n").sum().over("cohort", "group", "horizon",
                                                         "from_no"),
        state_from=pl.col("from_no").replace_strict(_STATE_OF_NO),
        state_to=pl.col("to_no").replace_strict(_STATE_OF_NO))
    return counts.select("cohort", "group", "horizon", "state_from", "state_to", "n",
                         "pct").sort("cohort", "group", "horizon", "state_from", "state_to")


def register_attachment(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``results.register_attachment``: register-linked clients observed in month m + 6 /
    m + 12 and how many had pay in it, by cohort and all; beside it the coach form's
    ``employed at the window's end`` (results.attachment) when that exists."""
    reg = con.sql("""
        SELECT o.cohort, o.rel_month AS window_months, o.employed
        FROM match_outcomes AS o WHERE o.is_client AND list_contains($horizons, o.rel_month)
        """, params={"horizons": list(HORIZONS)}).pl()
    reg = pl.concat([reg, reg.with_columns(cohort=pl.lit("all"))])
    out = reg.group_by("cohort", "window_months").agg(
        n_clients_register=pl.len(), n_employed_register=pl.col("employed").sum().cast(pl.Int64)
    ).with_columns(pct_employed_register=100.0 * pl.col("n_employed_register")
                   / pl.col("n_clients_register")).rename({"cohort": "group"})
    has_coach = con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                            "table_schema = 'results' AND table_name = 'attachment'"
                            ).fetchall()[0][0]
    if has_coach:
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
    "register_balance": ["covariate"],
    "transitions": ["cohort", "group", "horizon", "state_from", "state_to"],
    "register_attachment": ["window_months", "group"],
}


def build_register_effect(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date],
                          k: int = DEFAULT_K) -> dict[str, Any]:
    """Match, estimate and write ``results.register_effect``, ``results.register_balance``,
    ``results.transitions`` and ``results.register_attachment`` (and
    ``analysis.register_matches``) from ``analysis.register_monthly`` and ``analysis.clients``;
    returns counts for a person to read."""
    summary = match_clients(con, cutoffs, k=k)
    try:
        run_sql(con, "register_effect_outcomes")
        tables = {
            "register_effect": effect_estimates(con, method_notes(k, CALIPER_SD)),
            "register_balance": balance(con, summary),
            "transitions": transitions(con),
            "register_attachment": register_attachment(con),
        }
    finally:
        drop_match_tables(con)
    con.execute("CREATE SCHEMA IF NOT EXISTS results")
    for name, frame in tables.items():
        con.register("_frame", frame.to_arrow())
        try:
            con.execute(f"CREATE OR REPLACE TABLE results.{name} AS SELECT * FROM _frame")
        finally:
            con.unregister("_frame")
    return {"clients_eligible": summary.clients_eligible,
            "clients_matched": summary.clients_matched,
            "clients_unmatched": summary.clients_unmatched,
            "comparison_persons": summary.comparison_persons,
            "candidates_in_propensity_fit": summary.candidates_in_fit,
            "caliper": summary.caliper, "k": k,
            **{f"{name}_rows": frame.height for name, frame in tables.items()}}


def write_register_effect_results(con: duckdb.DuckDBPyConnection, out_dir: Path
                                  ) -> dict[str, dict[str, Any]]:
    """``out/results/<name>.csv`` (and Parquet) of each table ``build_register_effect`` wrote."""
    written = {}
    for name, order in RESULT_TABLES.items():
        frame = con.sql(f"SELECT * FROM results.{name}").pl()
        written[name] = write_result(None, name, frame, out_dir, sort_by=order)
    return written
