"""Linear mixed models of the scores over all waves (docs/methods.md §Mixed models): clients with
missing waves still count, through a random intercept per client. Two models per instrument
(``model``):

- ``primary``: score ~ wave6 + wave12 + rrp + wave6:rrp + wave12:rrp + age + female
  + work_history + (1 | client) — the wave terms are the total change from baseline (pilots),
  ``wave:rrp`` how much more the RRP clients changed;
- ``secondary``: the same + ``employed``, time-varying: in a competitive job on the answer's
  date (analysis.score_panel.employed_at_answer). Employment comes after baseline (a mediator),
  so it stays out of the primary model.

wave is categorical (T0 the reference), every scored wave of every client is used; ``rrp`` =
the RRP cohort (reference: pilots); baseline covariates ``age`` (years at index), ``female``,
``work_history`` (0 never worked … 3 within the last year, linear). Complete cases on the
covariates. A term that cannot be estimated (e.g. no RRP client answered at 12 months) is
dropped before fitting and named in ``dropped_terms``.

Fit: REML as lme4's ``lmer`` computes it, exactly for this one-variance-component model. With
θ = σ_client / σ, V = σ²(I + θ² ZZ′) and per client Vᵢ⁻¹ = (I − cᵢ11′)/σ², cᵢ = θ²/(1 + nᵢθ²),
the profiled REML criterion is Σ log(1 + nᵢθ²) + log det(X′V̄⁻¹X) + (n − p)(1 + log(2π r²/(n − p)))
with r² the generalised residual sum of squares. Its derivative in θ² is closed-form, and the
optimum is its root, found by bracketing on a grid and Brent's method to machine precision (a
general optimiser stops at ~1e-6, which is why the statsmodels fit differed from lme4 there).
Fixed-effect standard errors: σ̂² (X′V̄⁻¹X)⁻¹ at the REML estimates — lme4's ``vcov``, SAS's and
Stata's — Wald (normal) CIs and p. When the optimum is θ = 0 (no between-client variance) the
fit is singular and ``warnings`` says so; otherwise ``warnings`` is empty.
Variance components are rows ``var(client)`` and ``var(residual)`` (no CI or p).

A model the data cannot support is one row, term ``(not fitted)``, ``converged`` false and the
reason in ``warnings`` — never an exception: fewer than 2 clients, no more answers than
estimable terms, no variation in the score, or a perfect fit (the residual sum of squares is 0,
so σ² and the REML profile are undefined, as with barely more answers than terms).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from scipy.optimize import brentq
from scipy.stats import norm

from schemas.instruments import INSTRUMENTS
from schemas.study import RRP

COVARIATES = ("age", "female", "work_history")
PRIMARY_TERMS = ("intercept", "wave6", "wave12", RRP, f"wave6:{RRP}", f"wave12:{RRP}",
                 *COVARIATES)
MODELS: dict[str, tuple[str, ...]] = {
    "primary": PRIMARY_TERMS,
    "secondary": (*PRIMARY_TERMS, "employed"),
}
TERMS = MODELS["secondary"]
OPTIMIZER = "profiled REML, Brent root of the derivative in θ²"
SINGULAR = "boundary (singular) fit: the client variance is estimated as 0"
_GRID = np.concatenate([[0.0], np.logspace(-8, 4, 97)])  # candidate θ² brackets

MIXED_SCHEMA = {
    "instrument": pl.String, "model": pl.String, "term": pl.String, "estimate": pl.Float64,
    "se": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64, "p": pl.Float64,
    "n_clients": pl.Int64, "n_obs": pl.Int64, "converged": pl.Boolean, "optimizer": pl.String,
    "method": pl.String, "dropped_terms": pl.String, "warnings": pl.String,
    "reml_criterion": pl.Float64,
}


def model_data(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every scored client × wave × instrument with the models' variables."""
    return con.sql(
        "SELECT instrument, client_id, wave, score, cohort, employed_at_answer AS employed, "
        "age, sex, work_history FROM analysis.score_panel "
        "ORDER BY instrument, client_id, wave").pl()


def design(df: pl.DataFrame) -> pd.DataFrame:
    """The models' columns (``TERMS``), complete cases on the covariates."""
    d = df.filter(pl.col("age").is_not_null() & pl.col("sex").is_not_null()
                  & pl.col("work_history").is_not_null())
    d = d.with_columns(
        intercept=pl.lit(1.0),
        wave6=(pl.col("wave") == 6).cast(pl.Float64),
        wave12=(pl.col("wave") == 12).cast(pl.Float64),
        **{RRP: (pl.col("cohort") == RRP).cast(pl.Float64)},
        employed=pl.col("employed").cast(pl.Float64),
        female=(pl.col("sex") == "female").cast(pl.Float64),
        age=pl.col("age").cast(pl.Float64),
        work_history=pl.col("work_history").cast(pl.Float64),
    )
    for term in TERMS:
        if ":" in term:
            a, b = term.split(":")
            d = d.with_columns((pl.col(a) * pl.col(b)).alias(term))
    return d.select("client_id", "score", *TERMS).sort("client_id", "wave6", "wave12").to_pandas()


def estimable_terms(x: pd.DataFrame, terms: tuple[str, ...] = TERMS
                    ) -> tuple[list[str], list[str]]:
    """Keep terms in order while each adds to the design's rank; the rest are not estimable."""
    kept: list[str] = []
    dropped: list[str] = []
    for term in terms:
        trial = x[[*kept, term]].to_numpy()
        if np.linalg.matrix_rank(trial) == len(kept) + 1:
            kept.append(term)
        else:
            dropped.append(term)
    return kept, dropped


class NotEstimable(ArithmeticError):
    """The data cannot support the model; the message is the reason (one line)."""


@dataclass(frozen=True)
class RemlFit:
    beta: np.ndarray
    vcov: np.ndarray
    sigma2: float  # residual variance
    tau2: float  # random-intercept variance
    criterion: float  # lme4's REML criterion (−2 × restricted log-likelihood)
    singular: bool


class _Profile:
    """The REML criterion of a random-intercept model and its derivative, as functions of
    λ = θ², from per-client sums (module docstring)."""

    def __init__(self, y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> None:
        _, index = np.unique(groups, return_inverse=True)
        k = index.max() + 1
        self.n_i = np.bincount(index, minlength=k).astype(float)
        self.sx = np.zeros((k, x.shape[1]))
        np.add.at(self.sx, index, x)
        self.sy = np.bincount(index, weights=y, minlength=k)
        self.xx, self.xy, self.yy = x.T @ x, x.T @ y, float(y @ y)
        self.n, self.p = y.size, x.shape[1]
        # r² at or below rounding of Σ(y − ȳ)² is a perfect fit, not a residual
        self.zero = 1e-12 * max(float(((y - y.mean()) ** 2).sum()), float(np.finfo(float).tiny))

    def solve(self, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(c_i, A = X′V̄⁻¹X, β̂, r²) at λ."""
        c = lam / (1.0 + self.n_i * lam)
        a = self.xx - (self.sx * c[:, None]).T @ self.sx
        b = self.xy - (self.sx * c[:, None]).T @ self.sy
        beta = np.linalg.solve(a, b)
        r2 = self.yy - float(self.sy ** 2 @ c) - float(b @ beta)
        if not r2 > self.zero:  # a perfect fit: (n − p)·log r² and its derivative undefined
            raise NotEstimable(f"perfect fit: the residual sum of squares is 0 "
                               f"({self.n} answers, {self.p} terms)")
        return c, a, beta, r2

    def criterion(self, lam: float) -> float:
        _, a, _, r2 = self.solve(lam)
        dof = self.n - self.p
        return float(np.log1p(self.n_i * lam).sum() + np.linalg.slogdet(a)[1]
                     + dof * (1.0 + np.log(2.0 * np.pi * r2 / dof)))

    def derivative(self, lam: float) -> float:
        _, a, beta, r2 = self.solve(lam)
        dc = 1.0 / (1.0 + self.n_i * lam) ** 2
        a_inv_sx = np.linalg.solve(a, self.sx.T)  # p × clients
        trace = float(dc @ np.einsum("kp,pk->k", self.sx, a_inv_sx))
        resid_sum = self.sy - self.sx @ beta  # 1′eᵢ per client
        dr2 = -float(dc @ resid_sum ** 2)
        return float((self.n_i / (1.0 + self.n_i * lam)).sum() - trace
                     + (self.n - self.p) * dr2 / r2)


def reml_random_intercept(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> RemlFit:
    """REML fit of y = Xβ + b_client + ε (module docstring)."""
    profile = _Profile(np.asarray(y, dtype=float), np.asarray(x, dtype=float), groups)
    slopes = np.array([profile.derivative(lam) for lam in _GRID])
    candidates = [0.0]
    for j in np.flatnonzero((slopes[:-1] < 0) & (slopes[1:] >= 0)):  # minima
        candidates.append(brentq(profile.derivative, _GRID[j], _GRID[j + 1],
                                 xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500))
    if slopes[-1] < 0:
        candidates.append(_GRID[-1])
    lam = min(candidates, key=profile.criterion)
    _, a, beta, r2 = profile.solve(lam)
    sigma2 = r2 / (profile.n - profile.p)
    return RemlFit(beta, sigma2 * np.linalg.inv(a), sigma2, lam * sigma2,
                   profile.criterion(lam), lam == 0.0)


def fit_instrument(instrument: str, data: pl.DataFrame) -> pl.DataFrame:
    """The tidy rows of one instrument's two models (see the module docstring)."""
    x = design(data.filter(pl.col("instrument") == instrument))
    frames = [_fit_model(instrument, model, terms, x) for model, terms in MODELS.items()]
    return pl.concat(frames)


def _fit_model(instrument: str, model: str, terms: tuple[str, ...], x: pd.DataFrame
               ) -> pl.DataFrame:
    base = {"instrument": instrument, "model": model, "n_clients": int(x["client_id"].nunique()),
            "n_obs": len(x), "method": "REML"}
    kept, dropped = estimable_terms(x, terms) if len(x) else ([], list(terms))
    reason = None
    if base["n_clients"] < 2:
        reason = f"too few clients with scores and covariates ({base['n_clients']})"
    elif len(x) <= len(kept):
        reason = f"fewer answers than terms ({len(x)} answers, {len(kept)} terms)"
    elif x["score"].nunique() < 2:
        reason = f"no variation in the score ({len(x)} answers, all equal)"
    if reason is None:
        try:
            fit = reml_random_intercept(x["score"].to_numpy(), x[kept].to_numpy(dtype=float),
                                        x["client_id"].to_numpy())
            if not (np.isfinite(fit.beta).all() and np.isfinite(fit.vcov).all()
                    and np.isfinite(fit.criterion)):
                raise NotEstimable("the fit gave non-finite estimates")
        except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            if not isinstance(exc, NotEstimable):
                reason = f"failed: {type(exc).__name__}: {reason}"
    if reason is not None:
        return pl.DataFrame([base | {"term": "(not fitted)", "converged": False,
                                     "dropped_terms": ", ".join(dropped) or None,
                                     "warnings": reason}],
                            schema=MIXED_SCHEMA)
    base |= {"converged": True, "optimizer": OPTIMIZER,
             "dropped_terms": ", ".join(dropped) or None,
             "warnings": SINGULAR if fit.singular else None,
             "reml_criterion": fit.criterion}
    se = np.sqrt(np.diag(fit.vcov))
    z = norm.ppf(0.975)
    rows = [base | {"term": term, "estimate": float(fit.beta[i]), "se": float(se[i]),
                    "ci_lower": float(fit.beta[i] - z * se[i]),
                    "ci_upper": float(fit.beta[i] + z * se[i]),
                    "p": float(2 * norm.sf(abs(fit.beta[i] / se[i])))}
            for i, term in enumerate(kept)]
    rows.append(base | {"term": "var(client)", "estimate": fit.tau2})
    rows.append(base | {"term": "var(residual)", "estimate": fit.sigma2})
    return pl.DataFrame(rows, schema=MIXED_SCHEMA)


def mixed_models(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``mixed.csv``: every instrument's primary and secondary model, one row per term."""
    data = model_data(con)
    return pl.concat([fit_instrument(i.name, data) for i in INSTRUMENTS])


def unconverged(mixed: pl.DataFrame) -> list[str]:
    """Instruments with a model that was not fitted (the asset check's WARN)."""
    return sorted(mixed.filter(~pl.col("converged").fill_null(False))["instrument"]
                  .unique().to_list())
