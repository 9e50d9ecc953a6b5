"""Every contract format and the file-level defects: Finnish CSV in its encodings and line ends,
xlsx, SPSS .sav; empty, truncated, garbage files and a missing required column."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyreadstat
import xlsxwriter
from support.deliveries import (
    ENROLMENT,
    H1,
    H2,
    JOBS,
    client,
    defects,
    ingest,
    job,
    query,
    table,
    write_csv,
)

ENROL_FILE = "asiakkaat/2023-07-05_HEL.csv"


def _enrolled(d: Path) -> None:
    write_csv(d / ENROL_FILE, ENROLMENT, [client("HEL-0001", H1), client("HEL-0002", H2)])


def test_latin1_crlf_bom_and_header_variants_read_alike(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    rows = [client("HEL-0001", H1), client("HEL-0002", H2)]
    rows[0][4] = "Hämeenlinna-Åbo-Töölö"  # ä, å, ö (not a team code: kept in raw only)
    header = [" ASIAKASTUNNUS", "Hetu ", *ENROLMENT[2:], "Huom"]
    rows = [[*r, "Käynti sovittu"] for r in rows]
    write_csv(d / ENROL_FILE, header, rows, encoding="cp1252", newline="\r\n")
    report = ingest(d, w)
    assert report.sources["asiakkaat"].staged == 2
    assert query(w, "SELECT tiimi FROM raw.asiakkaat ORDER BY _row") == [
        ("Hämeenlinna-Åbo-Töölö",), ("HEL-T1",)]
    assert table(w, "staging.asiakkaat", "team") == [("HEL-T1",), (None,)]
    assert query(w, "SELECT _extra FROM raw.asiakkaat WHERE _row = 1") == [
        ('{"huom":"Käynti sovittu"}',)]
    assert query(w, "SELECT encoding FROM meta.ingest_files") == [("windows-1252",)]
    # the same rows in UTF-8 with a BOM give the same staging
    d2, w2 = tmp_path / "d2", tmp_path / "w2.duckdb"
    (d2 / "asiakkaat").mkdir(parents=True)
    text = (d / ENROL_FILE).read_bytes().decode("cp1252")
    (d2 / ENROL_FILE).write_bytes("\ufeff".encode() + text.encode("utf-8"))
    ingest(d2, w2)
    assert table(w2, "staging.asiakkaat") == table(w, "staging.asiakkaat")


def test_empty_file_header_only_and_missing_required_column(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    _enrolled(d)
    (d / "tyosuhteet").mkdir()
    (d / "tyosuhteet/2023-07-05_HEL.csv").write_bytes(b"")
    write_csv(d / "tyosuhteet/2023-07-06_HEL.csv", JOBS, [])  # header only: no rows, fine
    write_csv(d / "tyosuhteet/2023-07-07_HEL.csv", [c for c in JOBS if c != "tyosuhde_nro"],
              [[v for i, v in enumerate(job("HEL-0001", "1")) if i != 1]])
    write_csv(d / "tyosuhteet/2023-07-08_HEL.csv", JOBS, [job("HEL-0001", "1")])
    report = ingest(d, w)
    assert defects(w, "tyosuhteet") == [
        ("2023-07-05_HEL.csv", None, None, "file", "file_empty"),
        ("2023-07-07_HEL.csv", None, "tyosuhde_nro", "file", "missing_required_column"),
    ]
    by_file = {Path(f.file).name: f for f in report.files}
    assert by_file["2023-07-06_HEL.csv"].outcome == "loaded"
    assert "tyosuhde_nro" in by_file["2023-07-07_HEL.csv"].message
    assert report.sources["tyosuhteet"].staged == 1  # the other files still load


def test_truncated_last_line_is_an_unparseable_row_the_rest_loads(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    _enrolled(d)
    path = write_csv(d / "tyosuhteet/2023-07-05_HEL.csv", JOBS,
                     [job("HEL-0001", "1"), job("HEL-0002", "1"), job("HEL-0002", "2")])
    path.write_bytes(path.read_bytes()[:-25])  # cut the last line mid-row, no newline
    report = ingest(d, w)
    assert defects(w, "tyosuhteet") == [
        ("2023-07-05_HEL.csv", 3, None, "row", "row_unparseable")]
    s = report.sources["tyosuhteet"]
    assert (s.rows_read, s.staged, s.quarantined_rows) == (3, 2, 1)


def test_unparseable_row_in_the_middle_keeps_row_numbers_of_the_others(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    _enrolled(d)
    rows = [job("HEL-0001", "1"), job("HEL-0001", "2")[:5], job("HEL-0002", "1"),
            [*job("HEL-0002", "2"), "extra"]]
    write_csv(d / "tyosuhteet/2023-07-05_HEL.csv", JOBS, rows)
    ingest(d, w)
    assert [r[1] for r in defects(w, "tyosuhteet")] == [2, 4]
    assert table(w, "staging.tyosuhteet", "_row, client_id, job_no") == [
        (1, "HEL-0001", 1), (3, "HEL-0002", 1)]


def test_garbage_and_undated_files_are_rejected_whole(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    _enrolled(d)
    (d / "laatuarviot").mkdir()
    (d / "laatuarviot/2023-07-05_HEL.xlsx").write_bytes(os.urandom(2000))
    (d / "laatuarviot/2023-07-06_HEL.csv").write_bytes(bytes(range(256)) * 8)
    write_csv(d / "laatuarviot/arviot_HEL.csv", ["tiimi", "arviopvm"], [["HEL-T1", "1.1.2023"]])
    report = ingest(d, w)
    assert [(r[0], r[3], r[4]) for r in defects(w, "laatuarviot")] == [
        ("2023-07-05_HEL.xlsx", "file", "file_unreadable"),
        ("2023-07-06_HEL.csv", "file", "file_unreadable"),
        ("arviot_HEL.csv", "file", "file_name_invalid")]
    assert sum(f.outcome == "rejected" for f in report.files) == 3
    assert report.sources["asiakkaat"].staged == 2
    # each reason is one line a researcher can read, without the library's context dump
    reasons = query(w, "SELECT message FROM quarantine.defects WHERE level = 'file'")
    assert all("\n" not in m and str(d) not in m for (m,) in reasons), reasons


def test_xlsx_with_excel_dates_and_numbers(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    _enrolled(d)
    path = d / "tyosuhteet/2023-07-05_HEL.xlsx"
    path.parent.mkdir(parents=True)
    book = xlsxwriter.Workbook(path)
    sheet, fmt = book.add_worksheet(), book.add_format({"num_format": "d.m.yyyy"})
    sheet.write_row(0, 0, [c.upper() for c in JOBS])
    sheet.write_row(1, 0, ["HEL-0001", 1, "0737546-2"])
    sheet.write_datetime(1, 3, datetime(2021, 4, 1), fmt)
    sheet.write_row(1, 5, [37.5, "5223", 1, 0, 1])
    sheet.write_row(3, 0, ["HEL-0002", 1, "0737546-2", "1.5.2021", "31.5.2021", "20,5", 5223,
                           1, 0, 2, 1])  # row 3 left empty: not a row
    book.close()
    ingest(d, w)
    assert defects(w, "tyosuhteet") == []
    assert table(w, "staging.tyosuhteet", "_row, client_id, start_date, end_date, hours_week, "
                 "isco") == [(1, "HEL-0001", date(2021, 4, 1), None, 37.5, "5223"),
                             (3, "HEL-0002", date(2021, 5, 1), date(2021, 5, 31), 20.5, "5223")]


def test_spss_sav_with_dates_numbers_and_99(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    _enrolled(d)
    frame = pd.DataFrame({
        "asiakastunnus": ["HEL-0001", "HEL-0002"], "aalto": [0.0, 6.0],
        "vastauspvm": [date(2021, 3, 6), date(2021, 9, 1)],
        "mhi1": [1.0, 99.0], "mhi2": [2.0, None], "mhi3": [3.0, 4.0], "mhi4": [4.0, 4.0],
        "mhi5": [5.0, 7.0], "was": [6.0, 8.0]})
    (d / "asiakaskysely").mkdir()
    pyreadstat.write_sav(frame, d / "asiakaskysely/2023-07-05_HEL.sav",
                         variable_format={"vastauspvm": "DATE11"})
    ingest(d, w)
    assert defects(w, "asiakaskysely") == [
        ("2023-07-05_HEL.sav", 2, "mhi5", "field", "out_of_range")]
    assert table(w, "staging.asiakaskysely", "client_id, wave_intended, response_date, mhi1, "
                 "mhi2, mhi5") == [("HEL-0001", 0, date(2021, 3, 6), 1, 2, 5),
                                   ("HEL-0002", 6, date(2021, 9, 1), None, None, None)]
