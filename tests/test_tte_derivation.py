"""analysis.tte by hand: every event and censoring rule of docs/methods.md §Time to first job and
§Job tenure pinned by one small client whose expected rows were worked out on paper (pilot cut-off
30.6.2023)."""

from __future__ import annotations

from datetime import date as d

import duckdb
import pytest
from support.employment import make_staging
from support.tte import CLIENTS, CUT, CUTOFFS, JOBS, PAY

from ips_eval.employment.derive import build_clients_and_jobs, build_tte

# (param, client) → (job_no, end_date, time_days, event, censor_reason, source)
EXPECTED = {
    ("TTFJ", "HEL-0001"): (3, d(2021, 3, 1), 59, 1, None, "first_job_start"),
    ("TTFJ", "HEL-0002"): (1, d(2022, 3, 1), 0, 1, None, "first_job_start"),
    ("TTFJ", "HEL-0003"): (None, d(2022, 4, 10), 90, 2, None, "service_exit"),
    ("TTFJ", "HEL-0004"): (None, CUT, 545, 2, None, "service_exit"),
    ("TTFJ", "HEL-0005"): (None, CUT, 364, 0, "cutoff", "cutoff"),
    ("TTFJ", "HEL-0006"): (1, d(2022, 3, 1), 59, 1, None, "first_job_start"),
    ("TTFJ", "HEL-0007"): (1, d(2022, 3, 1), 59, 1, None, "first_job_start"),
    ("TTFJ", "HEL-0008"): (1, d(2022, 3, 1), 59, 1, None, "first_job_start"),
    ("TTFJ", "HEL-0009"): (1, d(2022, 2, 1), 31, 1, None, "first_job_start"),
    ("TTFJ", "HEL-0011"): (1, d(2022, 2, 1), 31, 1, None, "first_job_start"),
    # 1.3.–31.5.2021 inclusive = 92 days
    ("TENURE1", "HEL-0001"): (3, d(2021, 5, 31), 92, 1, None, "job_end"),
    # 1.3.2022–30.6.2023 inclusive = 487 days; ends ON the cut-off day: an event
    ("TENURE1", "HEL-0002"): (1, CUT, 487, 1, None, "job_end"),
    # 1.3.–15.5.2022 inclusive = 76 days
    ("TENURE1", "HEL-0006"): (1, d(2022, 5, 15), 76, 0, "service_exit", "service_exit"),
    ("TENURE1", "HEL-0007"): (1, d(2022, 5, 15), 76, 0, "service_exit", "service_exit"),
    ("TENURE1", "HEL-0008"): (1, d(2022, 5, 15), 76, 0, "service_exit", "service_exit"),
    # end 30.9.2023 is after the cut-off: censored at it, 1.2.2022–30.6.2023 = 515 days
    ("TENURE1", "HEL-0009"): (1, CUT, 515, 0, "cutoff", "cutoff"),
    ("TENURE1", "HEL-0011"): (1, CUT, 515, 0, "cutoff", "cutoff"),
    # register: last pay Sep 2022 (after the exit month May) → ends 30.9.2022, 214 days
    ("TENURE1_REG", "HEL-0006"): (1, d(2022, 9, 30), 214, 1, None, "register_pay_end"),
    # pay reaches June 2023 (the cut-off's month; July is after it and not used) → cut-off
    ("TENURE1_REG", "HEL-0007"): (1, CUT, 487, 0, "cutoff", "register_pay_to_cutoff"),
    ("TENURE1_REG", "HEL-0008"): (1, d(2022, 5, 15), 76, 0, "service_exit", "service_exit"),
}


@pytest.fixture(scope="module")
def tte(tmp_path_factory) -> dict:
    con = duckdb.connect(str(tmp_path_factory.mktemp("tte") / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, CLIENTS, JOBS, PAY)
    build_clients_and_jobs(con, CUTOFFS)
    build_tte(con)
    rows = con.execute("SELECT param, client_id, job_no, start_date, end_date, time_days, "
                       "event, censor_reason, source FROM analysis.tte").fetchall()
    jobs = con.execute("SELECT client_id, job_no, end_date, end_date_register "
                       "FROM analysis.jobs").fetchall()
    con.close()
    return {"rows": rows, "jobs": jobs}


@pytest.mark.parametrize("key", sorted(EXPECTED, key=str))
def test_tte_row_as_worked_by_hand(tte, key):
    found = [r for r in tte["rows"] if (r[0], r[1]) == key]
    assert len(found) == 1, f"{key}: {len(found)} rows"
    assert (found[0][2], *found[0][4:]) == EXPECTED[key]


def test_every_client_in_the_analysis_has_exactly_one_ttfj_row(tte):
    ttfj = sorted(r[1] for r in tte["rows"] if r[0] == "TTFJ")
    assert ttfj == sorted({c["client_id"] for c in CLIENTS} - {"HEL-0010"})


def test_client_starting_after_the_cutoff_is_not_in_the_analysis(tte):
    assert not [r for r in tte["rows"] if r[1] == "HEL-0010"]


def test_tenure_has_every_competitive_job_after_index_and_nothing_else(tte):
    tenure = sorted((r[1], r[2]) for r in tte["rows"] if r[0] == "TENURE")
    # HEL-0001: jobs 3 and 5 (job 1 before index, job 2 not competitive); HEL-0009 job 2
    # starts after the cut-off
    assert tenure == [("HEL-0001", 3), ("HEL-0001", 5), ("HEL-0002", 1), ("HEL-0006", 1),
                      ("HEL-0007", 1), ("HEL-0008", 1), ("HEL-0009", 1), ("HEL-0011", 1)]


def test_censor_reason_only_on_censored_rows_and_times_never_negative(tte):
    for param, _, _, _, _, time_days, event, reason, _ in tte["rows"]:
        assert time_days >= 0
        assert (reason is None) == (event != 0), param


def test_jobs_register_end_and_end_dates_after_cutoff_blanked(tte):
    jobs = {(c, j): (end, reg) for c, j, end, reg in tte["jobs"]}
    assert jobs[("HEL-0006", 1)] == (None, d(2022, 9, 30))
    assert jobs[("HEL-0007", 1)] == (None, CUT)  # the last pay month is the cut-off's: capped
    assert jobs[("HEL-0008", 1)] == (None, None)
    assert jobs[("HEL-0009", 1)] == (None, None)  # 30.9.2023 is after the cut-off
    assert ("HEL-0009", 2) not in jobs
