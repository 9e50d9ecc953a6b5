"""The IPS model's own process standards (docs/methods.md §Process standards): employer contacts per
coach-week, days to the first employer meeting, caseload per coach at each month end, and days from
referral to start — by coach, team, region, cohort and overall (``results.process``, docs/outputs.md
``process.csv``).

The set work (coach-weeks, coach-month-ends, one row per client) is SQL in ``sql/fidelity/``:
``coaches.sql``, ``coach_weeks.sql``, ``coach_months.sql`` and ``client_process.sql``, with the
standards bound from ``schemas/standards.py``; this module runs it and summarises the small tables.

Summaries per unit:
- ``contacts_per_week``: mean contacts over the coach-weeks (``n``), share of coach-weeks with
  ≥ 6 (meeting the standard);
- ``first_meeting_days``: the Kaplan–Meier median days over all the unit's clients (``n``;
  a client without a meeting is censored at the service end or the cut-off) with its log-log
  CI, and the share met within 30 days among the clients with ≥ 30 days of follow-up
  (``share_n``);
- ``caseload``: mean clients in service over the coach-month-ends (``n``); the share of
  coach-month-ends at or under 20 meets the standard (docs/outputs.md's wording; the
  standard's own wording is its complement, "above 20");
- ``referral_days``: median and quartiles (``q1``, ``q3``; R's default type-7 quantiles) over
  the clients with a referral date (``n``; a missing referral date leaves the client out);
  no standard.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from ips_eval.employment.survival import kaplan_meier, median_time
from ips_eval.warehouse import run_sql
from schemas.standards import EMPLOYER_CONTACT_TYPES, FIRST_MEETING_TYPE, STANDARDS, standard

LEVELS = ("all", "cohort", "region", "team", "coach")
PROCESS_COLUMNS = ("indicator", "level", "unit", "n", "value", "standard",
                   "share_meeting_standard", "share_n", "q1", "q3", "ci_lower", "ci_upper",
                   "region", "cohort")
DATASETS = ("coaches", "coach_weeks", "coach_months", "client_process")


def build_process_datasets(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """analysis.coaches, coach_weeks, coach_months and client_process; their row counts."""
    run_sql(con, "fidelity/coaches")
    run_sql(con, "employment/macros")  # in_service
    run_sql(con, "fidelity/coach_weeks", {"contact_types": list(EMPLOYER_CONTACT_TYPES)})
    run_sql(con, "fidelity/coach_months")
    run_sql(con, "fidelity/client_process", {
        "first_meeting_type": FIRST_MEETING_TYPE,
        "first_meeting_window": int(standard("first_meeting_days"))})
    return {name: con.execute(f"SELECT count(*) FROM analysis.{name}").fetchall()[0][0]
            for name in DATASETS}


def _units(frame: pl.DataFrame) -> list[tuple[str, str, pl.DataFrame]]:
    """(level, unit, rows) for every level and unit, in LEVELS order, units sorted."""
    out = [("all", "all", frame)]
    for level in LEVELS[1:]:
        part = frame.filter(pl.col(level).is_not_null())
        for unit in sorted(set(part[level].to_list())):
            out.append((level, unit, part.filter(pl.col(level) == unit)))
    return out


def _row(indicator: str, level: str, unit: str, rows: pl.DataFrame, **values: object
         ) -> dict[str, object]:
    context = {k: (rows[k].drop_nulls().min() if level in ("team", "coach") else
                   (unit if level == k else None)) for k in ("region", "cohort")}
    if level == "region":
        context["cohort"] = rows["cohort"].drop_nulls().min()
    return {"indicator": indicator, "level": level, "unit": unit,
            "standard": STANDARDS[indicator].standard, **context,
            **{c: None for c in ("share_n", "q1", "q3", "ci_lower", "ci_upper")}, **values}


def _share(flags: pl.Series) -> float | None:
    flags = flags.drop_nulls()
    return None if flags.is_empty() else float(flags.cast(pl.Float64).mean())


def contacts_rows(coach_weeks: pl.DataFrame) -> list[dict[str, object]]:
    least = standard("contacts_per_week")
    return [_row("contacts_per_week", level, unit, rows, n=rows.height,
                 value=float(rows["contacts"].mean()),
                 share_meeting_standard=_share(rows["contacts"] >= least), share_n=rows.height)
            for level, unit, rows in _units(coach_weeks) if rows.height]


def caseload_rows(coach_months: pl.DataFrame) -> list[dict[str, object]]:
    most = standard("caseload")
    return [_row("caseload", level, unit, rows, n=rows.height,
                 value=float(rows["caseload"].mean()),
                 share_meeting_standard=_share(rows["caseload"] <= most), share_n=rows.height)
            for level, unit, rows in _units(coach_months) if rows.height]


def first_meeting_rows(client_process: pl.DataFrame) -> list[dict[str, object]]:
    out = []
    for level, unit, rows in _units(client_process):
        if not rows.height:
            continue
        curve = kaplan_meier(rows["first_meeting_days"].to_numpy(),
                             rows["first_meeting_event"].to_numpy())
        median, lower, upper = median_time(curve)
        window = rows["met_within_window"].drop_nulls()
        out.append(_row("first_meeting_days", level, unit, rows, n=rows.height,
                        value=_finite(median), ci_lower=_finite(lower), ci_upper=_finite(upper),
                        share_meeting_standard=_share(window), share_n=window.len()))
    return out


def referral_rows(client_process: pl.DataFrame) -> list[dict[str, object]]:
    out = []
    for level, unit, rows in _units(client_process):
        days = rows["referral_days"].drop_nulls().to_numpy()
        if not days.size:
            continue
        q1, median, q3 = np.percentile(days, [25, 50, 75])  # linear: R's type 7
        out.append(_row("referral_days", level, unit, rows, n=int(days.size),
                        value=float(median), q1=float(q1), q3=float(q3),
                        share_meeting_standard=None))
    return out


def _finite(x: float) -> float | None:
    return None if x != x or np.isinf(x) else float(x)


def process_table(coach_weeks: pl.DataFrame, coach_months: pl.DataFrame,
                  client_process: pl.DataFrame) -> pl.DataFrame:
    """results.process: one row per indicator × level × unit (contract columns first)."""
    rows = (contacts_rows(coach_weeks) + first_meeting_rows(client_process)
            + caseload_rows(coach_months) + referral_rows(client_process))
    schema = {"indicator": pl.String, "level": pl.String, "unit": pl.String, "n": pl.Int64,
              "value": pl.Float64, "standard": pl.Float64,
              "share_meeting_standard": pl.Float64, "share_n": pl.Int64, "q1": pl.Float64,
              "q3": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64,
              "region": pl.String, "cohort": pl.String}
    return pl.DataFrame(rows, schema=schema).select(PROCESS_COLUMNS)


def process_monthly(coach_weeks: pl.DataFrame, coach_months: pl.DataFrame) -> pl.DataFrame:
    """results.process_monthly: per coach and calendar month the mean employer contacts over
    the coach-weeks starting in the month (``coach_weeks`` of them) and the caseload at the
    month end — the series the process figure draws against the standards."""
    weeks = (coach_weeks.with_columns(month=pl.col("week_start").dt.truncate("1mo"))
             .group_by("coach", "team", "region", "cohort", "month")
             .agg(pl.len().alias("coach_weeks"),
                  pl.col("contacts").mean().alias("contacts_per_week")))
    months = coach_months.select("coach", "team", "region", "cohort",
                                 pl.col("month_end").dt.truncate("1mo").alias("month"),
                                 "caseload")
    return (weeks.join(months, on=["coach", "team", "region", "cohort", "month"], how="full",
                       coalesce=True)
            .with_columns(pl.col("coach_weeks").fill_null(0))
            .select("coach", "team", "region", "cohort", "month", "coach_weeks",
                    "contacts_per_week", "caseload")
            .sort("coach", "month"))
