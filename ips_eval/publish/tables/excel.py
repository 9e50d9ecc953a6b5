"""The Excel form of a published table (openpyxl): one sheet, named in the table's language
("Taulukko 7"), with the numbered title above the table, the printed headers (frozen), the
rows exactly as the ``.csv`` holds them, and the notes and source below.

A cell that shows a number is a number, so an author can chart and recompute: the published
text is read back in the table's language (``12,3`` / ``1 234`` / ``45,6 %`` in fi and sv,
``12.3`` / ``1,234`` / ``45.6%`` in en) and written as its value with a number format that
shows the same decimals, grouping and percent sign. Excel number formats are locale-neutral:
the decimal comma of fi and sv is how Excel shows ``0.0`` on a Finnish or Swedish computer.
Everything else stays text — a suppressed ``..``, ``348 (45,6 %)``, ``<0,001``, an interval, a
label — and no cell is ever a formula (``=1+1`` or ``@SUM(A1)`` arrive as text).

:func:`cell_text` turns a cell back into the text the ``.csv`` holds; the audit and the tests
compare through it.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from ips_eval.publish.office_zip import reproducible_zip
from ips_eval.publish.tables.common import PublishedTable
from ips_eval.publish.tables.numbers import NARROW_NBSP, NBSP, fmt_number
from schemas.codebook import Lang
from schemas.table_text import text

LANG_TAGS = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
_NUMBER = {
    "en": re.compile(r"^(?P<sign>[-\u2212]?)(?P<int>\d{1,3}(?P<grouped>(?:,\d{3})+)?|\d+)"
                     r"(?:\.(?P<dec>\d+))?(?P<pct>%)?$"),
    "fi": re.compile(r"^(?P<sign>[-\u2212]?)(?P<int>\d{1,3}(?P<grouped>(?:\u202f\d{3})+)?|\d+)"
                     r"(?:,(?P<dec>\d+))?(?P<pct>\u00a0%)?$"),
}
_NUMBER["sv"] = _NUMBER["fi"]
_RULE = Side(style="thin", color="000000")


def parse_number(cell: str, lang: Lang) -> tuple[float | int, str] | None:
    """``(value, number format)`` of a cell that shows one number, else None."""
    match = _NUMBER[lang].match(cell)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match["int"])
    if len(digits) > 1 and digits.startswith("0"):  # a code such as "01", not a number
        return None
    decimals = match["dec"] or ""
    pattern = ("#,##0" if match["grouped"] else "0") + (f".{'0' * len(decimals)}"
                                                        if decimals else "")
    value: float | int = float(f"{digits}.{decimals}") if decimals else int(digits)
    if match["sign"]:
        value = -value
    if match["pct"]:
        pattern += "%" if lang == "en" else '"\u00a0"%'
        value = round(value / 100, len(decimals) + 2)
    return value, pattern


def cell_text(value: object, number_format: str, lang: Lang) -> str:
    """The text a cell shows (what the table's ``.csv`` holds for it): a number as its format
    writes it in ``lang``, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    percent = "%" in number_format
    decimals = len(number_format.split(".")[1].rstrip('%"\u00a0')) \
        if "." in number_format else 0
    shown = fmt_number(value * 100 if percent else value, decimals, lang)
    if "#,##0" not in number_format:  # no thousands grouping
        shown = shown.replace("," if lang == "en" else NARROW_NBSP, "")
    if percent:
        shown += "%" if lang == "en" else f"{NBSP}%"
    return shown


def _text_cell(sheet: Worksheet, row: int, column: int, value: str):  # noqa: ANN202
    """A cell that holds ``value`` as text whatever it starts with (openpyxl would otherwise
    store a leading ``=`` as a formula)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    return cell


def sheet_name(table: PublishedTable) -> str:
    label = text("table_label", table.lang)
    return f"{label} {table.number}" if table.number is not None else label


def write_xlsx(table: PublishedTable, path: Path) -> Path:
    frame = table.csv_frame()
    numeric = [c not in table.label_columns and c not in table.left_aligned
               for c in [c for c in (table.group, table.stub) if c]
               + [c for c in table.data.columns if c not in (table.group, table.stub)]]
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(table)
    row = 1
    _text_cell(sheet, row, 1, table.numbered_title).font = Font(bold=True, size=12)
    if table.subtitle:
        row += 1
        _text_cell(sheet, row, 1, table.subtitle).font = Font(italic=True)
    header = row + 2
    for j, label in enumerate(frame.columns, start=1):
        cell = _text_cell(sheet, header, j, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom",
                                   horizontal="right" if numeric[j - 1] else "left")
        cell.border = Border(top=_RULE, bottom=_RULE)
    for i, record in enumerate(frame.iter_rows(), start=header + 1):
        for j, value in enumerate(record, start=1):
            shown = "" if value is None else str(value)
            number = parse_number(shown, table.lang) if numeric[j - 1] else None
            if number is None:
                cell = _text_cell(sheet, i, j, shown)
                if numeric[j - 1]:
                    cell.alignment = Alignment(horizontal="right")
            else:
                cell = sheet.cell(row=i, column=j, value=number[0])
                cell.number_format = number[1]
    last = header + frame.height
    for j in range(1, len(frame.columns) + 1):
        sheet.cell(row=last, column=j).border = Border(bottom=_RULE)
    notes = [*(f"{table.labels.get(c, c)}: {n}" for c, n in table.column_notes),
             *table.all_notes(), table.source]
    for i, line in enumerate((x for x in notes if x), start=last + 2):
        _text_cell(sheet, i, 1, line).font = Font(size=9)
    for j, label in enumerate(frame.columns, start=1):
        widest = max([len(label) // 2, *(len(str(v or "")) for v in frame[label].to_list())])
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = \
            min(max(10, widest + 2), 60)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1).coordinate
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = table.numbered_title
    book.properties.language = LANG_TAGS[table.lang]
    book.save(str(path))
    return reproducible_zip(path)


def table_rows(path: Path) -> list[list[str]]:
    """The header and rows of a table's Excel file as the ``.csv`` holds them (each number as
    its format shows it in the workbook's language)."""
    book = load_workbook(str(path))
    sheet = book.worksheets[0]
    lang = (book.properties.language or "en")[:2]
    header = int(re.sub(r"\D", "", sheet.freeze_panes or "A2")) - 1
    rows = []
    for cells in sheet.iter_rows(min_row=header):
        values = [cell_text(c.value, c.number_format, lang) for c in cells]
        if not any(values):
            break
        rows.append(values)
    width = len(rows[0]) if rows else 0
    return [r[:width] for r in rows]
