"""Writing a published table: ``out/tables/<name>_<lang>.html``, ``.tex``, ``.csv``, ``.docx``
(a Word table), ``.xlsx`` (the suppressed data) and (with a browser) ``.png``. One writer for
every table, so a table added to the catalogue gets every format; each file is replaced
atomically.

Before anything is written the table's cells are checked once more for a visible count of 1–4
(:meth:`PublishedTable.small_counts`); a hit is a bug in a builder and stops the table with a
clear error rather than publishing it.

The ``.tex`` is a LaTeX fragment (``booktabs``); it keeps the Unicode of the languages (ä, ö,
the narrow no-break space of the thousands, −), so compile it with XeLaTeX or LuaLaTeX.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ips_eval.outputs import atomic_path, write_csv, write_text
from ips_eval.publish.tables.browser import PngWriter
from ips_eval.publish.tables.common import PublishedTable
from ips_eval.publish.tables.disclosure import SUPPRESSED
from ips_eval.publish.tables.office import write_docx, write_xlsx

FORMATS = ("html", "tex", "csv", "docx", "xlsx", "png")


class DisclosureError(RuntimeError):
    """A table would have shown a count of 1–4."""


def table_paths(out_dir: Path, name: str, lang: str) -> dict[str, Path]:
    base = Path(out_dir) / "tables"
    return {fmt: base / f"{name}_{lang}.{fmt}" for fmt in FORMATS}


def write_table(table: PublishedTable, out_dir: Path, png: PngWriter | None) -> dict[str, Path]:
    """Write every format of one table in one language; returns the paths written. The PNG
    is queued with the browser (``png.drain()`` waits for it) and taken while the rest is
    written."""
    bad = table.small_counts()
    if bad:
        raise DisclosureError(f"table {table.name} ({table.lang}) would show counts of 1–4: "
                              + "; ".join(bad[:5]))
    paths = table_paths(out_dir, table.name, table.lang)
    written: dict[str, Path] = {}
    html_table = table.gt()
    with atomic_path(paths["html"]) as tmp:
        page = html_table.as_raw_html(make_page=True)
        # great-tables marks every page English; say which language it is
        page = page.replace('<html lang="en">', f'<html lang="{table.lang}">', 1)
        tmp.write_text(page, encoding="utf-8")
    written["html"] = paths["html"]
    if png is not None:
        png.submit(paths["html"], paths["png"])
        written["png"] = paths["png"]
    with warnings.catch_warnings():
        # great-tables warns that styles are not rendered in LaTeX; expected, not news
        warnings.simplefilter("ignore", UserWarning)
        latex = table.gt(latex=True).as_latex()
    written["tex"] = write_text(paths["tex"], latex)
    written["csv"] = write_csv(table.csv_frame(), paths["csv"])  # formulas defused
    for fmt, write in (("docx", write_docx), ("xlsx", write_xlsx)):
        with atomic_path(paths[fmt]) as tmp:
            write(table, tmp)
        written[fmt] = paths[fmt]
    return written


def hidden_cells(table: PublishedTable) -> int:
    """How many cells the table hides (shown as ``..``)."""
    return sum(int((table.data[c] == SUPPRESSED).sum()) for c in table.data.columns)
