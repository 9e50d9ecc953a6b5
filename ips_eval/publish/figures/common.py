"""What every published figure shares: one file per language (``out/figures/<name>_<lang>.png``
and ``.svg``), numbers in the language's style on the axes, and the disclosure audit of the
SVG's text layer.

Every text a figure prints that is a count of persons (numbers at risk, ``n = …``) is drawn
with the gid :data:`COUNT_GID`, so the SVG marks it and :func:`svg_small_counts` can prove that
none of them shows 1–4 (docs/methods.md §Disclosure control). The SVG keeps its text as text
(``svg.fonttype = none`` in :func:`ips_eval.outputs.write_figure`), so a report author can
search and edit it, and the audit reads what a reader sees.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter

from ips_eval.outputs import write_figure
from ips_eval.publish.tables.disclosure import shows_small_count
from schemas.codebook import LANGS, Lang
from schemas.study import PILOT, RRP

COUNT_GID = "count"
# Sized for the page (docs/outputs.md §Figures): the 16 cm text column of an A4 report, 300 dpi,
# no text under 8 pt once placed at 100 %; no title in the image — the caption carries it.
PAGE_WIDTH_CM = 16.0
FIGURE_DPI = 300
MIN_FONT_PT = 8.0
PAGE_STYLE = {"font.size": MIN_FONT_PT, "axes.titlesize": 9, "axes.labelsize": MIN_FONT_PT,
              "xtick.labelsize": MIN_FONT_PT, "ytick.labelsize": MIN_FONT_PT,
              "legend.fontsize": MIN_FONT_PT, "figure.titlesize": 9, "lines.linewidth": 1.2}
COHORT_COLOURS = {PILOT: "#1f5f8b", RRP: "#c8553d"}
_SVG = "{http://www.w3.org/2000/svg}"
# "n = 3", "n=3", "(n = 2)" in any text of the figure: a count of 1–4 persons
_N_EQUALS_SMALL = re.compile(r"\bn\s*=\s*[1-4](?![\d,.\u202f])")


def figure_paths(out_dir: Path, name: str) -> list[Path]:
    """Every file a figure is published as: ``<name>_<lang>.png`` and ``.svg`` per language."""
    folder = Path(out_dir) / "figures"
    return [folder / f"{name}_{lang}.{ext}" for lang in LANGS for ext in ("png", "svg")]


def page_figure(height_cm: float) -> Figure:
    """A figure as wide as the report's text column, laid out by matplotlib's constrained
    layout (which keeps labels and legends inside the figure)."""
    return Figure(figsize=(PAGE_WIDTH_CM / 2.54, height_cm / 2.54), layout="constrained")


def for_page(fig: Figure) -> Figure:
    """No figure title (the caption carries it) and no text under :data:`MIN_FONT_PT`."""
    if fig._suptitle is not None:
        fig._suptitle.set_text("")
    fig.draw_without_rendering()  # the ticks and their labels exist from here on
    for item in fig.findobj(Text):
        if item.get_text() and item.get_fontsize() < MIN_FONT_PT:
            item.set_fontsize(MIN_FONT_PT)
    for ax in fig.axes:  # ticks are made anew when drawn, from the axis' own label size
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels()
            if labels and labels[0].get_fontsize() < MIN_FONT_PT:
                axis.set_tick_params(labelsize=MIN_FONT_PT)
    return fig


def write_figure_languages(draw: Callable[[Lang], Figure], out_dir: Path,
                           name: str) -> list[Path]:
    """Draw the figure in each language (in the page's text sizes) and write
    ``out/figures/<name>_<lang>.{png,svg}``. The unsuffixed ``<name>.{png,svg}`` of an earlier
    version of the pipeline is removed, so an output folder never holds a figure older than its
    siblings."""
    written = []
    for lang in LANGS:
        with matplotlib.rc_context(PAGE_STYLE):
            figure = for_page(draw(lang))
        written += write_figure(figure, out_dir, f"{name}_{lang}")
    for ext in ("png", "svg"):
        (Path(out_dir) / "figures" / f"{name}.{ext}").unlink(missing_ok=True)
    return written


class _LocalisedFormatter(ScalarFormatter):
    """matplotlib's own tick labels (its choice of decimals) with the language's decimal mark:
    ``0,5`` in fi and sv."""

    def __init__(self, lang: Lang) -> None:
        super().__init__(useOffset=False)
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        label = super().__call__(x, pos)
        return label if self.lang == "en" else label.replace(".", ",")


def localise_ticks(axis: Axis, lang: Lang) -> None:
    """Tick labels with the language's decimal mark (0,5 in fi/sv)."""
    axis.set_major_formatter(_LocalisedFormatter(lang))


def svg_texts(path: Path) -> list[tuple[str, bool]]:
    """(text, drawn as a count) for every text element of an SVG written with text as text."""
    found: list[tuple[str, bool]] = []

    def walk(node: ET.Element, in_count: bool) -> None:
        in_count = in_count or (node.get("id") or "").startswith(COUNT_GID)
        if node.tag == f"{_SVG}text":
            found.append(("".join(node.itertext()).strip(), in_count))
            return
        for child in node:
            walk(child, in_count)

    walk(ET.parse(path).getroot(), False)
    return found


def svg_small_counts(path: Path) -> list[str]:
    """The texts of a published SVG that show a count of 1–4 persons — must be none: a text
    drawn as a count that reads 1–4, or any text with ``n = 1`` … ``n = 4``."""
    return [f"{path.name}: {value!r}" for value, is_count in svg_texts(path)
            if (is_count and shows_small_count(value)) or _N_EQUALS_SMALL.search(value)]
