"""Table 1's statistics (``results.baseline``): the clients' baseline characteristics by cohort,
one row per statistic, and the standardised mean difference between the cohorts.

:func:`baseline_summary` computes the summary from ``analysis.clients``. Continuous: mean (SD)
and median [Q1; Q3] (quantiles by linear interpolation, R's default type 7); categorical: n (%)
of all the cohort's clients — the denominator includes the missing row on purpose: a
percentage of the *non-missing* would let a reader work a hidden missing count back out of n
and %. SMD (:func:`baseline_smd`): continuous (m₁ − m₂) / √((s₁² + s₂²)/2); categorical the
multi-category SMD of Yang & Dalton (2012), √(Tᵀ S⁻¹ T) over the non-missing, with a
generalised inverse when S is singular (as R's tableone does); only when exactly two cohorts
are compared. :func:`baseline_results` is the tidy result: the summary and a ``kind`` ``smd``
row per characteristic.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from schemas.analysis import CLIENTS, value_label_set
from schemas.study import COHORTS

CONTINUOUS = ("age",)
CATEGORICAL = ("sex", "dx_group", "education", "work_history", "income_source", "language")
MISSING = "__missing__"


def _levels(variable: str, present: list[object]) -> list[str]:
    """The codes of a categorical characteristic in their label order, then any other code
    found in the data (shown as is rather than dropped) — as text, the summary's ``level``."""
    value_set = CLIENTS.variable(variable).value_labels
    known = [str(code) for code in value_label_set(value_set)] if value_set else []
    extra = sorted(str(v) for v in present if v is not None and str(v) not in known)
    return known + extra


def baseline_summary(clients: pl.DataFrame) -> pl.DataFrame:
    """One row per (variable, level, cohort) statistic: ``kind`` is ``count`` (``n`` of ``N``),
    ``missing`` (``n`` missing of ``N``) or ``continuous`` (``n`` observed, ``mean``, ``sd``,
    ``median``, ``q1``, ``q3``); ``N`` is the cohort's number of clients."""
    rows: list[dict] = []
    cohorts = [c for c in COHORTS if c in set(clients["cohort"].to_list())]
    for cohort in cohorts:
        part = clients.filter(pl.col("cohort") == cohort)
        total = part.height
        for variable in CONTINUOUS:
            values = part[variable].drop_nulls().cast(pl.Float64)
            rows.append(dict(variable=variable, level=None, cohort=cohort, kind="continuous",
                             n=values.len(), N=total,
                             mean=values.mean(),
                             sd=values.std(ddof=1) if values.len() > 1 else None,
                             median=values.median(),
                             q1=values.quantile(0.25, "linear"),
                             q3=values.quantile(0.75, "linear")))
            rows.append(dict(variable=variable, level=MISSING, cohort=cohort, kind="missing",
                             n=part[variable].null_count(), N=total))
        for variable in CATEGORICAL:
            counts = {None if k is None else str(k): n
                      for k, n in part.group_by(variable).len().iter_rows()}
            for level in _levels(variable, list(clients[variable].unique().to_list())):
                rows.append(dict(variable=variable, level=level, cohort=cohort, kind="count",
                                 n=counts.get(level, 0), N=total))
            rows.append(dict(variable=variable, level=MISSING, cohort=cohort, kind="missing",
                             n=counts.get(None, 0), N=total))
    schema = {"variable": pl.Utf8, "level": pl.Utf8, "cohort": pl.Utf8, "kind": pl.Utf8,
              "n": pl.Int64, "N": pl.Int64, "mean": pl.Float64, "sd": pl.Float64,
              "median": pl.Float64, "q1": pl.Float64, "q3": pl.Float64}
    frame = pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)
    return frame.with_columns(
        pct=pl.when(pl.col("kind") != "continuous").then(100 * pl.col("n") / pl.col("N")))


def smd_continuous(m1: float, s1: float, m2: float, s2: float) -> float | None:
    """(m₁ − m₂) / √((s₁² + s₂²) / 2); None when undefined."""
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (m1, s1, m2, s2)):
        return None
    pooled = math.sqrt((s1 ** 2 + s2 ** 2) / 2)
    return None if pooled == 0 else (m1 - m2) / pooled


def smd_categorical(p1: np.ndarray, p2: np.ndarray) -> float | None:
    """Yang & Dalton (2012): with T = p₁ − p₂ and S the pooled covariance of the category
    indicators, both without the first category, SMD = √(Tᵀ S⁻¹ T). ``p1``/``p2`` are the shares
    of every category among the non-missing (each summing to 1)."""
    if len(p1) < 2 or not (np.isfinite(p1).all() and np.isfinite(p2).all()):
        return None
    a, b = p1[1:], p2[1:]
    t = a - b
    s = (np.diag(a * (1 - a) + b * (1 - b)) - (np.outer(a, a) + np.outer(b, b))) / 2
    np.fill_diagonal(s, (a * (1 - a) + b * (1 - b)) / 2)
    value = float(t @ np.linalg.pinv(s) @ t)
    return math.sqrt(max(value, 0.0))


def baseline_smd(summary: pl.DataFrame) -> dict[str, float | None]:
    """The SMD per characteristic between the two cohorts (absolute value)."""
    cohorts = [c for c in COHORTS if c in set(summary["cohort"].to_list())]
    if len(cohorts) != 2:
        return {}
    out: dict[str, float | None] = {}
    for variable in CONTINUOUS:
        stats = [summary.filter((pl.col("variable") == variable) & (pl.col("cohort") == c)
                                & (pl.col("kind") == "continuous")).row(0, named=True)
                 for c in cohorts]
        value = smd_continuous(stats[0]["mean"], stats[0]["sd"], stats[1]["mean"], stats[1]["sd"])
        out[variable] = None if value is None else abs(value)
    for variable in CATEGORICAL:
        shares = []
        for c in cohorts:
            counts = summary.filter((pl.col("variable") == variable) & (pl.col("cohort") == c)
                                    & (pl.col("kind") == "count"))["n"].to_numpy().astype(float)
            shares.append(counts / counts.sum() if counts.sum() > 0 else counts * np.nan)
        out[variable] = smd_categorical(*shares)
    return out


def baseline_results(clients: pl.DataFrame) -> pl.DataFrame:
    """``results.baseline``: :func:`baseline_summary` plus one row per characteristic with
    ``kind`` ``smd``, ``cohort`` ``pilot-rrp`` and the absolute SMD in ``smd`` (empty when it
    is undefined or there are not two cohorts); ``n_cohort`` is the summary's ``N``, ``order``
    the reading order of the rows."""
    summary = baseline_summary(clients)
    smd = baseline_smd(summary)
    # DuckDB's names are case-insensitive: "N" would clash with "n"
    summary = summary.rename({"N": "n_cohort"}).with_columns(
        smd=pl.lit(None, dtype=pl.Float64))
    rows = pl.DataFrame(
        [{"variable": v, "level": None, "cohort": "-".join(COHORTS), "kind": "smd",
          "smd": smd[v]} for v in (*CONTINUOUS, *CATEGORICAL) if v in smd],
        schema={"variable": pl.Utf8, "level": pl.Utf8, "cohort": pl.Utf8, "kind": pl.Utf8,
                "smd": pl.Float64})
    frame = pl.concat([summary, rows], how="diagonal")
    # the levels' label order, which a sort by name would lose
    return frame.with_row_index("order").with_columns(pl.col("order").cast(pl.Int64))
