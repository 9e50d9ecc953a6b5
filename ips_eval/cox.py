"""Regression models of employment: the Cox model of job tenure (lifelines CoxPHFitter, Efron
ties) with the Schoenfeld proportional-hazards test, and the logistic model of any competitive
job within 12 months (statsmodels GLM Binomial).

Covariates (the issue's list): cohort, age, sex, dx_group, work_history, and for the tenure
models the job's hours a week and pay subsidy. Categorical covariates are dummy-coded against a
fixed reference (``REFERENCE``); a level with no rows, or a column without variation, is left
out (its term is absent). Missing covariates: complete-case — rows with any missing covariate
are dropped and ``n`` reports the rows used (``n_excluded`` those dropped).

Fit: lifelines to a precision of 1e-12 (R's coxph converges further than lifelines' default).
TENURE (all jobs, several per client): robust sandwich variance clustered by client, computed
here from Efron score residuals exactly as survival's ``coxph(..., cluster = id)`` (lifelines'
``cluster_col`` sandwich uses other residuals under ties and gives different standard errors).
Both checked against R in tests/test_survival_models.py.

The logistic model uses the client-level covariates only: hours and pay subsidy describe a job,
which the clients without a job do not have (they are outcome-defined) — a documented deviation
from "same covariates".

PH test: lifelines' ``proportional_hazard_test`` (scaled Schoenfeld residuals against
rank-transformed time) gives each term's p (``ph_test_p_term``); the global p (``ph_test_p``) is
the matching global statistic of Grambsch & Therneau as survival's cox.zph computed it before
3.0 — ``(g'R) V (R'g) d / sum(g²)`` with R the unscaled Schoenfeld residuals, g the centred
transformed event times, V the model-based variance and d the events, chi-squared on p df.
lifelines implements that version, not R's current exact score test; figures differ slightly.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
from scipy.stats import chi2, norm

REFERENCE: dict[str, object] = {"cohort": "pilot", "sex": "female", "dx_group": "psychotic",
                                "work_history": 0}
CLIENT_COVARIATES = ("cohort", "age", "sex", "dx_group", "work_history")
JOB_COVARIATES = ("hours_week", "pay_subsidy")
LOGIT_WINDOW_DAYS = 365.25


MIN_LEVEL_ROWS = 20


def design(frame: pl.DataFrame, covariates: Sequence[str], outcome: str | None = None
           ) -> tuple[pd.DataFrame, int, str]:
    """Complete cases of ``frame`` as a numeric design (dummies named ``var[level]``), the
    number of rows dropped for a missing covariate, and a note of pooled levels. Other columns
    of ``frame`` are kept.

    Sparse levels: a categorical level with fewer than ``MIN_LEVEL_ROWS`` complete rows, or in
    which ``outcome`` does not vary (all or no events: the estimate would run to ±infinity), is
    pooled with the other sparse levels of that covariate into ``var[other]``; when the pooled
    group is sparse too, it joins the reference level. The note says what was pooled."""
    complete = frame.drop_nulls(subset=list(covariates))
    dropped = frame.height - complete.height
    out = complete.drop(list(covariates)).to_pandas()
    notes = []
    for var in covariates:
        values = complete[var]
        if var not in REFERENCE:
            out[var] = values.cast(pl.Float64).to_numpy()
            continue
        reference = REFERENCE[var]
        levels = sorted(set(values.to_list()) - {reference}, key=str)
        sparse = [lv for lv in levels if _sparse(complete, values == lv, outcome)]
        for level in (lv for lv in levels if lv not in sparse):
            out[f"{var}[{level}]"] = (values == level).cast(pl.Float64).to_numpy()
        if sparse:
            pooled = values.is_in(sparse)
            named = ", ".join(str(lv) for lv in sparse)
            if _sparse(complete, pooled, outcome):
                notes.append(f"{var}: {named} joined the reference ({reference})")
            else:
                out[f"{var}[other]"] = pooled.cast(pl.Float64).to_numpy()
                notes.append(f"{var}: {named} pooled as other")
    terms = [c for c in out.columns if c not in frame.columns or c in covariates]
    constant = [c for c in terms if out[c].nunique() < 2]
    return out.drop(columns=constant), dropped, "; ".join(notes)


def _sparse(frame: pl.DataFrame, in_level: pl.Series, outcome: str | None) -> bool:
    rows = int(in_level.sum())
    if rows < MIN_LEVEL_ROWS:
        return True
    return outcome is not None and frame.filter(in_level)[outcome].n_unique() < 2


def cox_tenure(tenure: pl.DataFrame, param: str,
               covariates: Sequence[str] = (*CLIENT_COVARIATES, *JOB_COVARIATES)
               ) -> pl.DataFrame:
    """Cox model of one tenure param's rows (time_days, event, client_id and the covariates).
    TENURE (several jobs per client) gets robust variance clustered by client."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    frame = tenure.select("client_id", "time_days", "event", *covariates)
    data, dropped, pooled = design(frame, covariates, outcome="event")
    clients = data.pop("client_id").to_numpy()
    fitter = CoxPHFitter()  # lifelines handles tied times by Efron's method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # R's coxph converges to ~1e-9 in the log-likelihood; lifelines' default stops earlier
        fitter.fit(data, duration_col="time_days", event_col="event",
                   fit_options={"precision": 1e-12})
        per_term = proportional_hazard_test(fitter, data, time_transform="rank")
    terms = list(fitter.params_.index)
    coef = fitter.params_.to_numpy()
    variance = fitter.variance_matrix_.to_numpy()
    clustered = param == "TENURE"
    if clustered:
        covariate_values = data[terms].to_numpy(dtype=float)
        variance = robust_variance(covariate_values, data["time_days"].to_numpy(dtype=float),
                                   data["event"].to_numpy(dtype=int), coef, variance, clients)
    se = np.sqrt(np.diag(variance))
    z = norm.ppf(0.975)
    return pl.DataFrame({
        "param": param,
        "term": terms,
        "coef": coef,
        "hr": np.exp(coef),
        "ci_lower": np.exp(coef - z * se),
        "ci_upper": np.exp(coef + z * se),
        "p": 2 * norm.sf(np.abs(coef / se)),
        "n": len(data),
        "events": int(data["event"].sum()),
        "ph_test_p": _global_ph_test_p(fitter, data),
        "se": se,
        "variance": "robust_clustered_by_client" if clustered else "model",
        "ph_test_p_term": np.asarray(per_term.p_value, dtype=float),
        "n_excluded": dropped,
        "n_clients": len(set(clients)),
        "pooled_levels": pooled,
    })


def efron_score_residuals(x: np.ndarray, time: np.ndarray, event: np.ndarray,
                          beta: np.ndarray) -> np.ndarray:
    """Score residuals of a Cox model under Efron's ties (survival's ``residuals(fit,
    "score")``): at an event time with d tied events the d steps j = 0..d−1 remove j/d of the
    tied subjects' risk; each tied subject gets (x − x̄_j)/d per step."""
    risk_score = np.exp(x @ beta)
    resid = np.zeros_like(x, dtype=float)
    for t in np.unique(time[event == 1]):
        at_risk = time >= t
        tied = at_risk & (time == t) & (event == 1)
        n_tied = int(tied.sum())
        s0, s1 = risk_score[at_risk].sum(), risk_score[at_risk] @ x[at_risk]
        s0_tied, s1_tied = risk_score[tied].sum(), risk_score[tied] @ x[tied]
        for j in range(n_tied):
            share = j / n_tied
            denominator = s0 - share * s0_tied
            mean = (s1 - share * s1_tied) / denominator
            weight = np.where(tied, 1.0 - share, 1.0) * at_risk * risk_score / denominator
            resid -= weight[:, None] * (x - mean)
            resid[tied] += (x[tied] - mean) / n_tied
    return resid


def robust_variance(x: np.ndarray, time: np.ndarray, event: np.ndarray, beta: np.ndarray,
                    model_variance: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """The sandwich variance clustered by ``cluster``, as survival's coxph(cluster = id): the
    dfbeta residuals (score residuals × model variance) summed per cluster, D'D. lifelines'
    own sandwich uses other residuals under ties and differs from R's, hence this."""
    dfbeta = efron_score_residuals(x, time, event, beta) @ model_variance
    _, index = np.unique(cluster, return_inverse=True)
    summed = np.zeros((index.max() + 1, dfbeta.shape[1]))
    np.add.at(summed, index, dfbeta)
    return summed.T @ summed


def _global_ph_test_p(fitter: object, data: pd.DataFrame) -> float:
    from lifelines.statistics import TimeTransformers

    events = fitter.event_observed
    resid = fitter.compute_residuals(data, kind="schoenfeld").to_numpy()
    g = TimeTransformers().get("rank")(fitter.durations, events, fitter.weights)[events.values]
    g = np.asarray(g, dtype=float) - np.mean(g)
    weighted = g @ resid
    statistic = float(weighted @ fitter.variance_matrix_.to_numpy() @ weighted
                      * events.sum() / np.sum(g ** 2))
    return float(chi2.sf(statistic, resid.shape[1]))


def logit_job_within_12_months(ttfj: pl.DataFrame,
                               covariates: Sequence[str] = CLIENT_COVARIATES) -> pl.DataFrame:
    """Logistic regression of any competitive job within 12 months (a TTFJ event with
    time_days ≤ 365.25) among clients followed for the full 12 months (index + 365.25 ≤
    cut-off, ``followup_days`` ≥ 365.25); odds ratios with Wald 95 % CIs."""
    import statsmodels.api as sm

    eligible = ttfj.filter(pl.col("followup_days") >= LOGIT_WINDOW_DAYS).with_columns(
        job=((pl.col("event") == 1) & (pl.col("time_days") <= LOGIT_WINDOW_DAYS))
        .cast(pl.Float64))
    data, dropped, pooled = design(eligible.select("job", *covariates), covariates,
                                   outcome="job")
    y = data.pop("job")
    x = sm.add_constant(data, has_constant="add").rename(columns={"const": "intercept"})
    fit = sm.GLM(y, x, family=sm.families.Binomial()).fit()
    z = norm.ppf(0.975)
    coef, se = fit.params.to_numpy(), fit.bse.to_numpy()
    return pl.DataFrame({
        "term": list(fit.params.index),
        "coef": coef,
        "or": np.exp(coef),
        "ci_lower": np.exp(coef - z * se),
        "ci_upper": np.exp(coef + z * se),
        "p": fit.pvalues.to_numpy(),
        "n": len(y),
        "events": int(y.sum()),
        "se": se,
        "n_excluded": dropped,
        "converged": bool(fit.converged),
        "pooled_levels": pooled,
    })
