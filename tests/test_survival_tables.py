"""From staging to km.csv rows, worked by hand: a job ending ON the cut-off day is an event in
the 6-month estimate; an end after the cut-off and a missing end are censored; ties of events
and censorings; the competing-exit sensitivity line; the employment comparison."""

from __future__ import annotations

from datetime import date as d

import duckdb
import polars as pl
import pytest
from support.employment import client, job, make_staging

from ips_eval.employment.derive import build_clients_and_jobs, build_tte, headline, tte_frame
from ips_eval.employment.results import employment_comparison, km_table, rmst_table
from schemas.study import STUDY

CUTOFFS = STUDY.default_cutoffs
JOB_START = d(2022, 12, 31)  # 31.12.2022–30.6.2023 inclusive = 182 days ≤ 182.625

STAGED_CLIENTS = [
    client("HEL-0001", d(2022, 12, 1)),
    client("HEL-0002", d(2022, 12, 1)),
    client("HEL-0003", d(2022, 12, 1)),
    client("HEL-0004", d(2022, 12, 1)),
    client("HEL-0005", d(2022, 12, 1)),
    client("HEL-0006", d(2022, 12, 1), exit_date=d(2023, 1, 13)),
    client("HEL-0007", d(2022, 10, 15)),
    client("HEL-0008", d(2023, 3, 1), exit_date=d(2023, 3, 11)),  # no job: competing exit
]
STAGED_JOBS = [
    job("HEL-0001", 1, JOB_START, d(2023, 1, 9)),  # 10 days, ended
    job("HEL-0002", 1, JOB_START, d(2023, 6, 30)),  # ends ON the cut-off: 182 days, ended
    job("HEL-0003", 1, JOB_START),  # no end: censored at the cut-off, 182
    job("HEL-0004", 1, JOB_START, d(2023, 7, 15)),  # ends after the cut-off: censored, 182
    job("HEL-0005", 1, JOB_START, d(2023, 1, 19)),  # 20 days, ended
    job("HEL-0006", 1, JOB_START),  # service ended 13.1.: censored at 14 days
    job("HEL-0007", 1, d(2022, 11, 1)),  # censored at the cut-off, 242 days
]


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict:
    con = duckdb.connect(str(tmp_path_factory.mktemp("km") / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, STAGED_CLIENTS, STAGED_JOBS)
    build_clients_and_jobs(con, CUTOFFS)
    build_tte(con)
    tte = tte_frame(con)
    clients = pl.from_arrow(con.sql("FROM analysis.clients").to_arrow_table())
    jobs = pl.from_arrow(con.sql("FROM analysis.jobs").to_arrow_table())
    published = headline(con, [("pilot", d(2023, 6, 30)), ("pilot", d(2023, 3, 31))])
    con.close()
    return {"tte": tte, "km": km_table(tte), "rmst": rmst_table(tte),
            "comparison": employment_comparison(tte, clients, jobs, published)}


def _row(km: pl.DataFrame, param: str, method: str, t: float) -> dict:
    rows = km.filter((pl.col("param") == param) & (pl.col("method") == method)
                     & (pl.col("group_var") == "all") & (pl.col("time_days") == t))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_km_at_six_months_counts_the_job_ending_on_the_cutoff_day(tables):
    # times: 10 ended; 14 censored; 20 ended; 182 one ended (on the cut-off day) + two censored;
    # 242 censored. S = 6/7 · 4/5 · 3/4 = 18/35 (treating the cut-off-day end as censored
    # would give 24/35).
    six = _row(tables["km"], "TENURE1", "KM", 182.625)
    assert six["estimate"] == pytest.approx(18 / 35)
    assert (six["n_at_risk"], six["n_events"], six["n"]) == (1, 3, 7)
    assert six["ci_lower"] < six["estimate"] < six["ci_upper"]


def test_km_past_the_last_follow_up_is_empty(tables):
    twelve = _row(tables["km"], "TENURE1", "KM", 365.25)
    assert twelve["estimate"] is None and twelve["n_at_risk"] == 0


def test_ttfj_cumulative_incidence_and_its_km_sensitivity_line(tables):
    # TTFJ: HEL-0008 leaves at 10 days without a job (competing); HEL-0007's job at 17 days,
    # six jobs at 30 days (index 1.12., job 31.12.). AJ: 7/8 · 1/7 + 6/8 · 6/6 = 7/8;
    # KM with the exit censored: 1 − 6/7 · 0/6 = 1 (it overstates the jobs).
    aj = _row(tables["km"], "TTFJ", "AJ", 182.625)
    km = _row(tables["km"], "TTFJ", "KM_competing_as_censored", 182.625)
    assert aj["estimate"] == pytest.approx(7 / 8)
    assert aj["n_events"] == 7
    assert km["estimate"] == pytest.approx(1.0)


def test_rmst_and_median_of_tenure(tables):
    row = tables["rmst"].filter((pl.col("param") == "TENURE1") & (pl.col("group_var") == "all"))
    row = row.row(0, named=True)
    # S: 1 on [0,10), 6/7 on [10,20), 24/35 on [20,182), 18/35 on [182,242); tau 365.25 is past
    # the last time 242, where the curve stays 18/35 → area to 365.25
    expected = 10 + 10 * 6 / 7 + 162 * 24 / 35 + (365.25 - 182) * 18 / 35
    assert row["rmst_days"] == pytest.approx(expected)
    assert row["median_days"] is None  # S never reaches 0.5 (18/35 > 0.5)


def test_employment_comparison_per_cohort(tables):
    rows = {r["measure"] + str(r["time_days"]): r
            for r in tables["comparison"].iter_rows(named=True)}
    crude = rows["crude_ever_employedNone"]
    assert (crude["n_clients"], crude["n_events"]) == (8, 7)
    assert crude["estimate"] == pytest.approx(7 / 8)
    assert rows["cif_first_job182.625"]["estimate"] == pytest.approx(7 / 8)
    # follow-up cut-off − index: 211 (×6), 258, 121 → median 211
    assert crude["median_followup_days"] == 211
    assert rows["cif_first_job182.625"]["n_full_window"] == 7
    published = tables["comparison"].filter(pl.col("measure") == "crude_ever_employed_published")
    # by 31.3.2023: all 8 had started, 7 had a job (all jobs began by 31.12.2022); follow-up
    # to 31.3.2023: 120 (×6), 167, 30 → median 120
    early = published.filter(pl.col("cutoff_date") == d(2023, 3, 31)).row(0, named=True)
    assert (early["n_clients"], early["n_events"], early["median_followup_days"]) == (8, 7, 120)
