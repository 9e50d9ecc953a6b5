"""Small hand-made deliveries for the ingest tests (no tests here: builders only).

Every file is written by hand, in the contract's Finnish CSV style unless a test says otherwise,
so that each expected quarantine record and staged value can be worked out by reading it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ips_eval.ingest.pipeline import ingest_deliveries
from ips_eval.warehouse import connect

KEY = b"test-key"
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu(ddmmyy: str, sign: str, individual: str) -> str:
    """A HETU with the right check character (the mod-31 rule)."""
    return f"{ddmmyy}{sign}{individual}{_CHECK[int(ddmmyy + individual) % 31]}"


def bad_check(valid: str) -> str:
    """The same HETU with a wrong check character."""
    wrong = _CHECK[(_CHECK.index(valid[-1]) + 1) % 31]
    return valid[:-1] + wrong


# Persons used across tests: born 13.10.1952 (female: 308 even), 5.3.1990 male, 2001 female
H1 = hetu("131052", "-", "308")
H2 = hetu("050390", "-", "123")
H3 = hetu("010101", "A", "124")

ENROLMENT = ["asiakastunnus", "hetu", "rekisterilupa", "alue", "tiimi", "valmentaja",
             "lahetepvm", "aloituspvm", "diagnoosi", "koulutus", "tyohistoria", "toimeentulo",
             "kieli", "paattymispvm", "paattymissyy"]
JOBS = ["asiakastunnus", "tyosuhde_nro", "tyonantaja", "alkupvm", "loppupvm", "tunnit_vko",
        "ammatti", "avoimet", "palkkatuki", "sopimus", "paattymissyy"]
KELA = ["hetu", "etuus", "alkupvm", "loppupvm", "maksettu_eur"]
PAY = ["hetu", "kuukausi", "maksaja", "palkka_eur"]
SURVEY = ["asiakastunnus", "aalto", "vastauspvm", "mhi1", "mhi2", "mhi3", "mhi4", "mhi5", "was"]

Y1, Y2 = "0737546-2", "1572860-0"  # valid business IDs


def client(code: str, hetu_value: str = "", consent: str = "1", region: str | None = None,
           referral: str = "1.2.2021", start: str = "5.3.2021", dx: str = "F20.0",
           education: str = "2", exit_date: str = "", exit_reason: str = "") -> list[str]:
    region = region or code[:3]
    return [code, hetu_value, consent, region, f"{region}-T1", f"{region}-C01", referral, start,
            dx, education, "1", "2", "fi", exit_date, exit_reason]


def job(code: str, no: str, employer: str = Y1, start: str = "1.4.2021", end: str = "",
        hours: str = "37,5", competitive: str = "1") -> list[str]:
    return [code, no, employer, start, end, hours, "5223", competitive, "0", "1",
            "1" if end else ""]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8",
              newline: str = "\n", end_with_newline: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = newline.join(";".join(r) for r in [header, *rows])
    path.write_bytes((text + (newline if end_with_newline else "")).encode(encoding))
    return path


def mark_as_synthetic(deliveries: Path) -> Path:
    """Declare a hand-made folder the synthetic study (the generator's marker), so that it may
    run with the public demo key."""
    from ips_eval.config import SYNTHETIC_FIELD, SYNTHETIC_MARKER

    (deliveries / SYNTHETIC_MARKER).write_text(f'{{"{SYNTHETIC_FIELD}": true}}\n',
                                               encoding="utf-8")
    return deliveries


def ingest(deliveries: Path, warehouse: Path):
    """Run the whole ingest; returns the report."""
    with connect(warehouse, memory_limit="1GB") as con:
        return ingest_deliveries(con, deliveries, KEY)


def query(warehouse: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with connect(warehouse, memory_limit="1GB") as con:
        return con.execute(sql, params).fetchall()


def defects(warehouse: Path, source: str | None = None) -> list[tuple]:
    """(file name, row, column, level, rule) of every quarantine record, sorted."""
    where = "WHERE source = $s" if source else ""
    rows = query(warehouse, f'SELECT file, "row", "column", level, rule FROM quarantine.defects '
                 f"{where}", {"s": source} if source else None)
    return sorted(((Path(f).name, r, c, lv, ru) for f, r, c, lv, ru in rows),
                  key=lambda t: (t[0], t[1] or 0, t[2] or "", t[4]))


def table(warehouse: Path, name: str, columns: str = "*", order: str = "1") -> list[tuple]:
    with connect(warehouse, memory_limit="1GB") as con:
        return con.execute(f"SELECT {columns} FROM {name} ORDER BY {order}").fetchall()


def connection(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse))
