"""The IPS process standards (docs/methods.md §Process standards) on a hand-made study whose answers
were counted by hand: contacts per coach-week (a week without a client in service does not count),
the first employer meeting on day 30 vs day 31, a caseload of exactly 20 vs 21 at a month end, and a
client whose referral date is missing."""

from __future__ import annotations

from datetime import date as d
from datetime import timedelta

import duckdb
import polars as pl
import pytest
from support.employment import client, make_staging

from ips_eval.employment.derive import build_clients_and_jobs
from ips_eval.fidelity.standards import build_process_datasets, process_table
from schemas.study import STUDY

CUTOFFS = STUDY.default_cutoffs

CLIENTS = [
    # coach HEL-C01 (team HEL-T1): in service 2.1.–15.1.2023 (ISO weeks 1–2), then from 30.1.
    client("HEL-0001", d(2023, 1, 2), d(2023, 1, 15), coach="HEL-C01"),
    client("HEL-0002", d(2023, 1, 30), coach="HEL-C01"),
    # coach HEL-C02 (team HEL-T2): first meetings and referrals
    client("HEL-0003", d(2023, 3, 1), coach="HEL-C02", team="HEL-T2",
           referral_date=d(2023, 2, 1)),                        # met on day 30; referral 28 d
    client("HEL-0004", d(2023, 3, 1), coach="HEL-C02", team="HEL-T2",
           referral_date=d(2023, 2, 19)),                       # met on day 31; referral 10 d
    client("HEL-0005", d(2023, 6, 15), coach="HEL-C02", team="HEL-T2"),  # 15 d follow-up,
    # no referral date
    client("HEL-0006", d(2023, 3, 1), coach="HEL-C02", team="HEL-T2",
           referral_date=d(2023, 1, 30)),                       # met only before the index
    # coach KAI-C01: 20 clients from 10.1.2024, a 21st in service 29.2.–31.3.2024
    *(client(f"KAI-{i:04d}", d(2024, 1, 10), coach="KAI-C01") for i in range(1, 21)),
    client("KAI-0021", d(2024, 2, 29), d(2024, 3, 31), coach="KAI-C01"),
]


def contact(coach: str, day: d, kind: int, client_id: str = "", employer: str = "e") -> dict:
    return {"coach": coach, "contact_date": day, "employer_pid": employer,
            "contact_type": kind, "client_id": client_id}


def _week(monday: d, kinds: list[int], coach: str = "HEL-C01") -> list[dict]:
    return [contact(coach, monday + timedelta(days=i % 5), k, employer=f"e{i}")
            for i, k in enumerate(kinds)]


CONTACTS = [
    *_week(d(2023, 1, 2), [2] * 6 + [1] + [3, 3]),  # week 1: 7 employer contacts (+2 type 3)
    *_week(d(2023, 1, 9), [2, 2, 1]),                 # week 2: 3
    *_week(d(2023, 1, 16), [2] * 5),                  # week 3: nobody in service — not counted
    *_week(d(2023, 1, 30), [2] * 6),                  # week 5: 6
    contact("HEL-C02", d(2023, 3, 31), 1, "HEL-0003"),
    contact("HEL-C02", d(2023, 4, 1), 1, "HEL-0004"),
    contact("HEL-C02", d(2023, 2, 20), 1, "HEL-0006"),  # before the index: no first meeting
    contact("HEL-C02", d(2023, 4, 20), 3, "HEL-0006"),  # follow-along support is no meeting
]


@pytest.fixture(scope="module")
def process(tmp_path_factory) -> pl.DataFrame:
    con = duckdb.connect(str(tmp_path_factory.mktemp("process") / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, CLIENTS)
    con.execute("CREATE TABLE staging.kontaktit (coach VARCHAR, contact_date DATE, "
                "employer_pid VARCHAR, contact_type INTEGER, client_id VARCHAR)")
    con.executemany("INSERT INTO staging.kontaktit VALUES (?, ?, ?, ?, ?)",
                    [list(c.values()) for c in CONTACTS])
    build_clients_and_jobs(con, CUTOFFS)
    counts = build_process_datasets(con)
    assert counts["coaches"] == 3
    frames = {n: con.sql(f"FROM analysis.{n}").pl()
              for n in ("coach_weeks", "coach_months", "client_process")}
    con.close()
    return process_table(frames["coach_weeks"], frames["coach_months"],
                         frames["client_process"])


def _one(process: pl.DataFrame, indicator: str, level: str, unit: str) -> dict:
    rows = process.filter((pl.col("indicator") == indicator) & (pl.col("level") == level)
                          & (pl.col("unit") == unit))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_contacts_count_only_weeks_with_a_client_in_service(process):
    row = _one(process, "contacts_per_week", "coach", "HEL-C01")
    # weeks 1, 2 and the 21 complete weeks from 30.1. to 25.6.2023 (the week of 26.6. ends after
    # the cut-off); week 3 (5 contacts) and week 4 had nobody in service
    assert row["n"] == 23
    assert row["value"] == pytest.approx((7 + 3 + 6) / 23)
    assert row["share_meeting_standard"] == pytest.approx(2 / 23)  # weeks 1 and 5
    assert row["standard"] == 6
    assert (row["region"], row["cohort"]) == ("HEL", "pilot")


def test_first_meeting_on_day_30_meets_the_standard_day_31_does_not(process):
    row = _one(process, "first_meeting_days", "coach", "HEL-C02")
    assert row["n"] == 4
    # with ≥ 30 days of follow-up: 0003 (day 30) met; 0004 (day 31) and 0006 (a meeting
    # before the index only) not; 0005 has 15 days of follow-up and is left out of the share
    assert row["share_n"] == 3
    assert row["share_meeting_standard"] == pytest.approx(1 / 3)
    # KM: 15 censored, 30 event (S = 2/3), 31 event (S = 1/3), 121 censored → median 31
    assert row["value"] == 31
    assert row["standard"] == 30


def test_caseload_of_exactly_20_meets_the_standard_21_does_not(process):
    row = _one(process, "caseload", "coach", "KAI-C01")
    # month ends of 2024: January 20, February 21 (the 21st started on the 29th), March 21
    # (her service ended on the 31st: no exit before the day), April – December 20
    assert row["n"] == 12
    assert row["value"] == pytest.approx((20 * 10 + 21 * 2) / 12)
    assert row["share_meeting_standard"] == pytest.approx(10 / 12)
    assert row["standard"] == 20


def test_a_missing_referral_date_leaves_the_client_out_of_the_referral_days(process):
    row = _one(process, "referral_days", "team", "HEL-T2")
    assert row["n"] == 3  # HEL-0005 has no referral date
    assert (row["q1"], row["value"], row["q3"]) == pytest.approx((19, 28, 29))  # 10, 28, 30
    assert row["standard"] is None and row["share_meeting_standard"] is None
    assert _one(process, "referral_days", "all", "all")["n"] == 3


def test_every_level_and_indicator_is_reported(process):
    levels = process.group_by("indicator").agg(pl.col("level").unique().sort())
    assert all(v == ["all", "coach", "cohort", "region", "team"]
               for v in levels["level"].to_list())
    assert set(process["indicator"]) == {"contacts_per_week", "first_meeting_days", "caseload",
                                         "referral_days"}
    # the pilot-cohort row pools the HEL coaches' weeks: 23 of HEL-C01, HEL-C02's from 27.2.
    pilot = _one(process, "contacts_per_week", "cohort", "pilot")
    hel_c02 = _one(process, "contacts_per_week", "coach", "HEL-C02")
    assert pilot["n"] == 23 + hel_c02["n"]


def test_the_process_table_hides_small_teams_and_never_shows_a_coach(process):
    from ips_eval.publish.tables.common import DeliverySet
    from ips_eval.publish.tables.standards import build_process

    for lang in ("fi", "sv", "en"):
        table = build_process(process, lang, DeliverySet(CUTOFFS))
        assert table.small_counts() == []
        rows = {r["stub"]: r for r in table.data.iter_rows(named=True)}
        # HEL-T1 has 2 clients and HEL-T2 4: both hidden with every value of theirs
        assert rows["HEL-T1"]["clients"] == ".." and rows["HEL-T2"]["clients"] == ".."
        assert rows["HEL-T2"]["median_days"] == ".."
        assert not any("C0" in str(stub) for stub in rows)
    hel_total = [r for r in table.data.iter_rows(named=True) if r["stub"] == "Helsinki total"]
    assert hel_total[0]["clients"] == "6"
