"""Audit of the published files: does any cell of a table's ``.html``, ``.tex``, ``.csv``,
``.docx`` or ``.xlsx`` — or of the report page and its Word file of all tables — show a count of
1–4? Reads the files as a reader would get them (python-docx, openpyxl) — independent of the
builders, so it also catches a table written by a path that skipped
:mod:`ips_eval.publish.tables.disclosure`. Used by the tables' and the report's blocking asset
checks and by the tests.

Row labels are not data cells and are skipped: in HTML the stub (``.gt_stub``) and the group
headings (``th.gt_group_heading``); in LaTeX the first field of each row and the
``\\multicolumn`` group rows; in the CSV and the Excel table the leading label columns (as many
as the HTML has: the stub, and the group if any); in Word the header rows (marked to repeat),
the full-width group rows and the first (stub) column.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from ips_eval.publish.tables.disclosure import shows_small_count
from ips_eval.publish.tables.excel import table_rows


class _Cells(HTMLParser):
    """Collects the text of the data cells (``td.gt_row`` that are not the stub)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.has_stub = False
        self.has_groups = False
        self._current: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "th" and "gt_group_heading" in classes:
            self.has_groups = True
        if "gt_stub" in classes:  # great-tables writes the stub as th (scope=row)
            self.has_stub = True
        elif tag == "td" and "gt_row" in classes:
            self._current, self._depth = [], 1
            return
        if self._current is not None and tag == "td":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._current is not None and tag == "td":
            self._depth -= 1
            if self._depth == 0:
                self.cells.append("".join(self._current).strip())
                self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)


def html_cells(page: str) -> tuple[list[str], int]:
    """(data cell texts, number of label columns) of a great-tables HTML page."""
    parser = _Cells()
    parser.feed(page)
    return parser.cells, int(parser.has_stub) + int(parser.has_groups)


_LATEX_ESCAPES = {r"\%": "%", r"\&": "&", r"\textless{}": "<", r"\textgreater{}": ">",
                  r"\_": "_", r"\#": "#", r"\$": "$"}


def latex_cells(latex: str) -> list[str]:
    """Data cell texts of a great-tables LaTeX fragment (body rows; first field = stub)."""
    cells = []
    in_body = False
    for line in latex.splitlines():
        if line.startswith(r"\midrule"):
            in_body = True
            continue
        if line.startswith(r"\bottomrule"):
            in_body = False
        if not in_body or "&" not in line or r"\multicolumn" in line:
            continue
        fields = re.split(r"(?<!\\)&", line.rstrip().removesuffix(r"\\"))
        for field in fields[1:]:
            text = field.strip()
            for escaped, plain in _LATEX_ESCAPES.items():
                text = text.replace(escaped, plain)
            cells.append(text)
    return cells


def csv_cells(path: Path, label_columns: int) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [cell for row in rows[1:] for cell in row[label_columns:]]


def docx_cells(path: Path, stub_columns: int = 1) -> list[str]:
    """Data cell texts of every table in a Word file written by
    :mod:`ips_eval.publish.tables.office`."""
    cells = []
    for table in Document(str(path)).tables:
        for row in table.rows:
            properties = row._tr.trPr
            if properties is not None and properties.find(qn("w:tblHeader")) is not None:
                continue
            distinct = {id(cell._tc) for cell in row.cells}
            if len(distinct) == 1 and len(row.cells) > 1:  # a group row
                continue
            seen: set[int] = set()
            for cell in row.cells[stub_columns:]:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
    return cells


def xlsx_cells(path: Path, label_columns: int) -> list[str]:
    """Data cell texts of a table's Excel file (the CSV's cells; a number as its format shows
    it)."""
    return [cell for row in table_rows(path)[1:] for cell in row[label_columns:]]


def report_small_counts(report_dir: Path) -> list[str]:
    """Cells of the report page's tables and of its Word files (all tables; the report) that
    show a count of 1–4 (the operational tables — deliveries, validation — are rows, not
    persons, and are not great-tables cells, so they are not read)."""
    found: list[str] = []
    page = report_dir / "index.html"
    if page.is_file():
        cells, _ = html_cells(page.read_text(encoding="utf-8"))
        found += [f"{page.name}: {c!r}" for c in cells if shows_small_count(c)]
    documents = [*report_dir.glob("tables_*.docx"), *report_dir.glob("report_*.docx")]
    for document in sorted(documents):
        found += [f"{document.name}: {c!r}" for c in docx_cells(document)
                  if shows_small_count(c)]
    return found


def published_small_counts(tables_dir: Path, name: str, lang: str) -> list[str]:
    """Every cell of ``<name>_<lang>.{html,tex,csv,docx,xlsx}`` that shows a count of 1–4 (as
    ``"file: cell"``); empty when the table is clean. Missing files are skipped."""
    found: list[str] = []
    label_columns, stub_columns = 1, 1
    page = tables_dir / f"{name}_{lang}.html"
    if page.is_file():
        parser = _Cells()
        parser.feed(page.read_text(encoding="utf-8"))
        label_columns = int(parser.has_stub) + int(parser.has_groups)
        stub_columns = int(parser.has_stub)
        found += [f"{page.name}: {c!r}" for c in parser.cells if shows_small_count(c)]
    tex = tables_dir / f"{name}_{lang}.tex"
    if tex.is_file():
        found += [f"{tex.name}: {c!r}" for c in latex_cells(tex.read_text(encoding="utf-8"))
                  if shows_small_count(c)]
    table = tables_dir / f"{name}_{lang}.csv"
    if table.is_file():
        found += [f"{table.name}: {c!r}" for c in csv_cells(table, label_columns)
                  if shows_small_count(c)]
    document = tables_dir / f"{name}_{lang}.docx"
    if document.is_file():
        found += [f"{document.name}: {c!r}" for c in docx_cells(document, stub_columns)
                  if shows_small_count(c)]
    book = tables_dir / f"{name}_{lang}.xlsx"
    if book.is_file():
        found += [f"{book.name}: {c!r}" for c in xlsx_cells(book, label_columns)
                  if shows_small_count(c)]
    return found
