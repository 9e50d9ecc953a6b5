"""The synthetic study: deterministic, calibrated, realistic, and honest about its defects.

The default study is the session's (tests/conftest.py, written once); the checks read it back
from the files with their own small readers (not the generator's tables), so they test what the
pipeline will see.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import re
import resource
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import fastexcel
import polars as pl
import pyreadstat
import pytest
from stdnum.fi import hetu as stdnum_hetu
from stdnum.fi import ytunnus as stdnum_ytunnus

from ips_eval.synth import MANIFEST, write_study
from ips_eval.synth.calibration import assert_calibrated
from ips_eval.synth.comparison import append_comparison_group
from ips_eval.synth.plan import REGISTER_CSV, REGISTER_EXTRACTS, REGISTER_START
from ips_eval.synth.study import build_deliveries, manifest_entries
from schemas.rules import RULES

SOURCES = ["asiakkaat", "tyosuhteet", "kontaktit", "asiakaskysely", "tyonantajakysely",
           "laatuarviot", "rekisterit/kela", "rekisterit/tulorekisteri", "kustannukset"]
COHORT = {r: "pilot" for r in ("HEL", "HUS", "PKA", "EPO", "LAP")} | {
    r: "rrp" for r in ("KAI", "PSA", "KSU", "KPO", "POH", "VSU")}
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_([A-Za-z]+)\.(csv|xlsx|sav)$")
DATE_COLUMNS = {"lahetepvm", "aloituspvm", "paattymispvm", "alkupvm", "loppupvm", "pvm",
                "vastauspvm", "arviopvm"}


# -- independent readers ---------------------------------------------------------------------
def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def parse_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    day, month, year = str(value).split(".")
    return date(int(year), int(month), int(day))


def as_number(value: object) -> float | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, int | float):
        return float(value)
    return float(str(value).replace(" ", "").replace(",", "."))


def read_rows(path: Path) -> list[dict[str, object]]:
    """Data rows as dicts with normalised column names (a cut last line keeps its fields)."""
    if path.suffix == ".csv":
        text, _ = decode(path.read_bytes())
        lines = list(csv.reader(io.StringIO(text), delimiter=";"))
        header = [h.strip().lower() for h in lines[0]]
        return [dict(zip(header, line, strict=False)) for line in lines[1:]]
    if path.suffix == ".xlsx":
        sheet = fastexcel.read_excel(path.read_bytes()).load_sheet(0)
        frame = sheet.to_polars()
        return [{k.strip().lower(): v for k, v in r.items()} for r in frame.to_dicts()]
    frame, _ = pyreadstat.read_sav(str(path))
    return [{k.lower(): (None if v != v else v) if isinstance(v, float) else v
             for k, v in r.items()} for r in frame.to_dict("records")]


class Study:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        self.entries = self.manifest["entries"]
        self.rejected_files = {e["file"] for e in self.entries if e["level"] == "file"}
        self.quarantined = {(e["file"], e["row"]) for e in self.entries if e["level"] == "row"}
        self.field_defects = {(e["file"], e["row"], e["column"]) for e in self.entries
                              if e["level"] == "field"}
        self._cache: dict[str, list[dict[str, object]]] = {}

    def files(self, source: str) -> list[str]:
        folder = self.root / source
        return sorted(f"{source}/{p.name}" for p in folder.iterdir())

    def rows(self, file: str) -> list[dict[str, object]]:
        if file not in self._cache:
            self._cache[file] = read_rows(self.root / file)
        return self._cache[file]

    def clean(self, source: str, key: tuple[str, ...]) -> dict[tuple, dict[str, object]]:
        """Newest delivery wins per key, over the rows the manifest says will load."""
        out: dict[tuple, dict[str, object]] = {}
        for file in self.files(source):  # names start with the delivery date: sorted = in order
            if file in self.rejected_files:
                continue
            for n, row in enumerate(self.rows(file), start=1):
                if (file, n) in self.quarantined:
                    continue
                values = {k: (None if (file, n, k) in self.field_defects else v)
                          for k, v in row.items()}
                out[tuple(str(values[k]) for k in key)] = values
        return out


@pytest.fixture(scope="module")
def study(synthetic_study: Path) -> Study:
    """The default study (``write_study``'s defaults: the seed and defect rate of ips-eval
    run), written once per session; test_same_seed_gives_byte_identical_files checks that it is
    what ``write_study(dir)`` writes."""
    return Study(synthetic_study)


@pytest.fixture(scope="module")
def clean_study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    """A clean study from another seed: other people, the same published figures."""
    root = tmp_path_factory.mktemp("synth_clean")
    write_study(root, seed=7, defects=0.0)
    return Study(root)


def hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- determinism -----------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(study: Study, tmp_path: Path) -> None:
    write_study(tmp_path / "again")
    assert hashes(tmp_path / "again") == hashes(study.root)


def test_another_seed_gives_another_study(study: Study, clean_study: Study) -> None:
    final = "asiakkaat/2023-07-05_HEL.xlsx"
    assert hashes(clean_study.root)[final] != hashes(study.root)[final]


# -- layout and formats ----------------------------------------------------------------------
def test_every_source_has_dated_deliveries_in_the_contract_formats(study: Study) -> None:
    for source in SOURCES:
        files = study.files(source)
        assert files, source
        for file in files:
            match = FILE_NAME.match(Path(file).name)
            assert match, file
            if source.startswith("rekisterit"):
                assert match.group(2) == source.split("/")[1] and match.group(3) == "csv"
            elif source == "asiakaskysely" or source == "tyonantajakysely":
                assert match.group(3) in ("csv", "sav")
            else:
                assert match.group(3) in ("csv", "xlsx")
    regions = Counter(FILE_NAME.match(Path(f).name).group(2) for f in study.files("asiakkaat"))
    assert set(regions) == set(COHORT) and min(regions.values()) >= 3
    assert study.files("rekisterit/kela") == [
        "rekisterit/kela/2024-05-02_kela.csv", "rekisterit/kela/2025-03-03_kela.csv"]
    assert not (study.root / "asiakkaat" / MANIFEST).exists()


def test_csv_files_mix_encodings_and_keep_finnish_letters(study: Study) -> None:
    encodings = Counter()
    crlf = 0
    finnish = False
    for source in SOURCES:
        for file in study.files(source):
            data = (study.root / file).read_bytes()
            if not file.endswith(".csv") or not data or file in study.rejected_files:
                continue
            text, encoding = decode(data)
            encodings[encoding] += 1
            crlf += b"\r\n" in data
            finnish |= encoding == "cp1252" and any(ch in text for ch in "äöåÄÖÅ")
            assert ";" in text.splitlines()[0]
    assert set(encodings) == {"utf-8", "utf-8-sig", "cp1252"}
    assert crlf > 0 and finnish


def test_csv_numbers_and_dates_use_finnish_conventions(study: Study) -> None:
    text = (study.root / "rekisterit/kela/2025-03-03_kela.csv").read_bytes().decode("utf-8")
    assert re.search(r";\d{1,3} \d{3},\d{2}\r\n", text)  # thousand space and decimal comma
    assert re.search(r";\d{1,2}\.\d{1,2}\.20\d\d;", text)  # d.m.yyyy
    jobs = "".join((study.root / f).read_text(encoding="utf-8", errors="replace")
                   for f in study.files("tyosuhteet") if f.endswith(".csv"))
    assert re.search(r";\d+,5;", jobs)  # 18,5 or 37,5 hours


def test_client_survey_sav_has_value_labels(study: Study) -> None:
    sav = next(f for f in study.files("asiakaskysely") if f.endswith(".sav"))
    _, meta = pyreadstat.read_sav(str(study.root / sav))
    labels = meta.variable_value_labels
    assert labels["mhi1"][99.0] == "En osaa sanoa" and labels["qol1"][5.0]
    assert meta.original_variable_types["vastauspvm"].startswith("DATE")


# -- calibration -----------------------------------------------------------------------------
def headline(study: Study) -> dict[str, tuple[int, int]]:
    clients = study.clean("asiakkaat", ("asiakastunnus",))
    jobs = study.clean("tyosuhteet", ("asiakastunnus", "tyosuhde_nro"))
    cutoffs = {"pilot": date(2023, 6, 30), "rrp": date(2024, 4, 30)}
    started: dict[str, date] = {}
    for row in clients.values():
        index = parse_date(row["aloituspvm"])
        cohort = COHORT[str(row["alue"]).strip()]
        if index is not None and index <= cutoffs[cohort]:
            started[str(row["asiakastunnus"])] = index
    employed: dict[str, set[str]] = defaultdict(set)
    for row in jobs.values():
        code = str(row["asiakastunnus"])
        if code not in started or as_number(row["avoimet"]) != 1:
            continue
        cohort = COHORT[code[:3]]
        start = parse_date(row["alkupvm"])
        if start is not None and started[code] <= start <= cutoffs[cohort]:
            employed[cohort].add(code)
    return {cohort: (sum(COHORT[c[:3]] == cohort for c in started), len(employed[cohort]))
            for cohort in ("pilot", "rrp")}


def test_headline_figures_recomputed_from_the_files(study: Study) -> None:
    assert headline(study) == {"pilot": (763, 348), "rrp": (336, 86)}


def test_clean_study_of_another_seed_has_the_headline_and_no_defects(clean_study: Study
                                                                    ) -> None:
    assert headline(clean_study) == {"pilot": (763, 348), "rrp": (336, 86)}
    assert [e for e in clean_study.entries if e["level"] != "none"] == []
    assert {e["rule"] for e in clean_study.entries} >= {"superseded", "dont_know_99",
                                                        "overlapping_jobs", "encoding"}


# -- defects ---------------------------------------------------------------------------------
CONTRACT_DEFECTS = {
    ("invalid_hetu_field", "asiakkaat"), ("invalid_hetu", "rekisterit/kela"),
    ("invalid_hetu", "rekisterit/tulorekisteri"), ("hetu_in_wrong_column", None),
    ("region_prefix_mismatch", "asiakkaat"), ("unknown_client", "tyosuhteet"),
    ("unknown_client", "asiakaskysely"), ("end_before_start", "tyosuhteet"),
    ("end_before_start", "rekisterit/kela"), ("date_after_delivery", None),
    ("date_before_2019", None), ("out_of_range", "asiakaskysely"),
    ("out_of_range", "tyosuhteet"), ("duplicate_key_conflict", None), ("file_empty", None),
    ("row_unparseable", None), ("missing_required_column", None), ("file_unreadable", None),
    ("invalid_ytunnus", "tyosuhteet"), ("unknown_column", None),
    ("referral_after_start", "asiakkaat"), ("key_missing", None),
    # not defects, but recorded so tests can find them
    ("exact_duplicate", None), ("dont_know_99", "asiakaskysely"), ("superseded", None),
    ("overlapping_jobs", "tyosuhteet"), ("decimal_comma", None), ("thousand_space", None),
    ("encoding", None),
}


def test_every_contract_defect_class_is_in_the_manifest(study: Study) -> None:
    present = {(e["rule"], e["source"]) for e in study.entries}
    for rule, source in CONTRACT_DEFECTS:
        assert any(r == rule and (source is None or s == source) for r, s in present), rule


@pytest.mark.parametrize("rate", [0.001, 0.3])
def test_tiny_and_large_rates_inject_every_class_and_keep_the_headline(rate: float) -> None:
    files = build_deliveries(20240430, rate)[1]
    assert [(h.started, h.employed) for h in assert_calibrated(files)] == [(763, 348), (336, 86)]
    entries = manifest_entries(files)
    present = {(e["rule"], e["source"]) for e in entries}
    for rule, source in CONTRACT_DEFECTS:
        assert any(r == rule and (source is None or s == source) for r, s in present), rule
    defects = sum(e["level"] != "none" for e in entries)
    assert defects >= 25 if rate < 0.01 else defects > 500


def test_manifest_levels_follow_the_rule_vocabulary(study: Study) -> None:
    for e in study.entries:
        if e["level"] != "none":
            assert RULES[e["rule"]].level == e["level"], e
        assert e["source"] in SOURCES and e["file"].startswith(e["source"] + "/")
        assert (study.root / e["file"]).is_file()
    encodings = {e["value"] for e in study.entries if e["rule"] == "encoding"}
    assert {"utf-8", "utf-8 with BOM", "cp1252", "latin-1"} <= encodings


def test_manifest_rows_point_at_the_injected_values(study: Study) -> None:
    checked = 0
    for e in study.entries:
        if e["row"] is None or e["column"] is None or e["rule"] in ("invalid_hetu_field",
                                                                     "invalid_hetu"):
            continue
        row = study.rows(e["file"])[e["row"] - 1]
        value = row[e["column"]]
        if e["rule"] == "key_missing":
            assert value in (None, ""), e
        elif e["rule"] in ("out_of_range", "dont_know_99"):
            assert as_number(value) == float(e["value"]), e
        elif e["rule"] == "end_before_start":
            assert parse_date(row["loppupvm"]) < parse_date(row["alkupvm"]), e
        elif e["rule"] == "date_before_2019":
            assert parse_date(value) < date(2019, 1, 1), e
        elif e["rule"] == "date_after_delivery":
            assert parse_date(value) > date.fromisoformat(Path(e["file"]).name[:10]), e
        elif e["rule"] == "invalid_ytunnus":
            assert value == e["value"] and not stdnum_ytunnus.is_valid(str(value)), e
        elif e["rule"] == "hetu_in_wrong_column":
            assert stdnum_hetu.is_valid(str(value)), e
        else:
            continue
        checked += 1
    assert checked > 20


def test_duplicates_are_what_the_manifest_says(study: Study) -> None:
    for e in study.entries:
        if e["rule"] == "exact_duplicate":
            rows = study.rows(e["file"])
            assert rows[e["row"] - 1] == rows[e["row"] - 2], e
    conflicts = defaultdict(list)
    for e in study.entries:
        if e["rule"] == "duplicate_key_conflict":
            conflicts[e["file"]].append(study.rows(e["file"])[e["row"] - 1])
    for file, rows in conflicts.items():
        assert len(rows) % 2 == 0 and rows[0] != rows[1], file


def test_file_level_damage_is_real(study: Study) -> None:
    by_rule = {e["rule"]: e for e in study.entries if e["level"] == "file"}
    assert (study.root / by_rule["file_empty"]["file"]).stat().st_size == 0
    with pytest.raises(Exception):  # noqa: B017 - any reader error will do
        read_rows(study.root / by_rule["file_unreadable"]["file"])
    missing = by_rule["missing_required_column"]
    assert missing["column"] not in read_rows(study.root / missing["file"])[0]
    cut = next(e for e in study.entries if e["rule"] == "row_unparseable")
    data = (study.root / cut["file"]).read_bytes()
    assert not data.endswith(b"\n")
    text, _ = decode(data)
    lines = text.splitlines()
    assert len(lines) == cut["row"] + 1
    assert lines[-1].count(";") < lines[0].count(";")


def test_no_identity_code_in_the_manifest(study: Study) -> None:
    text = (study.root / MANIFEST).read_text(encoding="utf-8")
    assert not re.search(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", text)


def test_genuine_dates_are_between_2019_and_the_delivery(study: Study) -> None:
    for source in SOURCES[:6]:
        for file in study.files(source):
            if file in study.rejected_files:
                continue
            delivered = date.fromisoformat(Path(file).name[:10])
            for n, row in enumerate(study.rows(file), start=1):
                if (file, n) in study.quarantined:
                    continue
                for column in DATE_COLUMNS & row.keys():
                    day = parse_date(row[column])
                    assert day is None or date(2019, 1, 1) <= day <= delivered, (file, n)
                if source == "asiakkaat":
                    assert parse_date(row["lahetepvm"]) <= parse_date(row["aloituspvm"])
                    assert str(row["asiakastunnus"])[:3] == str(row["alue"]).strip()
                if source == "tyosuhteet" and row["loppupvm"] not in (None, ""):
                    assert parse_date(row["loppupvm"]) >= parse_date(row["alkupvm"])


def test_later_deliveries_repeat_earlier_rows(study: Study) -> None:
    for source, key in (("asiakkaat", "asiakastunnus"), ("asiakaskysely", "asiakastunnus")):
        by_region: dict[str, list[str]] = defaultdict(list)
        for file in study.files(source):
            if file not in study.rejected_files:
                by_region[Path(file).stem[11:]].append(file)
        for files in by_region.values():
            for early, late in zip(files, files[1:], strict=False):
                early_keys = {str(r[key]) for r in study.rows(early)}
                late_keys = {str(r[key]) for r in study.rows(late)}
                assert early_keys <= late_keys and len(late_keys) > len(early_keys)


# -- identity codes --------------------------------------------------------------------------
@functools.cache
def valid_hetu(code: str) -> bool:
    return stdnum_hetu.is_valid(code)


def test_hetus_are_valid_except_where_a_defect_was_injected(study: Study) -> None:
    invalid_ok = {(e["file"], e["row"]) for e in study.entries
                  if e["rule"] in ("invalid_hetu_field", "invalid_hetu")}
    signs = Counter()
    sexes = Counter()
    for source in ("asiakkaat", "rekisterit/kela", "rekisterit/tulorekisteri"):
        for file in study.files(source):
            for n, row in enumerate(study.rows(file), start=1):
                code = row.get("hetu")
                if (file, n) in invalid_ok:
                    assert not valid_hetu(str(code))
                    continue
                if source == "asiakkaat" and code in (None, ""):
                    assert as_number(row["rekisterilupa"]) == 0
                    continue
                assert valid_hetu(str(code)), (file, n)
                signs[str(code)[6]] += 1
                sexes[int(str(code)[7:10]) % 2] += 1
    assert signs["-"] and signs["A"] and set(signs) & set("YXWVU") and set(signs) & set("BCDEF")
    assert min(sexes.values()) > 0.4 * sum(sexes.values())


def test_ytunnus_codes_are_valid_except_where_injected(study: Study) -> None:
    for file in study.files("tyosuhteet"):
        if file in study.rejected_files:
            continue
        for n, row in enumerate(study.rows(file), start=1):
            if (file, n, "tyonantaja") in study.field_defects:
                continue
            assert stdnum_ytunnus.is_valid(str(row["tyonantaja"])), (file, n)


# -- registers follow the jobs ---------------------------------------------------------------
def months(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_register_pay_follows_the_job_spells(study: Study) -> None:
    clients = study.clean("asiakkaat", ("asiakastunnus",))
    jobs = study.clean("tyosuhteet", ("asiakastunnus", "tyosuhde_nro"))
    pay = study.clean("rekisterit/tulorekisteri", ("hetu", "kuukausi", "maksaja"))
    paid = {(str(r["hetu"]), str(r["kuukausi"]), str(r["maksaja"])) for r in pay.values()}
    hetu_of = {code[0]: str(r["hetu"]) for code, r in clients.items()
               if r["hetu"] not in (None, "") and as_number(r["rekisterilupa"]) == 1}
    last_pay_month = "2025-02"
    checked = after_exit = 0
    for row in jobs.values():
        code = str(row["asiakastunnus"])
        if code not in hetu_of or row["tyonantaja"] is None:
            continue
        start = parse_date(row["alkupvm"])
        end = parse_date(row["loppupvm"])
        client = clients[(code,)]
        if start < parse_date(client["aloituspvm"]):
            # before the index date the registers hold the client's background work only
            # (synth/counterfactual.py): a form job from before the start has no pay rows
            continue
        exit_day = parse_date(client["paattymispvm"])
        known_until = end or exit_day or date.fromisoformat("2023-07-01")
        for month in months(start, known_until):
            if month <= last_pay_month and month >= "2019-01":
                assert (hetu_of[code], month, str(row["tyonantaja"])) in paid, (code, month)
                checked += 1
        if end is None and exit_day is not None:
            later = months(exit_day, date(2025, 2, 1))[1:]
            after_exit += any((hetu_of[code], m, str(row["tyonantaja"])) in paid for m in later)
    assert checked > 2000  # 2,564 job-months of the built-in study from the index date on
    assert after_exit > 20  # open on the form, pay goes on: register-augmented tenure


def test_registers_cover_consenting_clients_only(study: Study) -> None:
    clients = study.clean("asiakkaat", ("asiakastunnus",))
    consenting = {str(r["hetu"]) for r in clients.values() if as_number(r["rekisterilupa"]) == 1}
    kela = study.clean("rekisterit/kela", ("hetu", "etuus", "alkupvm"))
    # clients' individual numbers are 002-499; the comparison group's 500-899 (identity.py)
    people = {k[0] for k in kela if int(k[0][7:10]) < 500}
    assert people <= consenting and len(people) > 0.9 * len(consenting) - 20


# -- comparison group ------------------------------------------------------------------------
def comparison_files(root: Path) -> tuple[Path, Path]:
    kela = root / "kela.csv"
    pay = root / "pay.csv"
    kela.write_text("hetu;etuus;alkupvm;loppupvm;maksettu_eur\r\n", encoding="utf-8")
    pay.write_text("hetu;kuukausi;maksaja;palkka_eur\n", encoding="utf-8")
    return kela, pay


def test_comparison_group_streams_valid_distinct_persons(study: Study, tmp_path: Path) -> None:
    kela, pay = comparison_files(tmp_path)
    added = append_comparison_group(kela, pay, 20_000, 20240430,
                                    REGISTER_CSV["rekisterit/kela"],
                                    REGISTER_CSV["rekisterit/tulorekisteri"], chunk_persons=6_000)
    kela_rows = pl.read_csv(kela, separator=";", infer_schema=False)
    pay_rows = pl.read_csv(pay, separator=";", infer_schema=False)
    assert (kela_rows.height, pay_rows.height) == (added.kela_rows, added.pay_rows)
    people = set(kela_rows["hetu"]) | set(pay_rows["hetu"])
    assert 19_000 < len(people) <= 20_000
    assert all(stdnum_hetu.is_valid(p) for p in people)
    clients = {str(r["hetu"]) for f in study.files("asiakkaat") for r in study.rows(f)}
    assert not people & clients
    extract = REGISTER_EXTRACTS[-1]
    assert pay_rows["kuukausi"].max() < f"{extract:%Y-%m}"
    days = kela_rows.select(pl.col("alkupvm", "loppupvm").str.to_date("%d.%m.%Y"))
    assert (days["alkupvm"] <= days["loppupvm"]).all() and days["loppupvm"].max() < extract
    assert days["alkupvm"].min() >= REGISTER_START
    amounts = pay_rows["palkka_eur"].str.replace(",", ".").cast(pl.Float64)
    assert amounts.min() > 0
    assert b"\r\n" in kela.read_bytes() and b"\r\n" not in pay.read_bytes()


def test_comparison_group_is_deterministic(tmp_path: Path) -> None:
    digests = []
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        kela, pay = comparison_files(tmp_path / run)
        append_comparison_group(kela, pay, 3_000, 11, REGISTER_CSV["rekisterit/kela"],
                                REGISTER_CSV["rekisterit/tulorekisteri"])
        digests.append(hashes(tmp_path / run))
    assert digests[0] == digests[1]


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("IPS_EVAL_SCALE") != "full",
                    reason="set IPS_EVAL_SCALE=full for the million-person comparison group")
def test_a_million_comparison_persons_fit_in_memory(tmp_path: Path) -> None:
    summary = write_study(tmp_path, defects=0.0, comparison_persons=1_000_000)
    assert sum(summary.comparison_rows.values()) > 20_000_000
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    assert peak_gib < 4
