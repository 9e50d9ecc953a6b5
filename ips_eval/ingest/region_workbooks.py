"""What ``ips-eval validate --out DIR`` sends back: ``DIR/validation/<region>.xlsx``, one workbook
per delivering region (or register keeper) with its own rejected files, rows and fields — each
with the rule in Finnish and the value masked as in the warehouse's quarantine — and
``DIR/validation/summary.xlsx``, one row per region.

The sheets are in Finnish because the regions' coordinators read them; the rule ids stay beside
the texts so that THL and the region speak of the same rule. A region's workbook names only its
own files: it can be sent to that region and to no other. Values come from ``quarantine.defects``
as stored (identity codes already masked); every cell is written as text or number, never as a
formula. Files are owner-only, as the quarantine they copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import xlsxwriter

from ips_eval.ingest.pipeline import ALREADY_LOADED, LOADED, REJECTED, FileOutcome
from ips_eval.outputs import atomic_path, output_dir
from schemas.codebook import REGIONS
from schemas.rules import RULES

REGISTER_KEEPERS = ("kela", "tulorekisteri")
OTHER = "muut"  # files whose name names no region: the workbook THL reads itself
MAX_ROWS = 100_000  # a sheet lists at most this many defects, then says how many more
SUMMARY = "summary.xlsx"

OUTCOME_FI = {LOADED: "luettu", REJECTED: "hylätty kokonaan",
              ALREADY_LOADED: "luettu jo aiemmin (sama sisältö)"}
ROW_LABEL = "Rivi (1 = ensimmäinen rivi otsikon jälkeen)"
DEFECT_COLUMNS = ["Lähde", "Tiedosto", ROW_LABEL, "Sarake", "Sääntö", "Säännön tunnus", "Arvo",
                  "Lisätieto"]
_ISSUER = re.compile(r"^\d{4}-\d{2}-\d{2}_([^_.]+)")


def issuer_of(file: str) -> str:
    """The region code or register keeper a delivery file's name gives, else ``muut``."""
    match = _ISSUER.match(Path(file).name)
    issuer = match.group(1) if match else ""
    return issuer if issuer in REGIONS or issuer in REGISTER_KEEPERS else OTHER


def rule_fi(rule_id: str | None) -> str:
    rule = RULES.get(rule_id or "")
    return rule.fi if rule else (rule_id or "")


def _sheet(book: xlsxwriter.Workbook, name: str, header: list[str],
           rows: Iterable[list[object]], widths: list[int], empty: str) -> None:
    ws = book.add_worksheet(name)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    ws.write_row(0, 0, header, bold)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    n = 0
    for n, row in enumerate(rows, 1):  # callers cap long lists (_defect_rows)
        for col, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(n, col, value)
            elif value is not None:
                ws.write_string(n, col, str(value))
    if n == 0:
        ws.write_string(1, 0, empty)
    ws.freeze_panes(1, 0)
    if n:
        ws.autofilter(0, 0, n, len(header) - 1)


def _defect_rows(defects: pl.DataFrame, level: str) -> tuple[list[list[object]], int]:
    part = defects.filter(pl.col("level") == level).sort(["source", "file", "row", "column",
                                                           "rule"], nulls_last=True)
    rows = [[d["source"], d["file"], d["row"], d["column"], rule_fi(d["rule"]), d["rule"],
             d["value"], d["message"]] for d in part.head(MAX_ROWS).iter_rows(named=True)]
    more = part.height - len(rows)
    if more:
        rows.append([f"… ja {more} riviä lisää: koko luettelo on THL:n tietovaraston "
                     "taulussa quarantine.defects"])
    return rows, part.height


def region_counts(files: list[FileOutcome], defects: pl.DataFrame) -> pl.DataFrame:
    """Per issuer: files, rejected files, rows read, rejected rows, field defects."""
    issuers = sorted({issuer_of(f.file) for f in files})
    tagged = defects.with_columns(
        pl.col("file").map_elements(issuer_of, return_dtype=pl.String).alias("issuer"))
    out = []
    for issuer in issuers:
        own = [f for f in files if issuer_of(f.file) == issuer]
        mine = tagged.filter(pl.col("issuer") == issuer)
        out.append({
            "issuer": issuer,
            "files": len(own),
            "files_rejected": sum(f.outcome == REJECTED for f in own),
            "rows_read": sum(f.rows_read or 0 for f in own if f.outcome == LOADED),
            "rows_rejected": mine.filter(pl.col("level") == "row")
            .select(pl.struct("file", "row").n_unique()).item() if mine.height else 0,
            "field_defects": mine.filter(pl.col("level") == "field").height,
        })
    return pl.DataFrame(out, schema={"issuer": pl.String, "files": pl.Int64,
                                     "files_rejected": pl.Int64, "rows_read": pl.Int64,
                                     "rows_rejected": pl.Int64, "field_defects": pl.Int64})


def write_region_workbook(path: Path, issuer: str, files: list[FileOutcome],
                          defects: pl.DataFrame) -> Path:
    own_files = sorted((f for f in files if issuer_of(f.file) == issuer), key=lambda f: f.file)
    names = {f.file for f in own_files}
    own = defects.filter(pl.col("file").is_in(list(names)))
    per_file = {f: own.filter(pl.col("file") == f) for f in names}
    with atomic_path(path, private=True) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                              "strings_to_numbers": False,
                                              "strings_to_urls": False})
        book.set_properties({"title": f"IPS-arviointi: toimitusten tarkistus, {issuer}"})
        _sheet(book, "Tiedostot",
               ["Lähde", "Tiedosto", "Toimituspäivä", "Tila", "Rivejä luettu", "Hylättyjä rivejä",
                "Kenttävirheitä"],
               ([f.source, f.file, f.delivery_date.isoformat() if f.delivery_date else None,
                 OUTCOME_FI.get(f.outcome, f.outcome),
                 f.rows_read if f.outcome == LOADED else None,
                 per_file[f.file].filter(pl.col("level") == "row")["row"].n_unique(),
                 per_file[f.file].filter(pl.col("level") == "field").height]
                for f in own_files),
               [22, 40, 14, 30, 14, 16, 16], "Ei toimitettuja tiedostoja.")
        _sheet(book, "Hylätyt tiedostot", ["Lähde", "Tiedosto", "Sääntö", "Säännön tunnus", "Syy"],
               ([f.source, f.file, rule_fi(f.rule), f.rule, f.message]
                for f in own_files if f.outcome == REJECTED),
               [22, 40, 40, 24, 80], "Yhtään tiedostoa ei hylätty.")
        rows, _ = _defect_rows(own, "row")
        _sheet(book, "Hylätyt rivit", DEFECT_COLUMNS, rows, [22, 40, 14, 20, 44, 24, 24, 60],
               "Yhtään riviä ei hylätty.")
        fields, _ = _defect_rows(own, "field")
        _sheet(book, "Kenttävirheet", DEFECT_COLUMNS, fields, [22, 40, 14, 20, 44, 24, 24, 60],
               "Ei kenttävirheitä: jokainen arvo kelpasi.")
        book.close()
    return path


def write_validation(out_dir: Path, files: list[FileOutcome], defects: pl.DataFrame) -> list[Path]:
    """``out_dir/validation/``: a workbook per issuer and ``summary.xlsx``. Returns the paths."""
    folder = output_dir(Path(out_dir) / "validation", private=True)
    counts = region_counts(files, defects)
    written = [write_region_workbook(folder / f"{issuer}.xlsx", issuer, files, defects)
               for issuer in counts["issuer"]]
    with atomic_path(folder / SUMMARY, private=True) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        _sheet(book, "Yhteenveto",
               ["Alue tai rekisteri", "Tiedostoja", "Hylättyjä tiedostoja", "Rivejä luettu",
                "Hylättyjä rivejä", "Kenttävirheitä", "Työkirja"],
               ([r["issuer"], r["files"], r["files_rejected"], r["rows_read"],
                 r["rows_rejected"], r["field_defects"], f"{r['issuer']}.xlsx"]
                for r in counts.iter_rows(named=True)),
               [20, 12, 20, 14, 16, 16, 20], "Ei toimitettuja tiedostoja.")
        _sheet(book, "Säännöt", ["Säännön tunnus", "Taso", "Sääntö (fi)", "Rule (en)"],
               ([r.id, r.level, r.fi, r.en] for r in RULES.values()), [26, 8, 60, 80], "")
        book.close()
    for stale in set(folder.glob("*.xlsx")) - {*written, folder / SUMMARY}:
        stale.unlink()  # a region this folder no longer delivers: its old workbook would mislead
    return [*written, folder / SUMMARY]
