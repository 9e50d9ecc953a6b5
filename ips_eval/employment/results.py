"""Survival results from analysis.tte: Kaplan–Meier and Aalen–Johansen estimates at each
follow-up horizon (6 and 12 months, and 18/24 when asked: km.csv) and every curve in full
(survival_curves.csv), medians and restricted mean survival (rmst.csv), and the follow-up-aware
comparison of the cohorts' employment (employment_comparison.csv). The horizons are the run's
(``--horizons``; docs/methods.md §Windows and cut-offs, "Longer follow-up"): a longer horizon
adds rows, never columns, so the default run's files are as they were. The estimators are the
exact ones of ``ips_eval.employment.survival``; this module only groups the rows and lays out
tidy tables.

What ``estimate`` means, per ``method`` (column ``estimand`` says it too):
- ``KM`` (tenure params): S(t), the probability that the job is still held t days after it began.
- ``AJ`` (TTFJ): F(t), the cumulative incidence of a first competitive job by t days after the
  index date, service exit without a job a competing event.
- ``KM_competing_as_censored`` (TTFJ, a sensitivity line only): 1 − S(t) of a KM that treats
  the competing exit as censoring — it overestimates F(t) and is shown to say by how much.
``n_at_risk`` = subjects still under observation at t (time ≥ t); ``n_events`` = events of the
param's event (job start, job end) with time ≤ t, cumulative (R's summary() counts per interval).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from ips_eval.employment.survival import (
    StepCurve,
    aalen_johansen,
    estimate_at,
    kaplan_meier,
    loglog_ci,
    median_time,
    restricted_mean,
)
from schemas.windows import HORIZONS_DEFAULT, horizon_days, summary_horizons, window_days

TENURE_PARAMS = ("TENURE1", "TENURE", "TENURE1_REG")
GROUP_VARS = ("all", "cohort", "region")


def rmst_taus(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> tuple[float, ...]:
    """The restricted mean's τ (days): 12 months (the pre-specified τ) and each longer horizon
    asked (``schemas.windows.summary_horizons``; docs/methods.md §Windows and cut-offs,
    "Longer follow-up")."""
    return tuple(window_days(m) for m in summary_horizons(horizons))


def groups(frame: pl.DataFrame) -> Iterator[tuple[str, str, pl.DataFrame]]:
    """(group_var, group, rows) for all rows, each cohort and each region, in a stable order."""
    yield "all", "all", frame
    for var in GROUP_VARS[1:]:
        for value in sorted(frame[var].drop_nulls().unique().to_list()):
            yield var, value, frame.filter(pl.col(var) == value)


def _curves(rows: pl.DataFrame, param: str) -> Iterator[tuple[str, str, StepCurve, bool]]:
    """(method, estimand, curve, report 1 − curve) for one param's rows."""
    time, event = rows["time_days"].to_numpy(), rows["event"].to_numpy()
    if param == "TTFJ":
        yield "AJ", "cumulative_incidence", aalen_johansen(time, event, cause=1), False
        yield ("KM_competing_as_censored", "cumulative_incidence",
               kaplan_meier(time, (event == 1).astype(int)), True)
    else:
        yield "KM", "survival", kaplan_meier(time, event), False


def km_table(tte: pl.DataFrame, horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> pl.DataFrame:
    """km.csv: every param × group × method × each horizon (``time_days``: 182.625 and 365.25,
    and 730.5 when 24 months is asked)."""
    times = horizon_days(horizons)
    records = []
    for param in sorted(tte["param"].unique().to_list()):
        for group_var, group, rows in groups(tte.filter(pl.col("param") == param)):
            for method, estimand, curve, complement in _curves(rows, param):
                for t in times:
                    p = estimate_at(curve, t)
                    estimate, lower, upper = p.estimate, p.ci_lower, p.ci_upper
                    if complement:
                        estimate, lower, upper = 1 - estimate, 1 - upper, 1 - lower
                    records.append({
                        "param": param, "group_var": group_var, "group": group,
                        "time_days": t, "n_at_risk": p.n_at_risk, "n_events": p.n_events,
                        "estimate": _f(estimate), "ci_lower": _f(lower), "ci_upper": _f(upper),
                        "method": method, "estimand": estimand, "se": _f(p.se),
                        "n": curve.n,
                    })
    return pl.DataFrame(records, schema=KM_SCHEMA)


KM_SCHEMA = {"param": pl.String, "group_var": pl.String, "group": pl.String,
             "time_days": pl.Float64, "n_at_risk": pl.Int64, "n_events": pl.Int64,
             "estimate": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64,
             "method": pl.String, "estimand": pl.String, "se": pl.Float64, "n": pl.Int64}


def survival_curves(tte: pl.DataFrame) -> pl.DataFrame:
    """survival_curves.csv: every curve of km.csv in full — per param × group × method one row
    per distinct observed time (event or censoring), with the persons at risk and the events at
    that time, the estimate just after it and its log-log 95 % CI. The survival figures draw
    these rows (they read results only); the numbers at risk at any time t are the ``n_at_risk``
    of the first row with ``time_days`` ≥ t (0 past the last row)."""
    records = []
    for param in sorted(tte["param"].unique().to_list()):
        for group_var, group, rows in groups(tte.filter(pl.col("param") == param)):
            for method, estimand, curve, complement in _curves(rows, param):
                for j, t in enumerate(curve.time):
                    estimate, se = float(curve.estimate[j]), float(curve.se[j])
                    lower, upper = loglog_ci(estimate, se)
                    if complement:
                        estimate, lower, upper = 1 - estimate, 1 - upper, 1 - lower
                    records.append({
                        "param": param, "method": method, "estimand": estimand,
                        "group_var": group_var, "group": group, "time_days": float(t),
                        "n_at_risk": int(curve.n_at_risk[j]), "n_events": int(curve.n_event[j]),
                        "n_events_any": int(curve.n_event_any[j]),
                        "estimate": _f(estimate), "se": _f(se), "ci_lower": _f(lower),
                        "ci_upper": _f(upper), "n": curve.n})
    return pl.DataFrame(records, schema=CURVE_SCHEMA)


CURVE_SCHEMA = {"param": pl.String, "method": pl.String, "estimand": pl.String,
                "group_var": pl.String, "group": pl.String, "time_days": pl.Float64,
                "n_at_risk": pl.Int64, "n_events": pl.Int64, "n_events_any": pl.Int64,
                "estimate": pl.Float64, "se": pl.Float64, "ci_lower": pl.Float64,
                "ci_upper": pl.Float64, "n": pl.Int64}


def rmst_table(tte: pl.DataFrame, horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> pl.DataFrame:
    """rmst.csv: per param × group × τ the median time (95 % CI) and, for the tenure params,
    the restricted mean survival time to τ (R's survmean variance, normal CI). τ is 12 months
    and each longer horizon asked (:func:`rmst_taus`): the default run has one row per param ×
    group, a 24-month run a second one with ``tau_days`` 730.5 (the median, which has no τ,
    repeated). For TTFJ the median is the time the AJ cumulative incidence of a first job
    reaches 0.5."""
    records = []
    for param in sorted(tte["param"].unique().to_list()):
        for group_var, group, rows in groups(tte.filter(pl.col("param") == param)):
            method, _, curve, _ = next(_curves(rows, param))
            median, m_lower, m_upper = median_time(curve)
            for tau in rmst_taus(horizons):
                rmst = se = lower = upper = float("nan")
                if curve.kind == "survival":
                    rmst, se, lower, upper = restricted_mean(curve, tau)
                records.append({
                    "param": param, "group_var": group_var, "group": group, "method": method,
                    "n": curve.n, "events": int(curve.n_event.sum()),
                    "median_days": _f(median), "median_ci_lower": _f(m_lower),
                    "median_ci_upper": _f(m_upper), "tau_days": tau,
                    "rmst_days": _f(rmst), "rmst_se": _f(se), "rmst_ci_lower": _f(lower),
                    "rmst_ci_upper": _f(upper),
                })
    return pl.DataFrame(records, schema={
        "param": pl.String, "group_var": pl.String, "group": pl.String, "method": pl.String,
        "n": pl.Int64, "events": pl.Int64, "median_days": pl.Float64,
        "median_ci_lower": pl.Float64, "median_ci_upper": pl.Float64, "tau_days": pl.Float64,
        "rmst_days": pl.Float64, "rmst_se": pl.Float64, "rmst_ci_lower": pl.Float64,
        "rmst_ci_upper": pl.Float64})


def employment_comparison(tte: pl.DataFrame, clients: pl.DataFrame, jobs: pl.DataFrame,
                          headline: pl.DataFrame | None = None,
                          horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> pl.DataFrame:
    """employment_comparison.csv: per cohort, the crude "% ever employed" by the analysis
    cut-off beside the AJ cumulative incidence of a first competitive job at each horizon
    (6 and 12 months, 24 when asked; 95 % log-log CI), with each cohort's follow-up (cut-off −
    index date) distribution and how many clients were followed for the full window — the trap
    of docs/methods.md §The follow-up trap in one table. With ``headline`` (results.headline),
    the figures as published at their own cut-offs are added (``crude_ever_employed_published``,
    with their median follow-up), e.g. RRP 86/336 on 30.4.2024 after a few months of follow-up.
    ``estimate`` is a proportion (0–1); ``measure`` says which figure a row is."""
    ttfj = tte.filter(pl.col("param") == "TTFJ")
    # the TENURE rows are every competitive job after the index date, up to the cut-off
    unsubsidised = (tte.filter(pl.col("param") == "TENURE")
                    .join(jobs.select("client_id", "job_no", "pay_subsidy"),
                          on=["client_id", "job_no"], how="left")
                    .filter(pl.col("pay_subsidy").fill_null(0) == 0))
    records = []
    for cohort in sorted(clients["cohort"].unique().to_list()):
        people = clients.filter(pl.col("cohort") == cohort)
        rows = ttfj.filter(pl.col("cohort") == cohort)
        follow = people["followup_days"].to_numpy().astype(float)
        common = {
            "cohort": cohort, "cutoff_date": people["cutoff_date"].max(),
            "n_clients": people.height,
            "median_followup_days": _f(np.median(follow)),
            "followup_q1_days": _f(np.percentile(follow, 25)),
            "followup_q3_days": _f(np.percentile(follow, 75)),
        }
        employed = int((rows["event"] == 1).sum())
        excl = unsubsidised.filter(pl.col("cohort") == cohort)["client_id"].n_unique()
        for measure, count in (("crude_ever_employed", employed),
                               ("crude_ever_employed_excl_pay_subsidy", excl)):
            records.append({**common, "measure": measure, "time_days": None,
                            "n_events": count, "n_at_risk": None,
                            "n_full_window": people.height,
                            "estimate": count / people.height if people.height else None,
                            "ci_lower": None, "ci_upper": None})
        curve = aalen_johansen(rows["time_days"].to_numpy(), rows["event"].to_numpy(), cause=1)
        for t in horizon_days(horizons):
            p = estimate_at(curve, t)
            records.append({**common, "measure": "cif_first_job", "time_days": t,
                            "n_events": p.n_events, "n_at_risk": p.n_at_risk,
                            "n_full_window": int((follow >= t).sum()),
                            "estimate": _f(p.estimate), "ci_lower": _f(p.ci_lower),
                            "ci_upper": _f(p.ci_upper)})
    for row in (headline.iter_rows(named=True) if headline is not None else ()):
        records.append({
            "cohort": row["cohort"], "cutoff_date": row["cutoff_date"],
            "measure": "crude_ever_employed_published", "time_days": None,
            "n_clients": row["clients_started"], "n_events": row["clients_employed"],
            "n_at_risk": None, "n_full_window": row["clients_started"],
            "estimate": (row["clients_employed"] / row["clients_started"]
                         if row["clients_started"] else None),
            "ci_lower": None, "ci_upper": None,
            "median_followup_days": row["median_followup_days"],
            "followup_q1_days": None, "followup_q3_days": None})
    return pl.DataFrame(records, schema={
        "cohort": pl.String, "cutoff_date": pl.Date, "measure": pl.String,
        "time_days": pl.Float64, "n_clients": pl.Int64, "n_events": pl.Int64,
        "n_at_risk": pl.Int64, "n_full_window": pl.Int64, "estimate": pl.Float64,
        "ci_lower": pl.Float64, "ci_upper": pl.Float64, "median_followup_days": pl.Float64,
        "followup_q1_days": pl.Float64, "followup_q3_days": pl.Float64})


def _f(x: float | None) -> float | None:
    """NaN → null, so CSV cells are empty rather than 'NaN'."""
    return None if x is None or not np.isfinite(x) else float(x)
