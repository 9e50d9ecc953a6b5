"""The small hand-made study of the tte tests (``tests/test_tte_derivation.py`` has its expected
rows, worked out on paper; the employment-results and export tests reuse it): one client per
event and censoring rule, pilot cut-off 30.6.2023."""

from __future__ import annotations

from datetime import date as d

from schemas.study import STUDY
from support.employment import client, job, pay

CUTOFFS = STUDY.default_cutoffs
CUT = d(2023, 6, 30)

CLIENTS = [
    # A: two competitive jobs start the same day (job 5 delivered first): the lower job_no wins;
    #    an earlier job before the index never counts; a non-competitive job earlier too.
    client("HEL-0001", d(2021, 1, 1)),
    # B: job on the index day (time 0), pay-subsidised (counts); it ends ON the cut-off day
    client("HEL-0002", d(2022, 3, 1)),
    # C: no job, service ended before the cut-off → competing event
    client("HEL-0003", d(2022, 1, 10), exit_date=d(2022, 4, 10)),
    # D: no job, service ended ON the cut-off → competing event at the cut-off
    client("HEL-0004", d(2022, 1, 1), exit_date=CUT),
    # E: no job, service ends after the cut-off → treated as no exit: censored at the cut-off
    client("HEL-0005", d(2022, 7, 1), exit_date=d(2023, 8, 1)),
    # F: job without end date, service ended before the cut-off → censored service_exit;
    #    the register shows pay from that employer after the exit month, ending in Sep 2022
    client("HEL-0006", d(2022, 1, 1), exit_date=d(2022, 5, 15)),
    # G: as F, but the pay runs into the cut-off's month → TENURE1_REG censored at the cut-off
    client("HEL-0007", d(2022, 1, 1), exit_date=d(2022, 5, 15)),
    # H: as F, but pay only in the exit month and from another employer → unchanged
    client("HEL-0008", d(2022, 1, 1), exit_date=d(2022, 5, 15)),
    # I: job end after the cut-off → censored at the cut-off; a second job starts after it
    client("HEL-0009", d(2022, 1, 1)),
    # J: started after the cut-off → not in the analysis at all
    client("HEL-0010", d(2023, 7, 1)),
    # K: job without end date, service ended ON the cut-off → censored at the cut-off
    client("HEL-0011", d(2022, 1, 1), exit_date=CUT),
]

JOBS = [
    job("HEL-0001", 5, d(2021, 3, 1), d(2021, 3, 31)),
    job("HEL-0001", 3, d(2021, 3, 1), d(2021, 5, 31)),
    job("HEL-0001", 1, d(2020, 11, 1)),  # before the index, ongoing: never counts
    job("HEL-0001", 2, d(2021, 2, 1), d(2021, 2, 10), competitive=0),
    job("HEL-0002", 1, d(2022, 3, 1), CUT, pay_subsidy=1),
    job("HEL-0006", 1, d(2022, 3, 1)),
    job("HEL-0007", 1, d(2022, 3, 1)),
    job("HEL-0008", 1, d(2022, 3, 1)),
    job("HEL-0009", 1, d(2022, 2, 1), d(2023, 9, 30)),
    job("HEL-0009", 2, d(2023, 7, 15)),  # starts after the cut-off: ignored
    job("HEL-0011", 1, d(2022, 2, 1)),
]

PAY = [
    *(pay("pid-HEL-0006", d(2022, m, 1), "emp-HEL-0006-1") for m in range(3, 10)),
    *(pay("pid-HEL-0007", d(y, m, 1), "emp-HEL-0007-1")
      for y, m in [(2022, 4), (2022, 12), (2023, 6), (2023, 7)]),
    pay("pid-HEL-0008", d(2022, 5, 1), "emp-HEL-0008-1"),
    pay("pid-HEL-0008", d(2022, 8, 1), "another-employer"),
]
