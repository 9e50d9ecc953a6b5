"""SQL transforms run by name with only the parameters each statement names."""

from __future__ import annotations

import duckdb
import pytest

from ips_eval import warehouse


def test_only_named_parameters_are_bound(monkeypatch):
    text = (
        "-- a comment that mentions $cutoff must not bind it\n"
        "CREATE TABLE t AS SELECT $cutoff_pilot::DATE AS d;\n"
        "INSERT INTO t SELECT $cutoff::DATE;\n"
    )
    monkeypatch.setattr(warehouse, "sql_text", lambda name: text)
    con = duckdb.connect()
    warehouse.run_sql(con, "t", {"cutoff_pilot": "2023-06-30", "cutoff": "2024-12-31",
                                 "unused": 1})
    assert [str(d) for (d,) in con.execute("SELECT d FROM t ORDER BY d").fetchall()] == [
        "2023-06-30", "2024-12-31"]


def test_names_fill_plain_identifiers_only(monkeypatch):
    monkeypatch.setattr(warehouse, "sql_text",
                        lambda name: "CREATE TABLE {table} AS SELECT {'a': 1} AS s;\n")
    con = duckdb.connect()
    warehouse.run_sql(con, "t", names={"table": "kela"})
    assert con.execute("SELECT s.a FROM kela").fetchall() == [(1,)]
    with pytest.raises(ValueError, match="not a plain identifier"):
        warehouse.run_sql(con, "t", names={"table": "kela; DROP TABLE kela"})
    assert con.execute("SELECT count(*) FROM kela").fetchall() == [(1,)]


def test_statements_split_at_line_end_semicolons():
    parts = warehouse.split_statements("SELECT 1;\n-- only a comment;\nSELECT ';' AS x;\n")
    assert parts == ["SELECT 1;", "SELECT ';' AS x;"]


def test_outputs_follow_the_umask_not_private_temp_modes(tmp_path):
    import os

    from ips_eval.outputs import atomic_path

    old = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "x.csv") as tmp:
            tmp.write_text("a\n")
    finally:
        os.umask(old)
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o644


def test_one_default_memory_limit_reaches_every_connection(tmp_path, monkeypatch):
    """DuckDB's limit unless IPS_EVAL_DUCKDB_MEMORY says otherwise: 6 GB, the limit under
    which the million-person bench stays below 8 GiB of RSS (docs/performance.md). The pipeline's
    settings, its warehouse resource, a bare connection and the bench all take it from
    ips_eval.config."""
    from assets.cli import build_parser
    from assets.defs.resources import Warehouse
    from ips_eval.config import DEFAULT_MEMORY_LIMIT, ENV_MEMORY, Settings

    monkeypatch.delenv(ENV_MEMORY, raising=False)
    assert DEFAULT_MEMORY_LIMIT == "6GB"
    assert Settings.from_env().duckdb_memory_limit == DEFAULT_MEMORY_LIMIT
    assert Warehouse(path=str(tmp_path / "w.duckdb")).memory_limit == DEFAULT_MEMORY_LIMIT
    assert build_parser().parse_args(["bench", "--persons", "10"]).memory_limit == "6GB"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        shown = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert shown == "5.5 GiB"  # DuckDB's own way of writing 6 GB
    monkeypatch.setenv(ENV_MEMORY, "2GB")
    assert Settings.from_env().duckdb_memory_limit == "2GB"
