"""Security and hostile input (issue 16), each case fed through the command line's entry point
(in this process, support.cli.run_cli; the decompression bomb in a process of its own, for its
peak memory): keys, private outputs, files that cannot hide, bounded input, defused formulas,
helpful rejections."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from support.cli import Done, cli_env, run_cli
from support.deliveries import ENROLMENT, H1, client, mark_as_synthetic, write_csv
from support.hostile import (
    FORMULA_COACH,
    FORMULA_TEAM,
    LONG_TEAM_CHARS,
    OUTSIDE_CLIENT,
    bomb_xlsx,
    hostile_delivery,
)

from ips_eval.config import ENV_KEY, MIN_KEY_BYTES, is_synthetic_study
from ips_eval.ingest.limits import MESSAGE_CHARS, QUOTE_CHARS
from ips_eval.outputs import defuse_formula, defuse_formulas
from ips_eval.outputs import write_csv as write_output_csv
from schemas.codebook import SOURCES

KEY = "hostile-test-key-0123456789abcdef-0123"


def cli(*args: str, key: str | None = KEY) -> Done:
    """``ips-eval`` with a known umask and (maybe) no key."""
    return run_cli(*args, key=key, umask=0o022)


def small_delivery(root: Path) -> Path:
    d = root / "d"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client("HEL-0001", H1)])
    return d


# --- 1. keys ----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_real_delivery_without_a_key_is_refused_before_a_row_is_read(tmp_path, command):
    out = tmp_path / "out"
    done = cli(command, "--deliveries", str(small_delivery(tmp_path)), "--out", str(out),
               key=None)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ENV_KEY in lines[0] and "demo key" in lines[0], done.stderr
    assert not (out / "ips_eval.duckdb").exists()


def test_a_key_shorter_than_32_bytes_is_refused(tmp_path):
    done = cli("validate", "--deliveries", str(small_delivery(tmp_path)),
               key="x" * (MIN_KEY_BYTES - 1))
    assert done.returncode == 2
    assert f"at least {MIN_KEY_BYTES} bytes" in done.stderr and ENV_KEY in done.stderr
    assert cli("validate", "--deliveries", str(small_delivery(tmp_path / "b")),
               key="x" * MIN_KEY_BYTES).returncode == 0


def test_the_marked_synthetic_study_alone_may_use_the_demo_key(tmp_path, synthetic_study):
    assert is_synthetic_study(synthetic_study)  # the generator writes the marker
    d = mark_as_synthetic(small_delivery(tmp_path))
    done = cli("validate", "--deliveries", str(d), key=None)
    assert done.returncode == 0, done.stderr
    assert "DEMO key" in done.stderr
    (d / "synth_manifest.json").write_text('{"synthetic_study": false}\n', encoding="utf-8")
    assert cli("validate", "--deliveries", str(d), key=None).returncode == 2


# --- the hostile delivery through `ips-eval run` ------------------------------------------------
@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> tuple[Path, Path, Done]:
    root = tmp_path_factory.mktemp("hostile")
    d, out = hostile_delivery(root), root / "out"
    done = cli("run", "--deliveries", str(d), "--out", str(out), "--select",
               '+key:"tables/regions" or +key:"figures/fidelity_vs_employment" or '
               '+key:"meta/manifest"')
    return d, out, done


def _defects(out: Path, sql_where: str = "true") -> list[tuple]:
    con = duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True)
    try:
        return con.execute("SELECT source, file, level, rule, \"column\", value, message FROM "
                           f"quarantine.defects WHERE {sql_where} ORDER BY ALL").fetchall()
    finally:
        con.close()


def _query(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_hostile_run_completes_its_ingest_and_prints_every_rejected_file(hostile_run):
    _d, out, done = hostile_run
    assert "Traceback" not in done.stderr
    assert (out / "manifest.json").exists()
    rejected = [f["file"] for f in json.loads((out / "manifest.json").read_text())["files"]
                if f["outcome"].startswith("rejected")]
    assert sorted(rejected) == sorted([
        "asiakkaat/extra/2023-07-06_HEL.csv", "asiakkaat/2023-07-07_HEL.csv",
        "asiakkaat/2024-06-11_hus_korjattu.csv", "tyosuhteet/2023-07-05_HEL.csv",
        "laatuarviot/2023-08-02_HEL.csv", "kontaktit/2023-07-05_HEL.xlsx"])
    for name in rejected:
        assert f"{name} rejected: " in done.stderr, name
    assert "laatuarviot/2023-07-05_HEL.xlsx: sheet 'Taul2' read" in done.stderr


def test_files_that_try_to_hide_or_come_from_outside_are_file_defects(hostile_run):
    _d, out, _done = hostile_run
    by_file = {f: (level, rule) for _s, f, level, rule, *_ in
               _defects(out, "level = 'file'")}
    assert by_file["asiakkaat/extra/2023-07-06_HEL.csv"] == ("file", "file_nested")
    assert by_file["asiakkaat/2023-07-07_HEL.csv"] == ("file", "file_symlink")
    assert by_file["asiakkaat/2024-06-11_hus_korjattu.csv"] == ("file", "file_name_invalid")
    # the link's target was never read: its client is nowhere in the warehouse
    assert _query(out, f"SELECT count(*) FROM raw.asiakkaat WHERE asiakastunnus = "
                       f"'{OUTSIDE_CLIENT}'") == [(0,)]
    assert _query(out, "SELECT count(*) FROM meta.ingest_files WHERE file LIKE '%secret%' "
                       "OR file LIKE 'asiakkaat/extra/%'") == [(0,)]


def test_a_comma_delimited_csv_is_rejected_with_a_delimiter_hint(hostile_run):
    _d, out, _done = hostile_run
    [(_s, _f, level, rule, column, _v, message)] = _defects(
        out, "file = 'tyosuhteet/2023-07-05_HEL.csv'")
    assert (level, rule) == ("file", "missing_required_column")
    assert "comma-delimited" in message and "';'" in message


def test_a_workbook_with_data_on_its_second_sheet_is_read_and_says_so(hostile_run):
    _d, out, _done = hostile_run
    assert _query(out, "SELECT format FROM meta.ingest_files WHERE file = "
                       "'laatuarviot/2023-07-05_HEL.xlsx'") == [
        ("xlsx (sheet 'Taul2' read (the only sheet with data))",)]
    assert ("HEL-T1",) in _query(out, "SELECT team FROM staging.laatuarviot")


def test_no_huge_value_is_staged_quoted_or_kept(hostile_run):
    _d, out, done = hostile_run
    longest_staged = _query(out, "SELECT max(length(team)) FROM staging.laatuarviot")[0][0]
    assert longest_staged <= SOURCES["laatuarviot"].column("tiimi").max_chars
    [(_s, _f, level, rule, column, value, message)] = _defects(
        out, "file = 'laatuarviot/2023-08-01_HEL.csv' AND level = 'row'")
    assert (level, rule, column) == ("row", "key_malformed", "tiimi")
    assert ("row", "key_malformed", "tiimi") in {
        (lv, r, c) for _s, _f, lv, r, c, _v, _m in _defects(
            out, "file = 'laatuarviot/2023-08-03_HEL.xlsx'")}
    assert len(value) <= QUOTE_CHARS and value.startswith("TTTT")
    longest = _query(out, "SELECT max(length(value)), max(length(message)) FROM "
                          "quarantine.defects")[0]
    assert longest[0] <= QUOTE_CHARS and longest[1] <= MESSAGE_CHARS
    # raw keeps the cut cell, marked with its length, not 400,000 characters (CSV) or 20 MB
    # (a workbook's cell)
    [(kept,)] = _query(out, "SELECT tiimi FROM raw.laatuarviot WHERE tiimi LIKE 'TTT%'")
    assert len(kept) < 1100 and kept.endswith(f"[cut: {LONG_TEAM_CHARS} characters]")
    [(cell,)] = _query(out, "SELECT tiimi FROM raw.laatuarviot WHERE tiimi LIKE 'AAA%'")
    assert len(cell) < 1100 and cell.endswith(f"[cut: {20 << 20} characters]")
    assert _query(out, "SELECT count(*) FROM staging.laatuarviot WHERE team LIKE 'AAA%'") \
        == [(0,)]
    assert max(len(line) for line in done.stderr.splitlines()) < 1000


def test_a_formula_in_a_code_is_a_field_defect_and_reaches_no_output(hostile_run):
    _d, out, _done = hostile_run
    found = {(c, r, v) for _s, f, _lv, r, c, v, _m in _defects(out, "level = 'field'")
             if r == "formula_like_value"}
    assert found == {("tiimi", "formula_like_value", FORMULA_TEAM),
                     ("valmentaja", "formula_like_value", FORMULA_COACH)}
    assert _query(out, "SELECT client_id, team, coach FROM staging.asiakkaat ORDER BY 1") == [
        ("HEL-0001", None, "HEL-C01"), ("HEL-0002", "HEL-T1", "HEL-C01"),
        ("HEL-0003", "HEL-T1", None)]
    published = sorted((out / "tables").glob("*.csv")) + sorted((out / "results").glob("*.csv"))
    assert any(p.name.startswith("regions_") for p in published)
    for path in published:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert all(defuse_formula(cell) == cell for cell in row), (path.name, row)


def test_personal_data_is_private_and_published_outputs_follow_the_umask(hostile_run):
    _d, out, _done = hostile_run

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(out / "ips_eval.duckdb") == 0o600
    assert mode(out / "manifest.json") == 0o600
    for folder in ("analysis", "results", ".dagster"):
        assert mode(out / folder) == 0o700, folder
    private = [p for folder in ("analysis", "results") for p in (out / folder).iterdir()]
    assert private and all(mode(p) == 0o600 for p in private)
    for folder in ("tables", "figures"):
        assert mode(out / folder) == 0o755, folder
        files = list((out / folder).iterdir())
        assert files and all(mode(p) == 0o644 for p in files), folder
    assert mode(out) == 0o755  # the published folders stay reachable


# --- 4. the decompression bomb, alone, in bounded memory -------------------------------------
# The CLI in a child that reports its own peak resident memory. VmHWM belongs to the child's
# address space after exec; ru_maxrss (wait4, getrusage) would also carry the forking pytest
# process's peak across the exec.
PEAK_RSS_CHILD = """import sys
from assets.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    print(next(line for line in status if line.startswith("VmHWM")).strip(), file=sys.stderr)
sys.exit(code)
"""


def cli_peak_rss(*args: str) -> tuple[subprocess.CompletedProcess, int]:
    """``ips-eval`` with the test key, and its peak resident memory in KiB."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS_CHILD, *args], capture_output=True,
                          text=True, timeout=900, env=cli_env(KEY))
    line = next(x for x in done.stderr.splitlines() if x.startswith("VmHWM"))
    return done, int(line.split()[1])


def test_a_decompression_bomb_is_rejected_in_bounded_memory(tmp_path):
    d = small_delivery(tmp_path)
    bomb = bomb_xlsx(d / "kontaktit/2023-07-05_HEL.xlsx", 300 << 20)
    assert bomb.stat().st_size < 1 << 20  # 300 MB of cell in under a megabyte
    done, peak_kib = cli_peak_rss("validate", "--deliveries", str(d))
    assert done.returncode == 1
    assert "REJECTED kontaktit/2023-07-05_HEL.xlsx: the workbook unpacks to 300 MB" \
        in done.stdout
    # inflating the cell took 7 GB before; the process with its libraries takes ~0.3 GB
    assert peak_kib < 700 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"
    assert len(done.stdout) + len(done.stderr) < 20_000


# --- 5. the one defusing function ---------------------------------------------------------------
def test_defuse_formulas_follows_owasp_and_keeps_numbers(tmp_path):
    cells = {"=1+2": "'=1+2", "@SUM(A1)": "'@SUM(A1)", "+A1": "'+A1", "-A1": "'-A1",
             "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0", "\t=1": "'\t=1",
             "-1,5": "-1,5", "+12": "+12", "-0.88 (-3.16, 1.41)": "-0.88 (-3.16, 1.41)",
             "-": "-", "HEL-T1": "HEL-T1", "pilot - rrp": "pilot - rrp"}
    assert {k: defuse_formula(k) for k in cells} == cells
    frame = pl.DataFrame({"cell": list(cells), "n": range(len(cells))})
    assert defuse_formulas(frame)["cell"].to_list() == list(cells.values())
    path = write_output_csv(frame, tmp_path / "tables" / "x.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        assert [r[0] for r in csv.reader(handle)][1:] == list(cells.values())


# --- 3. discovery, file by file (the library, no CLI: fast) ------------------------------------
def test_discovery_records_every_file_and_follows_only_links_that_stay_inside(tmp_path):
    from support.deliveries import KELA, defects, ingest, query

    d = small_delivery(tmp_path)
    write_csv(d / "asiakkaat/2023-07-01_HEL.csv", ENROLMENT, [client("HEL-0005", H1)])
    (d / "asiakkaat/2023-07-09_HEL.csv").symlink_to(d / "asiakkaat/2023-07-01_HEL.csv")
    (d / "asiakkaat/2023-07-10_HEL.csv").symlink_to(tmp_path / "nowhere.csv")
    (d / "asiakkaat/sub").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(d / "asiakkaat/2023-07-11_HEL.csv")  # reading it would block the run forever
    (d / "asiakkaat/.2023-07-12_HEL.csv").write_text("hidden", encoding="utf-8")
    write_csv(d / "rekisterit/kela/2024-05-02_tulorekisteri.csv", KELA, [])
    w = tmp_path / "w.duckdb"
    report = ingest(d, w)
    rejected = {f.file: f.rule for f in report.files if f.outcome == "rejected"}
    assert rejected == {
        "asiakkaat/2023-07-10_HEL.csv": "file_symlink",
        "asiakkaat/sub": "file_symlink",
        "asiakkaat/2023-07-11_HEL.csv": "file_unreadable",
        "asiakkaat/.2023-07-12_HEL.csv": "file_name_invalid",
        "rekisterit/kela/2024-05-02_tulorekisteri.csv": "file_name_invalid",
    }
    # the link inside the folder is the same bytes as its target: loaded once
    outcomes = {f.file: f.outcome for f in report.files}
    assert outcomes["asiakkaat/2023-07-09_HEL.csv"] == "already_loaded"
    assert query(w, "SELECT count(*) FROM staging.asiakkaat") == [(2,)]
    assert {(r[0], r[3]) for r in defects(w) if r[3] == "file"} == {
        (Path(f).name, "file") for f in rejected}


def test_a_source_folder_that_links_out_of_the_delivery_folder_is_not_read(tmp_path):
    from support.deliveries import ingest, query

    d = small_delivery(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    write_csv(elsewhere / "2023-07-05_HEL.csv", ["tiimi", "arviopvm"], [["HEL-T1", "1.6.2023"]])
    (d / "laatuarviot").symlink_to(elsewhere, target_is_directory=True)
    report = ingest(d, tmp_path / "w.duckdb")
    assert [(f.file, f.rule) for f in report.files if f.source == "laatuarviot"] == [
        ("laatuarviot", "file_symlink")]
    assert query(tmp_path / "w.duckdb", "SELECT count(*) FROM raw.laatuarviot") == [(0,)]
