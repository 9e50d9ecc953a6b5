"""The warehouse remembers which pseudonym key it was built with (docs/operations.md §Changing
the pseudonym key): a person's pid must be the same in every table of a warehouse, and pids
made under two keys never meet — a run with another key into a warehouse built with the first
would give re-delivered clients new pids while their register rows keep the old ones.

``meta.pseudonym_key`` holds one row: ``fingerprint`` = HMAC-SHA-256 of a fixed label under the
key (never the key, and not reversible to it). A run whose key gives another fingerprint stops
before any delivery row is read (``KeyChanged``: one line, exit 2, nothing changed); with
``--rekey`` the warehouse is started afresh and every pseudonymised table is rebuilt from the
delivered files under the new key.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from ips_eval.config import Settings, SettingsError

LABEL = b"ips-eval warehouse pseudonym key fingerprint v1"
TABLE_SCHEMA, TABLE_NAME = "meta", "pseudonym_key"


class KeyChanged(SettingsError):
    """The run's pseudonym key is not the one the warehouse was built with (one line)."""


def key_fingerprint(key: str) -> str:
    """HMAC-SHA-256 of ``LABEL`` under ``key``, hex: the same key gives the same fingerprint,
    and the fingerprint says nothing about the key."""
    return hmac.new(key.encode("utf-8"), LABEL, hashlib.sha256).hexdigest()


def _connect(settings: Settings, read_only: bool):
    from ips_eval.warehouse import connect

    return connect(settings.warehouse_path, memory_limit=settings.duckdb_memory_limit,
                   threads=settings.duckdb_threads, read_only=read_only)


def _recorded(con) -> tuple[bool, str | None]:  # noqa: ANN001 — a DuckDB connection
    tables = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = "
        "current_database() AND NOT (table_schema = ? AND table_name = ?)",
        [TABLE_SCHEMA, TABLE_NAME]).fetchone()[0]
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = "
        "current_database() AND table_schema = ? AND table_name = ?",
        [TABLE_SCHEMA, TABLE_NAME]).fetchone()[0]
    row = con.execute("SELECT fingerprint FROM meta.pseudonym_key").fetchone() if found else None
    return bool(tables), (row[0] if row else None)


def recorded_fingerprint(settings: Settings) -> tuple[bool, str | None]:
    """(whether the warehouse holds any table, the fingerprint it recorded or None)."""
    if not settings.warehouse_path.exists():
        return False, None
    with _connect(settings, read_only=True) as con:
        return _recorded(con)


def _record(con, key: str) -> None:  # noqa: ANN001 — a DuckDB connection
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute("CREATE OR REPLACE TABLE meta.pseudonym_key (fingerprint VARCHAR NOT NULL)")
    con.execute("INSERT INTO meta.pseudonym_key VALUES (?)", [key_fingerprint(key)])


def record(settings: Settings) -> None:
    """Write the run's key fingerprint into the warehouse (creating it when it is new)."""
    with _connect(settings, read_only=False) as con:
        _record(con, settings.key)


def _verdict(has_tables: bool, recorded: str | None, key: str, warehouse: Path) -> str | None:
    """KeyChanged on another key's fingerprint; the note for a warehouse without one (None when
    it holds no table yet)."""
    if recorded is not None:
        if not hmac.compare_digest(recorded, key_fingerprint(key)):
            raise KeyChanged(
                f"the pseudonym key is not the one the warehouse {warehouse} was "
                "built with: nothing was read or changed; use the study's key, or re-run with "
                "--rekey to rebuild the warehouse from the deliveries under this key "
                "(docs/operations.md §Changing the pseudonym key)")
        return None
    if has_tables:
        return (f"the warehouse {warehouse} predates key fingerprints: it is "
                "taken to be built with this key; if it was not, re-run with --rekey")
    return None


def check(settings: Settings) -> str | None:
    """Before any delivery row is read: ``KeyChanged`` when the warehouse was built with another
    key; else record the key's fingerprint if the warehouse has none yet. Returns a note for a
    warehouse built before fingerprints were kept (its key is taken to be this one)."""
    has_tables, recorded = recorded_fingerprint(settings)
    note = _verdict(has_tables, recorded, settings.key, settings.warehouse_path)
    if recorded is None:
        record(settings)
    return note


def check_connection(con, key: str, warehouse: Path) -> str | None:  # noqa: ANN001
    """``check`` on the raw asset's own connection, before it reads a delivery row: the guard
    of a run started from the Dagster UI (or any caller that skips ``ips-eval run``'s check)."""
    has_tables, recorded = _recorded(con)
    note = _verdict(has_tables, recorded, key, warehouse)
    if recorded is None:
        _record(con, key)
    return note


def start_afresh(settings: Settings) -> list[Path]:
    """``--rekey``: remove the warehouse (and its write-ahead log) so that every
    pseudonymised table is rebuilt from the delivered files under the run's key. The caller
    has marked the folder incomplete and forgets the last run's state (a full run follows)."""
    removed = []
    for path in (settings.warehouse_path,
                 settings.warehouse_path.with_name(settings.warehouse_path.name + ".wal")):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
