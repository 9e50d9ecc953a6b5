"""Hand-made staging tables for the employment tests, shaped exactly as the warehouse interface
says ingest fills them (codebook analysis names and SQL types, plus _file/_delivery_date/_row and
the extra columns: ``staging_columns``, which the register and scores helpers use too). The
employment, tte, survival, costs and process tests build on ``make_staging``;
``tests/test_employment_fixtures.py`` checks its columns.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from schemas.codebook import source

SQL_TYPE = {"date": "DATE", "int": "INTEGER", "float": "DOUBLE", "str": "VARCHAR",
            "month": "DATE"}
EXTRA = {
    "asiakkaat": {"cohort": "VARCHAR", "age_at_index": "INTEGER", "sex": "VARCHAR"},
    "tyosuhteet": {"overlaps": "BOOLEAN"},
    "tulorekisteri": {"client_id": "VARCHAR"},
    "kela": {"client_id": "VARCHAR"},
}
TABLES = ("asiakkaat", "tyosuhteet", "tulorekisteri")


def staging_columns(table: str) -> dict[str, str]:
    cols = {c.name: SQL_TYPE[c.dtype] for c in source(table).columns}
    cols.update(EXTRA.get(table, {}))
    cols.update({"_file": "VARCHAR", "_delivery_date": "DATE", "_row": "INTEGER"})
    return cols


def client(client_id: str, index_date: date, exit_date: date | None = None, **kw: Any) -> dict:
    region = client_id[:3]
    cohort = "pilot" if region in ("HEL", "HUS", "PKA", "EPO", "LAP") else "rrp"
    row = {"client_id": client_id, "pid": f"pid-{client_id}", "region": region,
           "cohort": cohort, "team": f"{region}-T1", "index_date": index_date,
           "exit_date": exit_date, "exit_reason": 2 if exit_date else None,
           "age_at_index": 35, "sex": "female", "diagnosis": "F20.0", "work_history": 1,
           "education": 2}
    row.update(kw)
    return row


def job(client_id: str, job_no: int, start: date, end: date | None = None, **kw: Any) -> dict:
    row = {"client_id": client_id, "job_no": job_no, "employer_pid": f"emp-{client_id}-{job_no}",
           "start_date": start, "end_date": end, "competitive": 1, "pay_subsidy": 0,
           "hours_week": 20.0, "contract_type": 2, "isco": "5223"}
    row.update(kw)
    return row


def pay(pid: str, month: date, payer_pid: str, pay_eur: float = 1000.0) -> dict:
    return {"pid": pid, "month": month, "payer_pid": payer_pid, "pay_eur": pay_eur}


def make_staging(con: duckdb.DuckDBPyConnection, asiakkaat: list[dict],
                 tyosuhteet: list[dict] = (), tulorekisteri: list[dict] = ()) -> None:
    """Create staging.asiakkaat / tyosuhteet / tulorekisteri holding exactly these rows."""
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    for table, rows in (("asiakkaat", asiakkaat), ("tyosuhteet", tyosuhteet),
                        ("tulorekisteri", tulorekisteri)):
        cols = staging_columns(table)
        con.execute(f"CREATE OR REPLACE TABLE staging.{table} ("
                    + ", ".join(f'"{c}" {t}' for c, t in cols.items()) + ")")
        for i, row in enumerate(rows, start=1):
            unknown = set(row) - set(cols)
            assert not unknown, f"{table} has no columns {unknown}"
            full = {"_file": f"2024-01-01_{table}.csv", "_delivery_date": date(2024, 1, 1),
                    "_row": i, **row}
            names = list(full)
            con.execute(f"INSERT INTO staging.{table} (" + ", ".join(f'"{n}"' for n in names)
                        + ") VALUES (" + ", ".join("?" for _ in names) + ")",
                        [full[n] for n in names])
