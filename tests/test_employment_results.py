"""Headline, attachment at 6/12 months, quarterly rate and the per-client employment summary,
on small hand-made staging tables with hand-counted answers (pilot cut-off 30.6.2023)."""

from __future__ import annotations

from datetime import date as d

import duckdb
import polars as pl
import pytest
from support.employment import client, job, make_staging
from support.tte import CLIENTS, CUTOFFS, JOBS, PAY

from ips_eval.employment.derive import attachment, build_clients_and_jobs, headline, quarterly


@pytest.fixture(scope="module")
def tte_study(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path_factory.mktemp("emp") / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, CLIENTS, JOBS, PAY)
    build_clients_and_jobs(con, CUTOFFS)
    yield con
    con.close()


def test_headline_counts_clients_by_published_cutoff(tte_study):
    rows = headline(tte_study, [("pilot", d(2023, 6, 30)), ("pilot", d(2022, 2, 28))])
    first, second = rows.row(0, named=True), rows.row(1, named=True)
    # 11 pilot clients, HEL-0010 started after 30.6.2023; employed: A B F G H I K
    assert (first["clients_started"], first["clients_employed"]) == (10, 7)
    assert first["pct_employed"] == pytest.approx(70.0)
    # HEL-0002's only job is pay-subsidised
    assert first["clients_employed_excl_pay_subsidy"] == 6
    # follow-up to 30.6.2023 of the 10: A 910, B 486, C 536, D 545, E 364, F G H K 545,
    # I 545 days → median 545
    assert first["median_followup_days"] == 545
    # by 28.2.2022: started A C D F G H I K = 8 (B on 1.3.2022, E on 1.7.2022);
    # jobs starting by then: A (1.3.2021), I and K (1.2.2022)
    assert (second["clients_started"], second["clients_employed"]) == (8, 3)


def test_quarterly_rate_counts_active_and_working_clients(tte_study):
    q = quarterly(tte_study).filter(pl.col("region") == "HEL")
    by_quarter = {r["quarter"]: (r["active"], r["working"], r["working_excl_pay_subsidy"])
                  for r in q.iter_rows(named=True)}
    # 2022-Q1: A B C D F G H I K active (E starts in July); working B F G H I K
    assert by_quarter["2022-Q1"] == (9, 6, 5)
    # 2022-Q3: C, F, G, H left in spring; E arrived: A B D E I K; working B I K
    assert by_quarter["2022-Q3"] == (6, 3, 2)
    assert by_quarter["2021-Q3"] == (1, 0, 0)
    assert max(by_quarter) == "2023-Q2"  # nothing after the cut-off's quarter
    assert q["rate"].to_list() == pytest.approx((q["working"] / q["active"]).to_list())


ATTACHMENT_CLIENTS = [
    client("HEL-0001", d(2021, 1, 1)),
    client("HEL-0002", d(2023, 1, 1)),  # 180 days to the cut-off: no full window
    client("HEL-0003", d(2022, 12, 29)),  # 183 days ≥ 182.625: a full 6-month window
]
ATTACHMENT_JOBS = [
    job("HEL-0001", 1, d(2021, 2, 1), d(2021, 3, 31)),
    job("HEL-0001", 2, d(2021, 3, 15), d(2021, 4, 30)),  # overlaps job 1: union 1.2.–30.4.
    job("HEL-0001", 3, d(2021, 6, 20), pay_subsidy=1),  # ongoing at the cut-off
    job("HEL-0001", 4, d(2020, 6, 1), d(2022, 1, 1)),  # began before the index: never counts
]


@pytest.fixture(scope="module")
def attachment_rows(tmp_path_factory) -> dict:
    con = duckdb.connect(str(tmp_path_factory.mktemp("att") / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, ATTACHMENT_CLIENTS, ATTACHMENT_JOBS)
    build_clients_and_jobs(con, CUTOFFS)
    rows = attachment(con).filter(pl.col("group_var") == "all")
    clients = con.execute("SELECT client_id, n_jobs, n_competitive_jobs, days_employed "
                          "FROM analysis.clients ORDER BY client_id").fetchall()
    con.close()
    return {"attachment": {r["window_months"]: r for r in rows.iter_rows(named=True)},
            "clients": clients}


def test_attachment_at_6_months_by_hand(attachment_rows):
    six = attachment_rows["attachment"][6]
    # eligible: HEL-0001 and HEL-0003. Window end 1.1.2021 + 182 = 2.7.2021.
    # HEL-0001 worked 1.2.–30.4. (89 days, overlap once) + 20.6.–2.7. (13 days) = 102
    assert (six["n_clients"], six["n_any_job"], six["n_employed_at_end"]) == (2, 1, 1)
    assert six["mean_days_worked"] == pytest.approx(102 / 2)
    # without the pay-subsidised job 3: 89 days, not employed on 2.7.2021
    assert (six["n_any_job_excl_pay_subsidy"], six["n_employed_at_end_excl_pay_subsidy"]) == (1, 0)
    assert six["mean_days_worked_excl_pay_subsidy"] == pytest.approx(89 / 2)


def test_attachment_at_12_months_by_hand(attachment_rows):
    twelve = attachment_rows["attachment"][12]
    # only HEL-0001; window end 1.1.2022: 89 + 20.6.2021–1.1.2022 (196 days) = 285
    assert (twelve["n_clients"], twelve["n_any_job"], twelve["n_employed_at_end"]) == (1, 1, 1)
    assert twelve["mean_days_worked"] == pytest.approx(285)


def test_client_summary_counts_jobs_after_index_and_days_once(attachment_rows):
    # HEL-0001: jobs 1-3 after the index (job 4 before); days 89 + 20.6.2021–30.6.2023 (741)
    assert attachment_rows["clients"][0] == ("HEL-0001", 3, 3, 89 + 741)
    assert attachment_rows["clients"][1] == ("HEL-0002", 0, 0, 0)
