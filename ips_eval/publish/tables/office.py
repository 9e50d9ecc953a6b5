"""The Word form of a published table (python-docx), laid out the way R's flextable/officer
write Word, so a report author can paste it into THL's template:

- an A4 page, portrait unless the table cannot fit its text width (then landscape), the
  document's language (fi-FI, sv-SE, en-GB) on its default, its styles and every run, so Word
  proofs Finnish and Swedish as such;
- the title in Word's *Caption* style with a ``SEQ`` field ("Taulukko 1", "Tabell 1",
  "Table 1"), as Word's own Insert Caption writes it, so Word renumbers the tables and can
  cross-reference them; the caption and the header rows keep with the next paragraph and a row
  never breaks across pages;
- the column headers in two rows where spanners group columns (merged cells), repeated on every
  page; the row groups as full-width rows; rules above, under the header and below (booktabs);
- column widths from the content (:mod:`ips_eval.publish.tables.word_layout`): a wide label
  column, numbers narrow and right-aligned, the table as wide as the text at most;
- the notes, the suppression note and the source note under the table in a smaller style, kept
  with the table's last row.

:func:`combine_documents` puts every table of one language in one ``.docx`` in report order,
one section per run of tables with the same orientation. The cells are the
:class:`~ips_eval.publish.tables.common.PublishedTable`'s strings, already suppressed and
formatted; nothing is computed here. The Excel form is :mod:`ips_eval.publish.tables.excel`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor, Twips

from ips_eval.publish.office_zip import reproducible_zip
from ips_eval.publish.tables.common import TITLE_NUMBER, PublishedTable
from ips_eval.publish.tables.excel import write_xlsx
from ips_eval.publish.tables.word_layout import (
    CELL_PT,
    FONT,
    MARGIN,
    PAGE_A4,
    Layout,
    table_layout,
)
from schemas.codebook import Lang
from schemas.table_text import text

__all__ = ["add_table", "combine_documents", "document_for", "write_docx", "write_xlsx"]

NOTE_PT = 8
TITLE_PT = 11
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
LANG_TAGS = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
_RULE = '<w:{edge} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'


# ---------------------------------------------------------------------------------------------
# The document: A4, its language, the caption and note styles
# ---------------------------------------------------------------------------------------------
def _set_language(element, tag: str) -> None:  # noqa: ANN001 — an rPr element
    lang = element.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        element.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)


def set_page(section, landscape: bool) -> None:  # noqa: ANN001 — a docx Section
    """A4 with 2.5 cm margins, portrait or landscape."""
    width, height = PAGE_A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        width, height = height, width
    section.page_width, section.page_height = Twips(width), Twips(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(MARGIN))


def document_for(lang: Lang):  # noqa: ANN201 — a docx Document
    """An empty A4 portrait document in ``lang``: Normal at the cells' size with no space
    between paragraphs, Word's Caption style for the titles, a smaller style for the notes."""
    document = Document()
    tag = LANG_TAGS[lang]
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    default_run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_language(default_run, tag)
    # the font by name, not the template's theme font: LibreOffice does not resolve the theme
    # and fell back to a wider serif, so the widths measured in Calibri no longer fitted
    fonts = default_run.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), tag)
    normal = styles["Normal"]
    normal.font.size = Pt(CELL_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    caption = styles["Caption"]
    caption.font.size = Pt(TITLE_PT)
    caption.font.bold = True
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.space_before = Pt(12)
    caption.paragraph_format.space_after = Pt(4)
    caption.paragraph_format.keep_with_next = True
    note = styles.add_style(text("table_note_style", lang), WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(NOTE_PT)
    note.paragraph_format.space_after = Pt(1)
    for style in (normal, caption, note):
        _set_language(style.element.get_or_add_rPr(), tag)
    set_page(document.sections[0], landscape=False)
    document.core_properties.language = tag
    return document


# ---------------------------------------------------------------------------------------------
# Paragraphs and runs as XML (python-docx's add_row/add_run took a second for 1,000 rows)
# ---------------------------------------------------------------------------------------------
def _run_xml(text_: str, lang: str, bold: bool = False, italic: bool = False,
             superscript: bool = False) -> str:
    """A ``<w:r>``: tabs and line breaks as their elements, spaces kept where they lead or
    trail; the language on every run, so text pasted into another document keeps it."""
    if not text_:
        return ""
    parts = []
    for piece in re.split(r"(\t|\n)", text_):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + \
        ('<w:vertAlign w:val="superscript"/>' if superscript else "") + \
        f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="{lang}"/>'
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r>"


def _paragraph_xml(runs: str, align: str | None = None, keep_next: bool = False,
                   style: str | None = None) -> str:
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + \
        ("<w:keepNext/>" if keep_next else "") + (f'<w:jc w:val="{align}"/>' if align else "")
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _cell_xml(width: int, paragraph: str, span: int = 1, vmerge: str | None = None,
              bottom_rule: bool = False) -> str:
    props = f'<w:tcW w:type="dxa" w:w="{width}"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        props += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    if bottom_rule:
        props += f"<w:tcBorders>{_RULE.format(edge='bottom', size=4)}</w:tcBorders>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph}</w:tc>"


def _row_xml(cells: str, header: bool = False) -> str:
    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{cells}</w:tr>"


def _seq_field_xml(label: str, number: int, lang: str) -> str:
    """A ``SEQ <label> \\* ARABIC`` field showing ``number`` until Word updates it."""
    field = f"<w:rPr><w:lang w:val=\"{lang}\"/></w:rPr>"
    return (f'<w:r>{field}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{field}<w:instrText xml:space="preserve"> SEQ {escape(label)} \\* ARABIC '
            f"</w:instrText></w:r>"
            f'<w:r>{field}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r>{field}<w:t>{number}</w:t></w:r>"
            f'<w:r>{field}<w:fldChar w:fldCharType="end"/></w:r>')


def caption_xml(label: str, number: int | None, title: str, lang: str) -> str:
    """A Caption paragraph "<label> <n>. <title>" with the number as a SEQ field (no number:
    the title alone)."""
    if number is None:
        runs = _run_xml(title, lang)
    else:
        runs = (_run_xml(f"{label} ", lang) + _seq_field_xml(label, number, lang)
                + _run_xml(f". {title}", lang))
    return _paragraph_xml(runs, keep_next=True, style="Caption")


def _style_id(document, name: str) -> str:  # noqa: ANN001 — a docx Document
    return document.styles[name].style_id


def append_xml(document, xml: str) -> None:  # noqa: ANN001 — a docx Document
    """Append body XML (paragraphs, tables) before the document's final section properties."""
    body = document.element.body
    fragment = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
    section = body.find(qn("w:sectPr"))
    for element in list(fragment):
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
def _right_aligned(table: PublishedTable, column: str) -> bool:
    """Numbers right, the stub and the columns the builder names left."""
    return column != table.stub and column not in table.left_aligned


def _columns(table: PublishedTable) -> tuple[list[str], list[str]]:
    data_columns = [c for c in table.data.columns if c not in table.label_columns]
    columns = ([table.stub] if table.stub else []) + data_columns
    headers = [(table.stubhead or "") if c == table.stub else table.labels.get(c, c)
               for c in columns]
    return columns, headers


def layout_of(table: PublishedTable) -> Layout:
    return table_layout(table, *_columns(table))


def _header_xml(table: PublishedTable, columns: list[str], headers: list[str],
                widths: list[int], lang: str) -> str:
    marks = {column: SUPERSCRIPTS[i % len(SUPERSCRIPTS)]
             for i, (column, _) in enumerate(table.column_notes)}

    def label(i: int) -> str:
        column = columns[i]
        right = _right_aligned(table, column)
        runs = _run_xml(headers[i], lang, bold=True)
        if column in marks:
            runs += _run_xml(marks[column], lang, superscript=True)
        return _paragraph_xml(runs, align="right" if right else None, keep_next=True)

    spanners = [(name, sorted(columns.index(c) for c in cols if c in columns))
                for name, cols in table.spanners]
    spanners = [(name, positions) for name, positions in spanners if positions]
    if not spanners:
        return _row_xml("".join(_cell_xml(w, label(i)) for i, w in enumerate(widths)),
                        header=True)
    starts = {positions[0]: (name, positions[-1]) for name, positions in spanners}
    covered = {i for _, positions in spanners for i in range(positions[0], positions[-1] + 1)}
    top, bottom = [], []
    i = 0
    while i < len(columns):
        if i in starts:
            name, last = starts[i]
            span_width = sum(widths[i:last + 1])
            heading = _paragraph_xml(_run_xml(name, lang, bold=True), align="center",
                                     keep_next=True)
            top.append(_cell_xml(span_width, heading, span=last - i + 1, bottom_rule=True))
            bottom += [_cell_xml(widths[j], label(j)) for j in range(i, last + 1)]
            i = last + 1
            continue
        if i in covered:  # inside a spanner whose columns are not side by side
            top.append(_cell_xml(widths[i], "<w:p/>"))
            bottom.append(_cell_xml(widths[i], label(i)))
        else:
            top.append(_cell_xml(widths[i], label(i), vmerge="restart"))
            bottom.append(_cell_xml(widths[i], "<w:p/>", vmerge=""))
        i += 1
    return _row_xml("".join(top), header=True) + _row_xml("".join(bottom), header=True)


def _body_xml(table: PublishedTable, columns: list[str], widths: list[int], lang: str) -> str:
    """The rows: a full-width bold row where the row group changes (kept with the row under
    it); the last row kept with the notes under the table."""
    right = [_right_aligned(table, column) for column in columns]
    records = list(table.data.iter_rows(named=True))
    rows = []
    current_group = None
    for n, record in enumerate(records, start=1):
        if table.group and record[table.group] != current_group:
            current_group = record[table.group]
            heading = _paragraph_xml(_run_xml(current_group or "", lang, bold=True),
                                     keep_next=True)
            rows.append(_cell_xml(sum(widths), heading, span=len(columns)))
        last = n == len(records)  # the last row stays with the notes
        rows.append("".join(
            _cell_xml(w, _paragraph_xml(_run_xml(record[c] or "", lang),
                                        align="right" if r else None, keep_next=last))
            for w, c, r in zip(widths, columns, right, strict=True)))
    return "".join(_row_xml(cells) for cells in rows)


def table_xml(table: PublishedTable, layout: Layout, lang: str) -> str:
    columns, headers = _columns(table)
    widths = layout.widths
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = (_RULE.format(edge="top", size=8) + _RULE.format(edge="bottom", size=8))
    properties = (f'<w:tblPr><w:tblW w:type="dxa" w:w="{layout.total}"/><w:jc w:val="left"/>'
                  f"<w:tblBorders>{borders}</w:tblBorders>"
                  '<w:tblLayout w:type="fixed"/>'
                  '<w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
                  '<w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
                  '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
                  'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>')
    header = _header_xml(table, columns, headers, widths, lang)
    # the rule under the header: on the bottom edge of the last header row's cells
    last_header = header.rfind("<w:tr>")
    rule = f"<w:tcBorders>{_RULE.format(edge='bottom', size=6)}</w:tcBorders>"
    header = header[:last_header] + re.sub(
        r"(<w:tcPr>.*?)(</w:tcPr>)",
        lambda m: m.group(1) + ("" if "tcBorders" in m.group(1) else rule) + m.group(2),
        header[last_header:])
    return (f"<w:tbl>{properties}<w:tblGrid>{grid}</w:tblGrid>{header}"
            f"{_body_xml(table, columns, widths, lang)}</w:tbl>")


def add_table(document, table: PublishedTable, layout: Layout | None = None) -> None:  # noqa: ANN001
    """Append the table (caption, subtitle, Word table, notes, source) to ``document``."""
    lang = LANG_TAGS[table.lang]
    layout = layout or layout_of(table)
    note_style = _style_id(document, text("table_note_style", table.lang))
    parts = [caption_xml(text("table_label", table.lang), table.number,
                         TITLE_NUMBER.sub("", table.title), lang)]
    if table.subtitle:
        parts.append(_paragraph_xml(_run_xml(table.subtitle, lang, italic=True),
                                    keep_next=True))
    parts.append(table_xml(table, layout, lang))
    marks = {column: SUPERSCRIPTS[i % len(SUPERSCRIPTS)]
             for i, (column, _) in enumerate(table.column_notes)}
    notes = [f"{marks[column]} {note}" for column, note in table.column_notes]
    notes += table.all_notes()
    if table.source:
        notes.append(table.source)
    for i, note in enumerate(notes):
        parts.append(_paragraph_xml(_run_xml(note, lang), keep_next=i < len(notes) - 1,
                                    style=note_style))
    append_xml(document, "".join(parts))


def table_document(table: PublishedTable):  # noqa: ANN201 — a docx Document
    layout = layout_of(table)
    document = document_for(table.lang)
    set_page(document.sections[0], layout.landscape)
    document.core_properties.title = table.numbered_title
    add_table(document, table, layout)
    return document


def write_docx(table: PublishedTable, path: Path) -> Path:
    table_document(table).save(str(path))
    return reproducible_zip(path)


# ---------------------------------------------------------------------------------------------
# Every table of a language in one document
# ---------------------------------------------------------------------------------------------
def _is_landscape(section_properties) -> bool:  # noqa: ANN001 — a w:sectPr element
    size = section_properties.find(qn("w:pgSz"))
    return size is not None and size.get(qn("w:orient")) == "landscape"


def start_section(document, landscape: bool) -> None:  # noqa: ANN001 — a docx Document
    """End the document's current section here and go on in a new one (on a new page) in the
    given orientation — unless the current one already has it."""
    final = document.element.body.find(qn("w:sectPr"))
    if _is_landscape(final) == landscape:
        return
    closing = parse_xml(f"<w:p {nsdecls('w')}><w:pPr/></w:p>")
    closing.find(qn("w:pPr")).append(copy.deepcopy(final))
    final.addprevious(closing)
    set_page(document.sections[-1], landscape)


def append_documents(document, parts: Sequence[Path]) -> None:  # noqa: ANN001
    """Append the bodies of ``parts`` (written by :func:`write_docx`, so all from the same
    styles) to ``document``, flowing one after another; where the orientation changes a new
    section (on a new page) begins."""
    for part in parts:
        elements = list(Document(str(part)).element.body)
        properties = next(e for e in elements if e.tag == qn("w:sectPr"))
        start_section(document, _is_landscape(properties))
        final = document.element.body.find(qn("w:sectPr"))
        for element in elements:
            if element.tag != qn("w:sectPr"):
                final.addprevious(copy.deepcopy(element))


def combine_documents(parts: Sequence[Path], target: Path, title: str, lang: Lang) -> Path:
    """One ``.docx`` with every table of ``parts`` in the given order."""
    document = document_for(lang)
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    append_documents(document, parts)
    document.save(str(target))
    return reproducible_zip(target)
