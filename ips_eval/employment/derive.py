"""Employment outcomes: the analysis datasets (clients, jobs, tte) and the count-based results
(headline, attachment at 6/12 months, quarterly employment rate).

The set work is SQL in ``sql/`` (one file per derived table); this module only runs it with
the cut-offs bound as parameters and reads the small result tables back. Definitions:
docs/methods.md, the section cited in each SQL file's header.

As of each cohort's cut-off (``study.cutoffs``): clients whose index date is after their
cohort's cut-off are not in the analysis; a service end after the cut-off counts as no end by
the cut-off; a job starting after it is dropped and a job end after it is unknown (the job is
ongoing on the cut-off day). The headline alone reads staging directly, at the published
cut-offs (``HEADLINE_CUTOFFS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import duckdb
import polars as pl

from ips_eval.warehouse import run_sql, write_study_meta, write_windows
from schemas.windows import HEADLINE_CUTOFFS, HORIZONS_DEFAULT


def followed_for(window_days: float) -> pl.Expr:
    """A client observed for the whole window: cut-off − index date ≥ the window's days
    (``followup_days``; docs/methods.md §Attachment to work)."""
    return pl.col("followup_days") >= window_days


def first_job_within(window_days: float) -> pl.Expr:
    """A first competitive job within the window: the TTFJ event (1) at most the window's days
    after the index date — "a job within 12 months" of the logit model and the team outcomes."""
    return (pl.col("event") == 1) & (pl.col("time_days") <= window_days)


def build_clients_and_jobs(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date]) -> None:
    """analysis.clients and analysis.jobs (with analysis.employment_spells in between): built
    together because the per-client employment summary needs the jobs and the jobs need each
    client's index date, service end and cut-off."""
    write_study_meta(con, cutoffs)
    run_sql(con, "employment/macros")
    run_sql(con, "employment/clients")
    run_sql(con, "employment/jobs")
    run_sql(con, "employment/employment_spells")
    run_sql(con, "employment/client_employment")


def build_tte(con: duckdb.DuckDBPyConnection) -> None:
    """analysis.tte from analysis.clients and analysis.jobs (sql/employment/tte.sql)."""
    run_sql(con, "employment/macros")
    run_sql(con, "employment/tte")


def table_frame(con: duckdb.DuckDBPyConnection, sql: str,
                params: Mapping[str, object] | None = None) -> pl.DataFrame:
    """A (small) query result as a polars DataFrame."""
    return pl.from_arrow(con.sql(sql, params=dict(params) if params else None).to_arrow_table())


def clients_exiting_before_index(con: duckdb.DuckDBPyConnection) -> int:
    """Clients whose delivered service end precedes their index date (ignored in the analysis,
    see sql/employment/clients.sql)."""
    return con.execute(
        "SELECT count(*) FROM staging.asiakkaat AS a JOIN analysis.clients AS c "
        "USING (client_id) WHERE a.exit_date < a.index_date").fetchall()[0][0]


# ------------------------------------------------------------------------------------ results
def headline(con: duckdb.DuckDBPyConnection,
             cutoffs: Iterable[tuple[str, date]] = HEADLINE_CUTOFFS) -> pl.DataFrame:
    """The crude "% ever employed" as published, one row per (cohort, cut-off)
    (sql/employment/headline.sql). Read from staging, not analysis.clients: the published
    cut-offs need not be the analysis cut-offs."""
    run_sql(con, "employment/macros")
    frames = [table_frame(con, _sql("employment/headline"), {"cohort": cohort, "cutoff": cutoff})
              for cohort, cutoff in cutoffs]
    return pl.concat(frames) if frames else pl.DataFrame()


def attachment(con: duckdb.DuckDBPyConnection,
               horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> pl.DataFrame:
    """Attachment to work at each horizon (6 and 12 months, and 18/24 when asked) by cohort,
    region and all (sql/employment/attachment.sql, over the windows of meta.windows, written
    here from the horizons)."""
    write_windows(con, horizons)
    return table_frame(con, _sql("employment/attachment"))


def quarterly(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The quarterly employment rate by region (and all) (sql/employment/quarterly.sql over
    analysis.client_quarters, rebuilt here)."""
    run_sql(con, "employment/macros")  # in_service
    run_sql(con, "employment/client_quarters")
    return table_frame(con, _sql("employment/quarterly"))


def quarterly_by_team(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The quarterly employment rate by team (sql/employment/quarterly_team.sql over
    analysis.client_quarters, rebuilt here)."""
    run_sql(con, "employment/macros")  # in_service
    run_sql(con, "employment/client_quarters")
    return table_frame(con, _sql("employment/quarterly_team"))


def _sql(name: str) -> str:
    from ips_eval.warehouse import sql_text

    return sql_text(name)


# ------------------------------------------------------------------------- frames for models
def tte_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """analysis.tte in its export order."""
    return table_frame(con, "FROM analysis.tte ORDER BY param, client_id, job_no")


def tenure_model_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The TENURE1_REG, TENURE1 and TENURE rows with the Cox covariates: the client's (cohort,
    age, sex, dx_group, work_history) and the job's (hours_week, pay_subsidy)."""
    return table_frame(con, """
        SELECT t.param, t.client_id, t.job_no, t.time_days, t.event,
               c.cohort, c.age, c.sex, c.dx_group, c.work_history, j.hours_week, j.pay_subsidy
        FROM analysis.tte AS t
        JOIN analysis.clients AS c USING (client_id)
        JOIN analysis.jobs AS j USING (client_id, job_no)
        WHERE t.param IN ('TENURE1_REG', 'TENURE1', 'TENURE')
        ORDER BY t.param, t.client_id, t.job_no""")


def ttfj_model_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The TTFJ rows with each client's follow-up and covariates (the logistic model)."""
    return table_frame(con, """
        SELECT t.client_id, t.time_days, t.event, c.followup_days,
               c.cohort, c.age, c.sex, c.dx_group, c.work_history
        FROM analysis.tte AS t
        JOIN analysis.clients AS c USING (client_id)
        WHERE t.param = 'TTFJ'
        ORDER BY t.client_id""")


# ---------------------------------------------------------------------------- audit queries
def tte_violations(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Counts of rows breaking what must hold in analysis.tte (the asset's ERROR check)."""
    row = con.execute("""
        SELECT
            (SELECT count(*) FROM analysis.clients AS c WHERE (
                SELECT count(*) FROM analysis.tte AS t
                WHERE t.param = 'TTFJ' AND t.client_id = c.client_id) <> 1)
                AS clients_without_exactly_one_ttfj_row,
            count(*) FILTER (WHERE time_days < 0 OR time_days IS NULL) AS negative_times,
            count(*) FILTER (WHERE (censor_reason IS NULL) <> (event <> 0))
                AS censor_reason_mismatch,
            count(*) FILTER (WHERE end_date > (SELECT cutoff_date FROM analysis.clients AS c
                                               WHERE c.client_id = tte.client_id))
                AS after_cutoff
        FROM analysis.tte""").fetchall()[0]
    names = ("clients_without_exactly_one_ttfj_row", "negative_times", "censor_reason_mismatch",
             "after_cutoff")
    return dict(zip(names, (int(v) for v in row), strict=True))
