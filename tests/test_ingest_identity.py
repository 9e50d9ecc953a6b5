"""Identity codes (docs/methods.md §Identity and pseudonyms): validated with the 2023 century signs,
age and sex derived, replaced by a keyed pseudonym that is the same across sources, never stored
anywhere."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest
from support.deliveries import (
    ENROLMENT,
    H1,
    H2,
    JOBS,
    KELA,
    Y1,
    bad_check,
    client,
    hetu,
    ingest,
    job,
    query,
    table,
    write_csv,
)

from ips_eval.ingest import identity, pipeline
from ips_eval.ingest.audit import identity_leaks


@pytest.mark.parametrize(("code", "born", "sex"), [
    (hetu("131052", "-", "308"), "1952-10-13", "female"),
    (hetu("131052", "Y", "309"), "1952-10-13", "male"),    # 2023 sign for the 1900s
    (hetu("010105", "B", "002"), "2005-01-01", "female"),  # 2023 sign for the 2000s
    (hetu("010105", "F", "003"), "2005-01-01", "male"),
    (hetu("290200", "A", "004"), "2000-02-29", "female"),
])
def test_hetu_with_every_century_sign_is_valid_with_birth_date_and_sex(code, born, sex) -> None:
    assert identity.hetu_problem(code) is None
    birth, derived_sex = identity.birth_date_and_sex(code)
    assert (birth.isoformat(), derived_sex) == (born, sex)


@pytest.mark.parametrize(("code", "why"), [
    (bad_check(H1), "invalid check character"),
    ("310252-3080", "invalid date or individual number"),  # 31 February
    ("131052Z308T", "malformed (not ddmmyyCnnnX)"),         # Z is no century sign
])
def test_invalid_hetu_says_why_without_echoing_it(code, why) -> None:
    assert identity.hetu_problem(code) == why
    assert identity.mask_identity(code) in ("******-****", "***********")


def test_new_century_sign_is_another_person_same_code_same_pid_everywhere(tmp_path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    h_y = hetu("131052", "Y", "308")  # same date and number as H1, the 2023 sign: not H1
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT,
              [client("HEL-0001", H1), client("HEL-0002", h_y.lower())])
    write_csv(d / "rekisterit/kela/2024-05-02_kela.csv", KELA,
              [[f" {H1} ", "TMT", "1.1.2021", "31.1.2021", "10"],
               [h_y, "TMT", "1.1.2021", "31.1.2021", "20"]])
    ingest(d, w)
    pids = dict(table(w, "staging.asiakkaat", "client_id, pid"))
    assert pids["HEL-0001"] != pids["HEL-0002"]
    assert pids["HEL-0001"] == identity.pseudonym(b"test-key", H1)
    assert table(w, "staging.kela", "client_id, paid_eur", "2") == [
        ("HEL-0001", 10.0), ("HEL-0002", 20.0)]
    # a second run (and another warehouse) with the same key gives the same pids
    ingest(d, tmp_path / "w2.duckdb")
    assert dict(table(tmp_path / "w2.duckdb", "staging.asiakkaat", "client_id, pid")) == pids


def test_employer_pid_matches_payer_pid_for_the_same_business_id(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client("HEL-0001", H1)])
    write_csv(d / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [job("HEL-0001", "1", employer=Y1)])
    write_csv(d / "rekisterit/tulorekisteri/2024-05-02_tulorekisteri.csv",
              ["hetu", "kuukausi", "maksaja", "palkka_eur"],
              [[H1, "2021-04", Y1.replace("-", ""), "1500"]])  # written without the dash
    ingest(d, w)
    assert query(w, "SELECT count(*) FROM staging.tyosuhteet j JOIN staging.tulorekisteri t "
                 "ON t.payer_pid = j.employer_pid") == [(1,)]


def test_no_valid_hetu_anywhere_in_the_warehouse_after_ingest(tmp_path: Path) -> None:
    d, w = tmp_path / "d", tmp_path / "w.duckdb"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", [*ENROLMENT, "huom"],
              [[*client("HEL-0001", H1), f"soita, hetu {H1}"],
               [*client("HEL-0002", bad_check(H1)), ""]])
    write_csv(d / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [job("HEL-0001", "1", employer=H1)])
    # a rejected file whose header holds a HETU: the rejection message lists the columns
    write_csv(d / "tyosuhteet/2023-07-06_HEL.csv", ["asiakastunnus", H1], [["HEL-0001", "x"]])
    write_csv(d / "rekisterit/kela/2024-05-02_kela.csv", KELA,
              [[H1, "TMT", "1.1.2021", "31.1.2021", "10"]])
    report = ingest(d, w)
    rejected = next(f for f in report.files if f.outcome == "rejected")
    assert "missing" in rejected.message and H1 not in rejected.message
    assert identity_leaks(duckdb.connect(str(w), read_only=True)) == []
    # grep the whole file too: no HETU in any form, valid or mistyped, on disk
    data = w.read_bytes()
    for code in (H1, bad_check(H1)):
        assert code.encode() not in data
    # and the scan does find one when it is there
    con = duckdb.connect(str(w))
    con.execute("CREATE TABLE analysis.leak AS SELECT 'x ' || $h AS note", {"h": H1})
    assert [(x.table, x.column) for x in identity_leaks(con)] == [("analysis.leak", "note")]
    con.close()


def test_identity_scan_finds_a_hetu_in_repeated_and_in_unique_values() -> None:
    """Both ways the scan reads a column: grouped (values repeat, each checked once) and row by
    row (values mostly distinct); a HETU inside a longer text, in a list, among short values."""
    con = duckdb.connect()
    con.execute("CREATE TABLE repeated AS SELECT CASE WHEN i = 77 THEN 'id ' || $h ELSE "
                "'some long enough text' END AS note, ['a', CASE WHEN i = 5 THEN $h END] AS l "
                "FROM range(10000) t(i)", {"h": H1})
    con.execute("CREATE TABLE unique_texts AS SELECT CASE WHEN i = 9000 THEN $h || '!' ELSE "
                "'row ' || i || ' of many texts' END AS note, 'short' AS s FROM range(10000) t(i)",
                {"h": H2})
    assert sorted((x.table, x.column, x.values) for x in identity_leaks(con)) == [
        ("main.repeated", "l", 1), ("main.repeated", "note", 1), ("main.unique_texts", "note", 1)]
    con.execute("UPDATE unique_texts SET note = replace(note, $h, $bad)",
                {"h": H2, "bad": bad_check(H2)})
    assert [x.table for x in identity_leaks(con)] == ["main.repeated", "main.repeated"]


def test_demo_key_use_is_logged_once(caplog: pytest.LogCaptureFixture, tmp_path) -> None:
    pipeline._demo_key_logged = False
    with caplog.at_level(logging.WARNING, logger="ips_eval.ingest.pipeline"):
        pipeline.note_demo_key(True)
        pipeline.note_demo_key(True)
    assert sum("DEMO key" in r.message for r in caplog.records) == 1
