"""The analysis-dataset export: Parquet always; Stata/SPSS with variable and value labels,
dates as dates, coded strings as labelled integers, and the row limit."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pyreadstat
import pytest
from support.employment import make_staging
from support.tte import CLIENTS, CUTOFFS, JOBS, PAY

from ips_eval.employment.derive import build_clients_and_jobs, build_tte
from ips_eval.export import export_dataset, stat_files_note
from schemas.analysis import CLIENTS as CLIENT_LABELS
from schemas.analysis import REGISTER_MONTHLY, TTE, dataset


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    con = duckdb.connect(str(out / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, CLIENTS, JOBS, PAY)
    build_clients_and_jobs(con, CUTOFFS)
    build_tte(con)
    paths = {name: export_dataset(con, f"analysis.{name}", out, dataset(name), lang="en")
             for name in ("clients", "jobs", "tte")}
    yield out, con, paths
    con.close()


def test_every_format_is_written(exported):
    out, _, paths = exported
    for name, written in paths.items():
        assert sorted(p.name for p in written) == [f"{name}.dta", f"{name}.parquet",
                                                   f"{name}.sav"]
        assert all((out / "analysis" / p.name).is_file() for p in written)


def test_dta_carries_variable_and_value_labels(exported):
    out, _, _ = exported
    frame, meta = pyreadstat.read_dta(str(out / "analysis" / "tte.dta"))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["time_days"] == "Time (days)"
    assert labels["censor_reason"] == TTE.variable("censor_reason").label("en")
    value_labels = meta.variable_value_labels
    assert value_labels["param"] == {1: "Time to first job", 2: "Tenure of the first job",
                                     3: "Tenure of all jobs",
                                     4: "Tenure of the first job, register-augmented"}
    assert value_labels["event"][2] == "Competing: service ended without a job"
    assert value_labels["censor_reason"] == {1: "Data cut-off", 2: "Service ended"}
    # the coding: TTFJ = 1, and the rows still say what they said in the warehouse
    assert int((frame["param"] == 1).sum()) == 10


def test_dta_and_sav_read_back_with_the_warehouse_values(exported):
    out, con, _ = exported
    frame, meta = pyreadstat.read_dta(str(out / "analysis" / "clients.dta"),
                                      apply_value_formats=True)
    assert meta.original_variable_types["index_date"] == "%td"
    row = frame.set_index("client_id").loc["HEL-0006"]
    assert row["index_date"] == date(2022, 1, 1)
    assert row["region"] == "Helsinki"
    assert row["dx_group"] == "Psychotic disorders (F20–F29)"
    assert row["exit_date"] == date(2022, 5, 15)
    sav, sav_meta = pyreadstat.read_sav(str(out / "analysis" / "clients.sav"))
    assert sav_meta.column_names_to_labels["followup_days"] == "Follow-up (days)"
    assert sav_meta.variable_value_labels["cohort"] == {1.0: "Pilots 2020–2023",
                                                        2.0: "RRP 2023–2024"}
    assert len(sav) == con.execute("SELECT count(*) FROM analysis.clients").fetchall()[0][0]


def test_parquet_is_the_warehouse_table_unchanged(exported):
    out, con, _ = exported
    parquet = pl.read_parquet(out / "analysis" / "tte.parquet")
    warehouse = pl.from_arrow(con.sql(
        "FROM analysis.tte ORDER BY param, client_id, job_no").to_arrow_table())
    assert parquet.equals(warehouse)


def test_labels_in_another_language(tmp_path, exported):
    _, con, _ = exported
    export_dataset(con, "analysis.clients", tmp_path, CLIENT_LABELS, lang="fi")
    _, meta = pyreadstat.read_dta(str(tmp_path / "analysis" / "clients.dta"))
    assert meta.column_names_to_labels["followup_days"] == "Seuranta-aika (pv)"


def test_above_the_row_limit_only_parquet_and_stale_files_removed(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA analysis")
    con.execute("""CREATE TABLE analysis.register_monthly AS SELECT * FROM (VALUES
        ('p1', 'HEL-0001', DATE '2021-01-01', 0, 100.0, ['SPR', 'TMT'], 50.0, 'employed'),
        ('p2', NULL, DATE '2021-01-01', NULL, 0.0, [], 0.0, 'other'))
        AS t(pid, client_id, month, rel_month, earnings_eur, benefits, benefits_eur,
             main_state)""")
    written = export_dataset(con, "analysis.register_monthly", tmp_path, REGISTER_MONTHLY)
    frame, _ = pyreadstat.read_dta(str(tmp_path / "analysis" / "register_monthly.dta"))
    assert frame["benefits"].tolist() == ["SPR;TMT", ""]
    assert len(written) == 3
    written = export_dataset(con, "analysis.register_monthly", tmp_path, REGISTER_MONTHLY,
                             max_rows_stat_files=1)
    assert [p.suffix for p in written] == [".parquet"]
    assert stat_files_note(written, 1).startswith("not written: the table has more than 1 rows")
    assert not (tmp_path / "analysis" / "register_monthly.dta").exists()
    assert not (tmp_path / "analysis" / "register_monthly.sav").exists()


def test_an_undeclared_code_is_kept_with_itself_as_label(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA analysis")
    con.execute("CREATE TABLE analysis.tte AS SELECT 'HEL-0001' AS client_id, "
                "'NEWPARAM' AS param, 3 AS time_days, 1 AS event")
    export_dataset(con, "analysis.tte", tmp_path, TTE)
    frame, meta = pyreadstat.read_dta(str(tmp_path / "analysis" / "tte.dta"),
                                      apply_value_formats=True)
    assert frame["param"].tolist() == ["NEWPARAM"]
