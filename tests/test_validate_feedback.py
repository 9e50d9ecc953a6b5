"""``ips-eval validate`` as a region's coordinator and THL's data manager meet it: a workbook per
region to send back (its own rejected files, rows and fields, the rule in Finnish, values masked),
a progress line per source, each rejected file named once, one warning line for a misnamed
source folder and one for a cut-off after the newest delivery, a date error that shows the
expected form, and the exit codes 0 / 1 / 2 its --help promises.

One small two-region delivery folder, written by hand here, is validated once for the module
(in process, a few seconds); the other cases need no ingest or a one-row folder."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from assets.cli import main
from ips_eval.ingest.region_workbooks import MAX_ROWS, issuer_of, write_validation
from schemas.codebook import SOURCES

KEY = "ips-eval-tests-only-key-0123456789abcdef"
ENROLMENT = ["asiakastunnus", "hetu", "rekisterilupa", "alue", "tiimi", "valmentaja",
             "lahetepvm", "aloituspvm", "diagnoosi", "koulutus", "tyohistoria", "toimeentulo",
             "kieli", "paattymispvm", "paattymissyy"]
JOBS = ["asiakastunnus", "tyosuhde_nro", "tyonantaja", "alkupvm", "loppupvm", "tunnit_vko",
        "ammatti", "avoimet", "palkkatuki", "sopimus", "paattymissyy"]


def hetu(birth: str, individual: str, sign: str = "-") -> str:
    """A valid HETU: ddmmyy, century sign, individual number, check character."""
    return birth + sign + individual + "0123456789ABCDEFHJKLMNPRSTUVWXY"[
        int(birth + individual) % 31]


def ytunnus(body: str) -> str:
    r = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return f"{body}-{0 if r == 0 else 11 - r}"


VALID_1, VALID_2, VALID_3 = hetu("150380", "123"), hetu("020290", "456"), hetu("311275", "234")
INVALID = VALID_1[:-1] + ("X" if VALID_1[-1] != "X" else "Y")  # wrong check character
EMPLOYER = ytunnus("1234567") if ytunnus("1234567")[-1] != "1" else ytunnus("7654321")


def client(code: str, person: str, region: str, **overrides: str) -> list[str]:
    row = dict(asiakastunnus=code, hetu=person, rekisterilupa="1", alue=region,
               tiimi=f"{region}-T1", valmentaja=f"{region}-C01", lahetepvm="1.8.2023",
               aloituspvm="1.9.2023", diagnoosi="F32.1", koulutus="2", tyohistoria="1",
               toimeentulo="2", kieli="fi", paattymispvm="", paattymissyy="")
    row.update(overrides)
    return [row[c] for c in ENROLMENT]


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(";".join(r) for r in [header, *rows]) + "\r\n",
                    encoding="utf-8")


def two_regions(root: Path) -> Path:
    """KAI (RRP) and HEL (pilot), each with its own defects; a jobs folder spelt Tyosuhteet."""
    d = root / "deliveries"
    write(d / "asiakkaat/2024-06-03_KAI.csv", ENROLMENT, [
        client("KAI-0001", VALID_1, "KAI"),
        client("KAI-0002", INVALID, "KAI"),               # field: invalid HETU, masked
        client("KAI-0003", VALID_2, "HEL")])              # row: region ≠ the code's prefix
    write(d / "asiakkaat/2024-06-03_HEL.csv", ENROLMENT, [
        client("HEL-0001", VALID_3, "HEL"),
        client("HEL-0002", "", "HEL", rekisterilupa="0", koulutus="9")])  # field: out of range
    (d / "asiakkaat/2024-06-04_HEL.csv").write_bytes(b"")  # file: empty
    jobs = [["KAI-0001", "1", EMPLOYER, "1.10.2023", "", "30", "5", "1", "0", "1", ""],
            ["KAI-9999", "1", EMPLOYER, "1.10.2023", "", "30", "5", "1", "0", "1", ""]]
    write(d / "tyosuhteet/2024-06-03_KAI.csv", JOBS, jobs)  # row: unknown client
    write(d / "Tyosuhteet/2024-06-03_KAI.csv", JOBS, jobs[:1])  # never read
    return d


@dataclass
class Done:
    code: int
    out: str
    err: str


def validate(*args: str) -> Done:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["validate", *args])
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return Done(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Done, Path]:
    root = tmp_path_factory.mktemp("validate")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IPS_EVAL_PSEUDONYM_KEY", KEY)
        mp.delenv("IPS_EVAL_CUTOFFS", raising=False)
        done = validate("--deliveries", str(two_regions(root)), "--out", str(root / "out"),
                        "--cutoff", "rrp=2030-01-01")
    return done, root / "out" / "validation"


def cells(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_defects_found_exit_1(checked):
    done, _ = checked
    assert done.code == 1, done.err


def test_one_workbook_per_region_with_its_own_defects_only(checked):
    _, folder = checked
    assert sorted(p.name for p in folder.iterdir()) == ["HEL.xlsx", "KAI.xlsx", "summary.xlsx"]
    kai = folder / "KAI.xlsx"
    files = [r[1] for r in cells(kai, "Tiedostot")[1:]]
    assert files == ["asiakkaat/2024-06-03_KAI.csv", "tyosuhteet/2024-06-03_KAI.csv"]
    rows = cells(kai, "Hylätyt rivit")[1:]
    assert {(r[1], r[2], r[5]) for r in rows} == {
        ("asiakkaat/2024-06-03_KAI.csv", 3, "region_prefix_mismatch"),
        ("tyosuhteet/2024-06-03_KAI.csv", 2, "unknown_client")}
    assert all(r[4] and r[4] != r[5] for r in rows)  # the rule in Finnish beside its id
    assert "alue ei vastaa asiakastunnuksen etuliitettä" in {r[4] for r in rows}
    hel = folder / "HEL.xlsx"
    assert [r[1:4] for r in cells(hel, "Hylätyt tiedostot")[1:]] == [
        ("asiakkaat/2024-06-04_HEL.csv", "tiedosto on tyhjä", "file_empty")]
    assert [(r[2], r[3], r[5], r[6]) for r in cells(hel, "Kenttävirheet")[1:]] == [
        (2, "koulutus", "out_of_range", "9")]
    assert cells(hel, "Hylätyt rivit")[1:] == [("Yhtään riviä ei hylätty.",) + (None,) * 7]


def test_identity_codes_are_masked_as_in_quarantine(checked):
    _, folder = checked
    fields = cells(folder / "KAI.xlsx", "Kenttävirheet")[1:]
    hetu_rows = [r for r in fields if r[5] == "invalid_hetu_field"]
    assert len(hetu_rows) == 1 and hetu_rows[0][6] == "******-****"
    for book in folder.glob("*.xlsx"):
        for ws in openpyxl.load_workbook(book):
            text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row)
            for code in (VALID_1, VALID_2, VALID_3, INVALID):
                assert code not in text, book.name


def test_workbooks_are_for_their_owner_only(checked):
    _, folder = checked
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_summary_has_a_row_per_region(checked):
    _, folder = checked
    rows = {r[0]: r[1:] for r in cells(folder / "summary.xlsx", "Yhteenveto")[1:]}
    # files, rejected files, rows read, rejected rows, field defects, workbook
    assert rows == {"HEL": (2, 1, 2, 0, 1, "HEL.xlsx"), "KAI": (2, 0, 5, 2, 1, "KAI.xlsx")}


def test_progress_line_per_source_and_step(checked):
    done, _ = checked
    for src in SOURCES:
        for step in ("reading", "checking"):
            assert len(re.findall(rf"^  {step} {re.escape(src)} ", done.err, re.M)) == 1, \
                (step, src)
    assert done.err.index("reading asiakkaat") < done.err.index("checking asiakkaat")


def test_each_rejected_file_is_named_once(checked):
    done, _ = checked
    assert (done.out + done.err).count("asiakkaat/2024-06-04_HEL.csv") == 1
    assert "REJECTED asiakkaat/2024-06-04_HEL.csv" in done.out


def warnings(done: Done) -> list[str]:
    return [line for line in done.err.splitlines() if line.startswith("ips-eval: warning:")]


def test_a_misnamed_folder_and_a_late_cutoff_give_one_warning_line_each(checked):
    done, _ = checked
    found = warnings(done)
    assert len(found) == 2, done.err
    folder = [w for w in found if "Tyosuhteet/" in w]
    assert len(folder) == 1 and "tyosuhteet/" in folder[0] and "not read" in folder[0]
    late = [w for w in found if "cut-off" in w]
    assert len(late) == 1 and "rrp=2030-01-01" in late[0] and "2024-06-03" in late[0]


def test_no_warning_when_folders_and_cutoffs_are_right(tmp_path, monkeypatch):
    d = tmp_path / "d"
    write(d / "asiakkaat/2024-06-03_HEL.csv", ENROLMENT, [client("HEL-0001", VALID_3, "HEL")])
    monkeypatch.delenv("IPS_EVAL_CUTOFFS", raising=False)
    done = validate("--deliveries", str(d))
    assert done.code == 0, done.out + done.err  # clean
    assert warnings(done) == []
    assert not (tmp_path / "validation").exists() and "Workbooks" not in done.out


def test_run_warns_of_a_misnamed_folder_too(tmp_path, monkeypatch):
    from assets import runner

    def locked(*_args, **_kwargs):  # stop where the run would start: the warning comes before
        raise runner.RunLocked("held by a test")

    monkeypatch.setattr(runner, "execute", locked)
    d = tmp_path / "d"
    write(d / "asiakkaat/2024-06-03_HEL.csv", ENROLMENT, [client("HEL-0001", VALID_3, "HEL")])
    (d / "Kontaktit").mkdir()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", "--deliveries", str(d), "--out", str(tmp_path / "o")])
    assert code == 3
    found = [line for line in err.getvalue().splitlines() if line.startswith("ips-eval: warning:")]
    assert len(found) == 1 and "Kontaktit/" in found[0] and "kontaktit/" in found[0]


@pytest.mark.parametrize("name", ["Tyosuhteet", "työsuhteet", "tyosuhtet", "ASIAKKAAT"])
def test_misnamed_folders_are_told_apart_from_others(tmp_path, name):
    from ips_eval.ingest.validate import misnamed_folders

    (tmp_path / name).mkdir()
    (tmp_path / "photos").mkdir()
    (tmp_path / "rekisterit" / "Kela").mkdir(parents=True)
    found = misnamed_folders(tmp_path)
    assert len(found) == 2
    assert any(f"{name}/" in w for w in found) and any("rekisterit/Kela/" in w for w in found)
    assert not any("photos" in w for w in found)


def test_a_folder_with_only_a_misnamed_source_cannot_run_and_says_why(tmp_path):
    write(tmp_path / "d" / "Asiakkaat" / "2024-06-03_HEL.csv", ENROLMENT,
          [client("HEL-0001", VALID_3, "HEL")])
    done = validate("--deliveries", str(tmp_path / "d"))
    assert done.code == 2
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and "not a delivery folder" in lines[0] and "Asiakkaat/" in lines[0]


@pytest.mark.parametrize("given, example", [("30.4.2024", "rrp=2024-04-30"),
                                            ("2024-02-30", "rrp=2024-12-31")])
def test_a_date_error_shows_the_expected_form_with_an_example(tmp_path, given, example):
    done = validate("--deliveries", str(tmp_path), "--cutoff", f"rrp={given}")
    assert done.code == 2
    assert "YYYY-MM-DD" in done.err and example in done.err


def test_a_date_error_in_the_environment_shows_the_form_too(tmp_path, monkeypatch):
    write(tmp_path / "d/asiakkaat/2024-06-03_HEL.csv", ENROLMENT,
          [client("HEL-0001", VALID_3, "HEL")])
    monkeypatch.setenv("IPS_EVAL_CUTOFFS", "rrp=30.4.2024")
    done = validate("--deliveries", str(tmp_path / "d"))
    assert done.code == 2
    assert len(done.err.strip().splitlines()) == 1
    assert "YYYY-MM-DD" in done.err and "rrp=2024-04-30" in done.err


def test_exit_codes_are_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = capsys.readouterr().out
    assert re.search(r"^\s+0\s+clean", text, re.M)
    assert re.search(r"^\s+1\s+defects found", text, re.M)
    assert re.search(r"^\s+2\s+cannot run", text, re.M)
    assert "--out" in text and "validation/" in text


def test_exit_codes_are_in_the_operations_guide():
    page = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text()
    section = page[page.index("## Validating a delivery"):]
    for line in ("| 0 |", "| 1 |", "| 2 |"):
        assert line in section


def test_files_without_a_region_go_to_one_workbook_for_thl():
    assert issuer_of("asiakkaat/2024-06-03_KAI.csv") == "KAI"
    assert issuer_of("rekisterit/kela/2024-05-02_kela.csv") == "kela"
    assert issuer_of("asiakkaat/kopio.csv") == "muut"
    assert issuer_of("asiakkaat/2024-06-03_XYZ.csv") == "muut"


def test_a_long_list_is_cut_with_a_count_and_values_stay_text(tmp_path, monkeypatch):
    import polars as pl

    from ips_eval.ingest import region_workbooks
    from ips_eval.ingest.pipeline import LOADED, FileOutcome

    monkeypatch.setattr(region_workbooks, "MAX_ROWS", 2)
    f = FileOutcome("tyosuhteet", "tyosuhteet/2024-06-03_KAI.csv", "h", 1, None, LOADED,
                    rows_read=5)
    defects = pl.DataFrame({
        "source": ["tyosuhteet"] * 3, "file": [f.file] * 3, "row": [1, 2, 3],
        "column": ["ammatti"] * 3, "level": ["field"] * 3, "rule": ["out_of_range"] * 3,
        "value": ["=HYPERLINK(\"x\")", "+1", "7"], "message": [""] * 3})
    write_validation(tmp_path, [f], defects)
    book = openpyxl.load_workbook(tmp_path / "validation" / "KAI.xlsx")
    ws = book["Kenttävirheet"]
    assert ws.cell(2, 7).value == "=HYPERLINK(\"x\")" and ws.cell(2, 7).data_type == "s"
    assert ws.max_row == 4 and "1 riviä lisää" in ws.cell(4, 1).value
    assert MAX_ROWS >= 100_000  # the real cap leaves room for any region's list
    assert os.access(tmp_path / "validation" / "summary.xlsx", os.R_OK)


def test_a_workbook_of_a_region_no_longer_delivered_is_removed(tmp_path):
    import polars as pl

    from ips_eval.ingest.pipeline import LOADED, FileOutcome

    def outcome(region: str) -> FileOutcome:
        return FileOutcome("asiakkaat", f"asiakkaat/2024-06-03_{region}.csv", region, 1, None,
                           LOADED, rows_read=1)

    none = pl.DataFrame(schema={c: pl.String for c in
                                ["source", "file", "column", "level", "rule", "value",
                                 "message"]} | {"row": pl.Int64})
    write_validation(tmp_path, [outcome("HEL"), outcome("KAI")], none)
    write_validation(tmp_path, [outcome("KAI")], none)
    assert sorted(p.name for p in (tmp_path / "validation").iterdir()) == ["KAI.xlsx",
                                                                         "summary.xlsx"]
