"""Cox regression for time to first job under competing exits, as R's survival package fits it:
the cause-specific model (``coxph(Surv(time, event == 1) ~ …)``) and the Fine–Gray
subdistribution model (``finegray(Surv(time, factor(event)) ~ ., etype = 1)`` then
``coxph(Surv(fgstart, fgstop, fgstatus) ~ …, weights = fgwt)``).

Both are fitted here by one weighted counting-process Cox likelihood with Efron's ties, the
same arithmetic as survival's ``agfit4``: at an event time with d tied events of total weight
W, the k-th of the d steps removes k/d of the tied events' weighted risk and adds W/d to the
log-likelihood's denominator term. Newton–Raphson from β = 0 with step halving, to a change in
the log-likelihood below 1e-12 (R stops at 1e-9; further does not move the estimates beyond
1e-10).

``finegray_rows`` is survival 3.x's expansion, row for row (``finegray.R`` and its C helper),
because coxph's default variance under non-integer weights is the robust sandwich summed over
the expanded *rows* (no cluster term), so the rows themselves must be R's: a subject with a
competing exit keeps weight 1 to the end of the censoring interval it exited in, then gets one
row per later censoring interval that contains an event of interest, weighted G(start of
interval)/G(its exit), G the Kaplan–Meier of censoring in which an event precedes a censoring
at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CoxFit:
    coef: np.ndarray
    model_variance: np.ndarray  # inverse information
    robust_variance: np.ndarray  # the row-wise sandwich (dfbeta'dfbeta), as coxph(weights=…)
    loglik: float
    iterations: int


@dataclass(frozen=True)
class CountingRows:
    """(start, stop] rows of a counting-process data set; ``row`` = the subject's index."""

    row: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    status: np.ndarray
    weight: np.ndarray


def finegray_rows(time: np.ndarray, event: np.ndarray, cause: int = 1) -> CountingRows:
    """The rows of ``survival::finegray(Surv(time, factor(event)) ~ ., etype = cause)`` for
    right-censored data: event codes 0 censored, ``cause`` the event of interest, any other
    code ≥ 1 a competing event."""
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    low = time.min()
    zero = 0.0 if low > 0 else 2 * low - 1  # finegray's start for right-censored data
    # censoring KM on R's index scale, where an event at time index k sits at k − 0.2, i.e.
    # before a censoring at the same time
    utime = np.unique(np.concatenate([[zero], time]))
    index = np.searchsorted(utime, time).astype(float) + 1.0
    index[event != 0] -= 0.2
    censor_times = np.unique(index[event == 0])
    surv, cprob = 1.0, []
    for c in censor_times:
        at_risk = int((index >= c).sum())
        surv *= 1.0 - (index[event == 0] == c).sum() / at_risk
        cprob.append(surv)
    ctime = np.append(utime[censor_times.astype(int) - 1], time.max())
    cp = np.concatenate([[1.0], cprob])
    event_times = np.unique(time[event == cause])
    # an interval (ctime[j−1], ctime[j]] is kept when an event of interest lies in it
    interval = np.searchsorted(ctime, event_times, side="left")
    keep = np.zeros(ctime.size, dtype=bool)
    keep[np.unique(interval)] = True
    rows, starts, stops, status, weights = [], [], [], [], []
    for i in range(time.size):
        rows.append(i)
        starts.append(zero)
        status.append(1 if event[i] == cause else 0)
        weights.append(1.0)
        if event[i] == 0 or event[i] == cause:
            stops.append(time[i])
            continue
        j = int(np.searchsorted(ctime, time[i], side="left"))
        stops.append(ctime[j])
        at_exit = cp[j]
        for k in range(j + 1, ctime.size):
            if keep[k]:
                rows.append(i)
                starts.append(ctime[k - 1])
                stops.append(ctime[k])
                status.append(0)
                weights.append(cp[k] / at_exit)
    return CountingRows(np.array(rows), np.array(starts), np.array(stops),
                        np.array(status, dtype=int), np.array(weights))


def cox_fit(x: np.ndarray, start: np.ndarray, stop: np.ndarray, status: np.ndarray,
            weight: np.ndarray | None = None, tol: float = 1e-12, max_iter: int = 50
            ) -> CoxFit:
    """Weighted counting-process Cox model, Efron ties, as survival's coxph (see the module
    docstring)."""
    x = np.asarray(x, dtype=float)
    weight = np.ones(len(stop)) if weight is None else np.asarray(weight, dtype=float)
    risk_sets = _risk_sets(start, stop, status)
    beta = np.zeros(x.shape[1])
    loglik, score, info = _efron(x, weight, risk_sets, beta)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        step = np.linalg.solve(info, score)
        candidate = beta + step
        new_loglik, new_score, new_info = _efron(x, weight, risk_sets, candidate)
        while not np.isfinite(new_loglik) or new_loglik < loglik - 1e-10 * abs(loglik):
            step /= 2  # R halves the step when the likelihood gets worse
            candidate = beta + step
            new_loglik, new_score, new_info = _efron(x, weight, risk_sets, candidate)
        done = abs(new_loglik - loglik) <= tol * max(1.0, abs(loglik))
        beta, loglik, score, info = candidate, new_loglik, new_score, new_info
        if done:
            break
    variance = np.linalg.inv(info)
    dfbeta = (_score_residuals(x, weight, risk_sets, beta, len(stop)) @ variance)
    dfbeta *= weight[:, None]
    return CoxFit(beta, variance, dfbeta.T @ dfbeta, float(loglik), iterations)


def _risk_sets(start: np.ndarray, stop: np.ndarray, status: np.ndarray
               ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows at risk, rows with the event) at each distinct event time: start < t ≤ stop."""
    start, stop = np.asarray(start, dtype=float), np.asarray(stop, dtype=float)
    status = np.asarray(status, dtype=int)
    sets = []
    for t in np.unique(stop[status == 1]):
        at_risk = np.flatnonzero((start < t) & (stop >= t))
        tied = at_risk[(stop[at_risk] == t) & (status[at_risk] == 1)]
        sets.append((at_risk, tied))
    return sets


def _efron(x: np.ndarray, weight: np.ndarray, risk_sets: list, beta: np.ndarray
           ) -> tuple[float, np.ndarray, np.ndarray]:
    """Log partial likelihood, score and information under Efron's ties (agfit4's sums)."""
    p = x.shape[1]
    eta = x @ beta
    risk = weight * np.exp(eta)
    loglik, score, info = 0.0, np.zeros(p), np.zeros((p, p))
    for at_risk, tied in risk_sets:
        xr, rr = x[at_risk], risk[at_risk]
        s0, s1, s2 = rr.sum(), rr @ xr, (xr * rr[:, None]).T @ xr
        xt, rt = x[tied], risk[tied]
        e0, e1, e2 = rt.sum(), rt @ xt, (xt * rt[:, None]).T @ xt
        d = tied.size
        mean_weight = weight[tied].sum() / d
        loglik += weight[tied] @ eta[tied]
        score += weight[tied] @ xt
        for k in range(d):
            share = k / d
            a0, a1, a2 = s0 - share * e0, s1 - share * e1, s2 - share * e2
            mean = a1 / a0
            loglik -= mean_weight * np.log(a0)
            score -= mean_weight * mean
            info += mean_weight * (a2 / a0 - np.outer(mean, mean))
    return float(loglik), score, info


def _score_residuals(x: np.ndarray, weight: np.ndarray, risk_sets: list, beta: np.ndarray,
                     n_rows: int) -> np.ndarray:
    """Per-row score residuals under Efron's ties (survival's agscore3), unweighted: the
    robust variance multiplies them by the row weights."""
    risk_score = np.exp(x @ beta)
    risk = weight * risk_score
    resid = np.zeros((n_rows, x.shape[1]))
    for at_risk, tied in risk_sets:
        xr, rr = x[at_risk], risk[at_risk]
        s0, s1 = rr.sum(), rr @ xr
        e0, e1 = risk[tied].sum(), risk[tied] @ x[tied]
        d = tied.size
        mean_weight = weight[tied].sum() / d
        is_tied = np.isin(at_risk, tied)
        for k in range(d):
            share = k / d
            a0 = s0 - share * e0
            mean = (s1 - share * e1) / a0
            hazard = mean_weight / a0
            scale = np.where(is_tied, 1.0 - share, 1.0) * risk_score[at_risk] * hazard
            resid[at_risk] -= scale[:, None] * (xr - mean)
            resid[tied] += (x[tied] - mean) / d
    return resid
