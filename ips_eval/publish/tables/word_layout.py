"""How wide each column of a Word table is, and whether the table needs a landscape page.

Word lays out a table with equal columns unless told otherwise, which broke labels mid-word
("Ahdistuneisuushäir/iöt") and made every table run over several pages. Like flextable's
``autofit()`` followed by ``fit_to_width()``, the widths here come from the text itself: each
column is as wide as its widest cell on one line, a header may wrap onto a few lines, the label
(stub) column takes what is left and wraps between words, and the whole table fits the text
width of an A4 portrait page — or, when it cannot, of a landscape one.

Text is measured with the advance widths of Calibri (the font of the Word template), in
thousandths of an em; a character not listed counts as an average letter. Measuring need not be
exact: a cell has padding, and a number column a little too wide costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ips_eval.publish.tables.common import PublishedTable

TWIPS_PER_PT = 20
CM = 567  # twips
# A4 with 2.5 cm margins: the 16 cm text column the figures are drawn for too
PAGE_A4 = (11906, 16838)
MARGIN = round(2.5 * CM)
PORTRAIT_WIDTH = PAGE_A4[0] - 2 * MARGIN
LANDSCAPE_WIDTH = PAGE_A4[1] - 2 * MARGIN
CELL_PADDING = 2 * 108  # Word's default left and right cell margins
CELL_PT = 9
FONT = "Calibri"  # LibreOffice shows it in Carlito, which has the same widths
SAFETY = 1.08  # a renderer's widths and kerning differ a little from the table below
STUB_SHARE = 0.45  # the stub's one-line width is capped here before the numbers get room
HEADER_LINES = 3  # a header may wrap onto this many lines before its column widens

# Calibri advance widths, per mille of the em
_WIDTHS = {
    **dict.fromkeys("0123456789", 507), " ": 226, "\u00a0": 226, "\u202f": 150,
    ".": 252, ",": 250, ";": 268, ":": 268, "(": 303, ")": 303, "[": 324, "]": 324,
    "%": 715, "\u2212": 498, "-": 306, "\u2013": 498, "/": 386, "<": 498, ">": 498,
    "i": 229, "l": 229, "j": 239, "f": 305, "t": 335, "r": 349, "m": 799, "w": 715,
    "I": 252, "J": 319, "M": 855, "W": 890, "ä": 479, "ö": 527, "å": 479,
}
_LOWER, _UPPER = 480, 600


def text_width(text: str, bold: bool = False, size_pt: float = CELL_PT) -> int:
    """The width of ``text`` on one line, in twips."""
    ems = sum(_WIDTHS.get(ch, _UPPER if ch.isupper() else _LOWER) for ch in text) / 1000
    return round(ems * size_pt * TWIPS_PER_PT * SAFETY * (1.05 if bold else 1.0))


def longest_word(text: str, bold: bool = False) -> int:
    return max((text_width(word, bold) for word in text.split()), default=0)


@dataclass(frozen=True)
class Layout:
    widths: list[int]  # twips, one per column (the stub first)
    landscape: bool

    @property
    def total(self) -> int:
        return sum(self.widths)


@dataclass
class _Column:
    least: int  # the widest body cell, or the header's longest word
    wanted: int  # the header on at most HEADER_LINES lines
    ideal: int  # everything on one line


def _columns(table: PublishedTable, columns: list[str], headers: list[str]) -> list[_Column]:
    result = []
    for column, header in zip(columns, headers, strict=True):
        cells = [str(v or "") for v in table.data[column].to_list()]
        if column == table.stub:
            body_least = max((longest_word(c) for c in cells), default=0)
            body_ideal = max((text_width(c) for c in cells), default=0)
        else:
            body_least = body_ideal = max((text_width(c) for c in cells), default=0)
        head_full = text_width(header, bold=True)
        least = max(body_least, longest_word(header, bold=True)) + CELL_PADDING
        wanted = max(least, body_ideal + CELL_PADDING, head_full // HEADER_LINES + CELL_PADDING)
        if column == table.stub:
            wanted = max(least, body_ideal + CELL_PADDING)
        ideal = max(wanted, body_ideal + CELL_PADDING, head_full + CELL_PADDING)
        result.append(_Column(least, wanted, ideal))
    return result


def _grow(widths: list[int], targets: list[int], room: int) -> int:
    """Widen columns towards their targets in proportion to what each lacks; returns the room
    left over."""
    lacking = [max(0, t - w) for w, t in zip(widths, targets, strict=True)]
    total = sum(lacking)
    if total == 0 or room <= 0:
        return room
    share = min(1.0, room / total)
    for i, lack in enumerate(lacking):
        add = int(lack * share)
        widths[i] += add
        room -= add
    return room


def _fit(cols: list[_Column], stub: bool, width: int) -> list[int] | None:
    """Widths that fit ``width``, or None when even the least widths do not."""
    least = [c.least for c in cols]
    if sum(least) > width:
        return None
    widths = list(least)
    room = width - sum(widths)
    data = range(1 if stub else 0, len(cols))
    # the numbers first (their headers on at most a few lines), then the stub on one line up
    # to its share of the page, then the headers on one line, then the stub in full
    targets = [c.least for c in cols]
    for i in data:
        targets[i] = cols[i].wanted
    room = _grow(widths, targets, room)
    if stub:
        targets[0] = max(cols[0].least, min(cols[0].wanted, int(width * STUB_SHARE)))
        room = _grow(widths, targets, room)
    room = _grow(widths, [c.ideal for c in cols], room)
    return widths


def table_layout(table: PublishedTable, columns: list[str], headers: list[str]) -> Layout:
    """The column widths (twips) of ``table`` in Word and the page's orientation: portrait when
    the table fits its text width, else landscape; a table too wide even for that is squeezed
    in proportion (its cells wrap)."""
    cols = _columns(table, columns, headers)
    stub = bool(table.stub) and columns[:1] == [table.stub]
    for width, landscape in ((PORTRAIT_WIDTH, False), (LANDSCAPE_WIDTH, True)):
        widths = _fit(cols, stub, width)
        if widths is not None:
            return Layout(widths, landscape)
    least = [c.least for c in cols]
    scale = LANDSCAPE_WIDTH / sum(least)
    return Layout([int(w * scale) for w in least], True)
