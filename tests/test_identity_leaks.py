"""Issue 30: no identity code slips through, no setting runs SQL, no file skips a size limit.

One small delivery carries identity codes in every place an attacker or a careless sender could
put them — a coach field, unknown columns, a column name, a file name, a sheet name, written
with an en dash or a minus sign, in lower case, with spaces (support.planted) — and a whole run
on it must leave none of them anywhere under the output folder: the session's small run of
``forty_clients_without_12_month_answers``, which carries them. Every other test builds its own
few files in a temporary folder (no default-study run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyreadstat
import pytest
from support.cli import TEST_PSEUDONYM_KEY
from support.planted import (
    COACH,
    CODES,
    COLUMN,
    EN_DASH,
    ENROLMENT,
    FILE,
    MINUS,
    MINUS_SIGN,
    PERSON,
    UNKNOWN,
    client,
    en_dash,
    write_csv,
)

from assets.runguard import fingerprint
from assets.versions import delivery_digest
from ips_eval.config import Settings, SettingsError, parse_memory_limit
from ips_eval.ingest import identity, limits
from ips_eval.ingest.audit import identity_leaks, identity_leaks_in_files
from ips_eval.ingest.files import DeliveryFile, discover, inspect
from ips_eval.ingest.readers import FileRejected, normalise_name, open_delivery
from ips_eval.warehouse import connect
from schemas.codebook import SOURCES

KEY = "identity-leak-tests-key-0123456789abcdef"
PLANTED_CASE = "forty_clients_without_12_month_answers"  # support.small_deliveries


@pytest.fixture(scope="module")
def planted_run(small_run):  # noqa: ANN001 — the session fixture
    """The small delivery that carries the planted codes (support.planted, beside a messy early
    region's files), through `ips-eval run` once per session: (Done, out)."""
    _deliveries, out, done = small_run(PLANTED_CASE)
    return done, out


def _every_spelling(c: str) -> list[bytes]:
    spellings = {c, c.lower(), en_dash(c), c.replace("-", MINUS_SIGN), c.replace("-", "")}
    return [s.encode("utf-8") for s in spellings]


def test_planted_codes_reach_nothing_under_the_output_folder(planted_run) -> None:
    done, out = planted_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert identity_leaks_in_files(out) == {}
    # and a plain byte search for every code in every spelling, in every file (the warehouse
    # aside: its strings are compressed, identity_leaks reads it above)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".duckdb":
            data = path.read_bytes()
            for c in CODES:
                for spelt in _every_spelling(c):
                    assert spelt not in data, (path.relative_to(out), c[:2])


def test_planted_delivery_file_name_rejected_by_rule_and_one_pid_per_person(planted_run) -> None:
    _report, out = planted_run
    con = duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True)
    try:
        assert identity_leaks(con) == []
        scan = con.execute("SELECT file, outcome, rule FROM meta.ingest_scan "
                           "WHERE rule = 'file_name_identity_code'").fetchall()
        assert scan == [("asiakkaat/2023-07-06_HEL_******-****.csv", "rejected",
                         "file_name_identity_code")]
        columns = con.execute("SELECT columns FROM meta.ingest_files "
                              "WHERE file = 'asiakkaat/2023-07-05_HEL.csv'").fetchall()[0][0]
        assert "huom_******-****" in columns
        pid = identity.pseudonym(TEST_PSEUDONYM_KEY.encode(), PERSON)  # small_run's key
        enrolled = {r[0] for r in con.execute("SELECT hetu_pid FROM raw.asiakkaat "
                                              "WHERE asiakastunnus IN ('HEL-0001', 'HEL-0002')"
                                              ).fetchall()}
        kela = {r[0] for r in con.execute("SELECT hetu_pid FROM raw.kela").fetchall()}
        assert enrolled == kela == {pid}
        sheet_note = con.execute("SELECT format FROM meta.ingest_files "
                                 "WHERE file = 'tyosuhteet/2023-07-05_HEL.xlsx'").fetchall()[0][0]
        assert "asiakas_******-****" in sheet_note
    finally:
        con.close()


@pytest.mark.parametrize("text", [
    f"LAP-C01_{COACH}", f"hetu{UNKNOWN}", en_dash(EN_DASH), COLUMN.lower(),
    f"x_{MINUS.replace('-', MINUS_SIGN)}.csv", f" {MINUS[:6]} - {MINUS[7:]} ",
    MINUS.replace("-", "\u2010"), MINUS.replace("-", "\ufe63"),  # hyphen, small hyphen-minus
    "".join(chr(0xFF10 + int(d)) for d in MINUS[:6]) + MINUS[6:],  # full-width digits
    MINUS[:6] + "\u200b" + MINUS[6:],  # a zero-width space inside
])
def test_the_finder_sees_every_spelling_and_the_mask_removes_it(text: str) -> None:
    assert identity.find_hetus(text) != []
    masked = identity.mask_hetus(text)
    assert identity.find_hetus(masked) == [] and identity.HETU_MASK in masked
    # the SQL prefilter lets every one through to the finder
    assert duckdb.execute("SELECT regexp_matches($t, $p)",
                          {"t": text, "p": identity.HETU_PATTERN}).fetchone() == (True,)


@pytest.mark.parametrize("text", [
    "0" + COACH,  # seven digits first: a longer number, not a code
    COACH + "7" if COACH[-1].isdigit() else COACH[:-1] + "17",
    identity.pseudonym(b"k" * 32, COACH),  # a pid (hex) is not a code
    "2024-01-01 12:00", "puh 040 123 4567", "1 234 567,89",
])
def test_the_finder_leaves_what_is_no_code(text: str) -> None:
    assert identity.find_hetus(text) == []


def test_every_spelling_of_a_code_gives_one_pid() -> None:
    key = KEY.encode()
    spellings = [PERSON, en_dash(PERSON), PERSON.replace("-", MINUS_SIGN), PERSON.lower(),
                 f" {PERSON[:6]} -{PERSON[7:]}"]
    lookup = identity.hetu_lookup(spellings, key)
    assert set(lookup["status"].to_pylist()) == {identity.VALID}
    assert set(lookup["pid"].to_pylist()) == {identity.pseudonym(key, PERSON)}
    # the SQL path (printable ASCII) agrees with the Python path
    con = duckdb.connect()
    identity.register_identity_macros(con)
    con.execute("CREATE TABLE v AS SELECT unnest($s) AS value", {"s": spellings})
    identity.create_hetu_lookup(con, "lk", "SELECT value FROM v", key)
    assert {r[0] for r in con.execute("SELECT pid FROM lk").fetchall()} == {
        identity.pseudonym(key, PERSON)}


def test_a_column_name_with_a_code_is_masked_before_it_is_cut() -> None:
    name = normalise_name("x" * 58 + COLUMN, 0)
    assert identity.find_hetus(name) == [] and not any(ch.isdigit() for ch in name)


def test_file_names_with_a_code_or_a_strange_suffix_are_rejected(tmp_path: Path) -> None:
    src = SOURCES["asiakkaat"]
    folder = tmp_path / src.name
    folder.mkdir()
    for name in (f"2023-07-06_HEL_{en_dash(FILE)}.csv", "2023-07-06_HEL_ok\nforged.csv",
                 "2023-07-06_HEL_korjattu ä.csv", "2023-07-06_HEL_korjattu-2.csv"):
        (folder / name).write_text("x\n", encoding="utf-8")
    found = {f.file: f.problem for f in discover(tmp_path, src)}
    assert found == {
        "asiakkaat/2023-07-06_HEL_******-****.csv": (
            "file_name_identity_code", found["asiakkaat/2023-07-06_HEL_******-****.csv"][1]),
        "asiakkaat/2023-07-06_HEL_ok?forged.csv": (
            "file_name_invalid", found["asiakkaat/2023-07-06_HEL_ok?forged.csv"][1]),
        "asiakkaat/2023-07-06_HEL_korjattu ä.csv": (
            "file_name_invalid", found["asiakkaat/2023-07-06_HEL_korjattu ä.csv"][1]),
        "asiakkaat/2023-07-06_HEL_korjattu-2.csv": None}
    assert all(FILE[:6] not in f.content_hash for f in discover(tmp_path, src))


def test_a_csv_with_one_nul_byte_is_rejected(tmp_path: Path) -> None:
    src = SOURCES["asiakkaat"]
    path = tmp_path / src.name / "2023-07-05_HEL.csv"
    write_csv(path, ENROLMENT, [client(1, PERSON)] * 200)
    path.write_bytes(path.read_bytes() + b"HEL-0009;\0;1\n")
    f = inspect(tmp_path, src, path)
    assert f.has_nul and not f.looks_binary
    with connect(tmp_path / "w.duckdb") as con, pytest.raises(FileRejected, match="NUL"):
        open_delivery(con, f, tmp_path)


# -- settings: no SQL --------------------------------------------------------------------------
INJECTED = "1GB'; COPY (SELECT 1) TO 'leak.csv'; --"


def test_an_injected_memory_limit_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings(deliveries_dir=tmp_path, out_dir=tmp_path, duckdb_memory_limit=INJECTED)
    assert "\n" not in str(refused.value) and "memory size" in str(refused.value)
    with pytest.raises(SettingsError), connect(tmp_path / "w.duckdb", memory_limit=INJECTED):
        pass
    assert not (tmp_path / "leak.csv").exists()
    assert parse_memory_limit("512 mib") == "512MiB" and parse_memory_limit("6GB") == "6GB"
    for bad in ("6", "GB", "-1GB", "6GB;", "1e9GB", "6 GB ; x", True):
        with pytest.raises(SettingsError):
            parse_memory_limit(bad)
    with pytest.raises(SettingsError):
        Settings(deliveries_dir=tmp_path, out_dir=tmp_path, duckdb_threads=0)


def test_the_cli_refuses_an_injected_memory_limit_in_one_line(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client(1, PERSON)])
    env = {**os.environ, "IPS_EVAL_DUCKDB_MEMORY": INJECTED, "IPS_EVAL_PSEUDONYM_KEY": KEY}
    done = subprocess.run([sys.executable, "-m", "assets.cli", "validate", "--deliveries", str(d),
                           "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "IPS_EVAL_DUCKDB_MEMORY" in lines[0], done.stderr
    assert not (tmp_path / "leak.csv").exists()


def test_the_connection_gets_its_settings_and_a_private_spill_folder(tmp_path: Path) -> None:
    (tmp_path / ".duckdb_tmp").mkdir()  # an earlier version's spill, left by a killed run
    (tmp_path / ".duckdb_tmp" / "spill.block").write_bytes(PERSON.encode())
    with connect(tmp_path / "w.duckdb", memory_limit="512MB", threads=1) as con:
        limit, threads, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')").fetchone()
        assert (limit, threads) == ("488.2 MiB", 1)
        assert not Path(spill).is_relative_to(tmp_path)
        assert Path(spill).stat().st_mode & 0o077 == 0
    assert not Path(spill).exists() and not (tmp_path / ".duckdb_tmp").exists()


# -- bounded SPSS ------------------------------------------------------------------------------
def test_an_spss_file_with_an_unknown_row_count_is_read_only_to_the_cell_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    path = tmp_path / "asiakaskysely" / "2023-07-05_HEL.sav"
    path.parent.mkdir()
    pyreadstat.write_sav(pd.DataFrame({"a": range(3000), "b": range(3000)}), str(path))
    data = bytearray(path.read_bytes())
    data[80:84] = (-1).to_bytes(4, "little", signed=True)  # ncases: unknown (the format allows)
    path.write_bytes(bytes(data))
    assert pyreadstat.read_sav(str(path), metadataonly=True)[1].number_rows in (None, -1)
    monkeypatch.setattr(limits, "MAX_SAV_CELLS", 1000)
    read: list[int] = []
    real = pyreadstat.read_sav

    def counting(*args, **kwargs):
        frame, meta = real(*args, **kwargs)
        read.append(len(frame))
        return frame, meta
    monkeypatch.setattr(pyreadstat, "read_sav", counting)
    f = inspect(tmp_path, SOURCES["asiakaskysely"], path)
    with connect(tmp_path / "w.duckdb") as con, pytest.raises(FileRejected) as rejected:
        open_delivery(con, f, tmp_path)
    assert rejected.value.rule == "file_too_large", rejected.value.message
    assert "over 500" in rejected.value.message
    assert max(read) <= 501  # never more rows than the limit allows, plus the one that tells


# -- the small items -----------------------------------------------------------------------------
def test_the_key_is_in_no_repr_and_the_state_file_holds_an_hmac(tmp_path: Path) -> None:
    settings = Settings(deliveries_dir=tmp_path, out_dir=tmp_path, pseudonym_key=KEY)
    assert KEY not in repr(settings)
    import hashlib

    state = fingerprint(settings)
    assert hashlib.sha256(KEY.encode()).hexdigest() not in repr(state)
    other = fingerprint(Settings(deliveries_dir=tmp_path, out_dir=tmp_path,
                                 pseudonym_key=KEY + "x"))
    assert other["settings"] != state["settings"]


def test_the_fingerprint_does_not_follow_a_link_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_text("a", encoding="utf-8")
    d = tmp_path / "d"
    (d / "asiakkaat").mkdir(parents=True)
    (d / "asiakkaat" / "2023-07-05_HEL.csv").symlink_to(outside)
    before = delivery_digest(d, "asiakkaat")
    outside.write_text("b", encoding="utf-8")  # the target's bytes are not read
    assert delivery_digest(d, "asiakkaat") == before


def test_a_rejected_file_name_is_kept_masked(tmp_path: Path) -> None:
    src = SOURCES["asiakkaat"]
    (tmp_path / src.name).mkdir()
    (tmp_path / src.name / f"{FILE}.csv").write_text("x\n", encoding="utf-8")
    (f,) = discover(tmp_path, src)
    assert isinstance(f, DeliveryFile) and f.problem[0] == "file_name_identity_code"
    shown = f"{f.file} {f.problem} {f.content_hash}"
    assert identity.find_hetus(shown) == [] and FILE not in shown


# -- disclosure by differencing (item 2, for the table the audit found) -----------------------
def _solutions(n: int, cells: dict[str, int | None], mean: str | None) -> list[dict[str, int]]:
    """Every filling of the hidden job-count cells (None) consistent with what is published:
    the cells add up to N and, where the mean is shown, give it rounded (3+ counts 3 each:
    the published 3+ here is 0 or hidden, and hidden 3+ cells only widen the solutions)."""
    from itertools import product

    hidden = [k for k, v in cells.items() if v is None]
    found = []
    for values in product(range(n + 1), repeat=len(hidden)):
        filled = {**cells, **dict(zip(hidden, values, strict=True))}
        if sum(filled.values()) != n:
            continue
        jobs = filled["1"] + 2 * filled["2"] + 3 * filled["3+"]
        if mean is not None and f"{jobs / n:.2f}" != mean:
            continue
        found.append(filled)
    return found


def test_no_hidden_job_count_can_be_solved_from_the_published_jobs_table() -> None:
    import polars as pl

    from ips_eval.employment.per_client import jobs_per_client
    from ips_eval.publish.tables.attachment import build_jobs_per_client
    from ips_eval.publish.tables.common import DeliverySet
    from ips_eval.publish.tables.disclosure import SUPPRESSED
    from schemas.windows import DEFAULT_CUTOFFS

    jobs = [0] * 90 + [1] * 3 + [2] * 2  # 3+ is 0: the 1- and 2-job cells are small
    clients = pl.DataFrame({"client_id": [f"c{i:03d}" for i in range(len(jobs))],
                            "cohort": ["rrp"] * len(jobs), "n_competitive_jobs": jobs,
                            "days_employed": [30 * j for j in jobs],
                            "followup_days": [365] * len(jobs)})
    table = build_jobs_per_client(jobs_per_client(clients), "en",
                                  DeliverySet(DEFAULT_CUTOFFS, files=1, version="x"))
    column = table.data["c_all"].to_list()
    stubs = table.data["stub"].to_list()

    def cell(stub: str) -> int | None:
        value = column[stubs.index(stub)]
        return None if value == SUPPRESSED else int(value.split()[0].replace(",", ""))
    from schemas.table_text import text

    levels = {"0": text("jobs_count_level", "en", level="0"), "1": text("jobs_count_one", "en"),
              "2": text("jobs_count_level", "en", level="2"),
              "3+": text("jobs_count_level", "en", level="3+")}
    cells = {k: cell(stub) for k, stub in levels.items()}
    assert None in cells.values()  # the table hides something, or the test proves nothing
    mean = column[stubs.index(text("mean_jobs", "en"))]
    solutions = _solutions(int(column[0].replace(",", "")), cells,
                           None if mean == SUPPRESSED else mean)
    for k in (k for k, v in cells.items() if v is None):
        assert len({s[k] for s in solutions}) > 1, f"the {k}-job cell can be solved"


def test_a_code_the_mask_missed_keeps_the_whole_file_out_of_raw(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ips_eval.ingest import raw
    from ips_eval.ingest.pipeline import ingest_deliveries

    monkeypatch.setattr(raw, "_mask_if_hetu", lambda text: text)  # a mask that misses
    d = tmp_path / "d"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", [*ENROLMENT, "huom"],
              [[*client(1, PERSON), f"soita {COACH}"]])
    with connect(tmp_path / "w.duckdb") as con:
        report = ingest_deliveries(con, d, KEY.encode())
        (outcome,) = report.files
        assert (outcome.outcome, outcome.rule) == ("rejected", "file_identity_code_unmasked")
        assert con.execute("SELECT count(*) FROM raw.asiakkaat").fetchone() == (0,)
        assert identity_leaks(con) == []


def test_the_launchpad_cannot_set_a_memory_limit_that_is_not_a_size() -> None:
    from pydantic import ValidationError

    from assets.defs.resources import Warehouse

    with pytest.raises(ValidationError, match="not a memory size"):
        Warehouse(path="w.duckdb", memory_limit=INJECTED)
    with pytest.raises(ValidationError):
        Warehouse(path="w.duckdb", threads=0)
    assert Warehouse(path="w.duckdb", memory_limit="2gb").memory_limit == "2GB"


def test_a_run_fails_when_its_report_or_event_log_holds_a_code(tmp_path: Path) -> None:
    from assets.runner import RunReport, _scan_outputs

    settings = Settings(deliveries_dir=tmp_path, out_dir=tmp_path / "out", pseudonym_key=KEY)
    (tmp_path / "out/report").mkdir(parents=True)
    (tmp_path / "out/report/index.html").write_text("<p>ok</p>", encoding="utf-8")
    (tmp_path / "out/tables").mkdir()
    report = RunReport()
    _scan_outputs(settings, report)
    assert report.success and report.failed_steps == []
    (tmp_path / "out/.dagster/history").mkdir(parents=True)
    (tmp_path / "out/.dagster/history/runs.db").write_bytes(
        b"\0SQLite\0" + f"step failed: {en_dash(COACH)}".encode())
    _scan_outputs(settings, report)
    assert not report.success
    (step, message), = report.failed_steps
    assert ".dagster/history/runs.db (1)" in message and identity.find_hetus(message) == []


def test_the_reports_operational_counts_of_one_to_four_are_hidden() -> None:
    import re

    from ips_eval.publish.report_run import RunInputs, deliveries_section, validation_section

    counts = {"rows_read": 120, "staged": 110, "superseded": 6, "exact_duplicates": 1,
              "quarantined_rows": 3}
    manifest = {"sources": {"asiakkaat": {**counts, "field_defects": 2,
                                          "by_rule": {"unknown_client": 3, "bad_date": 12}}},
                "files": [{"source": "asiakkaat", "file": "2023-07-05_HEL.csv",
                           "content_hash": "f" * 64, "size_bytes": 4, "outcome": "loaded",
                           **counts}]}
    inputs = RunInputs(manifest, None)
    page = deliveries_section(inputs) + validation_section(inputs)
    shown = [int(v) for v in re.findall(r'<td class="num">(\d+)</td>', page)]
    # the file's size in bytes (4) is no count of rows; every other number is 0 or 5+
    assert shown.count(4) == 1 and all(v == 0 or v >= 5 or v == 4 for v in shown)
    assert 6 not in shown  # 120 − 110 − 1 − 3: the partner of the hidden cells is hidden too
    assert {1, 2, 3} & set(shown) == set() and 12 in shown and 110 in shown
