"""analysis.register_monthly (docs/methods.md §Register months) on the hand-made register study
of tests/support/register.py (the study, worked by hand, is described there)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from support.register import CUTOFFS, client, hand_made_study, make_staging

from ips_eval.export import export_dataset
from ips_eval.register.monthly import (
    build_register_monthly,
    duplicate_person_months,
    kela_share_mismatches,
    null_main_states,
)
from ips_eval.warehouse import connect
from schemas.analysis import dataset


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


def test_a_client_without_register_rows_under_their_pid_is_reported() -> None:
    """unlinked_clients: a consenting client whose pid no register row carries (as after a key
    change) is counted by cohort and region; a client who refused linkage is not, nor one
    delivered after the extracts; with no register rows delivered at all nothing is reported."""
    from ips_eval.register.monthly import unlinked_clients

    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE staging.asiakkaat AS SELECT * FROM (VALUES "
                "('HEL-1', 'p1', 1, 'HEL', 'pilot', DATE '2024-01-10'), "
                "('HEL-2', 'p2', NULL, 'HEL', 'pilot', DATE '2024-01-10'), "
                "('HEL-3', 'p3', 0, 'HEL', 'pilot', DATE '2024-01-10'), "
                "('TKU-1', 'p4', 1, 'TKU', 'rrp', DATE '2024-01-10'), "
                "('TKU-2', 'p5', 1, 'TKU', 'rrp', DATE '2025-02-01')) "  # after the extracts
                "AS t(client_id, pid, register_consent, region, cohort, _delivery_date)")
    con.execute("CREATE TABLE staging.kela (pid VARCHAR, _delivery_date DATE)")
    con.execute("CREATE TABLE staging.tulorekisteri (pid VARCHAR, _delivery_date DATE)")
    assert unlinked_clients(con).height == 0  # no register rows: nothing to link to
    con.execute("INSERT INTO staging.kela VALUES ('p1', '2025-01-15'), ('someone', '2025-01-15')")
    con.execute("INSERT INTO staging.tulorekisteri VALUES ('p4', '2025-01-10')")
    found = unlinked_clients(con).to_dicts()
    assert found == [{"cohort": "pilot", "region": "HEL", "n_clients_unlinked": 1,
                      "n_clients": 2}]  # HEL-2; HEL-3 refused linkage
    con.execute("INSERT INTO staging.tulorekisteri VALUES ('p2', '2025-01-10')")
    assert unlinked_clients(con).height == 0
