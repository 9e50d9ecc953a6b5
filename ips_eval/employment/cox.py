"""Regression models of employment: the Cox model of job tenure (lifelines CoxPHFitter, Efron
ties) with the Schoenfeld proportional-hazards test, and the logistic model of any competitive
job within 12 months (statsmodels GLM Binomial) — and within each longer horizon asked
(``--horizons 6,12,24``; docs/methods.md §Windows and cut-offs, "Longer follow-up").

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

PH test (Grambsch & Therneau, Schoenfeld residuals against rank-transformed time): the global
p (``ph_test_p``) and each column's p (``ph_test_p_term``) are the exact score test of survival
3.x ``cox.zph(fit, transform = "rank", terms = FALSE)`` — the score for adding x·g(t) to the
model at the fitted β, against the full information matrix under Efron's ties, g the rank of the
time among all observations — implemented in ``cox_zph`` and checked against R. ``ph_test_p_km``
is the same global test with R's default ``transform = "km"`` (g = 1 − the KM of all
observations just before t), shown beside it. lifelines'
``proportional_hazard_test`` (the pre-3.0 approximation, per term only, no global test) is kept
beside it as ``ph_test_p_term_lifelines``; the two differ slightly.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import polars as pl
from scipy.stats import chi2, norm

from ips_eval.employment.derive import first_job_within, followed_for
from schemas.study import PILOT
from schemas.windows import HORIZONS_DEFAULT, summary_horizons, window_days

REFERENCE: dict[str, object] = {"cohort": PILOT, "sex": "female", "dx_group": "psychotic",
                                "work_history": 0}
CLIENT_COVARIATES = ("cohort", "age", "sex", "dx_group", "work_history")
JOB_COVARIATES = ("hours_week", "pay_subsidy")


MIN_LEVEL_ROWS = 20


def design(frame: pl.DataFrame, covariates: Sequence[str], outcome: str | None = None,
           references: Mapping[str, object] = REFERENCE) -> tuple[pd.DataFrame, int, str]:
    """Complete cases of ``frame`` as a numeric design (dummies named ``var[level]``), the
    number of rows dropped for a missing covariate, and a note of pooled levels. Other columns
    of ``frame`` are kept. A covariate named in ``references`` is categorical, coded against
    that level.

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
        if var not in references:
            out[var] = values.cast(pl.Float64).to_numpy()
            continue
        reference = references[var]
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
    zph_args = (data[terms].to_numpy(dtype=float), data["time_days"].to_numpy(dtype=float),
                data["event"].to_numpy(dtype=int), coef)
    zph_global, zph_terms = cox_zph(*zph_args)
    zph_km, _ = cox_zph(*zph_args, transform="km")
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
        "ph_test_p": zph_global,
        "ph_test_p_km": zph_km,
        "se": se,
        "variance": "robust_clustered_by_client" if clustered else "model",
        "ph_test_p_term": zph_terms,
        "ph_test_p_term_lifelines": np.asarray(per_term.p_value, dtype=float),
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


def cox_zph(x: np.ndarray, time: np.ndarray, event: np.ndarray, beta: np.ndarray,
            transform: str = "rank") -> tuple[float, np.ndarray]:
    """(global p, per-column p) of the proportional-hazards score test as survival 3.x's
    ``cox.zph(fit, transform = transform, terms = FALSE)``: with g = rank(time) over all
    observations (average ties; ``"rank"``) or g = 1 − S(t−), S the Kaplan–Meier of all
    observations (``"km"``), the score of the model with covariates [x, x·g(t)] at (β, 0)
    and its information under Efron's ties; statistic u' I⁻¹ u, chi-squared on p df (global)
    or on 1 df with [all of β, one γ_j] (per column)."""
    p = x.shape[1]
    g_of = dict(zip(time, _time_transform(time, event, transform), strict=True))
    risk_score = np.exp(x @ beta)
    score = np.zeros(2 * p)
    info = np.zeros((2 * p, 2 * p))
    for t in np.unique(time[event == 1]):
        at_risk = time >= t
        tied = at_risk & (time == t) & (event == 1)
        n_tied = int(tied.sum())
        weighted = x[at_risk] * risk_score[at_risk, None]
        s0, s1, s2 = risk_score[at_risk].sum(), weighted.sum(0), weighted.T @ x[at_risk]
        tied_w = x[tied] * risk_score[tied, None]
        d0, d1, d2 = risk_score[tied].sum(), tied_w.sum(0), tied_w.T @ x[tied]
        u, v = x[tied].sum(0), np.zeros((p, p))
        for j in range(n_tied):  # Efron: the j-th of the tied events sees j/d of them gone
            share = j / n_tied
            a0, a1, a2 = s0 - share * d0, s1 - share * d1, s2 - share * d2
            mean = a1 / a0
            u = u - mean
            v += a2 / a0 - np.outer(mean, mean)
        g = g_of[t]
        score[:p] += u
        score[p:] += g * u
        info[:p, :p] += v
        info[:p, p:] += g * v
        info[p:, :p] += g * v
        info[p:, p:] += g * g * v
    statistic = float(score @ np.linalg.solve(info, score))
    per_column = []
    for j in range(p):
        idx = [*range(p), p + j]
        part = score[idx]
        per_column.append(float(part @ np.linalg.solve(info[np.ix_(idx, idx)], part)))
    return float(chi2.sf(statistic, p)), chi2.sf(np.array(per_column), 1)


def _time_transform(time: np.ndarray, event: np.ndarray, transform: str) -> np.ndarray:
    """cox.zph's g(t) per observation: ``rank`` or ``km`` (R's left-continuous 1 − KM)."""
    from scipy.stats import rankdata

    if transform == "rank":
        return rankdata(time)
    if transform != "km":
        raise ValueError(f"unknown transform {transform!r}")
    times, inverse = np.unique(time, return_inverse=True)
    leaving = np.bincount(inverse, minlength=times.size)
    at_risk = time.size - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    deaths = np.bincount(inverse, weights=(event == 1), minlength=times.size)
    before = np.concatenate([[1.0], np.cumprod(1.0 - deaths / at_risk)[:-1]])
    return 1.0 - before[inverse]


LOGIT_TOL = 1e-12  # IRLS run to convergence: R's glm(..., control = glm.control(epsilon = 1e-14))


def fit_logit(y, x):
    """Logistic regression by IRLS run to convergence (deviance change < ``LOGIT_TOL``), so the
    coefficients, SEs and p-values are the maximum-likelihood ones R's ``glm(family =
    binomial)`` reaches — statsmodels' default tolerance can stop one iteration early, and the
    SEs come from the last iteration's weights, so they differ by up to ~1e-5 (relative)."""
    import statsmodels.api as sm

    return sm.GLM(y, x, family=sm.families.Binomial()).fit(tol=LOGIT_TOL, maxiter=100)


def logit_job_within(ttfj: pl.DataFrame, months: int,
                     covariates: Sequence[str] = CLIENT_COVARIATES) -> pl.DataFrame:
    """Logistic regression of any competitive job within ``months`` months
    (:func:`~ips_eval.employment.derive.first_job_within`) among clients followed for the full
    window (:func:`~ips_eval.employment.derive.followed_for`); odds ratios with Wald 95 %
    CIs."""
    import statsmodels.api as sm

    days = window_days(months)
    eligible = ttfj.filter(followed_for(days)).with_columns(
        job=first_job_within(days).cast(pl.Float64))
    data, dropped, pooled = design(eligible.select("job", *covariates), covariates,
                                   outcome="job")
    y = data.pop("job")
    x = sm.add_constant(data, has_constant="add").rename(columns={"const": "intercept"})
    fit = fit_logit(y, x)
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


COX_COLUMNS = ("param", "term", "coef", "hr", "ci_lower", "ci_upper", "p", "n", "events",
               "ph_test_p")
LOGIT_COLUMNS = ("term", "coef", "or", "ci_lower", "ci_upper", "p", "n", "events")
TENURE_PARAMS = ("TENURE1_REG", "TENURE1", "TENURE")


def cox_table(tenure: pl.DataFrame) -> pl.DataFrame:
    """``cox.csv``: the Cox model of each tenure param (``TENURE_PARAMS``) — or, when its rows
    cannot carry one (none, no events, no variation, a perfect fit), a ``not_fitted`` row."""
    from ips_eval.outputs import fit_or_reason, stack_results

    fits = []
    for param in TENURE_PARAMS:
        rows = tenure.filter(pl.col("param") == param)
        fits.append(fit_or_reason(lambda rows=rows, param=param: cox_tenure(rows, param),
                                  {"param": param}, COX_COLUMNS, rows.height,
                                  int(rows["event"].sum()) if rows.height else 0))
    return stack_results(fits)


def logit_table(ttfj: pl.DataFrame,
                horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> pl.DataFrame:
    """``logit.csv``: :func:`logit_job_within` 12 months, or a ``not_fitted`` row. When a
    longer horizon is asked (``schemas.windows.summary_horizons``: 12 and 24 for
    ``--horizons 6,12,24``), the model at each, a first column ``window_months`` saying which;
    the default run's file keeps its contracted columns."""
    from ips_eval.outputs import stack_results

    months = summary_horizons(horizons)
    if len(months) == 1:
        return _logit_or_reason(ttfj, months[0], {})
    fits = [_logit_or_reason(ttfj, m, {"window_months": m}) for m in months]
    table = stack_results([f.with_columns(window_months=pl.lit(m, pl.Int64))
                           for f, m in zip(fits, months, strict=True)])
    return table.select("window_months", pl.exclude("window_months"))


def _logit_or_reason(ttfj: pl.DataFrame, months: int, keys: dict) -> pl.DataFrame:
    from ips_eval.outputs import fit_or_reason

    days = window_days(months)
    eligible = ttfj.filter(followed_for(days))
    events = int(eligible.select(first_job_within(days).sum()).item() or 0)
    return fit_or_reason(lambda: logit_job_within(ttfj, months), keys, LOGIT_COLUMNS,
                         eligible.height, events)
