"""Risk-set matching of clients to register comparison persons (docs/methods.md §Register effect).

The set work is SQL (``sql/register_match_*.sql``) and runs in batches of comparison persons,
so that a million persons × some fifty index months never sit in memory at once; Python fits the
propensity model on the clients and a sample of candidates and hands its coefficients back.

Choices beyond the rule in docs/methods.md §Register effect, each made here:

- Candidates are comparison persons only (no client serves as another client's control).
- The propensity score is a logit of being a client among the candidate person-months of the
  clients' exact strata (sex, state at m − 1, index month); the candidates are a systematic
  sample of persons (every ``step``-th, so that their rows at the index months number about
  ``PS_SAMPLE_ROWS``): sampling the controls at random shifts only the intercept, which no
  distance within a stratum sees, and a larger sample made the fit the stage's slowest part.
  The model holds every matching covariate and the state at m − 1 (reference: the clients'
  most common state).
- The caliper is 0.2 SD of the linear predictor (the logit of the score), the SD pooled over
  clients and candidates (sqrt of the mean of the two variances; Austin 2011).
- k nearest by |difference in the linear predictor| with replacement; ties go to the lower
  pid order. A client whose stratum has fewer than k candidates inside the caliper keeps
  those it has; one with none is unmatched and reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import polars as pl
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from ips_eval.warehouse import run_sql
from schemas.register_states import EMPLOYED, PRIORITY

# The matching covariates (besides the exact strata), as sql/register_match_covariates.sql
# computes them; the propensity model's coefficient of each is the parameter b_<name> of
# sql/register_match_batch.sql.
COVARIATES = ("age", "male", "employed_24", "employed_6", "disability_pension_24",
              "sickness_rehabilitation_24", "student_24", "unemployed_24", "earnings_12",
              "benefits_12")
# Euros enter the fit in thousands (a better-conditioned Newton step); coefficients go back to
# euros for the SQL.
_FIT_SCALE = {"earnings_12": 1000.0, "benefits_12": 1000.0}
DEFAULT_K = 5
CALIPER_SD = 0.2
PS_SAMPLE_ROWS = 50_000
BATCH_PERSONS = 50_000
_TEMP = ("match_extract", "match_clients", "match_persons", "match_history",
         "match_index_months", "match_covariates_batch", "match_scored_batch",
         "match_client_scores", "match_before_sums", "match_pairs_found", "match_pairs",
         "match_outcomes", "match_calendar")


@dataclass(frozen=True)
class MatchSummary:
    clients_eligible: int
    clients_matched: int
    comparison_persons: int
    candidates_in_fit: int
    caliper: float
    k: int

    @property
    def clients_unmatched(self) -> int:
        return self.clients_eligible - self.clients_matched


def _state_numbers() -> dict[str, int]:
    return {f"no_{s}": PRIORITY[s] for s in ("disability_pension", "sickness_rehabilitation",
                                             "student", "unemployed")}


def _covariates(con: duckdb.DuckDBPyConnection, lo: int, hi: int, step: int) -> None:
    run_sql(con, "register_match_covariates", {"lo": lo, "hi": hi, "step": step,
                                               **_state_numbers()})


def fit_propensity(clients: pl.DataFrame, candidates: pl.DataFrame
                   ) -> tuple[dict[str, float], list[float], float]:
    """Logit of being a client on the covariates and the state at m − 1; returns the
    coefficients by covariate (plus ``intercept``) on the covariates' own scale, the state
    coefficients by priority number (a list, index = number − 1), and the pooled SD of the
    linear predictor. Only candidates in a stratum (month, sex, state at m − 1) that holds a
    client enter: the others can never be matched."""
    strata = clients.select("month_no", "male", "state_no_m1").unique()
    candidates = candidates.join(strata, on=["month_no", "male", "state_no_m1"], how="semi")
    data = pl.concat([clients.with_columns(is_client=pl.lit(True)),
                      candidates.with_columns(is_client=pl.lit(False))], how="vertical_relaxed")
    # reference state: the clients' most common (ties: the lower number), the same every run
    states = (clients["state_no_m1"].value_counts().sort(["count", "state_no_m1"],
                                                        descending=[True, False])
              ["state_no_m1"].to_list())
    dummies = [s for s in sorted(set(data["state_no_m1"].to_list())) if s != states[0]]
    columns = [pl.col(c).cast(pl.Float64) / _FIT_SCALE.get(c, 1.0) for c in COVARIATES]
    columns += [(pl.col("state_no_m1") == s).cast(pl.Float64).alias(f"state_{s}")
                for s in dummies]
    x = data.select(columns).to_numpy()
    # a covariate that does not vary (e.g. nobody a student) cannot be estimated: left out
    keep = x.std(axis=0) > 0
    design = sm.add_constant(x[:, keep], has_constant="add")
    y = data["is_client"].cast(pl.Float64).to_numpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("error", ConvergenceWarning)
            params = np.asarray(sm.Logit(y, design).fit(method="newton", maxiter=50,
                                                         disp=0).params)
        if not np.all(np.isfinite(params)):
            raise PerfectSeparationError("non-finite coefficients")
    except (PerfectSeparationError, PerfectSeparationWarning, ConvergenceWarning,
            np.linalg.LinAlgError):
        # (quasi-)separation: a covariate value only clients or only candidates have, or
        # collinear covariates. A light ridge keeps the score finite and unique; the matches
        # stay within the exact strata anyway
        params = _ridge_logit(design, y)
    full = np.zeros(x.shape[1])
    full[keep] = params[1:]
    names = [*COVARIATES, *(f"state_{s}" for s in dummies)]
    coef = {"intercept": float(params[0])}
    for name, value in zip(names, full, strict=True):
        coef[name] = float(value) / _FIT_SCALE.get(name, 1.0)
    state_coef = [coef.pop(f"state_{s}", 0.0) for s in range(1, max(PRIORITY.values()) + 1)]
    lp = design @ params
    variances = [lp[y == g].var(ddof=1) for g in (1, 0) if (y == g).sum() > 1]
    return coef, state_coef, float(np.sqrt(np.mean(variances))) if variances else 0.0


def _ridge_logit(x: np.ndarray, y: np.ndarray, penalty: float = 1.0,
                 iterations: int = 100) -> np.ndarray:
    """Logit by Newton steps with a ridge penalty on every coefficient but the intercept."""
    beta = np.zeros(x.shape[1])
    ridge = np.full(x.shape[1], penalty)
    ridge[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(ridge)
        step = np.linalg.lstsq(hessian, x.T @ (y - p) - ridge * beta, rcond=None)[0]
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def match_clients(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date],
                  k: int = DEFAULT_K, caliper_sd: float = CALIPER_SD,
                  batch_persons: int = BATCH_PERSONS,
                  ps_sample_rows: int = PS_SAMPLE_ROWS) -> MatchSummary:
    """Match every eligible client to its k nearest comparison persons; leaves the temp tables
    ``match_*`` (units, histories, pairs) for the effects and writes
    ``analysis.register_matches``."""
    run_sql(con, "register_match_units", {"state_employed": EMPLOYED,
                                          "cutoff_pilot": cutoffs["pilot"],
                                          "cutoff_rrp": cutoffs["rrp"]})
    n_clients, last_unit, n_months = con.execute(
        "SELECT (SELECT count(*) FROM match_clients), "
        "(SELECT coalesce(max(unit_no), 0) FROM match_persons), "
        "(SELECT count(*) FROM match_index_months)").fetchall()[0]
    n_persons = max(last_unit - n_clients, 0)
    step = max(1, n_persons * n_months // ps_sample_rows)
    _covariates(con, n_clients + 1, last_unit + 1, step)
    sample = con.sql("SELECT * FROM match_covariates_batch "
                     "ORDER BY unit_no, month_no").pl()
    _covariates(con, 1, n_clients + 1, 1)
    clients = con.sql("SELECT * FROM match_covariates_batch "
                      "ORDER BY unit_no, month_no").pl()
    for ddl in ("CREATE OR REPLACE TEMP TABLE match_client_scores AS SELECT * EXCLUDE "
                "(is_client), CAST(0 AS DOUBLE) AS lp FROM match_covariates_batch LIMIT 0",
                "CREATE OR REPLACE TEMP TABLE match_before_sums (covariate VARCHAR, "
                "total DECIMAL(38, 6), total_sq DECIMAL(38, 4), weight DECIMAL(38, 0))",
                "CREATE OR REPLACE TEMP TABLE match_pairs_found AS SELECT 0 AS client_unit, "
                "CAST(0 AS DOUBLE) AS client_lp, CAST(0 AS DOUBLE) AS distance, "
                "* EXCLUDE (is_client), CAST(0 AS DOUBLE) AS lp "
                "FROM match_covariates_batch LIMIT 0"):
        con.execute(ddl)
    if clients.height == 0 or sample.height == 0:
        run_sql(con, "register_match_final", {"k": k})
        return MatchSummary(clients.height, 0, n_persons, 0, float("nan"), k)
    coef, state_coef, sd = fit_propensity(clients, sample)
    params = {f"b_{name}": value for name, value in coef.items()}
    params |= {"b_state": state_coef, "caliper": caliper_sd * sd, "k": k}
    run_sql(con, "register_match_batch", params)  # scores the clients (batch 0)
    for lo in range(n_clients + 1, last_unit + 1, batch_persons):
        _covariates(con, lo, min(lo + batch_persons, last_unit + 1), 1)
        run_sql(con, "register_match_batch", params)
    run_sql(con, "register_match_final", {"k": k})
    matched = con.execute("SELECT count(DISTINCT client_unit) FROM match_pairs").fetchall()[0][0]
    return MatchSummary(clients.height, matched, n_persons, sample.height, caliper_sd * sd, k)


def drop_match_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in _TEMP:
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
