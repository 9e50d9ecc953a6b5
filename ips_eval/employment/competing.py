"""Cohort comparison of time to first job (docs/methods.md §Cohort comparison), ``competing.csv``:

- ``cif_difference``: pilot − RRP cumulative incidence of a first job (Aalen–Johansen) at each
  follow-up horizon (6 and 12 months, and 24 when asked: rows by ``time_days``); its variance
  the sum of the two cohorts' variances (independent cohorts), each the
  infinitesimal-jackknife variance R's survfit gives (``ips_eval.employment.survival``); a
  normal (linear-scale) 95 % CI and the Wald p of the difference.
- ``gray_test``: Gray's (1988) k-sample test of the cumulative incidence of a first job between
  the cohorts, ρ = 0, one stratum — cmprsk's ``cuminc(time, event, cohort)$Tests``, its Fortran
  (``crstm``/``crst``) transcribed below; ``coef`` holds the chi-squared statistic.
- ``cause_specific``: Cox model of a first job, competing exits censored (coxph, Efron ties).
- ``fine_gray``: the subdistribution hazards model (survival::finegray + coxph(weights)); its
  variance is coxph's default under non-integer weights, the robust sandwich over the expanded
  rows (``ips_eval.employment.finegray``).

Both models take the Cox model's client-level covariates, reference levels and sparse-level
rule (``ips_eval.employment.cox.design``, a level pooled when it has under 20 clients or no
first job), so their terms match the tenure model's; ``pooled_levels`` says what was pooled.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.stats import chi2, norm

from ips_eval.employment.cox import CLIENT_COVARIATES, design
from ips_eval.employment.finegray import cox_fit, finegray_rows
from ips_eval.employment.survival import aalen_johansen
from ips_eval.outputs import fit_or_reason, not_fitted, stack_results
from schemas.study import COHORTS
from schemas.windows import HORIZONS_DEFAULT, horizon_days

TIMES_DAYS: tuple[float, ...] = horizon_days()

COMPETING_SCHEMA = {
    "param": pl.String, "model": pl.String, "term": pl.String, "time_days": pl.Float64,
    "coef": pl.Float64, "hr": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64,
    "p": pl.Float64, "n": pl.Int64, "events": pl.Int64, "se": pl.Float64,
    **{f"estimate_{cohort}": pl.Float64 for cohort in COHORTS}, "competing_events": pl.Int64,
    "variance": pl.String, "pooled_levels": pl.String, "n_excluded": pl.Int64,
}


def cif_difference(ttfj: pl.DataFrame, times: Sequence[float] = TIMES_DAYS,
                   level: float = 0.95) -> list[dict]:
    """Rows of the pilot − RRP difference in the AJ cumulative incidence at ``times``."""
    curves = {}
    for cohort in COHORTS:
        rows = ttfj.filter(pl.col("cohort") == cohort)
        curves[cohort] = aalen_johansen(rows["time_days"].to_numpy(), rows["event"].to_numpy())
    z = norm.ppf(1 - (1 - level) / 2)
    out = []
    for t in times:
        (fp, sp), (fr, sr) = (curves[c].value_at(t) for c in COHORTS)
        diff, se = fp - fr, float(np.hypot(sp, sr))
        finite = np.isfinite(diff) and np.isfinite(se) and se > 0
        out.append({
            "param": "TTFJ", "model": "cif_difference", "term": " - ".join(COHORTS),
            "time_days": t, "coef": _f(diff), "se": _f(se),
            "ci_lower": _f(diff - z * se) if finite else None,
            "ci_upper": _f(diff + z * se) if finite else None,
            "p": float(2 * norm.sf(abs(diff / se))) if finite else None,
            "n": ttfj.height, "events": int((ttfj["event"] == 1).sum()),
            "competing_events": int((ttfj["event"] == 2).sum()),
            **{f"estimate_{c}": _f(v) for c, v in zip(COHORTS, (fp, fr), strict=True)},
            "variance": "aalen_johansen_ij_independent_cohorts"})
    return out


def gray_test(time: np.ndarray, event: np.ndarray, group: np.ndarray, cause: int = 1,
              rho: float = 0.0) -> tuple[float, int, float]:
    """(statistic, df, p) of Gray's test that the cumulative incidence of ``cause`` is equal
    across ``group``'s levels (sorted, as R's factor levels): cmprsk's ``crst`` for one stratum.
    Event codes: 0 censored, ``cause``, any other ≥ 1 a competing event."""
    order = np.argsort(np.asarray(time, dtype=float), kind="stable")
    y = np.asarray(time, dtype=float)[order]
    code = np.asarray(event)[order]
    m = np.where(code == 0, 0, np.where(code == cause, 1, 2))
    levels, ig = np.unique(np.asarray(group)[order], return_inverse=True)
    ng = levels.size
    score, var = _crst(y, m, ig, ng, rho)
    if np.linalg.matrix_rank(var) < ng - 1:
        return float("nan"), ng - 1, float("nan")
    stat = float(score @ np.linalg.solve(var, score))
    return stat, ng - 1, float(chi2.sf(stat, ng - 1))


def _crst(y: np.ndarray, m: np.ndarray, ig: np.ndarray, ng: int, rho: float
          ) -> tuple[np.ndarray, np.ndarray]:
    """Score of the first ng − 1 groups and its covariance: cmprsk's Fortran ``crst``, step
    for step (names as there: rs risk sets, skmm/skm left/right-continuous KM, f1m/f1 the
    cumulative incidence per group; fm/f pooled)."""
    ng1 = ng - 1
    rs = np.bincount(ig, minlength=ng).astype(float)
    s, v = np.zeros(ng1), np.zeros((ng1, ng1))
    f1m, f1, skmm, skm = np.zeros(ng), np.zeros(ng), np.ones(ng), np.ones(ng)
    v3, v2, c = np.zeros(ng), np.zeros((ng1, ng)), np.zeros((ng, ng))
    fm = f = 0.0
    times, starts = np.unique(y, return_index=True)
    ends = np.append(starts[1:], y.size)
    for lo, hi in zip(starts, ends, strict=True):
        d = np.zeros((3, ng))
        np.add.at(d, (m[lo:hi], ig[lo:hi]), 1)
        nd1, nd2 = d[1].sum(), d[2].sum()
        if nd1 > 0 or nd2 > 0:
            live = rs > 0
            tr = tq = 0.0
            for i in np.flatnonzero(live):
                skm[i] = skmm[i] * (rs[i] - d[1, i] - d[2, i]) / rs[i]
                f1[i] = f1m[i] + skmm[i] * d[1, i] / rs[i]
                tr += rs[i] / skmm[i]
                tq += rs[i] * (1 - f1m[i]) / skmm[i]
            f = fm + nd1 / tr
            fb = (1 - fm) ** rho
            a = np.zeros((ng, ng))
            for i in np.flatnonzero(live):
                t1 = rs[i] / skmm[i]
                a[i, i] = fb * t1 * (1 - t1 / tr)
                c[i, i] += a[i, i] * nd1 / (tr * (1 - fm))
                for j in range(i + 1, ng):
                    if rs[j] > 0:
                        a[i, j] = -fb * t1 * rs[j] / (skmm[j] * tr)
                        c[i, j] += a[i, j] * nd1 / (tr * (1 - fm))
            for i in range(1, ng):
                for j in range(i):
                    a[i, j], c[i, j] = a[j, i], c[j, i]
            for i in range(ng1):
                if rs[i] > 0:
                    s[i] += fb * (d[1, i] - nd1 * rs[i] * (1 - f1m[i]) / (skmm[i] * tq))
            if nd1 > 0:
                for k in np.flatnonzero(live):
                    t4 = 1 - (1 - f) / skm[k] if skm[k] > 0 else 1.0
                    t5 = 1 - (nd1 - 1) / (tr * skmm[k] - 1) if nd1 > 1 else 1.0
                    t3 = t5 * skmm[k] * nd1 / (tr * rs[k])
                    v3[k] += t4 * t4 * t3
                    t1 = a[:ng1, k] - t4 * c[:ng1, k]
                    v2[:, k] += t1 * t4 * t3
                    v += np.tril(np.outer(t1, t1)) * t3
            if nd2 > 0:
                for k in range(ng):
                    if skm[k] <= 0 or d[2, k] <= 0:
                        continue
                    t4 = (1 - f) / skm[k]
                    t5 = 1 - (d[2, k] - 1) / (rs[k] - 1) if d[2, k] > 1 else 1.0
                    t3 = t5 * skmm[k] ** 2 * d[2, k] / rs[k] ** 2
                    v3[k] += t4 * t4 * t3
                    t1 = t4 * c[:ng1, k]
                    v2[:, k] -= t1 * t4 * t3
                    v += np.tril(np.outer(t1, t1)) * t3
        np.subtract.at(rs, ig[lo:hi], 1)
        fm = f
        f1m, skmm = f1.copy(), skm.copy()
    cc = c[:ng1]
    v += np.tril(cc * v3 @ cc.T + cc @ v2.T + v2 @ cc.T)
    v = np.tril(v) + np.tril(v, -1).T
    return s, v


def competing_models(ttfj: pl.DataFrame, covariates: Sequence[str] = CLIENT_COVARIATES
                     ) -> list[dict]:
    """Rows of the cause-specific and Fine–Gray models of time to first job; ``ttfj`` has
    time_days, event (0/1/2) and the covariates."""
    frame = ttfj.with_columns(job=(pl.col("event") == 1).cast(pl.Int64))
    data, dropped, pooled = design(frame.select("time_days", "event", "job", *covariates),
                                   covariates, outcome="job")
    time = data.pop("time_days").to_numpy(dtype=float)
    event = data.pop("event").to_numpy(dtype=int)
    data.pop("job")
    terms = list(data.columns)
    x = data.to_numpy(dtype=float)
    start = np.full(time.size, 0.0 if time.min() > 0 else 2 * time.min() - 1)
    cs = cox_fit(x, start, time, (event == 1).astype(int))
    fg_rows = finegray_rows(time, event)
    fg = cox_fit(x[fg_rows.row], fg_rows.start, fg_rows.stop, fg_rows.status, fg_rows.weight)
    z = norm.ppf(0.975)
    out = []
    for model, fit, variance, label in (
            ("cause_specific", cs, cs.model_variance, "model"),
            ("fine_gray", fg, fg.robust_variance, "robust_rows_finegray_coxph")):
        se = np.sqrt(np.diag(variance))
        for j, term in enumerate(terms):
            coef = float(fit.coef[j])
            out.append({
                "param": "TTFJ", "model": model, "term": term, "time_days": None,
                "coef": coef, "hr": float(np.exp(coef)), "se": float(se[j]),
                "ci_lower": float(np.exp(coef - z * se[j])),
                "ci_upper": float(np.exp(coef + z * se[j])),
                "p": float(2 * norm.sf(abs(coef / se[j]))), "n": int(time.size),
                "events": int((event == 1).sum()),
                "competing_events": int((event == 2).sum()), "variance": label,
                "pooled_levels": pooled or None, "n_excluded": dropped})
    return out


def competing_table(ttfj: pl.DataFrame,
                    horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> pl.DataFrame:
    """``competing.csv``: the CIF difference at each horizon, Gray's test and the two models
    (module docstring); ``ttfj`` the TTFJ rows with cohort and the client covariates. A part
    the data cannot carry yet (one cohort only, no first jobs) is a ``not_fitted`` row saying
    why."""
    times = horizon_days(horizons)
    n, events = ttfj.height, int((ttfj["event"] == 1).sum())
    cohorts = ttfj["cohort"].n_unique()

    def part(model: str, fit, needs_both_cohorts: bool) -> pl.DataFrame:
        if needs_both_cohorts and n and cohorts < 2:
            return not_fitted({"param": "TTFJ", "model": model}, COMPETING_SCHEMA, "failed",
                              f"one cohort only among {n} observations")
        return fit_or_reason(lambda: pl.DataFrame(fit(), schema=COMPETING_SCHEMA),
                             {"param": "TTFJ", "model": model}, COMPETING_SCHEMA, n, events)

    return stack_results([
        part("cif_difference", lambda: cif_difference(ttfj, times), True),
        part("gray_test", lambda: [_gray_row(ttfj)], True),
        part("cause_specific / fine_gray", lambda: competing_models(ttfj), False)])


def _gray_row(ttfj: pl.DataFrame) -> dict:
    stat, df, p = gray_test(ttfj["time_days"].to_numpy(), ttfj["event"].to_numpy(),
                            ttfj["cohort"].to_numpy())
    return {"param": "TTFJ", "model": "gray_test", "term": "cohort", "coef": _f(stat),
            "p": _f(p), "n": ttfj.height, "events": int((ttfj["event"] == 1).sum()),
            "competing_events": int((ttfj["event"] == 2).sum()),
            "variance": f"chi-squared, {df} df"}


def _f(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)
