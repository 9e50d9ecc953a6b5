"""Employment and fidelity per team (``results.team_outcomes``): what Table 7 and the figure of
fidelity against employment show, as one tidy row per team.

Employment: of the team's clients, those with a full 12-month window (a full window before the
cut-off, docs/methods.md §Attachment to work) and, of them, those whose first competitive job
(``TTFJ`` event 1) came within 12 months — an equal window for every team, unlike the crude share
(``ips_eval.employment.derive``: ``followed_for``, ``first_job_within``). Fidelity: the
team's latest IPS-25 review on or before the cut-off with a total (``analysis.fidelity`` holds
only reviews up to the cut-off), with its band.
"""

from __future__ import annotations

import polars as pl

from ips_eval.employment.derive import first_job_within, followed_for
from schemas.windows import TWELVE_MONTHS_DAYS

NO_TEAM = "–"  # a dash, not a word of any language

TEAM_OUTCOMES_SCHEMA = {
    "region": pl.String, "cohort": pl.String, "team": pl.String, "clients": pl.Int64,
    "window": pl.Int64, "employed": pl.Int64, "pct_employed": pl.Float64,
    "review_date": pl.Date, "total": pl.Int64, "band": pl.String,
}


def employment_by_team(clients: pl.DataFrame, tte: pl.DataFrame) -> pl.DataFrame:
    """Per team: ``clients``, ``window`` (clients with 12 months' follow-up) and ``employed``
    (of them, a first competitive job within 12 months), with ``pct_employed``."""
    first_job = tte.filter(pl.col("param") == "TTFJ").select(
        "client_id", job12=first_job_within(TWELVE_MONTHS_DAYS))
    # a client without a valid team code (missing, or a rejected value such as a formula) is
    # counted in a team row of its own: a null team would collide with the region's total row
    frame = clients.select(
        "client_id", pl.col("team").fill_null(NO_TEAM), "region", "cohort",
        followup_days=(pl.col("cutoff_date") - pl.col("index_date")).dt.total_days(),
    ).join(first_job, on="client_id", how="left")
    in_window = followed_for(TWELVE_MONTHS_DAYS)
    return (frame.group_by("region", "cohort", "team").agg(
        clients=pl.len(),
        window=in_window.sum(),
        employed=(in_window & pl.col("job12").fill_null(False)).sum(),
    ).with_columns(pct_employed=pl.when(pl.col("window") > 0)
                   .then(100 * pl.col("employed") / pl.col("window")))
     .sort("region", "team", nulls_last=True))


def latest_fidelity(fidelity: pl.DataFrame) -> pl.DataFrame:
    """Each team's latest review with a total: team, region, cohort, review_date, total, band."""
    return (fidelity.filter(pl.col("total").is_not_null())
            .sort("team", "review_date")
            .group_by("team", maintain_order=True).last()
            .select("team", "region", "cohort", "review_date", "total", "band"))


def team_outcomes(clients: pl.DataFrame, tte: pl.DataFrame,
                  fidelity: pl.DataFrame) -> pl.DataFrame:
    """``results.team_outcomes``: one row per team with clients (region, cohort, team,
    clients, window, employed, pct_employed) and its latest review (review_date, total, band;
    empty without one)."""
    latest = latest_fidelity(fidelity).select("team", "review_date", "total", "band")
    frame = employment_by_team(clients, tte).join(latest, on="team", how="left")
    return frame.select([pl.col(c).cast(t) for c, t in TEAM_OUTCOMES_SCHEMA.items()])
