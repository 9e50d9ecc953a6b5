"""The determinants of transitions (docs/methods.md §Transitions): among the register-linked
clients, a multinomial logit of the main state at m + 12 — and at m + 6 — on the state at
m − 1, age band, sex, diagnosis group, work history, cohort and the team's fidelity band
(reference outcome: unemployed), with relative-risk ratios and average marginal effects.

Data: the clients' rows of ``analysis.register_transitions`` (the eligible clients of the
register effect, ``ips_eval.register.effect``), their characteristics from ``analysis.clients``
and their team's latest IPS-25 review on or before the cut-off (``analysis.fidelity``; a client
whose team has none is in the level ``none``). Complete cases.

Few clients: an outcome state with fewer than ``MIN_STATE_CLIENTS`` clients at the horizon is
merged into ``other``; when ``other`` is still that small, its states are reported
``not_fitted`` (reason ``few_rows``) and their clients left out; when the reference state is,
or no other state is left, the horizon's model is one ``not_fitted`` row. A covariate's level
with fewer than ``MIN_LEVEL_ROWS`` clients, or in which some outcome state never occurs, is
pooled (``pool_levels``): as ``other`` when the pool is not sparse, else into the reference.
A fit that does not converge is a ``not_fitted`` row (``failed``).

Fit: statsmodels ``MNLogit`` by Newton steps to a parameter change under ``MNLOGIT_TOL`` — the
maximum-likelihood estimates, and the inverse-information SEs, of R's ``nnet::multinom`` (to
1e-6 on the default run: tests/test_transition_model.py; multinom's BFGS itself stops ~1e-7
short of the optimum, so the replication script finishes its fit with Newton steps).
Relative-risk ratio = exp(coef), Wald 95 % CI. Average marginal effect of a level: the mean
over the model's clients of the predicted probability of the state with the covariate set to
that level minus set to its reference, the other covariates as observed — for every state, the
reference included (they sum to 0 over the states); its SE by the delta method, with the
analytic gradient.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from scipy.stats import norm

from ips_eval.employment.cox import MIN_LEVEL_ROWS, REFERENCE, design
from ips_eval.fidelity.teams import latest_fidelity
from ips_eval.outputs import fit_or_reason, not_fitted, stack_results
from ips_eval.register.effect import AGE_BANDS
from ips_eval.warehouse import has_table
from schemas.analysis import state_horizons
from schemas.register_states import STATE_NAMES

REFERENCE_STATE = "unemployed"
MERGED_STATE = "other"
NO_REVIEW = "none"  # the fidelity band of a client whose team has no review with a total
MIN_STATE_CLIENTS = MIN_LEVEL_ROWS
MNLOGIT_TOL = 1e-12
MNLOGIT_MAXITER = 100
COVARIATES = ("state_m1", "age_band", "sex", "dx_group", "work_history", "cohort",
              "fidelity_band")
# every covariate as text, work history's levels too ("0" … "3")
REFERENCES: dict[str, str] = {**{k: str(v) for k, v in REFERENCE.items()},
                              "state_m1": REFERENCE_STATE, "age_band": AGE_BANDS[0][2],
                              "fidelity_band": "fair"}
COLUMNS = ("horizon", "state_to", "term", "coef", "rrr", "ci_lower", "ci_upper", "p", "ame",
           "ame_ci_lower", "ame_ci_upper", "n", "n_state", "se", "ame_se", "n_excluded",
           "merged_states", "pooled_levels", "converged")
Z95 = float(norm.ppf(0.975))


def model_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per eligible client: its states at m − 1 and at each horizon (m + 6, m + 12, and
    m + 24 when asked) and the model's covariates (``COVARIATES``; ``age_band`` from the age at
    the index date)."""
    paths = con.sql("""
        SELECT t.* EXCLUDE ("group"), c.sex, c.age, c.dx_group, c.work_history, c.team
        FROM analysis.register_transitions AS t
        JOIN analysis.clients AS c USING (client_id)
        WHERE t."group" = 'clients'
        ORDER BY t.client_id
        """).pl()
    band = pl.lit(None, pl.String)
    for lo, hi, label in AGE_BANDS:
        band = pl.when(pl.col("age").is_between(lo, hi)).then(pl.lit(label)).otherwise(band)
    reviews = _team_bands(con)
    return (paths.with_columns(age_band=band)
            .join(reviews, on="team", how="left")
            .with_columns(fidelity_band=pl.col("band").fill_null(NO_REVIEW),
                          work_history=pl.col("work_history").cast(pl.String))
            .select("client_id", "state_m1", *(f"state_{h}" for h in state_horizons(paths.columns)),
                    *COVARIATES[1:]))


def _team_bands(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    if not has_table(con, "analysis", "fidelity"):
        return pl.DataFrame(schema={"team": pl.String, "band": pl.String})
    fidelity = con.sql("SELECT * FROM analysis.fidelity ORDER BY team, review_date").pl()
    return latest_fidelity(fidelity).select("team", "band")


def merge_few(states: pl.Series, minimum: int = MIN_STATE_CLIENTS) -> dict[str, str]:
    """Each state's name in the model: a state (not the reference) with fewer than
    ``minimum`` rows becomes ``other``."""
    counts = dict(states.value_counts().iter_rows())
    return {s: (MERGED_STATE if s != REFERENCE_STATE and counts.get(s, 0) < minimum else s)
            for s in STATE_NAMES}


def transition_model(frame: pl.DataFrame) -> pl.DataFrame:
    """``transition_model.csv``: the model at each horizon the frame carries (``state_horizons``),
    or its ``not_fitted`` rows."""
    table = stack_results([horizon_model(frame, h) for h in state_horizons(frame.columns)])
    missing = [pl.lit(None, pl.String).alias(c) for c in ("not_fitted", "note")
               if c not in table.columns]
    # a not_fitted row's empty numbers would make the counts floats and the flag a number
    return table.with_columns(missing).select(*COLUMNS, "not_fitted", "note").with_columns(
        pl.col("horizon", "n", "n_state", "n_excluded").cast(pl.Int64),
        pl.col("converged").cast(pl.Boolean))


def horizon_model(frame: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """The model of the state at m + ``horizon`` among the clients observed then."""
    keys = {"horizon": horizon}
    rows = frame.filter(pl.col(f"state_{horizon}").is_not_null()).drop_nulls(list(COVARIATES))
    unfitted = []
    names = merge_few(rows[f"state_{horizon}"])
    rows = rows.with_columns(y=pl.col(f"state_{horizon}").replace_strict(names))
    merged = sorted({s for s, to in names.items() if to != s and s in set(
        rows[f"state_{horizon}"].to_list())})
    counts = dict(rows["y"].value_counts().iter_rows())
    if 0 < counts.get(MERGED_STATE, 0) < MIN_STATE_CLIENTS:
        few = [s for s in STATE_NAMES if names[s] == MERGED_STATE
               and s in set(rows[f"state_{horizon}"].to_list())]
        for state in few:
            n_state = rows.filter(pl.col(f"state_{horizon}") == state).height
            unfitted.append(not_fitted(
                {**keys, "state_to": state}, COLUMNS, "few_rows",
                f"{n_state} clients in {state} at +{horizon}, {counts[MERGED_STATE]} with "
                f"the states merged into {MERGED_STATE} (under {MIN_STATE_CLIENTS})"))
        rows = rows.filter(pl.col("y") != MERGED_STATE)
        merged = []
    states = [s for s in STATE_NAMES if s in set(rows["y"].to_list())]
    n_reference = counts.get(REFERENCE_STATE, 0)
    if n_reference < MIN_STATE_CLIENTS or len(states) < 2:
        detail = (f"{n_reference} clients in {REFERENCE_STATE} (the reference) at +{horizon}"
                  if n_reference < MIN_STATE_CLIENTS
                  else f"one state at +{horizon} among {rows.height} clients")
        reason = "no_rows" if rows.height == 0 else "few_rows"
        return stack_results([*unfitted, not_fitted({**keys, "state_to": None}, COLUMNS,
                                                    reason, detail)])
    states = [REFERENCE_STATE, *(s for s in states if s != REFERENCE_STATE)]
    fitted = fit_or_reason(
        lambda: _fit_rows(rows, states, horizon, merged, frame), {**keys, "state_to": None},
        COLUMNS, rows.height)
    return stack_results([fitted, *unfitted])


def _fit_rows(rows: pl.DataFrame, states: list[str], horizon: int, merged: list[str],
              frame: pl.DataFrame) -> pl.DataFrame:
    outcome = rows["y"].replace_strict({s: i for i, s in enumerate(states)},
                                       return_dtype=pl.Int64)
    data = rows.select(*COVARIATES).with_columns(y=outcome)
    notes = []
    for var in COVARIATES:
        values, note = pool_levels(data[var], data["y"], REFERENCES[var], len(states))
        data = data.with_columns(values.alias(var))
        notes += [note] if note else []
    x, _dropped, pooled = design(data, COVARIATES, references=REFERENCES)
    pooled = "; ".join([*notes, *([pooled] if pooled else [])])
    y = x.pop("y").to_numpy()
    x.insert(0, "intercept", 1.0)
    fit = fit_mnlogit(y, x)
    beta = np.asarray(fit.params, dtype=float)  # terms × (states − 1)
    cov = np.asarray(fit.cov_params(), dtype=float)
    se = np.sqrt(np.diag(cov)).reshape(len(states) - 1, -1).T
    ame, ame_se = average_marginal_effects(x, beta, cov)
    excluded = frame.filter(pl.col(f"state_{horizon}").is_not_null()).height - len(y)
    out = []
    for j, state in enumerate(states):
        for t, term in enumerate(x.columns):
            b = None if j == 0 else float(beta[t, j - 1])
            s = None if j == 0 else float(se[t, j - 1])
            a = ame.get(term)
            out.append({
                "horizon": horizon, "state_to": state, "term": term, "coef": b,
                "rrr": None if b is None else float(np.exp(b)),
                "ci_lower": None if b is None else float(np.exp(b - Z95 * s)),
                "ci_upper": None if b is None else float(np.exp(b + Z95 * s)),
                "p": None if b is None else float(2 * norm.sf(abs(b / s))),
                "ame": None if a is None else float(a[j]),
                "ame_ci_lower": None if a is None else float(a[j] - Z95 * ame_se[term][j]),
                "ame_ci_upper": None if a is None else float(a[j] + Z95 * ame_se[term][j]),
                "n": len(y), "n_state": int((y == j).sum()), "se": s,
                "ame_se": None if a is None else float(ame_se[term][j]),
                "n_excluded": excluded, "merged_states": ", ".join(merged),
                "pooled_levels": pooled, "converged": True})
    return pl.DataFrame(out, schema_overrides={c: pl.Float64 for c in (
        "coef", "rrr", "ci_lower", "ci_upper", "p", "ame", "ame_ci_lower", "ame_ci_upper",
        "se", "ame_se")})


def pool_levels(values: pl.Series, y: pl.Series, reference: str, n_states: int
                ) -> tuple[pl.Series, str]:
    """A covariate's levels for the model, and a note of what was pooled. A level is sparse
    with fewer than ``MIN_LEVEL_ROWS`` clients or when the outcome does not take all its
    ``n_states`` values in it (its coefficient would run to ±infinity). Sparse levels are
    pooled as ``other`` (a level of that name joins them) when the pool is not sparse, else
    they join the reference; when the reference is sparse itself, they join it."""
    def sparse(mask: pl.Series) -> bool:
        return int(mask.sum()) < MIN_LEVEL_ROWS or y.filter(mask).n_unique() < n_states

    levels = sorted(set(values.to_list()) - {reference}, key=str)
    few = [lv for lv in levels if sparse(values == lv)]
    reference_sparse = sparse(values == reference)
    if not few:
        return values, ""
    named = ", ".join(str(lv) for lv in few)
    var = values.name
    pool = values.is_in([*few, MERGED_STATE])
    if not reference_sparse and not sparse(pool):
        return (values.set(pool, MERGED_STATE).alias(var),
                f"{var}: {named} pooled as other")
    return (values.set(values.is_in(few), reference).alias(var),
            f"{var}: {named} joined the reference ({reference})")


def fit_mnlogit(y: np.ndarray, x: pd.DataFrame):
    """``MNLogit`` by Newton steps until no parameter moves by ``MNLOGIT_TOL``; outcome 0 is
    the reference. A fit that does not converge (separation) raises ``ArithmeticError``."""
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fit that does not converge is reported below
        fit = sm.MNLogit(y, x).fit(method="newton", tol=MNLOGIT_TOL, maxiter=MNLOGIT_MAXITER,
                                   disp=False)
    if not fit.mle_retvals["converged"] or not np.all(np.isfinite(fit.bse)):
        raise ArithmeticError(f"no convergence in {MNLOGIT_MAXITER} Newton steps (a "
                              "combination of covariates separates the states)")
    return fit


def _probabilities(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Rows × states: the softmax of 0 (the reference) and ``x @ beta``."""
    eta = np.column_stack([np.zeros(len(x)), x @ beta])
    eta -= eta.max(axis=1, keepdims=True)
    e = np.exp(eta)
    return e / e.sum(axis=1, keepdims=True)


def _mean_gradient(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """States × parameters (equation by equation, as ``cov_params`` orders them): the
    gradient of the mean predicted probability of each state."""
    n, k = x.shape
    states = p.shape[1]
    grad = np.empty((states, (states - 1) * k))
    for j in range(states):
        for m in range(1, states):
            w = p[:, j] * ((j == m) - p[:, m])
            grad[j, (m - 1) * k:m * k] = w @ x / n
    return grad


def average_marginal_effects(x: pd.DataFrame, beta: np.ndarray, cov: np.ndarray,
                             factors: Sequence[str] = COVARIATES
                             ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per dummy term ``var[level]``: the AME on every state's probability (the covariate at
    the level against its reference, the others as observed) and its delta-method SE."""
    values = x.to_numpy(dtype=float)
    columns = list(x.columns)
    ame: dict[str, np.ndarray] = {}
    se: dict[str, np.ndarray] = {}
    for var in factors:
        own = [i for i, c in enumerate(columns) if c.startswith(f"{var}[")]
        base = values.copy()
        base[:, own] = 0.0
        p0 = _probabilities(base, beta)
        g0 = _mean_gradient(base, p0)
        for i in own:
            level = base.copy()
            level[:, i] = 1.0
            p1 = _probabilities(level, beta)
            grad = _mean_gradient(level, p1) - g0
            ame[columns[i]] = p1.mean(axis=0) - p0.mean(axis=0)
            se[columns[i]] = np.sqrt(np.einsum("ja,ab,jb->j", grad, cov, grad))
    return ame, se


def write_transition_model(con: duckdb.DuckDBPyConnection, out_dir) -> dict:
    """``results.transition_model`` and ``out/results/transition_model.csv``."""
    from ips_eval.outputs import write_result

    table = transition_model(model_frame(con))
    return write_result(con, "transition_model", table, out_dir,
                        sort_by=["horizon", "state_to", "term"])
