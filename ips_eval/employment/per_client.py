"""Jobs and employed days per client (``results.jobs_per_client``; docs/methods.md §The study:
"number of job contracts and their duration per client"), from the per-client summary in
``analysis.clients`` (``sql/employment/client_employment.sql``: competitive jobs starting from
the index date to the cut-off; days in a competitive job with overlapping spells counted once).

Per group (``all``, each cohort): the clients by their number of competitive jobs (0, 1, 2,
3 or more), the mean number of jobs, the employed days per client (mean, median) and per
employed client, and — because the cohorts were followed for unequal times (the trap of
docs/methods.md §The study) — the employed days per year of follow-up (Σ days employed / Σ follow-up
years, a year of ``DAYS_PER_YEAR`` days) beside the median follow-up.
"""

from __future__ import annotations

import polars as pl

from schemas.windows import DAYS_PER_YEAR

JOB_COUNT_LEVELS = ("0", "1", "2", "3+")

JOBS_PER_CLIENT_SCHEMA = {
    "group_var": pl.String, "group": pl.String, "n_clients": pl.Int64,
    "median_followup_days": pl.Float64, "n_jobs_0": pl.Int64, "n_jobs_1": pl.Int64,
    "n_jobs_2": pl.Int64, "n_jobs_3plus": pl.Int64, "jobs_total": pl.Int64,
    "mean_jobs": pl.Float64, "n_employed": pl.Int64, "mean_days_employed": pl.Float64,
    "median_days_employed": pl.Float64, "mean_days_employed_if_employed": pl.Float64,
    "median_days_employed_if_employed": pl.Float64, "days_employed_per_year": pl.Float64,
}


def _summary(group_var: str, group: str, part: pl.DataFrame) -> dict:
    jobs = part["n_competitive_jobs"].fill_null(0)
    days = part["days_employed"].fill_null(0).cast(pl.Float64)
    employed = days.filter(jobs > 0)
    follow = part["followup_days"].cast(pl.Float64)
    n = part.height
    return {
        "group_var": group_var, "group": group, "n_clients": n,
        "median_followup_days": follow.median(),
        "n_jobs_0": int((jobs == 0).sum()), "n_jobs_1": int((jobs == 1).sum()),
        "n_jobs_2": int((jobs == 2).sum()), "n_jobs_3plus": int((jobs >= 3).sum()),
        "jobs_total": int(jobs.sum()), "mean_jobs": jobs.mean() if n else None,
        "n_employed": employed.len(),
        "mean_days_employed": days.mean() if n else None,
        "median_days_employed": days.median() if n else None,
        "mean_days_employed_if_employed": employed.mean() if employed.len() else None,
        "median_days_employed_if_employed": employed.median() if employed.len() else None,
        "days_employed_per_year": (DAYS_PER_YEAR * days.sum() / follow.sum()
                                   if follow.sum() else None),
    }


def jobs_per_client(clients: pl.DataFrame) -> pl.DataFrame:
    """``results.jobs_per_client``: one row for all clients and one per cohort."""
    # a fixed row order: sums and means are then bit-identical between runs
    clients = clients.sort("client_id")
    rows = [_summary("all", "all", clients)]
    for cohort in sorted(clients["cohort"].drop_nulls().unique().to_list()):
        rows.append(_summary("cohort", cohort, clients.filter(pl.col("cohort") == cohort)))
    return pl.DataFrame(rows, schema=JOBS_PER_CLIENT_SCHEMA)
