"""Versioning (contract: newest delivery wins, superseded rows kept and counted, an identical
file changes nothing) and what happens to files that change or disappear."""

from __future__ import annotations

from pathlib import Path

from support.deliveries import ENROLMENT, H1, H2, client, ingest, query, table, write_csv

OLD = "asiakkaat/2022-08-15_HEL.csv"
NEW = "asiakkaat/2023-07-05_HEL.csv"


def _outcomes(report) -> dict[str, str]:
    return {f.file: f.outcome for f in report.files}


def test_identical_redelivery_is_a_no_op(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / OLD, ENROLMENT, [client("HEL-0001", H1)])
    first = ingest(d, w)
    raw_before = query(w, "SELECT count(*) FROM raw.asiakkaat")
    second = ingest(d, w)
    assert _outcomes(first) == {OLD: "loaded"}
    assert _outcomes(second) == {OLD: "already_loaded"}
    assert query(w, "SELECT count(*) FROM raw.asiakkaat") == raw_before == [(1,)]
    assert second.sources["asiakkaat"].staged == 1
    # the same bytes under another (later) name: loaded once, the copy reads no rows
    (d / NEW).write_bytes((d / OLD).read_bytes())
    third = ingest(d, w)
    copy = next(f for f in third.files if f.file == NEW)
    assert (copy.outcome, copy.rows_read) == ("already_loaded", 0)
    assert "identical to " + OLD in copy.message
    assert query(w, "SELECT count(*) FROM raw.asiakkaat") == [(1,)]


def test_corrected_redelivery_newest_wins_old_counted_superseded(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / OLD, ENROLMENT, [client("HEL-0001", H1, education="2")])
    ingest(d, w)
    write_csv(d / NEW, ENROLMENT, [client("HEL-0001", H1, education="3"),
                                   client("HEL-0002", H2)])
    report = ingest(d, w)
    assert _outcomes(report) == {OLD: "already_loaded", NEW: "loaded"}  # old file not re-read
    assert table(w, "staging.asiakkaat", "client_id, education, _file") == [
        ("HEL-0001", 3, NEW), ("HEL-0002", 2, NEW)]
    s = report.sources["asiakkaat"]
    assert (s.rows_read, s.staged, s.superseded) == (3, 2, 1)
    assert query(w, "SELECT f.file, o.row, o.outcome FROM meta.row_outcomes o JOIN "
                 "meta.ingest_files f USING (content_hash) ORDER BY 1, 2") == [
        (OLD, 1, "superseded"), (NEW, 1, "staged"), (NEW, 2, "staged")]


def test_a_rejected_correction_leaves_the_older_valid_version_staged(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / OLD, ENROLMENT, [client("HEL-0001", H1, education="2")])
    write_csv(d / NEW, ENROLMENT, [client("HEL-0001", H1, region="PKA")])
    report = ingest(d, w)
    assert table(w, "staging.asiakkaat", "client_id, region, _file") == [
        ("HEL-0001", "HEL", OLD)]
    s = report.sources["asiakkaat"]
    assert (s.staged, s.superseded, s.quarantined_rows) == (1, 0, 1)


def test_changed_file_under_the_same_name_replaces_its_old_version(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / NEW, ENROLMENT, [client("HEL-0001", H1, education="2"),
                                   client("HEL-0002", H2)])
    ingest(d, w)
    write_csv(d / NEW, ENROLMENT, [client("HEL-0001", H1, education="4")])  # re-exported
    report = ingest(d, w)
    assert _outcomes(report) == {NEW: "loaded"}
    assert table(w, "staging.asiakkaat", "client_id, education") == [("HEL-0001", 4)]
    # raw keeps both versions as history; only the present one counts
    assert query(w, "SELECT count(DISTINCT _hash), count(*) FROM raw.asiakkaat") == [(2, 3)]
    s = report.sources["asiakkaat"]
    assert (s.rows_read, s.staged, s.superseded) == (1, 1, 0)


def test_deleted_file_leaves_staging_and_its_raw_rows_stay(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / OLD, ENROLMENT, [client("HEL-0001", H1, education="2")])
    write_csv(d / NEW, ENROLMENT, [client("HEL-0001", H1, education="3")])
    ingest(d, w)
    (d / NEW).unlink()
    report = ingest(d, w)
    assert table(w, "staging.asiakkaat", "client_id, education, _file") == [
        ("HEL-0001", 2, OLD)]
    assert query(w, "SELECT count(*) FROM raw.asiakkaat") == [(2,)]
    assert report.sources["asiakkaat"].rows_read == 1


def test_same_delivery_date_later_file_name_wins(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client("HEL-0001", H1,
                                                                      education="2")])
    write_csv(d / "asiakkaat/2023-07-05_HEL_korjattu.csv", ENROLMENT,
              [client("HEL-0001", H1, education="3")])
    ingest(d, w)
    assert table(w, "staging.asiakkaat", "education") == [(3,)]
