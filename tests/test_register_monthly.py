"""analysis.register_monthly on hand-made staging tables (docs/methods.md §Register months).

The study below, worked by hand:
- extract: Kela delivered 2.5.2024, Incomes Register 3.6.2024 → extract month 2024-05; the
  earliest register row is pX's OPT period of 10.6.2020 → the extract's first month 2020-06.
- pA, HEL-0001 (pilot), index 15.3.2022: months 2020-03 … 2023-06 (pilot cut-off 30.6.2023),
  40 rows, rel_month −24 … 15; 2020-03 … 2020-05 lie before the registers begin (covered false).
- pB, KAI-0001 (rrp), index 10.2.2024: months 2022-02 … 2024-05 (extract month before the rrp
  cut-off 31.12.2024), 28 rows.
- pE enrolled twice (HEL-0002 index 1.5.2021, LAP-0001 index 1.1.2022): followed once, from
  HEL-0002: 2019-05 … 2023-06, 50 rows.
- HEL-0003 has no pid (no consent) and HEL-0004 refused consent (pid pD): no rows, and pD's
  register row is not made a comparison person.
- pX, a comparison person: 2020-06 … 2024-05, 48 rows, rel_month NULL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ips_eval.export import export_dataset
from ips_eval.register.monthly import (
    build_register_monthly,
    duplicate_person_months,
    kela_share_mismatches,
    null_main_states,
)
from ips_eval.warehouse import connect
from schemas.analysis import dataset
from schemas.codebook import source

CUTOFFS = {"pilot": date(2023, 6, 30), "rrp": date(2024, 12, 31)}
SQL_TYPES = {"date": "DATE", "int": "INTEGER", "float": "DOUBLE", "str": "VARCHAR",
             "month": "DATE"}
EXTRA_COLUMNS = {
    "asiakkaat": {"cohort": "VARCHAR", "age_at_index": "INTEGER", "sex": "VARCHAR"},
    "kela": {"client_id": "VARCHAR"},
    "tulorekisteri": {"client_id": "VARCHAR"},
}


def make_staging(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """``staging.<table>`` shaped as ingest makes it (codebook analysis names and SQL types,
    the extra columns, ``_file, _delivery_date, _row``), holding ``rows`` (missing keys NULL)."""
    columns = {c.name: SQL_TYPES[c.dtype] for c in source(table).columns}
    columns |= EXTRA_COLUMNS.get(table, {})
    columns |= {"_file": "VARCHAR", "_delivery_date": "DATE", "_row": "INTEGER"}
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute(f"CREATE OR REPLACE TABLE staging.{table} ("
                + ", ".join(f"{name} {sql}" for name, sql in columns.items()) + ")")
    for i, row in enumerate(rows, start=1):
        values = {"_file": f"{table}.csv", "_row": i} | row
        unknown = set(values) - set(columns)
        assert not unknown, f"staging.{table} has no column {unknown}"
        names = list(values)
        con.execute(f"INSERT INTO staging.{table} ({', '.join(names)}) VALUES "
                    f"({', '.join('?' for _ in names)})", [values[n] for n in names])


KELA_DELIVERED = date(2024, 5, 2)
PAY_DELIVERED = date(2024, 6, 3)


def client(client_id: str, pid: str | None, cohort: str, index: date, consent: int = 1) -> dict:
    return {"client_id": client_id, "pid": pid, "cohort": cohort, "index_date": index,
            "register_consent": consent, "region": client_id[:3],
            "_delivery_date": date(2024, 6, 1)}


def kela(pid: str, benefit: str, start: date, end: date | None, paid: float | None,
         client_id: str | None = None) -> dict:
    return {"pid": pid, "benefit": benefit, "start_date": start, "end_date": end,
            "paid_eur": paid, "client_id": client_id, "_delivery_date": KELA_DELIVERED}


def pay(pid: str, month: date, payer: str, eur: float | None,
        client_id: str | None = None) -> dict:
    return {"pid": pid, "month": month, "payer_pid": payer, "pay_eur": eur,
            "client_id": client_id, "_delivery_date": PAY_DELIVERED}


def hand_made_study(con: duckdb.DuckDBPyConnection) -> None:
    make_staging(con, "asiakkaat", [
        client("HEL-0001", "pA", "pilot", date(2022, 3, 15)),
        client("KAI-0001", "pB", "rrp", date(2024, 2, 10)),
        client("HEL-0002", "pE", "pilot", date(2021, 5, 1)),
        client("LAP-0001", "pE", "pilot", date(2022, 1, 1)),
        client("HEL-0003", None, "pilot", date(2021, 1, 1), consent=0),
        client("HEL-0004", "pD", "pilot", date(2021, 1, 1), consent=0),
    ])
    make_staging(con, "kela", [
        # 10.1.–9.2.2022: 31 days, 22 in January and 9 in February
        kela("pA", "SPR", date(2022, 1, 10), date(2022, 2, 9), 310.0, "HEL-0001"),
        kela("pA", "TMT", date(2022, 2, 1), date(2022, 2, 28), 500.0, "HEL-0001"),
        kela("pA", "TMT", date(2022, 3, 1), date(2022, 3, 31), 600.0, "HEL-0001"),
        # runs past pA's window (2023-06): only May and June count, by days of the period
        kela("pA", "TKE", date(2023, 5, 1), date(2023, 8, 31), 1230.0, "HEL-0001"),
        kela("pA", "ASUMT", date(2023, 5, 1), date(2023, 5, 31), 250.0, "HEL-0001"),
        # 20.12.2021–10.2.2022: 53 days (12 + 31 + 10); pB's window begins in February
        kela("pB", "SPR", date(2021, 12, 20), date(2022, 2, 10), 530.0, "KAI-0001"),
        kela("pB", "ASUMT", date(2023, 1, 1), date(2023, 1, 31), 200.0, "KAI-0001"),
        kela("pB", "TTT", date(2023, 2, 1), date(2023, 2, 28), None, "KAI-0001"),
        kela("pD", "TMT", date(2021, 1, 1), date(2021, 1, 31), 100.0),
        kela("pX", "OPT", date(2020, 6, 10), date(2020, 6, 20), 110.0),
    ])
    make_staging(con, "tulorekisteri", [
        pay("pA", date(2022, 3, 1), "Y1", 1000.0, "HEL-0001"),
        pay("pA", date(2022, 3, 1), "Y2", 234.5, "HEL-0001"),
        pay("pA", date(2023, 7, 1), "Y1", 999.0, "HEL-0001"),  # after the cut-off's month
        pay("pB", date(2024, 5, 1), "Y3", 0.0, "KAI-0001"),
        pay("pB", date(2024, 6, 1), "Y3", 800.0, "KAI-0001"),  # after the extract month
        pay("pX", date(2023, 1, 1), "Y4", 50.0),
    ])


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    """The hand-made study built once, for tests that only read it."""
    with connect(tmp_path_factory.mktemp("register") / "w.duckdb", memory_limit="1GB") as con:
        hand_made_study(con)
        build_register_monthly(con, CUTOFFS)
        yield con


@pytest.fixture
def own_con(tmp_path: Path):
    """The hand-made study built for one test that changes it."""
    with connect(tmp_path / "w.duckdb", memory_limit="1GB") as con:
        hand_made_study(con)
        build_register_monthly(con, CUTOFFS)
        yield con


def month_row(con: duckdb.DuckDBPyConnection, pid: str, month: date) -> dict:
    rel = con.execute("SELECT * FROM analysis.register_monthly WHERE pid = ? AND month = ?",
                      [pid, month])
    rows = rel.fetchall()
    assert len(rows) == 1, f"{pid} {month}: {len(rows)} rows"
    return dict(zip([d[0] for d in rel.description], rows[0], strict=True))


def window(con: duckdb.DuckDBPyConnection, pid: str) -> tuple:
    return con.execute("SELECT client_id, min(month), max(month), count(*), min(rel_month), "
                       "max(rel_month) FROM analysis.register_monthly WHERE pid = ? "
                       "GROUP BY client_id", [pid]).fetchall()


def test_columns_follow_the_contract(con):
    names = [d[0] for d in con.execute("SELECT * FROM analysis.register_monthly LIMIT 0")
             .description]
    assert names == ["pid", "client_id", "month", "rel_month", "earnings_eur", "benefits",
                     "benefits_eur", "main_state", "cohort", "covered"]


def test_client_window_runs_from_index_month_minus_24_to_the_cut_off_month(con):
    assert window(con, "pA") == [("HEL-0001", date(2020, 3, 1), date(2023, 6, 1), 40, -24, 15)]


def test_client_window_ends_at_the_extract_month_before_the_cut_off(con):
    # rrp cut-off 31.12.2024, but the Kela extract was delivered in May 2024
    assert window(con, "pB") == [("KAI-0001", date(2022, 2, 1), date(2024, 5, 1), 28, -24, 3)]


def test_person_enrolled_twice_is_followed_once_from_the_first_enrolment(con):
    assert window(con, "pE") == [("HEL-0002", date(2019, 5, 1), date(2023, 6, 1), 50, -24, 25)]


def test_client_without_register_consent_has_no_rows(con):
    n = con.execute("SELECT count(*) FROM analysis.register_monthly WHERE pid = 'pD' "
                    "OR pid IS NULL OR client_id IN ('HEL-0003', 'HEL-0004')").fetchall()[0][0]
    assert n == 0


def test_comparison_person_covers_the_extract_with_rel_month_null(con):
    assert window(con, "pX") == [(None, date(2020, 6, 1), date(2024, 5, 1), 48, None, None)]
    row = month_row(con, "pX", date(2023, 1, 1))
    assert (row["cohort"], row["earnings_eur"], row["main_state"]) == (None, 50.0, "employed")


def test_kela_period_crossing_months_is_shared_by_days(con):
    january = month_row(con, "pA", date(2022, 1, 1))
    assert january["benefits"] == ["SPR"]
    assert january["benefits_eur"] == pytest.approx(310 * 22 / 31)  # 220
    assert january["main_state"] == "sickness_rehabilitation"
    february = month_row(con, "pA", date(2022, 2, 1))
    assert february["benefits"] == ["SPR", "TMT"]
    assert february["benefits_eur"] == pytest.approx(310 * 9 / 31 + 500)  # 590
    # SPR before TMT: sickness/rehabilitation outranks unemployed
    assert february["main_state"] == "sickness_rehabilitation"


def test_period_reaching_before_the_window_keeps_its_share_by_the_whole_period(con):
    # 530 € over 53 days: February's 10 days are 100 €; Dec and Jan are outside pB's window
    february = month_row(con, "pB", date(2022, 2, 1))
    assert february["benefits_eur"] == pytest.approx(100.0)
    assert february["benefits"] == ["SPR"]


def test_two_payers_in_a_month_are_summed(con):
    march = month_row(con, "pA", date(2022, 3, 1))
    assert march["earnings_eur"] == pytest.approx(1234.5)


def test_earnings_outrank_unemployment_benefit(con):
    march = month_row(con, "pA", date(2022, 3, 1))
    assert (march["benefits"], march["benefits_eur"]) == (["TMT"], pytest.approx(600.0))
    assert march["main_state"] == "employed"
    assert march["rel_month"] == 0


def test_disability_pension_outranks_housing_allowance(con):
    may = month_row(con, "pA", date(2023, 5, 1))
    assert may["benefits"] == ["ASUMT", "TKE"]
    assert may["benefits_eur"] == pytest.approx(1230 * 31 / 123 + 250)  # 310 + 250
    assert may["main_state"] == "disability_pension"


def test_housing_allowance_alone_is_other(con):
    january = month_row(con, "pB", date(2023, 1, 1))
    assert (january["benefits"], january["main_state"]) == (["ASUMT"], "other")


def test_zero_pay_is_not_employment(con):
    may = month_row(con, "pB", date(2024, 5, 1))
    assert (may["earnings_eur"], may["main_state"]) == (0.0, "other")


def test_month_without_register_rows_is_other_with_zero_amounts(con):
    row = month_row(con, "pA", date(2021, 6, 1))
    assert (row["earnings_eur"], row["benefits"], row["benefits_eur"], row["main_state"]) == (
        0.0, [], 0.0, "other")


def test_unknown_benefit_amount_is_null_not_zero(con):
    row = month_row(con, "pB", date(2023, 2, 1))
    assert (row["benefits"], row["benefits_eur"], row["main_state"]) == (["TTT"], None, "other")


def test_nothing_after_the_cut_off_month_is_used(con):
    n = con.execute("SELECT count(*) FROM analysis.register_monthly WHERE pid = 'pA' "
                    "AND month > DATE '2023-06-01'").fetchall()[0][0]
    assert n == 0
    june = month_row(con, "pA", date(2023, 6, 1))
    assert june["benefits_eur"] == pytest.approx(1230 * 30 / 123)  # June's 30 of 123 days


def test_months_before_the_registers_begin_are_not_covered(con):
    covered = dict(con.execute("SELECT month, covered FROM analysis.register_monthly "
                               "WHERE pid = 'pA' AND month <= DATE '2020-07-01'").fetchall())
    assert covered == {date(2020, 3, 1): False, date(2020, 4, 1): False,
                       date(2020, 5, 1): False, date(2020, 6, 1): True, date(2020, 7, 1): True}


def test_checks_hold_on_the_built_table(con):
    assert duplicate_person_months(con).height == 0
    assert null_main_states(con) == 0
    assert kela_share_mismatches(con).height == 0


def test_kela_reconciliation_catches_a_lost_share(own_con):
    own_con.execute("UPDATE analysis.register_monthly SET benefits_eur = benefits_eur - 0.02 "
                "WHERE pid = 'pA' AND month = DATE '2022-01-01'")
    bad = kela_share_mismatches(own_con)
    assert bad.height == 1
    assert bad["paid_in_window_eur"][0] == pytest.approx(310 + 500 + 600 + 310 + 300 + 250)


def test_duplicate_and_null_state_checks_catch_their_defect(own_con):
    own_con.execute("INSERT INTO analysis.register_monthly SELECT * REPLACE (NULL AS main_state) "
                "FROM analysis.register_monthly WHERE pid = 'pX' AND month = DATE '2023-01-01'")
    assert duplicate_person_months(own_con)["month"].to_list() == [date(2023, 1, 1)]
    assert null_main_states(own_con) == 1


def test_batches_do_not_change_the_dataset(own_con):
    ordered = "SELECT * FROM analysis.register_monthly ORDER BY pid, month"
    one_batch = own_con.execute(ordered).fetchall()
    # 7 person-months a batch: persons are split into many batches, none split between two
    build_register_monthly(own_con, CUTOFFS, months_per_batch=7)
    assert own_con.execute(ordered).fetchall() == one_batch
    assert len(one_batch) == 40 + 28 + 50 + 48


def test_no_register_deliveries_give_no_rows(tmp_path: Path):
    with connect(tmp_path / "w.duckdb", memory_limit="1GB") as con:
        make_staging(con, "asiakkaat", [client("HEL-0001", "pA", "pilot", date(2022, 3, 15))])
        make_staging(con, "kela", [])
        make_staging(con, "tulorekisteri", [])
        assert build_register_monthly(con, CUTOFFS) == 0


def test_the_table_is_stored_in_pid_month_order_and_exported_so(own_con, tmp_path: Path):
    """The export writes register_monthly in its stored order, unsorted (schemas/analysis.py:
    stored_in_order): that order must be (pid, month), in several batches too."""
    build_register_monthly(own_con, CUTOFFS, months_per_batch=7)
    misplaced = own_con.execute(
        "SELECT count(*) FROM (SELECT rowid, row_number() OVER (ORDER BY pid, month) - 1 AS r "
        "FROM analysis.register_monthly) WHERE r <> rowid").fetchall()[0][0]
    assert misplaced == 0
    path = export_dataset(own_con, "analysis.register_monthly", tmp_path, dataset(
        "register_monthly"))[0]
    exported = pl.read_parquet(path, columns=["pid", "month"]).rows()
    assert exported == own_con.execute("SELECT pid, month FROM analysis.register_monthly "
                                       "ORDER BY pid, month").fetchall()
    assert len(exported) == 40 + 28 + 50 + 48
