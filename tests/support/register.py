"""A hand-made register study in staging tables, for analysis.register_monthly and what is built
on it (tests/test_register_monthly.py, test_register_outputs.py, test_label_language.py).

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

import duckdb

from schemas.study import STUDY
from support.employment import staging_columns

CUTOFFS = STUDY.default_cutoffs
def make_staging(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """``staging.<table>`` shaped as ingest makes it (codebook analysis names and SQL types,
    the extra columns, ``_file, _delivery_date, _row``), holding ``rows`` (missing keys NULL)."""
    columns = staging_columns(table)
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
