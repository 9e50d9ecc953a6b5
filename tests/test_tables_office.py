"""Word and Excel forms of the published tables: every .docx (python-docx) and .xlsx (openpyxl)
holds the same cells as the table's .csv; the Word table has its header rows, spanners, group
rows, footnotes and source note; no Excel cell is ever a formula; the audit reads both; and
out/report/tables_<lang>.docx holds every table in report order."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from support.tables import CUTOFFS, write_sample_warehouse

from ips_eval.publish.report import write_tables_documents
from ips_eval.publish.tables.audit import docx_cells, published_small_counts, report_small_counts
from ips_eval.publish.tables.catalog import TABLE_NAMES, publish_table, table_number
from ips_eval.publish.tables.common import DeliverySet, PublishedTable
from ips_eval.publish.tables.excel import cell_text, parse_number, table_rows
from ips_eval.publish.tables.office import write_docx, write_xlsx
from ips_eval.publish.tables.writer import FORMATS
from ips_eval.warehouse import connect
from schemas.codebook import LANGS
from schemas.table_text import text


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("office")
    write_sample_warehouse(out / "ips_eval.duckdb")
    with connect(out / "ips_eval.duckdb") as con:
        for name in TABLE_NAMES:
            publish_table(name, con, out, CUTOFFS, png=None)
    write_tables_documents(out)
    return out


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _is_header(row) -> bool:  # noqa: ANN001 — a docx table row
    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def _docx_body(path: Path) -> list[list[str]]:
    """The Word table's body rows as text; a full-width (group) row as a one-item list."""
    rows = []
    for row in Document(str(path)).tables[0].rows:
        if _is_header(row):
            continue
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        rows.append(cells)
    return rows


def test_every_table_is_written_in_word_and_excel_in_every_language(published: Path) -> None:
    assert "docx" in FORMATS and "xlsx" in FORMATS
    for name in TABLE_NAMES:
        for lang in LANGS:
            for ext in ("docx", "xlsx"):
                assert (published / "tables" / f"{name}_{lang}.{ext}").stat().st_size > 0


def test_excel_holds_exactly_the_csv_cells(published: Path) -> None:
    for name in TABLE_NAMES:
        for lang in LANGS:
            rows = _csv_rows(published / "tables" / f"{name}_{lang}.csv")
            assert table_rows(published / "tables" / f"{name}_{lang}.xlsx") == rows, \
                f"{name}_{lang}"


def test_excel_sheet_has_its_title_above_the_frozen_header_and_notes_below(
        published: Path) -> None:
    book = load_workbook(published / "tables" / "employment_fi.xlsx")
    sheet = book.worksheets[0]
    number = table_number("employment")
    assert sheet.title == f"Taulukko {number}"
    assert sheet["A1"].value == f"Taulukko {number}. {text('employment_title', 'fi')}"
    header = int(sheet.freeze_panes[1:]) - 1
    assert sheet.cell(row=header, column=1).font.b
    column_a = [c.value for c in sheet["A"] if c.value]
    assert text("suppression_note", "fi") in column_a
    assert column_a[-1] == DeliverySet(CUTOFFS).note("fi")  # the source note comes last
    assert book.properties.language == "fi-FI"


def test_excel_numbers_are_numeric_cells_and_suppressed_cells_stay_text(
        published: Path) -> None:
    """In the fi workbooks every cell showing one number is a number (with a format that
    shows it as the .csv does); '..', 'n (%)' and intervals stay text."""
    numbers = texts = 0
    for name in TABLE_NAMES:
        sheet = load_workbook(published / "tables" / f"{name}_fi.xlsx").worksheets[0]
        header = int(sheet.freeze_panes[1:]) - 1
        for row in sheet.iter_rows(min_row=header + 1):
            for cell in row:
                if isinstance(cell.value, int | float):
                    numbers += 1
                    assert cell.number_format != "General", f"{name}: {cell.coordinate}"
                elif cell.value == "..":
                    texts += 1
                    assert cell.data_type == "s"
    assert numbers > 100 and texts > 0
    cox = load_workbook(published / "tables" / "cox_fi.xlsx").worksheets[0]
    assert any(isinstance(c.value, float) for row in cox.iter_rows() for c in row)


def test_a_published_number_is_read_back_in_its_language() -> None:
    cases = {"fi": {"12,3": (12.3, "0.0"), "1\u202f234": (1234, "#,##0"),
                    "45,6\u00a0%": (0.456, '0.0"\u00a0"%'), "\u22121,25": (-1.25, "0.00"),
                    "2021": (2021, "0"), "..": None, "<0,001": None,
                    "12 (4,0\u00a0%)": None, "01": None},
             "en": {"12.3": (12.3, "0.0"), "1,234": (1234, "#,##0"),
                    "45.6%": (0.456, "0.0%"), "-1.25": (-1.25, "0.00")}}
    for lang, cells in cases.items():
        for shown, expected in cells.items():
            assert parse_number(shown, lang) == expected, (lang, shown)
            if expected is not None:
                assert cell_text(*expected, lang) == shown


def test_word_holds_the_csv_cells_with_groups_as_full_width_rows(published: Path) -> None:
    for name in TABLE_NAMES:
        for lang in LANGS:
            rows = _csv_rows(published / "tables" / f"{name}_{lang}.csv")
            page = (published / "tables" / f"{name}_{lang}.html").read_text(encoding="utf-8")
            grouped = re.search(r'<th[^>]*class="gt_group_heading', page) is not None
            expected: list[list[str]] = []
            group = None
            for row in rows[1:]:
                if grouped:
                    if row[0] != group:
                        group = row[0]
                        expected.append([group])
                    row = row[1:]
                expected.append(row)
            assert _docx_body(published / "tables" / f"{name}_{lang}.docx") == expected, \
                f"{name}_{lang}"


def test_word_table_has_header_rows_spanners_footnotes_and_source_note(
        published: Path) -> None:
    document = Document(str(published / "tables" / "employment_en.docx"))
    table = document.tables[0]
    header = [row for row in table.rows if _is_header(row)]
    assert len(header) == 2  # spanners above the column labels
    spanner = next(c for c in header[0].cells if c.text == text("crude_spanner", "en"))
    span = spanner._tc.tcPr.find(qn("w:gridSpan"))
    assert span is not None and span.get(qn("w:val")) == "3"
    # the column with a footnote carries its mark, and the note is under the table
    employed = next(c for c in header[1].cells if c.text.startswith(text("employed", "en")))
    assert employed.text.endswith("¹")
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == f"Table {table_number('employment')}. " \
                            f"{text('employment_title', 'en')}"
    assert f"¹ {text('trap_note', 'en')}" in paragraphs
    assert text("suppression_note", "en") in paragraphs
    assert paragraphs[-1] == DeliverySet(CUTOFFS).note("en")  # the source note comes last


def test_excel_never_writes_a_formula(tmp_path: Path) -> None:
    risky = ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-x", "=HYPERLINK(\"http://x\")"]
    table = PublishedTable(
        name="risky", lang="en", title="Risky", labels={"a": "=A1", "b": "b"},
        data=pl.DataFrame({"stub": risky, "a": risky[::-1], "b": ["-2"] * 5}), stub="stub",
        stubhead="@stub")
    path = write_xlsx(table, tmp_path / "risky.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    rows = table_rows(path)
    assert rows[0] == ["@stub", "=A1", "b"]
    assert [row[0] for row in rows[1:]] == risky
    book = load_workbook(path)
    cells = [c for row in book.worksheets[0].iter_rows() for c in row[:2] if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert [row[2] for row in rows[1:]] == ["-2"] * 5  # a number, shown as the .csv shows it
    # Word has no formulas, but the text arrives as it is
    write_docx(table, tmp_path / "risky.docx")
    assert docx_cells(tmp_path / "risky.docx", stub_columns=0)[:2] == [risky[0], risky[-1]]


def test_the_audit_finds_a_count_under_5_planted_in_word_or_excel(published: Path,
                                                                   tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    for ext in ("docx", "xlsx"):
        source = published / "tables" / f"cox_fi.{ext}"
        (tables / source.name).write_bytes(source.read_bytes())
    assert published_small_counts(tables, "cox", "fi") == []
    document = Document(str(tables / "cox_fi.docx"))
    hidden = next(c for row in document.tables[0].rows for c in row.cells[1:]
                  if c.text == "..")
    hidden.paragraphs[0].runs[0].text = "3"
    document.save(str(tables / "cox_fi.docx"))
    assert any(hit.startswith("cox_fi.docx") for hit in published_small_counts(
        tables, "cox", "fi"))
    (tables / "cox_fi.docx").unlink()
    book = load_workbook(tables / "cox_fi.xlsx")
    cell = next(c for row in book.worksheets[0].iter_rows(min_row=2) for c in row[2:]
                if c.value == "..")
    cell.value = "2 (5,0 %)"
    book.save(tables / "cox_fi.xlsx")
    assert [h.split(":")[0] for h in published_small_counts(tables, "cox", "fi")] == \
        ["cox_fi.xlsx"]


def test_one_word_file_per_language_holds_every_table_in_report_order(published: Path) -> None:
    for lang in LANGS:
        document = Document(str(published / "report" / f"tables_{lang}.docx"))
        assert len(document.tables) == len(TABLE_NAMES)
        number = re.compile(text("table_number", lang, n=r"(\d+)").replace(".", r"\."))
        numbers = [int(m.group(1)) for p in document.paragraphs
                   if (m := number.match(p.text))]
        assert numbers == list(range(1, len(TABLE_NAMES) + 1))
    assert report_small_counts(published / "report") == []


def test_word_and_excel_files_are_the_same_bytes_when_written_again(published: Path,
                                                                     tmp_path: Path) -> None:
    """python-docx and openpyxl date their zip members and the document properties with the
    clock; the written files carry a fixed date instead, so identical runs give identical
    files (the report's combined documents too)."""
    again = tmp_path / "again"
    again.mkdir()
    for name in ("ips_eval.duckdb", "manifest.json"):
        if (published / name).is_file():
            (again / name).write_bytes((published / name).read_bytes())
    with connect(again / "ips_eval.duckdb") as con:
        for name in ("cox", "baseline"):
            publish_table(name, con, again, CUTOFFS, png=None)
    write_tables_documents(again, names=("cox", "baseline"))
    for name in ("cox", "baseline"):
        for lang in LANGS:
            for fmt in ("docx", "xlsx"):
                first = (published / "tables" / f"{name}_{lang}.{fmt}").read_bytes()
                assert (again / "tables" / f"{name}_{lang}.{fmt}").read_bytes() == first
                with zipfile.ZipFile(again / "tables" / f"{name}_{lang}.{fmt}") as archive:
                    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
                    core = archive.read("docProps/core.xml").decode()
                assert "1980-01-01T00:00:00Z</dcterms:modified>" in core
    combined = [(again / "report" / f"tables_{lang}.docx").read_bytes() for lang in LANGS]
    write_tables_documents(again, names=("cox", "baseline"))
    assert [(again / "report" / f"tables_{lang}.docx").read_bytes() for lang in LANGS] == combined


def _page(section_properties) -> tuple[int, int, str | None]:  # noqa: ANN001 — w:sectPr
    size = section_properties.find(qn("w:pgSz"))
    return int(size.get(qn("w:w"))), int(size.get(qn("w:h"))), size.get(qn("w:orient"))


def test_word_is_a4_in_the_tables_language_with_a_seq_caption(published: Path) -> None:
    """Every table's .docx and every tables_<lang>.docx: A4 pages (portrait unless landscape
    is needed), the language on the defaults, the styles and the runs, and each title a
    Caption paragraph numbered by a SEQ field Word can update and cross-reference."""
    tags = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
    files = [(published / "tables" / f"{n}_{lang}.docx", lang)
             for n in TABLE_NAMES for lang in LANGS]
    files += [(published / "report" / f"tables_{lang}.docx", lang) for lang in LANGS]
    for path, lang in files:
        document = Document(str(path))
        body = document.element.body
        for properties in body.iter(qn("w:sectPr")):
            width, height, orient = _page(properties)
            assert sorted((width, height)) == [11906, 16838], path.name
            assert (orient == "landscape") == (width > height), path.name
        defaults = document.styles.element.find(qn("w:docDefaults"))
        assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == tags[lang]
        languages = {e.get(qn("w:val")) for e in body.iter(qn("w:lang"))}
        assert languages == {tags[lang]}, path.name
        captions = [p for p in document.paragraphs if p.style.name == "Caption"]
        label = text("table_label", lang)
        assert captions and all(p.text.startswith(f"{label} ") for p in captions), path.name
        fields = [e.text for e in body.iter(qn("w:instrText"))]
        assert fields == [f" SEQ {label} \\* ARABIC "] * len(captions), path.name
        assert all(p.paragraph_format.keep_with_next for p in captions)
        notes = [p for p in document.paragraphs if p.style.name == text("table_note_style", lang)]
        assert notes and notes[0].style.font.size.pt == 8  # the notes in a smaller style


def test_word_columns_follow_their_content_and_fit_the_page(published: Path) -> None:
    """No table has all columns equally wide: the label column is the widest, and the table
    is no wider than the page's text (16 cm portrait, 24.7 cm landscape)."""
    for name in TABLE_NAMES:
        for lang in LANGS:
            document = Document(str(published / "tables" / f"{name}_{lang}.docx"))
            grid = [int(c.get(qn("w:w"))) for c in document.tables[0]._tbl.tblGrid
                    .iterchildren(qn("w:gridCol"))]
            width, _, _ = _page(document.element.body.find(qn("w:sectPr")))
            assert sum(grid) <= width - 2 * 1418, f"{name}_{lang}"
            if len(grid) > 1:
                assert len(set(grid)) > 1, f"{name}_{lang}: {grid}"
    baseline = Document(str(published / "tables" / "baseline_fi.docx"))
    grid = [int(c.get(qn("w:w"))) for c in baseline.tables[0]._tbl.tblGrid
            .iterchildren(qn("w:gridCol"))]
    assert grid[0] == max(grid)
    header = baseline.tables[0].rows[0]
    assert all(p.paragraph_format.keep_with_next for c in header.cells for p in c.paragraphs)


def test_a_table_too_wide_for_portrait_gets_a_landscape_page(tmp_path: Path) -> None:
    wide = {f"c{i}": ["123 456 (45,6 %)"] for i in range(12)}
    table = PublishedTable(name="wide", lang="fi", title="Leveä", stub="s", stubhead="",
                           labels={c: c for c in wide},
                           data=pl.DataFrame({"s": ["Rivi"], **wide}))
    write_docx(table, tmp_path / "wide.docx")
    width, height, orient = _page(Document(str(tmp_path / "wide.docx")).element.body
                                  .find(qn("w:sectPr")))
    assert (width, height, orient) == (16838, 11906, "landscape")
    narrow = PublishedTable(name="narrow", lang="fi", title="Kapea", stub="s", stubhead="",
                            labels={"n": "n"}, data=pl.DataFrame({"s": ["Rivi"], "n": ["12"]}))
    write_docx(narrow, tmp_path / "narrow.docx")
    assert _page(Document(str(tmp_path / "narrow.docx")).element.body
                 .find(qn("w:sectPr")))[:2] == (11906, 16838)
