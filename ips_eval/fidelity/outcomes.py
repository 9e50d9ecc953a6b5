"""Fidelity against results: the IPS-25 item profile per team, the trend across a team's
successive reviews, and a client-level model of fidelity and time to the first job.

- ``results.fidelity_items``: per team (its latest review with all 25 items, as
  ``analysis.fidelity`` keeps them up to the cut-off) each item's score, the mean over all the
  team's reviews, its rank within the latest review (1 = lowest; ties in the scale's order) and
  whether it is among the ``LOWEST`` lowest; per cohort and overall the mean of the teams'
  latest scores and in how many teams the item is among the lowest — "which standards were
  given up".
- ``results.fidelity_trend``: each team's reviews in order with the change from the previous
  one and the team's least-squares slope of the total per year.
- ``results.fidelity_cox``: a cause-specific Cox model of TTFJ (event 1 a job; a competing
  exit is censored) with the team's IPS-25 total from its latest review on or before the
  client's index date (per 10 points) as the covariate — unadjusted and adjusted for cohort —
  and a sandwich variance clustered by team (``ips_eval.employment.cox.robust_variance``, as
  R's ``coxph(..., cluster = team)``): clients of one team share the team's fidelity, so
  model-based errors would treat 20 team values as a thousand. Clients whose team had no
  review with a total by their index date are left out (``n_excluded``).
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
from scipy.stats import norm

from ips_eval.employment.cox import robust_variance
from ips_eval.outputs import fit_or_reason, stack_results
from schemas.instruments import FIDELITY_ITEMS
from schemas.study import RRP
from schemas.windows import DAYS_PER_YEAR

LOWEST = 3
ITEM_PROFILE_SCHEMA = {
    "level": pl.String, "unit": pl.String, "region": pl.String, "cohort": pl.String,
    "item": pl.String, "teams": pl.Int64, "reviews": pl.UInt32, "latest_review": pl.Date,
    "score": pl.Float64, "mean_all_reviews": pl.Float64, "rank": pl.Int64, "lowest": pl.Boolean,
    "teams_lowest": pl.Int64}
PER_POINTS = 10.0  # the hazard ratio per 10 IPS-25 points (a band is 15–25 points wide)


def _latest(fidelity: pl.DataFrame) -> pl.DataFrame:
    return (fidelity.filter(pl.col("total").is_not_null()).sort("team", "review_date")
            .group_by("team", maintain_order=True).last())


def item_profile(fidelity: pl.DataFrame) -> pl.DataFrame:
    """results.fidelity_items (level team / cohort / all × item)."""
    complete = fidelity.filter(pl.col("total").is_not_null())
    latest = _latest(fidelity)
    means = complete.group_by("team").agg(
        pl.len().alias("reviews"), *(pl.col(k).mean() for k in FIDELITY_ITEMS))
    rows = []
    for r in latest.sort("team").iter_rows(named=True):
        scores = [(r[k], i) for i, k in enumerate(FIDELITY_ITEMS)]
        rank = {i: n for n, (_, i) in enumerate(sorted(scores), start=1)}
        team_means = means.filter(pl.col("team") == r["team"]).row(0, named=True)
        for i, k in enumerate(FIDELITY_ITEMS):
            rows.append({"level": "team", "unit": r["team"], "region": r["region"],
                         "cohort": r["cohort"], "item": k, "teams": 1,
                         "reviews": team_means["reviews"], "latest_review": r["review_date"],
                         "score": float(r[k]), "mean_all_reviews": float(team_means[k]),
                         "rank": rank[i], "lowest": rank[i] <= LOWEST,
                         "teams_lowest": int(rank[i] <= LOWEST)})
    if not rows:  # no review with all items yet (an early delivery): the table's columns only
        return pl.DataFrame(schema=ITEM_PROFILE_SCHEMA)
    teams = pl.DataFrame(rows, schema_overrides={"latest_review": pl.Date})
    pooled = []
    for level, key in (("cohort", "cohort"), ("all", None)):
        groups = teams.group_by(*(["cohort"] if key else []), "item")
        agg = groups.agg(pl.col("unit").n_unique().alias("teams"),
                         pl.col("reviews").sum(), pl.col("latest_review").max(),
                         pl.col("score").mean(), pl.col("mean_all_reviews").mean(),
                         pl.col("teams_lowest").sum())
        agg = agg.with_columns(level=pl.lit(level),
                               unit=pl.col("cohort") if key else pl.lit("all"),
                               region=pl.lit(None, pl.String))
        if not key:
            agg = agg.with_columns(cohort=pl.lit(None, pl.String))
        ranked = agg.with_columns(
            _order=pl.col("item").replace_strict({k: i for i, k in enumerate(FIDELITY_ITEMS)}))
        ranked = ranked.sort("unit", "score", "_order").with_columns(
            rank=pl.int_range(1, pl.len() + 1).over("unit")).drop("_order")
        pooled.append(ranked.with_columns(lowest=pl.col("rank") <= LOWEST))
    columns = teams.columns
    return pl.concat([teams, *(p.select(columns) for p in pooled)], how="vertical_relaxed")


def trend(fidelity: pl.DataFrame) -> pl.DataFrame:
    """results.fidelity_trend: team × review with the change from the previous review and the
    team's slope of the total per year (null with one review)."""
    reviews = fidelity.filter(pl.col("total").is_not_null()).sort("team", "review_date")
    first = pl.col("review_date").min().over("team")
    reviews = reviews.with_columns(
        review_no=pl.int_range(1, pl.len() + 1).over("team"),
        years=(pl.col("review_date") - first).dt.total_days() / DAYS_PER_YEAR,
        change=pl.col("total") - pl.col("total").shift(1).over("team"))
    slopes = {}
    for (team,), part in reviews.group_by("team"):
        x, y = part["years"].to_numpy(), part["total"].cast(pl.Float64).to_numpy()
        slopes[team] = float(np.polyfit(x, y, 1)[0]) if part.height > 1 else None
    return reviews.select(
        "team", "region", "cohort", "review_no", "review_date", "total", "band", "change",
        pl.col("years").alias("years_since_first"),
        pl.col("team").replace_strict(slopes, default=None, return_dtype=pl.Float64)
        .alias("slope_per_year"))


def cox_frame(clients: pl.DataFrame, tte: pl.DataFrame, fidelity: pl.DataFrame
              ) -> tuple[pl.DataFrame, int]:
    """TTFJ rows with the team's total from its latest review on or before the index date;
    the number of clients left out for want of such a review."""
    ttfj = (tte.filter(pl.col("param") == "TTFJ").select("client_id", "time_days", "event")
            .join(clients.select("client_id", "team", "cohort", "index_date"), on="client_id"))
    reviews = (fidelity.filter(pl.col("total").is_not_null())
               .select("team", "review_date", "total").sort("review_date"))
    # both sides sorted by date overall, hence within each team too
    joined = ttfj.filter(pl.col("team").is_not_null()).sort("index_date").join_asof(
        reviews, left_on="index_date", right_on="review_date", by="team", strategy="backward",
        check_sortedness=False)
    frame = joined.filter(pl.col("total").is_not_null()).sort("client_id")
    return frame, ttfj.height - frame.height


COHORT_TERM = f"cohort[{RRP}]"  # the later cohort against the first, as the Cox models name it
FIDELITY_COX_COLUMNS = ("param", "model", "term", "coef", "se_robust", "hr", "ci_lower",
                        "ci_upper", "p", "n", "events", "teams", "n_excluded", "method_note")


def fidelity_cox(frame: pl.DataFrame, excluded: int) -> pl.DataFrame:
    """results.fidelity_cox: the unadjusted and the cohort-adjusted model (a model the data
    cannot carry yet — no clients with a review, no jobs — is a ``not_fitted`` row)."""
    data = frame.select(
        "time_days", (pl.col("event") == 1).cast(pl.Int64).alias("event"),
        (pl.col("total") / PER_POINTS).alias("fidelity_total_per_10"),
        (pl.col("cohort") == RRP).cast(pl.Float64).alias(COHORT_TERM), "team")
    models = {"unadjusted": ["fidelity_total_per_10"],
              "cohort_adjusted": ["fidelity_total_per_10", COHORT_TERM]}
    fits = []
    for model, terms in models.items():
        if model == "cohort_adjusted" and data[COHORT_TERM].n_unique() < 2:
            continue  # one cohort only: nothing to adjust for
        fits.append(fit_or_reason(
            lambda model=model, terms=terms: _fidelity_cox_model(data, model, terms, excluded),
            {"param": "TTFJ", "model": model}, FIDELITY_COX_COLUMNS, data.height,
            int(data["event"].sum())))
    return stack_results(fits)


def _fidelity_cox_model(data: pl.DataFrame, model: str, terms: list[str],
                        excluded: int) -> pl.DataFrame:
    from lifelines import CoxPHFitter

    fit_data = data.select("time_days", "event", *terms).to_pandas()
    fitter = CoxPHFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter.fit(fit_data, duration_col="time_days", event_col="event",
                   fit_options={"precision": 1e-12})
    beta = fitter.params_.to_numpy()
    variance = robust_variance(
        fit_data[terms].to_numpy(dtype=float), fit_data["time_days"].to_numpy(dtype=float),
        fit_data["event"].to_numpy(dtype=int), beta, fitter.variance_matrix_.to_numpy(),
        data["team"].to_numpy())
    se = np.sqrt(np.diag(variance))
    z = norm.ppf(0.975)
    rows = []
    for term, b, s in zip(terms, beta, se, strict=True):
        rows.append({
            "param": "TTFJ", "model": model, "term": term, "coef": float(b),
            "se_robust": float(s), "hr": float(np.exp(b)),
            "ci_lower": float(np.exp(b - z * s)), "ci_upper": float(np.exp(b + z * s)),
            "p": float(2 * norm.sf(abs(b / s))), "n": data.height,
            "events": int(data["event"].sum()), "teams": data["team"].n_unique(),
            "n_excluded": excluded,
            "method_note": "cause-specific Cox (competing exit censored), Efron ties; "
                           "sandwich variance clustered by team (coxph cluster = team); "
                           "fidelity: latest IPS-25 total on or before the index date"})
    return pl.DataFrame(rows)
