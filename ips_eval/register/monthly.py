"""Register months: benefit and earnings trajectories (docs/methods.md §Register months).

The set work is SQL (``sql/register/register_monthly.sql`` and the summaries beside it in
``sql/register/``), written for national scale: a million persons and tens of millions of register
rows run out of core in DuckDB. Python only hands over the parameters and the state mapping of
``schemas.register_states``, and summarises the small results.

Definitions beyond docs/methods.md §Register months, chosen here (each also explained where it is
implemented):

- The extract month is the earliest of the register sources' latest delivery months: a month
  after one register's delivery is not covered by it. The extract's first month is the earliest
  month any register row touches; a comparison person's months run from it to the extract month
  (the extract covers the same calendar span for everyone, so a person's first register row
  does not decide when they enter).
- A client is a ``staging.asiakkaat`` row with a pid whose register consent is not 0. A person
  enrolled twice (two client codes, one pid) is followed from the first enrolment only.
- A comparison person is a register pid with no ``client_id`` that is no client's pid.
- A month with no register rows is ``other``; its ``earnings_eur`` and ``benefits_eur`` are 0
  and ``benefits`` is empty. An amount the ingest set to missing adds nothing to the month's sum;
  a month whose every amount is missing has a NULL sum. A Kela period without an end date counts
  up to the extract month with an unknown (NULL) share.
- Cut-offs work by whole months: the cut-off's month is in (the default cut-offs are month ends).
- ``covered`` is false for months before the extract's first month (a client's window reaching
  back before the registers begin): they have no data, so the results leave them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ips_eval.outputs import write_result
from ips_eval.warehouse import insertion_order_kept, run_sql, sql_text, write_study_meta
from schemas.register_states import EMPLOYED, OTHER, PRIORITY, STATES, benefit_state_rows
from schemas.windows import CLIENT_HISTORY_BACK

REGISTER_MONTHLY = "analysis.register_monthly"
# The per-person Kela reconciliation's tolerance (euros): shares are unrounded doubles.
SHARE_TOLERANCE_EUR = 0.01
# Person-months per batch: a batch's aggregate (some 60 bytes a person-month) stays well
# inside a 1–2 GB memory limit; see benchmarks/bench_register.py.
MONTHS_PER_BATCH = 5_000_000


def write_state_map(con: duckdb.DuckDBPyConnection) -> None:
    """Write ``meta.register_benefit_states`` (benefit → state, priority) and
    ``meta.register_states`` (state, priority, labels) from ``schemas.register_states``."""
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    # bit: the code's place in a month's benefit set (sql/register/register_monthly.sql)
    con.execute("CREATE OR REPLACE TABLE meta.register_benefit_states (benefit VARCHAR PRIMARY "
                "KEY, state VARCHAR NOT NULL, priority INTEGER NOT NULL, bit INTEGER NOT NULL)")
    con.executemany("INSERT INTO meta.register_benefit_states VALUES (?, ?, ?, ?)",
                    [(*row, bit) for bit, row in enumerate(benefit_state_rows())])
    con.execute("CREATE OR REPLACE TABLE meta.register_states (state VARCHAR PRIMARY KEY, "
                "priority INTEGER NOT NULL, label_fi VARCHAR, label_sv VARCHAR, label_en VARCHAR)")
    con.executemany("INSERT INTO meta.register_states VALUES (?, ?, ?, ?, ?)",
                    [(s.name, PRIORITY[s.name], s.label.fi, s.label.sv, s.label.en)
                     for s in STATES])


def build_register_monthly(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date],
                           months_per_batch: int = MONTHS_PER_BATCH) -> int:
    """(Re)build ``analysis.register_monthly`` from ``staging.asiakkaat``, ``staging.kela`` and
    ``staging.tulorekisteri``; ``cutoffs`` is {cohort: date}. Returns its rows.

    Persons are processed in batches of about ``months_per_batch`` person-months, so that each
    batch's aggregate stays in memory at national scale (``sql/register/register_monthly.sql``)."""
    write_state_map(con)
    write_study_meta(con, cutoffs)
    run_sql(con, "register/register_monthly", {"months_per_batch": months_per_batch,
                                      "history_back": CLIENT_HISTORY_BACK})
    batches = _one_row(con, "SELECT coalesce(max(batch) + 1, 0) FROM register_persons")[0]
    # each batch is inserted in (pid, month) order and stored so
    # (sql/register/register_monthly_batch.sql)
    try:
        with insertion_order_kept(con):
            for batch in range(batches):
                run_sql(con, "register/register_monthly_batch",
                        {"batch": batch, "state_employed": EMPLOYED, "state_other": OTHER})
    except Exception:
        # no half-filled dataset may outlive a failed batch
        con.execute(f"DROP TABLE IF EXISTS {REGISTER_MONTHLY}")
        raise
    for temp in ("register_pay", "register_kela_months", "register_benefit_sets",
                 "register_persons", "register_extract"):
        con.execute(f"DROP TABLE IF EXISTS temp.{temp}")
    return _one_row(con, f"SELECT count(*) FROM {REGISTER_MONTHLY}")[0]


def register_monthly_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts for a person to read: rows, persons, clients, comparison persons, months."""
    row = _one_row(con, f"""
        SELECT count(*), count(DISTINCT pid), count(DISTINCT client_id),
               count(DISTINCT pid) FILTER (WHERE client_id IS NULL), min(month), max(month)
        FROM {REGISTER_MONTHLY}""")
    keys = ("rows", "persons", "clients", "comparison_persons", "first_month", "last_month")
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in zip(keys, row,
                                                                             strict=True)}


def _one_row(con: duckdb.DuckDBPyConnection, query: str) -> tuple:
    # fetchall, not fetchone: DuckDB 2 keeps a half-fetched result open and refuses the
    # connection's next statement
    return con.execute(query).fetchall()[0]


def _query(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return con.sql(sql_text(name)).pl()


def client_states_by_rel_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``results/register``: per cohort and relative month, one row per state and one with
    ``state = 'all'`` (n = persons, pct = 100); every row carries the mean and median earnings
    and the mean benefits of its persons (``sql/register/results_register.sql``)."""
    return _query(con, "register/results_register")


def comparison_states_by_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``results/register_comparison``: the comparison persons per calendar month, shaped
    as ``client_states_by_rel_month`` with ``month`` for ``cohort, rel_month`` and without the
    median (``sql/register/results_register_comparison.sql`` says why). Empty (header only)
    when there are no comparison persons, so no stale file outlives them."""
    return _query(con, "register/results_register_comparison")


def write_register_results(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Any]:
    """Write ``out/results/register.csv`` and ``register_comparison.csv``; returns metadata.

    The earnings by relative month live in ``register.csv`` itself, on the ``state = 'all'``
    rows (columns ``mean_earnings_eur``, ``median_earnings_eur``; the state rows carry their
    own persons' figures), not in a second file: docs/outputs.md §Results names one file for
    both."""
    clients = client_states_by_rel_month(con)
    comparison = comparison_states_by_month(con)
    meta = write_result(con, "register", clients, out_dir,
                        sort_by=["cohort", "rel_month", "state_order"])
    comp_meta = write_result(con, "register_comparison", comparison, out_dir,
                             sort_by=["month", "state_order"])
    return {"register": meta, "register_comparison": comp_meta}


# -- checks: each returns the offending rows (empty = holds) ------------------------------------

def duplicate_person_months(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pl.DataFrame:
    """(pid, month) pairs with more than one row; at most ``limit`` (months and row counts,
    no pids).

    Found in two steps because grouping tens of millions of 64-character pids is slow: first
    by (hash(pid), month), which cannot miss a duplicate, then the candidates by the real pid,
    which drops any hash collision."""
    return con.sql(f"""
        WITH candidates AS (
            SELECT hash(pid) AS pid_hash, month FROM {REGISTER_MONTHLY}
            GROUP BY ALL HAVING count(*) > 1)
        SELECT r.month, count(*) AS n_rows
        FROM {REGISTER_MONTHLY} AS r
        JOIN candidates AS c ON hash(r.pid) = c.pid_hash AND r.month = c.month
        GROUP BY r.pid, r.month HAVING count(*) > 1
        ORDER BY r.month LIMIT $limit""", params={"limit": limit}).pl()


def null_main_states(con: duckdb.DuckDBPyConnection) -> int:
    """Rows whose ``main_state`` is NULL."""
    return _one_row(con, f"SELECT count(*) FROM {REGISTER_MONTHLY} WHERE main_state IS NULL")[0]


def kela_share_mismatches(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pl.DataFrame:
    """Persons whose ``benefits_eur`` over their months differs by more than 0.01 € from what
    their Kela periods paid inside their window (``sql/register/kela_reconciliation.sql``).

    Computed without splitting periods into months: each period's paid amount pro rata of its
    days inside the person's window (first day of the first month … last day of the last
    month) — for a period wholly inside the window, all of its paid_eur. Periods with an
    unknown amount or end date are not shared out and so left out on both sides."""
    return con.sql(sql_text("register/kela_reconciliation"),
                   params={"tolerance": SHARE_TOLERANCE_EUR, "limit": limit}).pl()


def unlinked_clients(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Clients who may be linked (a pid, no refusal of register linkage) and were delivered no
    later than the newest register extract, with no register row under their pid although the
    extracts hold rows, by cohort and region — every such client
    loses their register history silently ("other", 0 €). A person's pid is the same in every
    table of a warehouse (ips_eval.keyguard refuses a second key), so the usual causes are a
    client who really had no benefit and no pay, or a corrected identity code; a whole region
    unlinked points at deliveries pseudonymised apart. Empty when every client links, or when
    no register rows were delivered."""
    return con.sql("""
        WITH registered AS (
            SELECT pid FROM staging.kela WHERE pid IS NOT NULL
            UNION
            SELECT pid FROM staging.tulorekisteri WHERE pid IS NOT NULL),
        extract AS (  -- a client enrolled after the extracts were drawn cannot be in them
            SELECT greatest((SELECT max(_delivery_date) FROM staging.kela),
                            (SELECT max(_delivery_date) FROM staging.tulorekisteri)) AS delivered),
        linkable AS (
            SELECT a.* FROM staging.asiakkaat AS a, extract AS e
            WHERE a.pid IS NOT NULL AND a.register_consent IS DISTINCT FROM 0
              AND a._delivery_date <= e.delivered)
        SELECT a.cohort, a.region, count(*) AS n_clients_unlinked,
               (SELECT count(*) FROM linkable AS b
                WHERE b.cohort IS NOT DISTINCT FROM a.cohort
                  AND b.region IS NOT DISTINCT FROM a.region) AS n_clients
        FROM linkable AS a
        WHERE a.pid NOT IN (FROM registered)
        GROUP BY ALL ORDER BY ALL""").pl()

