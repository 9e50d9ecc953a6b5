"""Attrition (docs/methods.md §Attrition): baseline differences between those who answered the 6-
and 12-month surveys and those who did not.

Among baseline (T0) responders whose follow-up window had closed by the cut-off
(``sql/scores/score_attrition.sql``), per follow-up wave and cohort (``all``, ``pilot``, ``rrp``):
continuous variables (age, each instrument's baseline score) as mean (SD), categorical ones
(sex, cohort, education, work history, main income, diagnosis group) as % per level, with the
standardised mean difference answered − not answered:

- continuous: (m₁ − m₀) / √((s₁² + s₀²) / 2);
- one level of a categorical variable: (p₁ − p₀) / √((p₁(1 − p₁) + p₀(1 − p₀)) / 2);
- the whole categorical variable (``level`` = ``(overall)``): Yang & Dalton's multi-category
  SMD √((p₁ − p₀)ᵀ S⁻¹ (p₁ − p₀)), S the mean of the two groups' multinomial covariance matrices,
  the first level left out.

Percentages and means are over the clients with the variable known (``*_n``); missing values
are not a level.

Attrition sensitivity of the change scores (``change_ipw.csv``, :func:`ipw_change`): per
follow-up wave, instrument and cohort (``all``, ``pilot``, ``rrp``), among the same eligible
clients (baseline score of the instrument, follow-up window closed) the complete-case mean
change of those with a follow-up score beside the inverse-probability-of-response weighted mean
change. The response probability is a logistic model of having the follow-up score on the
baseline covariates (cohort, age, sex, diagnosis group, work history — the Cox model's design
and sparse-level rule, ``ips_eval.employment.cox.design``) and the instrument's baseline score;
weights 1/p̂ on the responders; the weighted (Hájek) mean with its sandwich variance
n/(n − 1) · Σ wᵢ²(Δᵢ − μ̂)² / (Σ wᵢ)², the weights taken as known, and a normal 95 % CI — what
R's ``svymean(~change, svydesign(ids = ~1, weights = ~w))`` and ``confint`` give. The
complete-case line is the same with wᵢ = 1 (SE = SD/√n) and a t interval on n − 1 degrees of
freedom, as ``t.test`` gives.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import polars as pl
from scipy.stats import norm
from scipy.stats import t as t_dist

from ips_eval.employment.cox import design, fit_logit
from ips_eval.warehouse import run_sql
from schemas.instruments import INSTRUMENTS, wave_windows

CONTINUOUS = ("age",)
CATEGORICAL = ("sex", "cohort", "education", "work_history", "income_source", "dx_group")

ATTRITION_SCHEMA = {
    "followup_wave": pl.Int64, "cohort": pl.String, "variable": pl.String, "level": pl.String,
    "statistic": pl.String,
    "answered_n": pl.Int64, "answered_count": pl.Int64, "answered_value": pl.Float64,
    "answered_sd": pl.Float64,
    "not_answered_n": pl.Int64, "not_answered_count": pl.Int64, "not_answered_value": pl.Float64,
    "not_answered_sd": pl.Float64, "smd": pl.Float64,
}


def smd_continuous(x1: np.ndarray, x0: np.ndarray) -> float | None:
    if len(x1) < 2 or len(x0) < 2:
        return None
    pooled = math.sqrt((x1.var(ddof=1) + x0.var(ddof=1)) / 2)
    return None if pooled == 0 else float((x1.mean() - x0.mean()) / pooled)


def smd_proportion(p1: float, p0: float) -> float | None:
    pooled = math.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    return None if pooled == 0 else (p1 - p0) / pooled


def smd_multicategory(p1: np.ndarray, p0: np.ndarray) -> float | None:
    """Yang & Dalton (2012): p₁, p₀ the level proportions (summing to 1) of the two groups."""
    if len(p1) < 2:
        return None
    a, b = p1[1:], p0[1:]
    s = (np.diag(a) - np.outer(a, a) + np.diag(b) - np.outer(b, b)) / 2
    diff = a - b
    try:
        value = float(diff @ np.linalg.pinv(s) @ diff)
    except np.linalg.LinAlgError:
        return None
    return math.sqrt(max(value, 0.0))


def attrition_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """analysis.score_attrition (built here) with each instrument's baseline score as a column
    ``score_<instrument>``."""
    run_sql(con, "scores/score_attrition", {"wave_windows": wave_windows()})
    # a fixed row order: means and SDs are then bit-identical between runs
    frame = con.sql("SELECT * FROM analysis.score_attrition "
                    "ORDER BY followup_wave, client_id").pl()
    baseline = con.sql(
        "SELECT client_id, instrument, score FROM analysis.scores "
        "WHERE wave = 0 AND score IS NOT NULL").pl()
    for ins in INSTRUMENTS:
        col = baseline.filter(pl.col("instrument") == ins.name).select(
            "client_id", pl.col("score").alias(f"score_{ins.name}"))
        frame = frame.join(col, on="client_id", how="left")
    return frame


def _continuous_row(variable: str, yes: pl.Series, no: pl.Series) -> dict:
    a, b = yes.drop_nulls().to_numpy(), no.drop_nulls().to_numpy()
    return {"variable": variable, "level": None, "statistic": "mean_sd",
            "answered_n": len(a), "answered_value": _mean(a), "answered_sd": _sd(a),
            "not_answered_n": len(b), "not_answered_value": _mean(b), "not_answered_sd": _sd(b),
            "smd": smd_continuous(a, b)}


def _categorical_rows(variable: str, yes: pl.Series, no: pl.Series) -> list[dict]:
    a, b = yes.drop_nulls().cast(pl.String), no.drop_nulls().cast(pl.String)
    levels = sorted(set(a.to_list()) | set(b.to_list()))
    if not levels:
        return []
    pa = np.array([(a == lv).sum() / len(a) if len(a) else math.nan for lv in levels])
    pb = np.array([(b == lv).sum() / len(b) if len(b) else math.nan for lv in levels])
    rows = []
    for lv, p1, p0 in zip(levels, pa, pb, strict=True):
        rows.append({"variable": variable, "level": lv, "statistic": "pct",
                     "answered_n": len(a), "answered_count": int((a == lv).sum()),
                     "answered_value": 100 * p1 if len(a) else None,
                     "not_answered_n": len(b), "not_answered_count": int((b == lv).sum()),
                     "not_answered_value": 100 * p0 if len(b) else None,
                     "smd": smd_proportion(p1, p0) if len(a) and len(b) else None})
    if len(levels) > 2 and len(a) and len(b):
        rows.append({"variable": variable, "level": "(overall)", "statistic": "smd_yang_dalton",
                     "answered_n": len(a), "not_answered_n": len(b),
                     "smd": smd_multicategory(pa, pb)})
    return rows


def _mean(x: np.ndarray) -> float | None:
    return float(x.mean()) if len(x) else None


def _sd(x: np.ndarray) -> float | None:
    return float(x.std(ddof=1)) if len(x) >= 2 else None


def attrition_summary(frame: pl.DataFrame) -> pl.DataFrame:
    """The tidy attrition rows (module docstring) from :func:`attrition_frame`'s frame."""
    rows: list[dict] = []
    continuous = [*CONTINUOUS, *(f"score_{i.name}" for i in INSTRUMENTS)]
    for wave in sorted(frame["followup_wave"].unique().to_list()):
        at_wave = frame.filter(pl.col("followup_wave") == wave)
        for cohort in ["all", *sorted(at_wave["cohort"].unique().drop_nulls().to_list())]:
            g = at_wave if cohort == "all" else at_wave.filter(pl.col("cohort") == cohort)
            yes, no = g.filter(pl.col("answered")), g.filter(~pl.col("answered"))
            key = {"followup_wave": wave, "cohort": cohort}
            rows.append(key | {"variable": "clients", "statistic": "n",
                               "answered_n": yes.height, "not_answered_n": no.height})
            rows += [key | _continuous_row(v, yes[v], no[v]) for v in continuous]
            for v in CATEGORICAL:
                if v == "cohort" and cohort != "all":
                    continue
                rows += [key | r for r in _categorical_rows(v, yes[v], no[v])]
    return pl.DataFrame(rows, schema=ATTRITION_SCHEMA) if rows else \
        pl.DataFrame(schema=ATTRITION_SCHEMA)


def attrition(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return attrition_summary(attrition_frame(con))


RESPONSE_COVARIATES = ("cohort", "age", "sex", "dx_group", "work_history")
IPW_SCHEMA = {
    "followup_wave": pl.Int64, "instrument": pl.String, "cohort": pl.String,
    "method": pl.String, "n_eligible": pl.Int64, "n": pl.Int64, "mean_change": pl.Float64,
    "se": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64,
    "max_weight": pl.Float64, "n_excluded": pl.Int64, "pooled_levels": pl.String,
}


def ipw_change(frame: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Complete-case and inverse-probability-of-response weighted mean change (module
    docstring). ``frame``: :func:`attrition_frame`; ``changes``: analysis.score_changes
    (client_id, instrument, followup_wave, change)."""
    import statsmodels.api as sm

    rows: list[dict] = []
    for wave in sorted(frame["followup_wave"].unique().to_list()):
        for ins in INSTRUMENTS:
            followed = changes.filter((pl.col("instrument") == ins.name)
                                      & (pl.col("followup_wave") == wave))
            eligible = (frame.filter((pl.col("followup_wave") == wave)
                                     & pl.col(f"score_{ins.name}").is_not_null())
                        .join(followed.select("client_id", "change"), on="client_id",
                              how="left")
                        .with_columns(responded=pl.col("change").is_not_null()))
            for cohort in ["all", *sorted(eligible["cohort"].unique().drop_nulls().to_list())]:
                g = eligible if cohort == "all" else eligible.filter(pl.col("cohort") == cohort)
                key = {"followup_wave": wave, "instrument": ins.name, "cohort": cohort,
                       "n_eligible": g.height}
                observed = g.filter(pl.col("responded"))["change"].to_numpy().astype(float)
                rows.append(key | {"method": "complete_case"}
                            | _weighted_mean(observed, np.ones(observed.size), t_interval=True))
                covariates = (*RESPONSE_COVARIATES, f"score_{ins.name}")
                data, dropped, pooled = design(
                    g.select("responded", "change", *covariates)
                    .with_columns(pl.col("responded").cast(pl.Int64)), covariates,
                    outcome="responded")
                y = data.pop("responded").to_numpy(dtype=float)
                change = data.pop("change").to_numpy(dtype=float)
                ipw = {"method": "ipw", "n_excluded": dropped, "pooled_levels": pooled or None}
                if y.size < 2 or y.min() == y.max():
                    rows.append(key | ipw)  # everyone or no one answered: nothing to weight
                    continue
                x = sm.add_constant(data.to_numpy(dtype=float), has_constant="add")
                p_hat = fit_logit(y, x).predict(x)
                weights = 1.0 / p_hat[y == 1]
                rows.append(key | ipw | _weighted_mean(change[y == 1], weights)
                            | {"max_weight": float(weights.max())})
    return pl.DataFrame(rows, schema=IPW_SCHEMA) if rows else pl.DataFrame(schema=IPW_SCHEMA)


def _weighted_mean(change: np.ndarray, weights: np.ndarray, t_interval: bool = False) -> dict:
    """Weighted mean, its SE as ``survey::svymean`` (with the n/(n − 1) factor) and a 95 % CI:
    normal as ``confint(svymean(...))``, or t on n − 1 df as ``t.test`` (``t_interval``)."""
    n = int(change.size)
    if n == 0:
        return {"n": 0}
    mean = float(weights @ change / weights.sum())
    out = {"n": n, "mean_change": mean}
    if n >= 2:
        se = float(np.sqrt(n / (n - 1) * np.sum(weights ** 2 * (change - mean) ** 2))
                   / weights.sum())
        q = t_dist.ppf(0.975, n - 1) if t_interval else norm.ppf(0.975)
        out |= {"se": se, "ci_lower": mean - q * se, "ci_upper": mean + q * se}
    return out


def change_ipw(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``change_ipw.csv`` from the warehouse (analysis.score_attrition is rebuilt)."""
    changes = con.sql("SELECT client_id, instrument, followup_wave, change "
                      "FROM analysis.score_changes ORDER BY instrument, followup_wave, "
                      "client_id").pl()
    return ipw_change(attrition_frame(con), changes)
