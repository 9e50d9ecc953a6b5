"""The hand-made staging tables of tests/support/employment.py have the contract's columns."""

from __future__ import annotations

from datetime import date

import duckdb
from support.employment import client, job, make_staging


def test_fixture_staging_tables_have_the_contract_columns(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    make_staging(con, [client("HEL-0001", date(2021, 1, 1))],
                 [job("HEL-0001", 1, date(2021, 2, 1))])
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'staging' AND table_name = 'asiakkaat'").fetchall()}
    assert {"client_id", "pid", "cohort", "age_at_index", "sex", "index_date", "exit_date",
            "diagnosis", "_delivery_date"} <= cols
    assert con.execute("SELECT count(*) FROM staging.tyosuhteet").fetchall()[0][0] == 1
