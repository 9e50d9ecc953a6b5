"""Word and Excel forms of a published table, for report authors who write in Word:

- ``.docx`` (python-docx): a real Word table — the numbered title, the column headers in two
  rows where spanners group columns (merged cells), header rows repeated on every page, the row
  groups as full-width rows, the stub, right-aligned numbers, superscript marks on columns with
  a footnote, then the notes, the suppression note and the source note under the table.
- ``.xlsx`` (openpyxl): the suppressed data exactly as the ``.csv`` holds it (sheet ``table``:
  the printed headers, then the rows) and the title, notes and source on sheet ``notes``. Every
  cell is written as text: a cell such as ``=1+1``, ``@SUM(A1)`` or ``-x`` is never a formula.
- :func:`combine_documents`: every table of one language in one ``.docx``, in report order.

The cells are the :class:`~ips_eval.publish.tables.common.PublishedTable`'s strings, already
suppressed and formatted; nothing is computed here.
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ips_eval.publish.tables.common import PublishedTable

NOTE_SIZE = Pt(8)
CELL_SIZE = Pt(9)
TITLE_SIZE = Pt(11)
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
# The date of every member of a written .docx/.xlsx and of the workbook's created/modified:
# the zip format's epoch, as reproducible builds use (python-docx's template already says
# 2013-12-23 for the document).
OFFICE_TIME = datetime(1980, 1, 1)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------
def _set_borders(table: Table) -> None:
    """Horizontal rules only, as in a printed statistics table (no vertical lines)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "bottom", "insideH"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "6" if edge != "insideH" else "2")
        element.set(qn("w:color"), "000000" if edge != "insideH" else "BFBFBF")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _repeat_as_header(row) -> None:  # noqa: ANN001 — a docx table row
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _write(cell, text: str, bold: bool = False, right: bool = False,  # noqa: ANN001
           superscript: str = "") -> None:
    paragraph = cell.paragraphs[0]
    if right:  # left is Word's default: no property written
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    if bold:  # the cell size is the document's default (``_document``), set once
        run.bold = True
    if superscript:
        paragraph.add_run(superscript).font.superscript = True


def _right_aligned(table: PublishedTable, column: str) -> bool:
    """Numbers right, the stub and the columns the builder names left."""
    return column != table.stub and column not in table.left_aligned


def _run_xml(text: str, bold: bool = False) -> str:
    """A ``<w:r>`` as python-docx's ``add_run(text)`` writes it: tabs and line breaks as their
    elements, spaces kept where they lead or trail, no run at all for no text."""
    if not text:
        return "<w:r/>"
    parts = []
    for piece in re.split(r"(\t|\n)", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    style = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:r>{style}{''.join(parts)}</w:r>"


def _cell_xml(width: int, text: str, right: bool = False, bold: bool = False,
              span: int = 1) -> str:
    spans = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{spans}</w:tcPr>'
            f"<w:p>{align}{_run_xml(text, bold)}</w:p></w:tc>")


def _add_body_rows(grid: Table, table: PublishedTable, columns: list[str]) -> None:
    """The table's rows (a full-width bold row where the row group changes), written as one
    piece of XML: the same elements python-docx's ``add_row``/``merge``/``add_run`` write, at a
    fraction of the cost — a table of a thousand rows took a second through them."""
    widths = [int(c.get(qn("w:w"))) for c in grid._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    right = [_right_aligned(table, column) for column in columns]
    rows = []
    current_group = None
    for record in table.data.iter_rows(named=True):
        if table.group and record[table.group] != current_group:
            current_group = record[table.group]
            rows.append(_cell_xml(sum(widths), current_group or "", bold=True,
                                  span=len(columns)))
        rows.append("".join(_cell_xml(w, record[c] or "", right=r)
                            for w, c, r in zip(widths, columns, right, strict=True)))
    body = parse_xml(f"<w:tbl {nsdecls('w')}>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows)
                     + "</w:tbl>")
    for row in list(body):
        grid._tbl.append(row)


def _note(document, text: str, size: Pt = NOTE_SIZE) -> None:  # noqa: ANN001
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(1)
    paragraph.add_run(text).font.size = size


def add_table(document, table: PublishedTable) -> None:  # noqa: ANN001 — a docx Document
    """Append the table (title, Word table, notes, source) to ``document``."""
    title = document.add_paragraph()
    heading = title.add_run(table.numbered_title)
    heading.bold = True
    heading.font.size = TITLE_SIZE
    if table.subtitle:
        title.add_run("\n" + table.subtitle).italic = True
    data_columns = [c for c in table.data.columns if c not in table.label_columns]
    columns = ([table.stub] if table.stub else []) + data_columns
    marks = {column: SUPERSCRIPTS[i % len(SUPERSCRIPTS)]
             for i, (column, _) in enumerate(table.column_notes)}
    spanned = {c: label for label, cols in table.spanners for c in cols}
    header_rows = 2 if table.spanners else 1
    grid = document.add_table(rows=header_rows, cols=len(columns))
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    _set_borders(grid)
    for i, column in enumerate(columns):
        label = (table.stubhead or "") if column == table.stub else table.labels.get(column,
                                                                                     column)
        right = _right_aligned(table, column)
        if header_rows == 2 and column not in spanned:
            cell = grid.cell(0, i).merge(grid.cell(1, i))
            _write(cell, label, bold=True, right=right, superscript=marks.get(column, ""))
        else:
            _write(grid.cell(header_rows - 1, i), label, bold=True, right=right,
                   superscript=marks.get(column, ""))
    for label, cols in table.spanners:
        positions = [columns.index(c) for c in cols if c in columns]
        if positions:
            cell = grid.cell(0, min(positions)).merge(grid.cell(0, max(positions)))
            _write(cell, label, bold=True)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in grid.rows:
        _repeat_as_header(row)
    _add_body_rows(grid, table, columns)
    for column, note in table.column_notes:
        _note(document, f"{marks[column]} {note}")
    for note in table.all_notes():
        _note(document, note)
    if table.source:
        _note(document, table.source)


def _landscape(document) -> None:  # noqa: ANN001 — wide tables fit a landscape page
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Pt(42))


def _document():  # noqa: ANN202 — a docx Document
    """A landscape document whose default text is the table cells' size."""
    document = Document()
    document.styles["Normal"].font.size = CELL_SIZE
    _landscape(document)
    return document


def table_document(table: PublishedTable):  # noqa: ANN201 — a docx Document
    document = _document()
    document.core_properties.title = table.numbered_title
    document.core_properties.language = table.lang
    add_table(document, table)
    return document


def write_docx(table: PublishedTable, path: Path) -> Path:
    table_document(table).save(str(path))
    return reproducible_zip(path)


def combine_documents(parts: Sequence[Path], target: Path, title: str, lang: str) -> Path:
    """One ``.docx`` with the bodies of ``parts`` (tables written by :func:`write_docx`, so
    all from the same template and styles), each on its own page, in the given order."""
    document = _document()
    document.core_properties.title = title
    document.core_properties.language = lang
    heading = document.add_paragraph()
    heading.add_run(title).bold = True
    body = document.element.body
    section = body[-1]  # the document's own sectPr stays last
    for part in parts:
        page_break = document.add_paragraph()
        page_break.add_run().add_break(WD_BREAK.PAGE)
        for element in Document(str(part)).element.body:
            if element.tag == qn("w:sectPr"):
                continue
            section.addprevious(copy.deepcopy(element))
    document.save(str(target))
    return reproducible_zip(target)


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------
def _text_cell(sheet, row: int, column: int, value: str):  # noqa: ANN001, ANN202
    """A cell that holds ``value`` as text whatever it starts with (openpyxl would otherwise
    store a leading ``=`` as a formula)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    return cell


def write_xlsx(table: PublishedTable, path: Path) -> Path:
    frame = table.csv_frame()
    book = Workbook()
    sheet = book.active
    sheet.title = "table"
    for j, header in enumerate(frame.columns, start=1):
        _text_cell(sheet, 1, j, header).font = Font(bold=True)
        sheet.cell(row=1, column=j).alignment = Alignment(wrap_text=True, vertical="top")
    for i, record in enumerate(frame.iter_rows(), start=2):
        for j, value in enumerate(record, start=1):
            _text_cell(sheet, i, j, "" if value is None else str(value))
    for j, header in enumerate(frame.columns, start=1):
        widest = max([len(header) // 2, *(len(str(v or "")) for v in frame[header].to_list())])
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = \
            min(max(10, widest + 2), 60)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("notes")
    lines = [table.numbered_title, table.subtitle or "",
             *(f"{table.labels.get(c, c)}: {n}" for c, n in table.column_notes),
             *table.all_notes(), table.source]
    for i, line in enumerate((x for x in lines if x), start=1):
        _text_cell(notes, i, 1, line)
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 120
    book.properties.title = table.numbered_title
    book.properties.language = table.lang
    book.save(str(path))
    return reproducible_zip(path)


# ---------------------------------------------------------------------------------------------
# The same bytes for the same table
# ---------------------------------------------------------------------------------------------
def reproducible_zip(path: Path) -> Path:
    """Rewrite a ``.docx``/``.xlsx`` (a zip) with every member dated :data:`OFFICE_TIME`, and
    the document's created/modified times too: python-docx and openpyxl take them from the
    clock, so two runs on the same data gave different bytes. Members keep their order, names,
    contents and compression."""
    path = Path(path)
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    stamp = OFFICE_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w") as new:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=OFFICE_TIME.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            new.writestr(fixed, data)
    return path
