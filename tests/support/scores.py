"""Hand-made staging and analysis tables for the scores, change and mixed-model tests: the
interface's columns (codebook analysis names and SQL types, the extra columns, ``_file,
_delivery_date, _row``) holding exactly the rows a test gives (the ``con`` fixture, a fresh
warehouse per test, is in tests/conftest.py)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from schemas.study import STUDY
from support.employment import staging_columns

CUTOFFS = STUDY.default_cutoffs
def create_staging(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """``staging.<table>`` with the interface's columns (codebook analysis names and SQL types,
    the table's extra columns, ``_file, _delivery_date, _row``) holding ``rows``."""
    columns = staging_columns(table)
    con.execute(f"CREATE OR REPLACE TABLE staging.{table} ("
                + ", ".join(f'"{n}" {t}' for n, t in columns.items()) + ")")
    for i, row in enumerate(rows, start=1):
        full = {"_file": f"{table}/2023-07-01_X.csv", "_delivery_date": date(2023, 7, 1),
                "_row": i} | row
        unknown = set(full) - set(columns)
        assert not unknown, f"test row has unknown columns {unknown}"
        names = list(full)
        con.execute(f"INSERT INTO staging.{table} ({', '.join(names)}) VALUES "
                    f"({', '.join('?' for _ in names)})", [full[n] for n in names])


def client(client_id: str, index_date: date, **extra) -> dict:
    region = client_id[:3]
    cohort = "pilot" if region in ("HEL", "HUS", "PKA", "EPO", "LAP") else "rrp"
    return {"client_id": client_id, "region": region, "cohort": cohort,
            "index_date": index_date} | extra


def answer(client_id: str, wave_intended: int, response_date: date, **items) -> dict:
    return {"client_id": client_id, "wave_intended": wave_intended,
            "response_date": response_date} | items


def mhi(*values) -> dict:
    return {f"mhi{i}": v for i, v in enumerate(values, start=1)}


def qol(*values) -> dict:
    return {f"qol{i}": v for i, v in enumerate(values, start=1)}


def esis(*values) -> dict:
    return {f"osal{i}": v for i, v in enumerate(values, start=1)}


def scores_of(con, client_id: str) -> dict[tuple[int, str], tuple[float | None, int]]:
    rows = con.execute("SELECT wave, instrument, score, items_answered FROM analysis.scores "
                       "WHERE client_id = ?", [client_id]).fetchall()
    return {(w, i): (s, n) for w, i, s, n in rows}


D0 = date(2022, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def analysis_tables(con, clients: list[dict], jobs: list[dict]) -> None:
    """Hand-made analysis.clients / analysis.jobs with the contract's columns used here."""
    con.execute("CREATE OR REPLACE TABLE analysis.clients (client_id VARCHAR, cohort VARCHAR, "
                "index_date DATE, cutoff_date DATE, age INTEGER, sex VARCHAR, "
                "education INTEGER, work_history INTEGER, income_source INTEGER, "
                "dx_group VARCHAR)")
    for c in clients:
        con.execute("INSERT INTO analysis.clients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [c["client_id"], c["cohort"], c["index_date"], CUTOFFS[c["cohort"]],
                     c.get("age_at_index", 40), c.get("sex", "female"), 2,
                     c.get("work_history", 1), 2, c.get("dx_group", "psychotic")])
    con.execute("CREATE OR REPLACE TABLE analysis.jobs (client_id VARCHAR, job_no INTEGER, "
                "start_date DATE, end_date DATE, competitive INTEGER, pay_subsidy INTEGER)")
    for i, j in enumerate(jobs, start=1):
        con.execute("INSERT INTO analysis.jobs VALUES (?, ?, ?, ?, ?, ?)",
                    [j["client_id"], i, j["start_date"], j.get("end_date"), j["competitive"],
                     j.get("pay_subsidy", 0)])
