"""raw → staging for one source: validate, decide each row's outcome, write staging, quarantine
and the row history. Rebuilt from raw by SQL on every run (raw itself is append-only), so a new
delivery never forces re-reading old files.

Writes, for the source:
- ``staging.<table>`` (``sql/staging_<table>.sql`` over ``_staged``; a register source:
  ``sql/ingest/staging_register.sql``);
- ``quarantine.defects``: every file, row and field defect (source = delivery folder name);
- ``meta.row_outcomes``: the outcome of every raw row of the active files (staged / superseded /
  exact_duplicate / quarantined).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ips_eval.ingest.checks import collect_defects, prepare_source
from ips_eval.ingest.limits import MESSAGE_CHARS, QUOTE_CHARS
from ips_eval.ingest.readers import quote_ident
from ips_eval.warehouse import run_sql, write_study_tables
from schemas.codebook import Source

QUARANTINE_DDL = """CREATE TABLE IF NOT EXISTS quarantine.defects (
    source VARCHAR, file VARCHAR, "row" INTEGER, "column" VARCHAR, level VARCHAR,
    rule VARCHAR, value VARCHAR, message VARCHAR, content_hash VARCHAR)"""
ROW_OF_RID = "CAST({rid} & 4294967295 AS INTEGER)"  # the data row of a _rid (checks.py)
OUTCOMES_DDL = """CREATE TABLE IF NOT EXISTS meta.row_outcomes (
    source VARCHAR, content_hash VARCHAR, "row" INTEGER, outcome VARCHAR)"""


@dataclass
class SourceSummary:
    source: str
    rows_read: int = 0
    staged: int = 0
    superseded: int = 0
    exact_duplicates: int = 0
    quarantined_rows: int = 0
    field_defects: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def pass_rate(self) -> float:
        """Share of rows read that passed every row-level rule (duplicates count as passing)."""
        return 1.0 if not self.rows_read else 1 - self.quarantined_rows / self.rows_read


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(QUARANTINE_DDL)
    con.execute(OUTCOMES_DDL)


def _known_clients(con: duckdb.DuckDBPyConnection, active: list[str]) -> None:
    """A job or survey's client is known when any active enrolment delivery has a row with that
    client code — staged or not: a client whose form was rejected for another reason is still a
    real client, and rejecting all their jobs too would spoil more than the defect does. A
    contact's coach is known in the same way, from the forms' coach codes."""
    con.execute("CREATE OR REPLACE TEMP TABLE _known_clients AS SELECT DISTINCT "
                "ingest_parse_text(asiakastunnus) AS client_id FROM raw.asiakkaat "
                "WHERE _hash IN (SELECT unnest($active::VARCHAR[])) AND asiakastunnus IS NOT NULL",
                {"active": active})
    con.execute("CREATE OR REPLACE TEMP TABLE _known_coaches AS SELECT DISTINCT "
                "ingest_parse_text(valmentaja) AS coach FROM raw.asiakkaat "
                "WHERE _hash IN (SELECT unnest($active::VARCHAR[])) AND valmentaja IS NOT NULL",
                {"active": active})


def build_source(con: duckdb.DuckDBPyConnection, src: Source, active: list[str],
                 enrolment_active: list[str]) -> SourceSummary:
    """Validate the source's active files and rebuild its staging table and quarantine rows."""
    create_tables(con)
    if any(r.rule in ("unknown_client", "unknown_coach") for r in src.row_rules):
        _known_clients(con, enrolment_active)
    rows = prepare_source(con, src, active)
    collect_defects(con, src, empty=rows == 0)
    run_sql(con, "ingest/row_outcomes")
    _write_staging(con, src)
    _write_quarantine(con, src)
    con.execute("DELETE FROM meta.row_outcomes WHERE source = $s", {"s": src.name})
    con.execute("INSERT INTO meta.row_outcomes SELECT $s, a.content_hash, "
                f"{ROW_OF_RID.format(rid='o._rid')}, o.outcome FROM _outcomes o "
                "JOIN _active a ON a.file_no = o._rid >> 32", {"s": src.name})
    summary = summarise(con, src)
    if summary.rows_read != rows:  # a bug, not a data problem: say so loudly
        raise RuntimeError(f"{src.name}: {rows} raw rows but {summary.rows_read} outcomes")
    for view in ("_staged", "_content"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for table in ("_typed", "_defects", "_outcomes", "_duplicates", "_active"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return summary


def _write_staging(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """``_staged``: the staged rows with each field defect's value set to NULL."""
    cols = []
    for c in src.columns:
        name = quote_ident(c.name)
        cols.append(f"CASE WHEN list_contains(n.nulled, {_lit(c.raw)}) THEN NULL "
                    f"ELSE t.{name} END AS {name}")
    if src.table == "asiakkaat" or src.register:
        cols += ["t._hetu_birth_date AS _birth_date", "t._hetu_sex AS _sex"]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _staged AS SELECT {', '.join(cols)}, "
        "t._file, t._delivery_date, t._row FROM _typed t "
        "JOIN _outcomes o ON o._rid = t._rid AND o.outcome = 'staged' "
        "LEFT JOIN (SELECT _rid, list(\"column\") AS nulled FROM _defects "
        "WHERE level = 'field' GROUP BY _rid) n ON n._rid = t._rid")
    write_study_tables(con)  # meta.regions: a region's cohort
    if src.register:  # one rule for every register source
        run_sql(con, "ingest/staging_register", names={"table": src.table})
    else:
        run_sql(con, f"ingest/staging_{src.table}")


def _quoted(expr: str, limit: int) -> str:
    """A delivered value as quarantine shows it: cut to a readable length (issue 16: a 300 MB
    cell was once copied whole into a message)."""
    return (f"CASE WHEN length({expr}) > {int(limit)} THEN left({expr}, {int(limit) - 1}) "
            f"|| '…' ELSE {expr} END")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_quarantine(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Row and field defects of the active files (an exact duplicate's defects are its first
    occurrence's: recorded once), the unknown columns once per file, and the rejected files."""
    con.execute("DELETE FROM quarantine.defects WHERE source = $s", {"s": src.name})
    con.execute(
        f"INSERT INTO quarantine.defects SELECT $s, f.file, {ROW_OF_RID.format(rid='d._rid')}, "
        f"d.\"column\", d.level, d.rule, {_quoted('d.value', QUOTE_CHARS)}, "
        f"{_quoted('d.message', MESSAGE_CHARS)}, a.content_hash FROM _defects d "
        "ANTI JOIN _duplicates x ON x._rid = d._rid "
        "JOIN _active a ON a.file_no = d._rid >> 32 "
        "JOIN meta.ingest_files f ON f.content_hash = a.content_hash", {"s": src.name})
    con.execute(
        "INSERT INTO quarantine.defects SELECT $s, f.file, NULL, u, 'field', 'unknown_column', "
        "NULL, $msg || u || ' (kept in raw._extra)', f.content_hash FROM meta.ingest_files f, "
        "unnest(f.unknown_columns) t(u) WHERE f.content_hash IN (SELECT content_hash FROM _active)",
        {"s": src.name, "msg": "an unknown extra column: "})
    con.execute(
        "INSERT INTO quarantine.defects SELECT $s, file, NULL, \"column\", 'file', rule, NULL, "
        "message, content_hash FROM meta.ingest_scan WHERE source = $s AND outcome = 'rejected'",
        {"s": src.name})


def summarise(con: duckdb.DuckDBPyConnection, src: Source) -> SourceSummary:
    counts = dict(con.execute("SELECT outcome, count(*) FROM meta.row_outcomes WHERE source = $s"
                              " GROUP BY outcome", {"s": src.name}).fetchall())
    by_rule = dict(con.execute(
        "SELECT rule, count(*) FROM quarantine.defects WHERE source = $s GROUP BY rule "
        "ORDER BY rule", {"s": src.name}).fetchall())
    fields = con.execute("SELECT count(*) FROM quarantine.defects WHERE source = $s AND "
                         "level = 'field'", {"s": src.name}).fetchall()[0][0]
    return SourceSummary(
        source=src.name, rows_read=sum(counts.values()), staged=counts.get("staged", 0),
        superseded=counts.get("superseded", 0),
        exact_duplicates=counts.get("exact_duplicate", 0),
        quarantined_rows=counts.get("quarantined", 0), field_defects=fields, by_rule=by_rule)
