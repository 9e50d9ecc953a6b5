"""Exact product-limit estimators over (time, event) arrays, in numpy: Kaplan–Meier survival and
Aalen–Johansen cumulative incidence with competing events — the numbers R's ``survival::survfit``
gives, tied times included (lifelines' AalenJohansenFitter breaks ties by jittering; we don't).

Variances, as R's survfit computes them (checked against survival 3.5 in tests):
- Kaplan–Meier: Greenwood, ``se(log S(t)) = sqrt(sum d / (n (n − d)))``.
- Aalen–Johansen: the infinitesimal-jackknife (IJ) variance R uses for every multi-state curve
  — the sum over subjects of the squared influence of each subject on the estimate, the
  influences carried through the product-integral — not the Aalen/Greenwood-type delta-method
  formula. Without ties, clustering or weights the two agree to first order.
Confidence intervals: log-log, ``p^exp(±z se(log p) / log p)``, as ``conf.type = "log-log"``
applied to S(t) for KM and to the cumulative incidence F(t) for AJ (R applies the transform to
the state probability it reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import norm

Kind = Literal["survival", "cumulative_incidence"]
_TOL = 1.4901161193847656e-08  # sqrt(machine epsilon), R's tolerance in quantile.survfit


@dataclass(frozen=True)
class StepCurve:
    """A right-continuous step estimate at the distinct observed times (events or censorings).

    ``estimate[j]``/``se[j]`` hold just after ``time[j]``; ``n_at_risk[j]`` = subjects with time
    ≥ time[j]; ``n_event[j]`` = events of the cause of interest at time[j]; ``n_event_any[j]`` =
    events of any cause (what the KM Greenwood and the RMST variance need)."""

    kind: Kind
    time: np.ndarray
    n_at_risk: np.ndarray
    n_event: np.ndarray
    n_event_any: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    n: int

    @property
    def start(self) -> float:
        return 1.0 if self.kind == "survival" else 0.0

    def value_at(self, t: float) -> tuple[float, float]:
        """(estimate, se) at time t; NaN past the last observed time unless the curve has
        already reached its end state (S = 0, or nobody left in the initial state)."""
        j = int(np.searchsorted(self.time, t, side="right")) - 1
        if j < 0:
            return self.start, 0.0
        if t > self.time[-1] and not self._finished:
            return float("nan"), float("nan")
        return float(self.estimate[j]), float(self.se[j])

    @property
    def _finished(self) -> bool:
        """Whether nobody is left in the initial state (the estimate is then final)."""
        return bool(self.n_at_risk.size) and self.n_at_risk[-1] == self.n_event_any[-1]


def _validated(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    if time.shape != event.shape or time.ndim != 1:
        raise ValueError("time and event must be 1-d arrays of equal length")
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("times must be non-missing and ≥ 0")
    if (event < 0).any():
        raise ValueError("event codes must be 0 (censored) or a cause ≥ 1")
    return time, event


def _risk_table(time: np.ndarray, event: np.ndarray, cause: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times, number at risk, events of `cause` and events of any cause at each."""
    times, inverse = np.unique(time, return_inverse=True)
    leaving = np.bincount(inverse, minlength=times.size)
    n_at_risk = time.size - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    d_cause = np.bincount(inverse, weights=(event == cause), minlength=times.size)
    d_any = np.bincount(inverse, weights=(event > 0), minlength=times.size)
    return times, n_at_risk.astype(float), d_cause, d_any


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> StepCurve:
    """Kaplan–Meier survival with Greenwood standard errors. ``event`` 1 = event, 0 = censored
    (any other cause code is an error: say explicitly how competing events are treated)."""
    time, event = _validated(time, event)
    if (event > 1).any():
        raise ValueError("kaplan_meier takes events 0/1; recode competing events first")
    times, n, d, _ = _risk_table(time, event, cause=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - d / n)
        greenwood = np.cumsum(np.where(n > d, d / (n * (n - d)), 0.0))
    se = surv * np.sqrt(greenwood)
    return StepCurve("survival", times, n, d, d, surv, se, time.size)


def aalen_johansen(time: np.ndarray, event: np.ndarray, cause: int = 1) -> StepCurve:
    """Aalen–Johansen cumulative incidence of ``cause`` with competing causes (event codes ≥ 1
    other than ``cause``) and censoring (0); infinitesimal-jackknife standard errors as R's
    survfit. Memory O(n): the influences are carried forward one distinct time at a time."""
    time, event = _validated(time, event)
    times, n, d_cause, d_any = _risk_table(time, event, cause)
    order = np.argsort(time, kind="stable")
    t_sorted, e_sorted = time[order], event[order]
    bounds = np.searchsorted(t_sorted, times, side="left")
    ends = np.searchsorted(t_sorted, times, side="right")

    surv, cif = 1.0, 0.0
    infl_surv = np.zeros(time.size)  # influence of each subject (sorted order) on S(t−)
    infl_cif = np.zeros(time.size)
    estimate, se = np.empty(times.size), np.empty(times.size)
    for j in range(times.size):
        at_risk = slice(bounds[j], None)
        here = slice(bounds[j], ends[j])
        h_any, h_cause = d_any[j] / n[j], d_cause[j] / n[j]
        # dA/dw_i = (dN_i − Y_i h) / n for every subject i at risk (Y_i = 1)
        dn_any = np.zeros(time.size)
        dn_cause = np.zeros(time.size)
        dn_any[here] = e_sorted[here] > 0
        dn_cause[here] = e_sorted[here] == cause
        grad_cause = np.zeros(time.size)
        grad_any = np.zeros(time.size)
        grad_cause[at_risk] = (dn_cause[at_risk] - h_cause) / n[j]
        grad_any[at_risk] = (dn_any[at_risk] - h_any) / n[j]
        infl_cif = infl_cif + infl_surv * h_cause + surv * grad_cause
        infl_surv = infl_surv * (1.0 - h_any) - surv * grad_any
        cif += surv * h_cause
        surv *= 1.0 - h_any
        estimate[j] = cif
        se[j] = np.sqrt(np.sum(infl_cif ** 2))
    return StepCurve("cumulative_incidence", times, n, d_cause, d_any, estimate, se, time.size)


def loglog_ci(estimate: float, se: float, level: float = 0.95) -> tuple[float, float]:
    """Log-log confidence interval of a probability p with standard error se(p):
    ``exp(−exp(log(−log p) ± z se(p) / (p |log p|)))``. At p = 0 or 1 there is no interval
    (NaN, as R's survfit gives NA): log(−log p) is undefined there, and a curve that reaches 0
    with one person at risk must not get a zero-width interval that one event sets."""
    if not np.isfinite(estimate) or estimate <= 0.0 or estimate >= 1.0:
        return float("nan"), float("nan")
    if se == 0.0:
        return float(estimate), float(estimate)
    z = norm.ppf(1.0 - (1.0 - level) / 2.0)
    log_p = np.log(estimate)
    theta = np.log(-log_p)
    half = z * (se / estimate) / abs(log_p)
    return float(np.exp(-np.exp(theta + half))), float(np.exp(-np.exp(theta - half)))


@dataclass(frozen=True)
class PointEstimate:
    time: float
    n_at_risk: int  # subjects with time ≥ t
    n_events: int  # events of the cause of interest with time ≤ t (cumulative)
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float


def estimate_at(curve: StepCurve, t: float, level: float = 0.95) -> PointEstimate:
    """The curve at time t (e.g. 6 months in days) with its log-log CI."""
    estimate, se = curve.value_at(t)
    if curve.time.size == 0 or t < curve.time[0]:
        lower = upper = estimate  # before the first time: the start, as R's summary.survfit
    else:
        lower, upper = loglog_ci(estimate, se, level)
    after = np.searchsorted(curve.time, t, side="left")
    at_risk = int(curve.n_at_risk[after]) if after < curve.time.size else 0
    events = int(curve.n_event[curve.time <= t].sum())
    return PointEstimate(t, at_risk, events, estimate, se, lower, upper)


def _first_crossing(times: np.ndarray, values: np.ndarray, p: float, falling: bool) -> float:
    """R's quantile rule: the first time the curve reaches p; when it sits exactly on p over
    an interval, the midpoint of that interval."""
    v = values if falling else 1.0 - values
    target = p if falling else 1.0 - p
    reached = np.flatnonzero(v <= target + _TOL)
    if reached.size == 0:
        return float("nan")
    j = reached[0]
    if abs(v[j] - target) < _TOL:
        below = np.flatnonzero(v < target - _TOL)
        if below.size:
            return float((times[j] + times[below[0]]) / 2.0)
    return float(times[j])


def median_time(curve: StepCurve, level: float = 0.95) -> tuple[float, float, float]:
    """(median, lower, upper): for survival the first time S ≤ 0.5, for a cumulative incidence
    the first time F ≥ 0.5; the CI from where the pointwise log-log bands cross 0.5
    (Brookmeyer–Crowley style, as R's quantile.survfit). NaN where not reached."""
    bands = np.array([loglog_ci(e, s, level) for e, s in zip(curve.estimate, curve.se,
                                                              strict=True)])
    falling = curve.kind == "survival"
    median = _first_crossing(curve.time, curve.estimate, 0.5, falling)
    if bands.size == 0:
        return median, float("nan"), float("nan")
    # the earliest crossing comes from the band nearer the end state
    early_band, late_band = (bands[:, 0], bands[:, 1]) if falling else (bands[:, 1], bands[:, 0])
    return (median, _first_crossing(curve.time, early_band, 0.5, falling),
            _first_crossing(curve.time, late_band, 0.5, falling))


def restricted_mean(curve: StepCurve, tau: float, level: float = 0.95
                    ) -> tuple[float, float, float, float]:
    """(rmst, se, lower, upper): the area under the KM curve from 0 to tau, with R's survmean
    variance ``sum_j A_j² d_j / (n_j (n_j − d_j))`` over event times ≤ tau, A_j the area from
    t_j to tau; a normal CI."""
    if curve.kind != "survival":
        raise ValueError("restricted_mean needs a survival curve")
    keep = curve.time <= tau
    t, s = curve.time[keep], curve.estimate[keep]
    d, n = curve.n_event_any[keep], curve.n_at_risk[keep]
    edges = np.concatenate([[0.0], t, [tau]])
    heights = np.concatenate([[1.0], s])
    areas = heights * np.diff(edges)
    rmst = float(areas.sum())
    area_after = np.cumsum(areas[::-1])[::-1][1:]  # ∫ from t_j to tau
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where((d > 0) & (n > d), area_after ** 2 * d / (n * (n - d)), 0.0)
    se = float(np.sqrt(terms.sum()))
    z = norm.ppf(1.0 - (1.0 - level) / 2.0)
    return rmst, se, rmst - z * se, rmst + z * se
