"""Linear mixed models of the scores over all waves (DESIGN.md §4): clients with missing waves
still count, through a random intercept per client.

Per instrument, REML (statsmodels ``MixedLM``):

    score ~ wave6 + wave12 + rrp + wave6:rrp + wave12:rrp
            + employed + wave6:employed + wave12:employed + age + female + work_history
            + (1 | client)

- wave is categorical (T0 the reference: ``wave6``, ``wave12`` indicators), every scored wave of
  every client is used;
- ``rrp`` = the RRP cohort (reference: pilots); ``wave6:rrp`` is how much more the RRP clients
  changed by 6 months than the pilots;
- ``employed`` = a competitive job started between the index date and the client's last used
  survey answer (analysis.score_panel.job_by_last_answer): a fixed client-level group, so the
  ``wave:employed`` terms are the extra change of those who found work. (A time-varying "job by
  this answer" would be nearly constant at T0 and confounded with wave.)
- baseline covariates: ``age`` (years at index), ``female``, ``work_history`` (0 never worked …
  3 within the last year, as a linear term). Complete cases on the covariates.
- A term that cannot be estimated from the data (e.g. no RRP client answered at 12 months) is
  dropped before fitting and named in ``dropped_terms``.

Convergence is checked, not assumed: optimisers are tried in turn (``OPTIMISERS``) until one
reports convergence with a positive-definite Hessian and finite standard errors; ``converged``,
``optimizer`` (the one whose estimates are reported), ``optimizer_attempts`` (each one tried and
why it was not accepted) and every warning the reported fit raised (``warnings``; e.g. a
random-intercept variance on the boundary) are on each row. Variance components are rows with
terms ``var(client)`` and ``var(residual)`` (no CI or p).
"""

from __future__ import annotations

import warnings as _warnings
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from statsmodels.regression.mixed_linear_model import MixedLM

from schemas.instruments import INSTRUMENTS

OPTIMISERS = ("lbfgs", "bfgs", "powell", "nm", "cg")
COVARIATES = ("age", "female", "work_history")
TERMS = ("intercept", "wave6", "wave12", "rrp", "wave6:rrp", "wave12:rrp", "employed",
         "wave6:employed", "wave12:employed", *COVARIATES)

MIXED_SCHEMA = {
    "instrument": pl.String, "term": pl.String, "estimate": pl.Float64, "se": pl.Float64,
    "ci_lower": pl.Float64, "ci_upper": pl.Float64, "p": pl.Float64,
    "n_clients": pl.Int64, "n_obs": pl.Int64, "converged": pl.Boolean, "optimizer": pl.String,
    "method": pl.String, "dropped_terms": pl.String, "warnings": pl.String,
    "optimizer_attempts": pl.String,
}


def model_data(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every scored client × wave × instrument with the model's variables."""
    return con.sql(
        "SELECT instrument, client_id, wave, score, cohort, job_by_last_answer AS employed, "
        "age, sex, work_history FROM analysis.score_panel "
        "ORDER BY instrument, client_id, wave").pl()


def design(df: pl.DataFrame) -> pd.DataFrame:
    """The model's columns (``TERMS``), complete cases on the covariates."""
    d = df.filter(pl.col("age").is_not_null() & pl.col("sex").is_not_null()
                  & pl.col("work_history").is_not_null())
    d = d.with_columns(
        intercept=pl.lit(1.0),
        wave6=(pl.col("wave") == 6).cast(pl.Float64),
        wave12=(pl.col("wave") == 12).cast(pl.Float64),
        rrp=(pl.col("cohort") == "rrp").cast(pl.Float64),
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


def estimable_terms(x: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Keep terms in order while each adds to the design's rank; the rest are not estimable."""
    kept: list[str] = []
    dropped: list[str] = []
    for term in TERMS:
        trial = x[[*kept, term]].to_numpy()
        if np.linalg.matrix_rank(trial) == len(kept) + 1:
            kept.append(term)
        else:
            dropped.append(term)
    return kept, dropped


@dataclass
class Fit:
    result: object | None
    optimizer: str
    converged: bool
    warnings: list[str]
    attempts: list[str] = field(default_factory=list)  # every optimiser tried, and its outcome


def fit_with_fallback(endog: np.ndarray, exog: pd.DataFrame, groups: np.ndarray) -> Fit:
    """Fit by REML, trying ``OPTIMISERS`` in turn until one converges properly (the optimiser
    says so, the Hessian is positive definite and every standard error is finite)."""
    last = Fit(None, "", False, [])
    attempts: list[str] = []
    for method in OPTIMISERS:
        with _warnings.catch_warnings(record=True) as caught:
            _warnings.simplefilter("always")
            try:
                result = MixedLM(endog, exog, groups=groups).fit(reml=True, method=[method])
            except (np.linalg.LinAlgError, ValueError) as exc:
                attempts.append(f"{method}: failed ({type(exc).__name__}: {exc})")
                last = Fit(None, method, False, [f"{type(exc).__name__}: {exc}"], attempts)
                continue
        messages = sorted({str(w.message) for w in caught})
        hessian_ok = not any("not positive definite" in m for m in messages)
        finite = bool(np.all(np.isfinite(np.asarray(result.bse_fe))))
        fit = Fit(result, method, bool(result.converged) and hessian_ok and finite, messages,
                  attempts)
        if fit.converged:
            attempts.append(f"{method}: converged")
            return fit
        reasons = [m for m in messages if "Retrying" not in m] or ["not converged"]
        attempts.append(f"{method}: not converged ({'; '.join(reasons)})")
        last = fit
    return last


def fit_instrument(instrument: str, data: pl.DataFrame) -> pl.DataFrame:
    """The tidy rows of one instrument's model (see the module docstring)."""
    x = design(data.filter(pl.col("instrument") == instrument))
    base = {"instrument": instrument, "n_clients": int(x["client_id"].nunique()),
            "n_obs": len(x), "method": "REML"}
    if len(x) == 0 or base["n_clients"] < 2:
        return pl.DataFrame([base | {"term": "(not fitted)", "converged": False,
                                     "warnings": "too few clients with scores and covariates"}],
                            schema=MIXED_SCHEMA)
    kept, dropped = estimable_terms(x)
    fit = fit_with_fallback(x["score"].to_numpy(), x[kept], x["client_id"].to_numpy())
    base |= {"converged": fit.converged, "optimizer": fit.optimizer,
             "dropped_terms": ", ".join(dropped) or None,
             "warnings": " | ".join(fit.warnings) or None,
             "optimizer_attempts": " | ".join(fit.attempts) or None}
    if fit.result is None:
        return pl.DataFrame([base | {"term": "(not fitted)"}], schema=MIXED_SCHEMA)
    r = fit.result
    ci = np.asarray(r.conf_int())[: len(kept)]
    estimate, se, p = (np.asarray(v, dtype=float) for v in (r.fe_params, r.bse_fe, r.pvalues))
    rows = [base | {"term": term, "estimate": estimate[i], "se": se[i],
                    "ci_lower": ci[i, 0], "ci_upper": ci[i, 1], "p": p[i]}
            for i, term in enumerate(kept)]
    rows.append(base | {"term": "var(client)", "estimate": float(np.asarray(r.cov_re)[0, 0])})
    rows.append(base | {"term": "var(residual)", "estimate": float(r.scale)})
    return pl.DataFrame(rows, schema=MIXED_SCHEMA)


def mixed_models(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``mixed.csv``: every instrument's model, one row per term."""
    data = model_data(con)
    return pl.concat([fit_instrument(i.name, data) for i in INSTRUMENTS])


def unconverged(mixed: pl.DataFrame) -> list[str]:
    """Instruments whose model did not converge (the asset check's WARN)."""
    return sorted(mixed.filter(~pl.col("converged").fill_null(False))["instrument"]
                  .unique().to_list())
