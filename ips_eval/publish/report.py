"""The report page ``out/report/index.html``: one self-contained file (CSS inline, figures as
base64 PNG, no script or font from the network) with a fi/sv/en switch, the contents, a short
"how to read" of the follow-up trap, what may be published, every table and figure with its
number and source note, and the run's deliveries, validation summary and software versions
(:mod:`ips_eval.publish.report_run`). Beside it ``out/report/tables_<lang>.docx``: every table
of one language in one Word file, in report order; and ``report_<lang>.docx``: the report in
Word (:mod:`ips_eval.publish.report_word`).

Reads only what the run wrote: the tables from ``out/tables/<name>_<lang>.html`` (the table
element of each, so the page shows exactly the published, suppressed cells) and
``<name>_<lang>.docx``; the figures from ``out/figures/<name>_<lang>.png`` — or, for a figure
drawn in one language only, ``<name>.png`` — each shown with the language switch;
``out/manifest.json``; the warehouse's ``quarantine.defects``. Tables are numbered by the
catalogue (their titles carry the number), figures by the order they are listed in.

The language switch is three radio buttons and CSS (works with scripts off); a few lines of
plain JS only preselect the language from the address (``index.html#sv``).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from ips_eval.outputs import atomic_path, write_text
from ips_eval.publish.report_run import (
    deliveries_section,
    read_run_inputs,
    software_section,
    text_spans,
    validation_section,
)
from ips_eval.publish.report_word import write_report_document
from ips_eval.publish.tables.catalog import TABLE_NAMES, table_number
from ips_eval.publish.tables.common import DeliverySet, delivery_set
from ips_eval.publish.tables.office import combine_documents
from schemas.codebook import LANGS, Lang
from schemas.report_text import REPORT_TEXT, report_text

# each language by its own name on every page (not a text to translate)
LANG_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
DELIVERIES_PAGE = "deliveries.html"
DOWNLOADS = ("docx", "xlsx", "csv", "tex", "html", "png")

CSS = """
body { font-family: 'Source Sans Pro', 'Segoe UI', 'DejaVu Sans', Helvetica, Arial, sans-serif;
       margin: 0; color: #222; background: #fff; }
header { padding: 16px 32px; background: #0b3d62; color: #fff; }
header h1 { margin: 0 0 6px 0; font-size: 22px; }
main { padding: 8px 32px 48px 32px; max-width: 1400px; }
h2 { border-bottom: 2px solid #0b3d62; padding-bottom: 4px; margin-top: 36px; }
input.langsw { position: absolute; opacity: 0; pointer-events: none; }
nav.langs { padding: 8px 32px; background: #e8eef4; }
nav.langs label { cursor: pointer; padding: 4px 12px; margin-right: 6px; border-radius: 4px;
                  border: 1px solid #0b3d62; display: inline-block; }
#lang-fi:checked ~ nav label[for=lang-fi], #lang-sv:checked ~ nav label[for=lang-sv],
#lang-en:checked ~ nav label[for=lang-en] { background: #0b3d62; color: #fff; }
.l-fi, .l-sv, .l-en { display: none; }
#lang-fi:checked ~ * div.l-fi, #lang-sv:checked ~ * div.l-sv,
#lang-en:checked ~ * div.l-en { display: block; }
#lang-fi:checked ~ * span.l-fi, #lang-sv:checked ~ * span.l-sv,
#lang-en:checked ~ * span.l-en { display: inline; }
#lang-fi:checked ~ * figure.l-fi, #lang-sv:checked ~ * figure.l-sv,
#lang-en:checked ~ * figure.l-en { display: block; }
nav.toc { padding: 8px 32px; font-size: 14px; }
nav.toc ol { padding-left: 20px; margin: 4px 0 12px 0; }
@media (min-width: 1100px) {
  nav.toc { position: fixed; top: 0; bottom: 0; left: 0; width: 270px; overflow-y: auto;
            padding: 12px 16px; background: #f5f8fb; border-right: 1px solid #dde4ea;
            box-sizing: border-box; font-size: 13px; }
  nav.toc h2 { margin-top: 4px; }
  body.with-toc > header, body.with-toc > nav.langs, body.with-toc > main {
    margin-left: 270px; }
}
nav.toc li { margin: 2px 0; }
.read { background: #f5f8fb; border-left: 4px solid #0b3d62; padding: 8px 16px; }
.boundary { font-size: 13px; margin-top: 8px; }
.source { font-size: 11px; color: #555; }
.report-table { margin: 18px 0 30px 0; overflow-x: auto; max-width: 100%; }
.downloads { font-size: 12px; color: #555; margin: -6px 0 0 4px; }
figure { margin: 18px 0 30px 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 14px; margin-top: 4px; }
.ops-wrap { overflow-x: auto; max-width: 100%; }
table.ops { border-collapse: collapse; font-size: 12px; margin: 10px 0 20px 0; }
table.ops th, table.ops td { border-bottom: 1px solid #ccc; padding: 3px 8px; text-align: left; }
table.ops td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.ops th { background: #f0f3f6; }
code { font-size: 11px; }
"""

SCRIPT = """
(function () {
  var lang = (window.location.hash || '').replace('#', '');
  var box = document.getElementById('lang-' + lang);
  if (!box) { return; }
  document.querySelectorAll('input.langsw').forEach(function (b) {
    b.removeAttribute('checked');
  });
  box.setAttribute('checked', '');
  box.checked = true;
  document.documentElement.lang = lang;
})();
"""


def _each(render) -> str:  # noqa: ANN001 — render(lang) -> html
    """One ``div`` per language around ``render(lang)`` (the CSS shows the chosen one)."""
    return "".join(f'<div class="l-{lang}">{render(lang)}</div>' for lang in LANGS)


_TABLE_BLOCK = re.compile(r"<body>\s*(.*)\s*</body>", re.S)
_TITLE = re.compile(r'class="gt_heading gt_title[^"]*"[^>]*>(.*?)</td>', re.S)


def table_fragment(path: Path) -> str | None:
    """The table's ``<div id=…>…</div>`` from a table's standalone HTML page."""
    if not path.is_file():
        return None
    page = path.read_text(encoding="utf-8")
    match = _TABLE_BLOCK.search(page)
    return match.group(1) if match else page


def table_title(path: Path) -> str | None:
    """The numbered title (escaped HTML) of a table's page."""
    fragment = table_fragment(path)
    match = _TITLE.search(fragment or "")
    return match.group(1).strip() if match else None


def figure_path(out_dir: Path, name: str, lang: Lang) -> Path | None:
    """``<name>_<lang>.png``, else the one-language ``<name>.png``, else None."""
    for candidate in (f"{name}_{lang}.png", f"{name}.png"):
        path = Path(out_dir) / "figures" / candidate
        if path.is_file():
            return path
    return None


_LANG_SUFFIX = re.compile("_(?:" + "|".join(LANGS) + ")$")


def discover_figures(out_dir: Path) -> list[str]:
    """The figure names found in ``out/figures`` (the language suffix taken off)."""
    stems = {_LANG_SUFFIX.sub("", p.stem) for p in (Path(out_dir) / "figures").glob("*.png")}
    return sorted(stems)


def _caption(name: str, lang: Lang) -> str:
    key = f"figure_{name}"
    return html.escape(report_text(key, lang) if key in REPORT_TEXT else name.replace("_", " "))


def contents_section(out_dir: Path, names: Sequence[str], figures: Sequence[str]) -> str:
    def render(lang: Lang) -> str:
        titles = [table_title(out_dir / "tables" / f"{name}_{lang}.html") or html.escape(name)
                  for name in names]
        tables = "".join(f'<li><a href="#t-{name}">{title}</a></li>'
                         for name, title in zip(names, titles, strict=True))
        shown = "".join(
            f'<li><a href="#f-{name}">{html.escape(report_text("figure_number", lang, n=i))} '
            f"{_caption(name, lang)}</a></li>" for i, name in enumerate(figures, start=1))
        word = "".join(
            f'<p><a href="{file}">{html.escape(report_text(key, lang))}</a> (docx)</p>'
            for file, key in ((f"report_{lang}.docx", "report_word_report"),
                              (f"tables_{lang}.docx", "report_word_all"))
            if (out_dir / "report" / file).is_file())
        return (f"<h3>{html.escape(report_text('report_tables', lang))}</h3><ol>{tables}</ol>{word}"
                f"<h3>{html.escape(report_text('report_figures', lang))}</h3><ol>{shown}</ol>")

    return (f"<nav class='toc' id='contents'><h2>{text_spans('report_contents')}</h2>"
            f"{_each(render)}</nav>")


def how_to_read_section(names: Sequence[str]) -> str:
    numbers = {key: table_number(name) if name in names else "–"
               for key, name in (("employment", "employment"), ("attachment", "attachment"),
                                 ("jobs", "jobs_per_client"))}
    return (f"<section id='how-to-read' class='read'>"
            f"<h2>{text_spans('report_how_to_read')}</h2><p>{text_spans('report_trap')}</p>"
            f"<p>{text_spans('report_trap_compare', **numbers)}</p></section>")


def tables_section(out_dir: Path, names: Sequence[str] = TABLE_NAMES) -> str:
    parts = [f"<section id='tables'><h2>{text_spans('report_tables')}</h2>"]
    for name in names:
        parts.append(f'<div id="t-{name}"></div>')
        for lang in LANGS:
            fragment = table_fragment(out_dir / "tables" / f"{name}_{lang}.html")
            state = "missing" if fragment is None else "shown"
            if fragment is None:
                missing = html.escape(report_text("report_missing_table", lang))
                body = f"<p><em>{missing}</em> ({name})</p>"
            else:
                links = " · ".join(f'<a href="../tables/{name}_{lang}.{ext}">{ext}</a>'
                                   for ext in DOWNLOADS
                                   if (out_dir / "tables" / f"{name}_{lang}.{ext}").is_file())
                label = html.escape(report_text("report_downloads", lang))
                body = f"{fragment}<p class='downloads'>{label}: {links}</p>"
            parts.append(f'<div class="l-{lang} report-table" data-table="{name}" '
                         f'data-lang="{lang}" data-state="{state}">{body}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def _spans(render) -> str:  # noqa: ANN001 — render(lang) -> escaped text
    return "".join(f'<span class="l-{lang}">{render(lang)}</span>' for lang in LANGS)


def _figure_caption(name: str, number: int) -> str:
    return _spans(lambda lang: "<strong>"
                  f"{html.escape(report_text('figure_number', lang, n=number))}"
                  f"</strong> {_caption(name, lang)}")


def figures_section(out_dir: Path, figures: Sequence[str], source: DeliverySet) -> str:
    """Each figure once per distinct file: a figure drawn in one language only is embedded
    once and shown in every language (its caption and source note switch with the page)."""
    parts = [f"<section id='figures'><h2>{text_spans('report_figures')}</h2>"]
    for number, name in enumerate(figures, start=1):
        parts.append(f'<div id="f-{name}"></div>')
        by_file: dict[Path | None, list[Lang]] = {}
        for lang in LANGS:
            by_file.setdefault(figure_path(out_dir, name, lang), []).append(lang)
        for png, langs in by_file.items():
            classes = " ".join(f"l-{lang}" for lang in langs)
            attributes = (f'class="{classes}" data-figure="{name}" data-lang="{" ".join(langs)}" '
                          f'data-state="{"missing" if png is None else "shown"}"')
            if png is None:
                missing = _spans(
                    lambda lang: html.escape(report_text("report_missing_figure", lang)))
                parts.append(f"<figure {attributes}><p><em>{missing}</em> ({name})</p></figure>")
                continue
            data = base64.b64encode(png.read_bytes()).decode("ascii")
            caption = _figure_caption(name, number)
            note = _spans(lambda lang: html.escape(source.note(lang)))
            parts.append(f"<figure {attributes}><figcaption>{caption}</figcaption>"
                         f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
                         f'<p class="source">{note}</p></figure>')
    parts.append("</section>")
    return "\n".join(parts)


def _cutoffs(out_dir: Path) -> dict[str, date]:
    """The run's cut-offs from the manifest (for the figures' source note)."""
    path = Path(out_dir) / "manifest.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8")).get("cutoffs") or {}
        return {k: date.fromisoformat(str(v)) for k, v in raw.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def render_report(out_dir: Path, con: duckdb.DuckDBPyConnection | None = None,
                  default_lang: Lang = "fi", names: Sequence[str] = TABLE_NAMES,
                  figures: Sequence[str] | None = None,
                  cutoffs: dict[str, date] | None = None, run_id: str | None = None) -> str:
    """The page's HTML."""
    out_dir = Path(out_dir)
    inputs = read_run_inputs(out_dir, con)
    figures = list(figures) if figures is not None else discover_figures(out_dir)
    source = delivery_set(out_dir, cutoffs if cutoffs is not None else _cutoffs(out_dir))
    return _page(default_lang, "report_title", [
        contents_section(out_dir, names, figures), "<main>", how_to_read_section(names),
        tables_section(out_dir, names), figures_section(out_dir, figures, source),
        deliveries_link_section(), software_section(inputs, run_id), "</main>"])


def _page(default_lang: Lang, title: str, body: Sequence[str],
          intro: Sequence[str] = ("report_intro", "report_boundary")) -> str:
    """A page of the report: the language switch (radio buttons and CSS), the header, then
    ``body`` — each part a sibling of the switches, which the CSS needs."""
    switches = "".join(
        f'<input class="langsw" type="radio" name="lang" id="lang-{lang}"'
        f'{" checked" if lang == default_lang else ""}>' for lang in LANGS)
    nav = "".join(f'<label for="lang-{lang}">{LANG_NAMES[lang]}</label>' for lang in LANGS)
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{default_lang}">', "<head>", '<meta charset="utf-8">',
        f"<title>{html.escape(report_text(title, default_lang))}</title>",
        f"<style>{CSS}</style>", "</head>",
        "<body class='with-toc'>" if any("class='toc'" in part for part in body) else "<body>",
        switches,
        f"<header><h1>{text_spans(title)}</h1>"
        + "".join(f"<div class='{key.removeprefix('report_')}'>{text_spans(key)}</div>"
                  for key in intro) + "</header>",
        f'<nav class="langs">{nav}</nav>', *body,
        f"<script>{SCRIPT}</script>", "</body>", "</html>", ""])


def deliveries_link_section() -> str:
    return (f"<section id='deliveries'><h2>{text_spans('report_inputs')}</h2>"
            f'<p><a href="{DELIVERIES_PAGE}">{text_spans("report_deliveries_link")}</a></p>'
            "</section>")


def render_deliveries_page(out_dir: Path, con: duckdb.DuckDBPyConnection | None = None,
                           default_lang: Lang = "fi") -> str:
    """``report/deliveries.html``: the delivery log with hashes, the rejections by rule and
    the validation summary — long, and for checking the run, so beside the report rather than
    in it."""
    inputs = read_run_inputs(Path(out_dir), con)
    back = f'<p><a href="index.html">{text_spans("report_back")}</a></p>'
    return _page(default_lang, "report_inputs", [
        "<main>", back, deliveries_section(inputs), validation_section(inputs), back,
        "</main>"], intro=())


@dataclass
class Coverage:
    tables_shown: int
    missing: list[str]  # "<name>_<lang>" of every table the page lacks
    figures: int  # figure blocks shown (each figure once per language)
    figures_missing: list[str] = field(default_factory=list)  # "<name>_<lang>"


_TABLE_DIV = re.compile(r'data-table="([^"]+)" data-lang="([^"]+)" data-state="([^"]+)"')
_FIGURE = re.compile(r'data-figure="([^"]+)" data-lang="([^"]+)" data-state="([^"]+)"')


def report_coverage(page: Path, names: Sequence[str] = TABLE_NAMES,
                    figures: Sequence[str] = ()) -> Coverage:
    """Which tables and figures (per language) a written page holds; ``figures`` are the ones
    it must hold."""
    content = Path(page).read_text(encoding="utf-8") if Path(page).is_file() else ""
    states = {(n, lang): state for n, lang, state in _TABLE_DIV.findall(content)}
    missing = [f"{n}_{lang}" for n in names for lang in LANGS
               if states.get((n, lang)) != "shown"]
    shown = {(n, lang) for n, langs, state in _FIGURE.findall(content) if state == "shown"
             for lang in langs.split()}
    return Coverage(tables_shown=sum(1 for s in states.values() if s == "shown"),
                    missing=missing, figures=len(shown),
                    figures_missing=[f"{n}_{lang}" for n in figures for lang in LANGS
                                     if (n, lang) not in shown])


def write_tables_documents(out_dir: Path, names: Sequence[str] = TABLE_NAMES) -> list[Path]:
    """``out/report/tables_<lang>.docx``: every table's Word file of one language, in report
    order (a table not produced is left out)."""
    written = []
    for lang in LANGS:
        parts = [p for name in names
                 if (p := Path(out_dir) / "tables" / f"{name}_{lang}.docx").is_file()]
        target = Path(out_dir) / "report" / f"tables_{lang}.docx"
        with atomic_path(target) as tmp:
            combine_documents(parts, tmp, report_text("report_all_tables_title", lang), lang)
        written.append(target)
    return written


def write_report_documents(out_dir: Path, figures: Sequence[str] | None = None,
                           cutoffs: dict[str, date] | None = None) -> list[Path]:
    """``out/report/report_<lang>.docx``: the report in Word
    (:mod:`ips_eval.publish.report_word`)."""
    out_dir = Path(out_dir)
    figures = list(figures) if figures is not None else discover_figures(out_dir)
    source = delivery_set(out_dir, cutoffs if cutoffs is not None else _cutoffs(out_dir))
    return [write_report_document(out_dir, lang,
                                  [(name, figure_path(out_dir, name, lang)) for name in figures],
                                  source)
            for lang in LANGS]


def write_report(out_dir: Path, con: duckdb.DuckDBPyConnection | None = None,
                 figures: Sequence[str] | None = None,
                 cutoffs: dict[str, date] | None = None, run_id: str | None = None) -> Path:
    """Write ``out/report/tables_<lang>.docx``, ``report_<lang>.docx`` and
    ``out/report/index.html`` (atomically); returns the page's path."""
    write_tables_documents(out_dir)
    write_report_documents(out_dir, figures=figures, cutoffs=cutoffs)
    write_text(Path(out_dir) / "report" / DELIVERIES_PAGE, render_deliveries_page(out_dir, con))
    return write_text(Path(out_dir) / "report" / "index.html",
                      render_report(out_dir, con, figures=figures, cutoffs=cutoffs,
                                    run_id=run_id))


def screenshot_report(page: Path, target: Path, browser: str) -> Path:
    """A full-width screenshot of the report's first screenful(s) in headless Chromium."""
    from ips_eval.publish.tables.browser import run_headless

    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        run_headless(browser, f"--screenshot={tmp}", "--window-size=1400,2400",
                     "--hide-scrollbars", "--virtual-time-budget=5000",
                     Path(page).resolve().as_uri())
    return target
