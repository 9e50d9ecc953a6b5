"""Risk-set matching of clients to register comparison persons (docs/methods.md §Register
effect), for the effect at the index month, for the hold-out placebo at a pseudo-index
``PLACEBO_SHIFT_MONTHS`` earlier and for the not-yet-treated comparison (the clients who start
later, as candidates before their own start), in one pass over the candidates.

The set work is SQL (``sql/register_match_*.sql``) and runs in batches of comparison persons,
so that a million persons × some fifty index months never sit in memory at once; Python fits the
propensity model on the clients and a sample of candidates and hands its coefficients back.

Choices, each made here:

- Candidates are comparison persons only (no client serves as another client's control), but
  for the not-yet-treated sensitivity line, whose candidates are the clients who start later,
  before their own start (their months from their start on are censored).
- The history window H (``history``; 24, 30 or 36 months) is capped by how far back the extract
  covers the clients (sql/register/register_monthly.sql): a contract extract's 24 months give
  H = 24 and no placebo (its clients are counted as dropped).
- Covariates (sql/register/match_covariates.sql) are timed: six-month blocks inside H, the
  employment of single months, the state at m − 12 and m − 24, age on the first day of m and
  sex. Exact strata: sex, state at m − 1, the (pseudo-)index month and the coarsened employment
  pattern of the last 24 months, with fallback levels (sql/register/match_batch.sql).
- The propensity score is one ridge-penalised logit of being a client (either design) among
  the candidate
  person-months of the clients' strata (sex, state at m − 1, month); the candidates are a sample
  of persons drawn by a hash of birth date and sex (``PS_SAMPLE_ROWS`` rows or so), never by
  pseudonym, so a new key does not move the estimate: sampling the controls shifts only the
  intercept, which no distance within a stratum sees. ``x_employed_m1`` stays out of the model
  (the state at m − 1, exact, decides it); blocks beyond H too.
- The caliper is 0.2 SD of the linear predictor (the logit of the score), the SD pooled over
  clients and candidates (sqrt of the mean of the two variances; Austin 2011).
- k nearest by |difference in the linear predictor| with replacement; ties go to a hash of the
  candidate's month and covariates, then to unit order. A client whose stratum has fewer than k
  candidates inside the caliper keeps those it has; one with none at any fallback level is
  unmatched and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from ips_eval.warehouse import run_sql
from schemas.register_states import EMPLOYED, PRIORITY
from schemas.windows import (
    EFFECT_POST_MONTHS,
    PLACEBO_SHIFT_MONTHS,
    REGISTER_BLOCK_MONTHS,
    REGISTER_HISTORY_DEFAULT,
    REGISTER_HISTORY_MAX,
    REGISTER_HISTORY_MIN,
)

DEFAULT_K = 5
CALIPER_SD = 0.2
PS_SAMPLE_ROWS = 50_000
RIDGE = 1.0  # the propensity logit's penalty on the standardised covariates
BATCH_PERSONS = 50_000
FALLBACK_LEVELS = 5  # 0: the whole pattern … 4: no pattern (sql/register/match_batch.sql)
DESIGNS = ("effect", "placebo", "not_yet_treated")
# a covariate the exact state at m − 1 already fixes
_NOT_IN_MODEL = ("x_employed_m1",)
_TEMP = ("match_client_births", "match_extract", "match_client_units", "match_clients",
         "match_persons", "match_history", "match_index_months", "match_covariates_batch",
         "match_scored_batch", "match_client_scores", "match_before_sums",
         "match_before_states", "match_pairs_found", "match_pairs", "match_outcomes",
         "match_calendar", "match_balance_months")


@dataclass(frozen=True)
class MatchSummary:
    history: int
    clients_eligible: int
    clients_matched: int
    placebo_eligible: int
    placebo_matched: int
    comparison_persons: int
    candidates_in_fit: int
    caliper: float
    k: int
    dropped: dict[str, int] = field(default_factory=dict)  # effect design, by reason
    levels: dict[int, int] = field(default_factory=dict)  # effect clients per fallback level
    placebo_dropped: dict[str, int] = field(default_factory=dict)
    not_yet_treated_matched: int = 0

    @property
    def clients_unmatched(self) -> int:
        return self.clients_eligible - self.clients_matched


def validate_history(history: int) -> int:
    """The history window H in months: 24, 30 or 36 (whole six-month blocks)."""
    if (not isinstance(history, int) or history % REGISTER_BLOCK_MONTHS
            or not REGISTER_HISTORY_MIN <= history <= REGISTER_HISTORY_MAX):
        raise ValueError(f"register history: {history!r} months; use 24, 30 or 36")
    return history


def client_history_reach(con: duckdb.DuckDBPyConnection) -> int:
    """How many months before the index month the clients' register windows open
    (sql/register/register_monthly.sql: the contract's 24, or more when the extract reaches
    further)."""
    reach = con.execute("SELECT -min(rel_month) FROM analysis.register_monthly "
                        "WHERE client_id IS NOT NULL").fetchall()[0][0]
    return int(reach or 0)


def _client_births(con: duckdb.DuckDBPyConnection) -> None:
    """``match_client_births``: the clients' birth dates, derived from the HETU at ingest
    (``raw.asiakkaat``); empty without enrolment forms (ages then come from analysis.clients)."""
    has_raw = con.execute("SELECT count(*) FROM information_schema.columns WHERE "
                          "table_schema = 'raw' AND table_name = 'asiakkaat' AND "
                          "column_name = 'hetu_birth_date'").fetchall()[0][0]
    source = ("SELECT hetu_pid AS pid, hetu_birth_date AS birth_date FROM raw.asiakkaat "
              "WHERE hetu_pid IS NOT NULL AND hetu_birth_date IS NOT NULL" if has_raw else
              "SELECT CAST(NULL AS VARCHAR) AS pid, CAST(NULL AS DATE) AS birth_date LIMIT 0")
    con.execute(f"CREATE OR REPLACE TEMP TABLE match_client_births AS {source}")


def _state_numbers() -> dict[str, int]:
    return {f"no_{s}": PRIORITY[s] for s in ("disability_pension", "sickness_rehabilitation",
                                             "student", "unemployed")}


def _covariates(con: duckdb.DuckDBPyConnection, lo: int, hi: int, step: int) -> None:
    run_sql(con, "register/match_covariates", {"lo": lo, "hi": hi, "sample_step": step,
                                               **_state_numbers()})


def covariate_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The x_ columns of match_covariates_batch in table order (the order of b_x)."""
    return [r[0] for r in con.execute("DESCRIBE match_covariates_batch").fetchall()
            if r[0].startswith("x_")]


def model_columns(columns: list[str], history: int) -> list[str]:
    """The covariates the propensity model and the balance table use for history H: the
    blocks inside H, without what the exact strata fix."""
    inside = {f"x_b{b}_" for b in range(1, history // REGISTER_BLOCK_MONTHS + 1)}
    return [c for c in columns if c not in _NOT_IN_MODEL
            and (not c.startswith("x_b") or any(c.startswith(p) for p in inside))]


def _fit_scale(name: str) -> float:
    # euros enter the fit in thousands (a better-conditioned Newton step)
    return 1000.0 if name.endswith(("_earnings", "_benefits")) else 1.0


def fit_propensity(clients: pl.DataFrame, candidates: pl.DataFrame, columns: list[str]
                   ) -> tuple[dict[str, float], list[float], float]:
    """Logit of being a client on ``columns`` and the state at m − 1, with a light ridge
    penalty (``RIDGE`` on the standardised covariates, none on the intercept): with many timed
    covariates some value is held only by candidates (nobody among the clients a student two
    years before), and the plain maximum-likelihood fit then runs off to infinity. Returns the
    coefficients by column (plus ``intercept``) on the covariates' own scale, the state
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
    exprs = [pl.col(c).cast(pl.Float64) for c in columns]
    exprs += [(pl.col("state_no_m1") == s).cast(pl.Float64).alias(f"state_{s}")
              for s in dummies]
    x = data.select(exprs).to_numpy()
    y = data["is_client"].cast(pl.Float64).to_numpy()
    mean, sd = x.mean(axis=0), x.std(axis=0)
    keep = sd > 0  # a covariate that does not vary cannot be estimated: left out
    z = (x[:, keep] - mean[keep]) / sd[keep]
    params = _ridge_logit(np.column_stack([np.ones(len(y)), z]), y, RIDGE)
    slopes = np.zeros(x.shape[1])
    slopes[keep] = params[1:] / sd[keep]
    names = [*columns, *(f"state_{s}" for s in dummies)]
    coef = {"intercept": float(params[0] - np.sum(params[1:] * mean[keep] / sd[keep]))}
    coef |= {name: float(value) for name, value in zip(names, slopes, strict=True)}
    state_coef = [coef.pop(f"state_{s}", 0.0) for s in range(1, max(PRIORITY.values()) + 1)]
    lp = np.column_stack([np.ones(len(y)), z]) @ params
    variances = [lp[y == g].var(ddof=1) for g in (1, 0) if (y == g).sum() > 1]
    return coef, state_coef, float(np.sqrt(np.mean(variances))) if variances else 0.0


def _ridge_logit(x: np.ndarray, y: np.ndarray, penalty: float,
                 iterations: int = 100) -> np.ndarray:
    """Logit by Newton steps with a ridge penalty on every coefficient but the first (the
    intercept); the penalised likelihood is strictly concave, so the optimum is unique.

    The products run on one BLAS thread: a few tens of thousands of rows by some seventy
    columns take a fraction of a second so, where OpenBLAS's threads, spinning for a core on a
    loaded machine, took 5–10 s; and the coefficients' last bits then do not depend on the
    machine's number of cores."""
    beta = np.zeros(x.shape[1])
    ridge = np.full(x.shape[1], penalty)
    ridge[0] = 0.0
    with threadpool_limits(1, user_api="blas"):
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(x @ beta)))
            hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(ridge)
            step = np.linalg.lstsq(hessian, x.T @ (y - p) - ridge * beta, rcond=None)[0]
            beta += step
            if np.max(np.abs(step)) < 1e-10:
                break
    return beta


def _create_collectors(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    sums = ", ".join(f'"sum_{c}" DECIMAL(38, 6), "sumsq_{c}" DECIMAL(38, 4)' for c in columns)
    for ddl in ("CREATE OR REPLACE TEMP TABLE match_client_scores AS SELECT * EXCLUDE "
                "(is_client), CAST(0 AS DOUBLE) AS lp FROM match_covariates_batch LIMIT 0",
                # the columns are the covariates' names from DESCRIBE (plain identifiers)
                f"CREATE OR REPLACE TEMP TABLE match_before_sums (weight DECIMAL(38, 0), {sums})",
                "CREATE OR REPLACE TEMP TABLE match_before_states (state_no_m1 INTEGER, "
                "weight HUGEINT)",
                "CREATE OR REPLACE TEMP TABLE match_pairs_found AS SELECT 0 AS client_unit, "
                "0 AS level, CAST(0 AS DOUBLE) AS client_lp, CAST(0 AS DOUBLE) AS distance, "
                "* EXCLUDE (is_client), CAST(0 AS DOUBLE) AS lp "
                "FROM match_covariates_batch LIMIT 0"):
        con.execute(ddl)


def _counts(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> dict:
    return {k: int(v) for k, v in con.execute(query, params).fetchall()}


def match_clients(con: duckdb.DuckDBPyConnection, k: int = DEFAULT_K,
                  caliper_sd: float = CALIPER_SD, history: int = REGISTER_HISTORY_DEFAULT,
                  batch_persons: int = BATCH_PERSONS,
                  ps_sample_rows: int = PS_SAMPLE_ROWS) -> MatchSummary:
    """Match every eligible client, at its index month and at the placebo's pseudo-index, to
    its k nearest comparison persons; leaves the temp tables ``match_*`` (units, histories,
    pairs) for the effects and writes ``analysis.register_matches``."""
    _client_births(con)
    reach = client_history_reach(con)
    history = min(validate_history(history), max(reach, REGISTER_HISTORY_MIN))
    run_sql(con, "register/match_units", {"state_employed": EMPLOYED, "history": history,
                                          "placebo_shift": PLACEBO_SHIFT_MONTHS,
                                          "post_months": EFFECT_POST_MONTHS})
    n_clients, last_unit, n_months = con.execute(
        "SELECT (SELECT count(*) FROM match_clients), "
        "(SELECT coalesce(max(unit_no), 0) FROM match_persons), "
        "(SELECT count(*) FROM match_index_months)").fetchall()[0]
    last_unit = max(last_unit, n_clients)
    n_persons = last_unit - n_clients
    dropped = {d: _counts(con, "SELECT dropped, count(*) FROM match_client_units WHERE "
                               "design = ? AND dropped IS NOT NULL GROUP BY dropped", [d])
               for d in DESIGNS}
    eligible = _counts(con, "SELECT design, count(*) FROM match_clients GROUP BY design")
    step = max(1, n_persons * n_months // ps_sample_rows)
    _covariates(con, 1, last_unit + 1, step)
    columns = covariate_columns(con)
    used = model_columns(columns, history)
    fit_rows = con.sql("SELECT * FROM match_covariates_batch ORDER BY unit_no, month_no").pl()
    # the effect's and the placebo's clients against comparison persons (the not-yet-treated
    # design reuses the score: its clients are the effect's, its candidates later clients)
    clients = fit_rows.filter(pl.col("is_client") & (pl.col("design") != "not_yet_treated"))
    sample = fit_rows.filter(~pl.col("is_client") & pl.col("design").is_null())
    _covariates(con, 1, n_clients + 1, 1)
    _create_collectors(con, columns)

    def summary(matched: dict[str, int], levels: dict[int, int], fit: int,
                caliper: float) -> MatchSummary:
        return MatchSummary(history, eligible.get("effect", 0), matched.get("effect", 0),
                            eligible.get("placebo", 0), matched.get("placebo", 0), n_persons,
                            fit, caliper, k, dropped["effect"], levels, dropped["placebo"],
                            matched.get("not_yet_treated", 0))

    if clients.height == 0 or sample.height == 0:
        run_sql(con, "register/match_final", {"k": k})
        return summary({}, {}, 0, float("nan"))
    coef, state_coef, sd = fit_propensity(clients, sample, used)
    params = {"b_intercept": coef["intercept"],
              "b_x": [coef.get(c, 0.0) for c in columns],
              "b_state": state_coef, "caliper": caliper_sd * sd, "k": k}
    run_sql(con, "register/match_batch", params)  # scores the clients (batch 0)
    for lo in range(n_clients + 1, last_unit + 1, batch_persons):
        _covariates(con, lo, min(lo + batch_persons, last_unit + 1), 1)
        run_sql(con, "register/match_batch", params)
    run_sql(con, "register/match_final", {"k": k})
    matched = _counts(con, "SELECT c.design, count(DISTINCT p.client_unit) FROM match_pairs "
                           "AS p JOIN match_clients AS c ON c.unit_no = p.client_unit "
                           "GROUP BY c.design")
    levels = _counts(con, "SELECT p.level, count(DISTINCT p.client_unit) FROM match_pairs AS p "
                          "JOIN match_clients AS c ON c.unit_no = p.client_unit "
                          "WHERE c.design = 'effect' GROUP BY p.level")
    return summary(matched, levels, sample.height, caliper_sd * sd)


def drop_match_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in _TEMP:
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
