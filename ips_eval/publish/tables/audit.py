"""Audit of the published files: does any cell of a table's ``.html``, ``.tex`` or ``.csv``
show a count of 1–4? Reads the files as a reader would get them — independent of the builders,
so it also catches a table written by a path that skipped :mod:`ips_eval.publish.tables.disclosure`.
Used by the tables' blocking asset checks and by the tests.

Row labels are not data cells and are skipped: in HTML the stub (``.gt_stub``) and the group
headings (``th.gt_group_heading``); in LaTeX the first field of each row and the
``\\multicolumn`` group rows; in the CSV the leading label columns (as many as the HTML has:
the stub, and the group if any).
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

from ips_eval.publish.tables.disclosure import shows_small_count


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


def published_small_counts(tables_dir: Path, name: str, lang: str) -> list[str]:
    """Every cell of ``<name>_<lang>.{html,tex,csv}`` that shows a count of 1–4 (as
    ``"file: cell"``); empty when the table is clean. Missing files are skipped."""
    found: list[str] = []
    label_columns = 1
    page = tables_dir / f"{name}_{lang}.html"
    if page.is_file():
        cells, label_columns = html_cells(page.read_text(encoding="utf-8"))
        found += [f"{page.name}: {c!r}" for c in cells if shows_small_count(c)]
    tex = tables_dir / f"{name}_{lang}.tex"
    if tex.is_file():
        found += [f"{tex.name}: {c!r}" for c in latex_cells(tex.read_text(encoding="utf-8"))
                  if shows_small_count(c)]
    table = tables_dir / f"{name}_{lang}.csv"
    if table.is_file():
        found += [f"{table.name}: {c!r}" for c in csv_cells(table, label_columns)
                  if shows_small_count(c)]
    return found
