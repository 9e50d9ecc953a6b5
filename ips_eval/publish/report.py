"""The report page ``out/report/index.html``: one self-contained file (CSS inline, figures as
base64 PNG, no script or font from the network) with every table and figure, a fi/sv/en
switch, the run's deliveries with their hashes, the validation summary and software versions.

Reads only what the run wrote: the tables from ``out/tables/<name>_<lang>.html`` (the table
element of each, so the page shows exactly the published, suppressed cells), every
``out/figures/*.png``, ``out/manifest.json`` (ingest: files, per-source reconciliation, package
versions) and, for rejected values by rule and level, the warehouse's ``quarantine.defects``.
Quarantined *values* are never shown — they may be (masked) identity codes — only counts.
The deliveries and validation sections are for checking the run; their counts are not
statistics about persons and are not suppressed.

The language switch is three radio buttons and CSS (works with scripts off); a few lines of
plain JS only preselect the language from the address (``index.html#sv``).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.ingest.manifest import package_versions
from ips_eval.outputs import atomic_path
from ips_eval.publish.tables.catalog import TABLE_NAMES
from ips_eval.publish.tables.common import manifest_files
from schemas.codebook import LANGS, Lang
from schemas.rules import RULES
from schemas.table_text import TEXT, text

LANG_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

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
.report-table { margin: 18px 0 30px 0; }
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


def _t(key: str, **fields: object) -> str:
    """A text in all three languages, each in its own span (the CSS shows one)."""
    return "".join(f'<span class="l-{lang}">{html.escape(text(key, lang, **fields))}</span>'
                   for lang in LANGS)


_TABLE_BLOCK = re.compile(r"<body>\s*(.*)\s*</body>", re.S)


def table_fragment(path: Path) -> str | None:
    """The table's ``<div id=…>…</div>`` from a table's standalone HTML page."""
    if not path.is_file():
        return None
    page = path.read_text(encoding="utf-8")
    match = _TABLE_BLOCK.search(page)
    return match.group(1) if match else page


def tables_section(out_dir: Path, names: Sequence[str] = TABLE_NAMES) -> str:
    parts = [f"<section id='tables'><h2>{_t('report_tables')}</h2>"]
    for name in names:
        for lang in LANGS:
            fragment = table_fragment(out_dir / "tables" / f"{name}_{lang}.html")
            state = "missing" if fragment is None else "shown"
            if fragment is None:
                missing = html.escape(text("report_missing_table", lang))
                body = f"<p><em>{missing}</em> ({name})</p>"
            else:
                links = " · ".join(f'<a href="../tables/{name}_{lang}.{ext}">{ext}</a>'
                                   for ext in ("csv", "tex", "html", "png")
                                   if (out_dir / "tables" / f"{name}_{lang}.{ext}").is_file())
                label = html.escape(text("report_downloads", lang))
                body = f"{fragment}<p class='downloads'>{label}: {links}</p>"
            parts.append(f'<div class="l-{lang} report-table" data-table="{name}" '
                         f'data-lang="{lang}" data-state="{state}">{body}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def figures_section(out_dir: Path) -> str:
    parts = [f"<section id='figures'><h2>{_t('report_figures')}</h2>"]
    for png in sorted((out_dir / "figures").glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        key = f"figure_{png.stem}"
        caption = _t(key) if key in TEXT else html.escape(png.stem.replace("_", " "))
        parts.append(f'<figure data-figure="{png.stem}"><img alt="{html.escape(png.stem)}" '
                     f'src="data:image/png;base64,{data}"><figcaption>{caption}</figcaption>'
                     "</figure>")
    parts.append("</section>")
    return "\n".join(parts)


def _ops_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
               numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_t(h) if h in TEXT else html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{html.escape(str(v))}</td>' if i in numeric
            else f"<td>{html.escape('' if v is None else str(v))}</td>"
            for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f"<div class='ops-wrap'><table class='ops'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


@dataclass
class RunInputs:
    manifest: dict | None
    defects_by_rule: pl.DataFrame | None


def read_run_inputs(out_dir: Path, con: duckdb.DuckDBPyConnection | None) -> RunInputs:
    manifest = None
    path = out_dir / "manifest.json"
    if path.is_file():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            manifest = None
    defects = None
    if con is not None:
        found = con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                            "table_schema = 'quarantine' AND table_name = 'defects'").fetchall()
        if found and found[0][0]:
            defects = con.sql("SELECT source, level, rule, count(*) AS n FROM quarantine.defects "
                              "GROUP BY ALL ORDER BY source, level, rule").pl()
    return RunInputs(manifest, defects)


def deliveries_section(inputs: RunInputs) -> str:
    parts = [f"<section id='deliveries'><h2>{_t('report_inputs')}</h2>"]
    files = manifest_files(inputs.manifest)
    if not files:
        parts.append(f"<p>{_t('report_no_manifest')}</p></section>")
        return "\n".join(parts)
    rows = [(f.get("source"), f.get("file"), f.get("delivery_date"), f.get("size_bytes"),
             str(f.get("content_hash") or "")[:16], f.get("outcome"), f.get("rows_read"),
             f.get("staged"), f.get("superseded"), f.get("exact_duplicates"),
             f.get("quarantined_rows")) for f in files]
    parts.append(_ops_table(
        ("report_source", "report_file", "report_delivery_date", "report_size", "report_hash",
         "report_outcome", "report_rows_read", "report_staged", "report_superseded",
         "report_duplicates", "report_quarantined"), rows, numeric=(3, 6, 7, 8, 9, 10)))
    parts.append("</section>")
    return "\n".join(parts)


def validation_section(inputs: RunInputs) -> str:
    parts = [f"<section id='validation'><h2>{_t('report_validation')}</h2>"]
    sources = (inputs.manifest or {}).get("sources") or {}
    if sources:
        rows = [(name, s.get("rows_read"), s.get("staged"), s.get("superseded"),
                 s.get("exact_duplicates"), s.get("quarantined_rows"), s.get("field_defects"))
                for name, s in sources.items()]
        parts.append(_ops_table(
            ("report_source", "report_rows_read", "report_staged", "report_superseded",
             "report_duplicates", "report_quarantined", "report_field_defects"), rows,
            numeric=(1, 2, 3, 4, 5, 6)))
    by_rule = inputs.defects_by_rule
    if by_rule is None and sources:
        by_rule = pl.DataFrame(
            [{"source": name, "level": RULES[r].level if r in RULES else "", "rule": r, "n": n}
             for name, s in sources.items() for r, n in (s.get("by_rule") or {}).items()],
            schema={"source": pl.Utf8, "level": pl.Utf8, "rule": pl.Utf8, "n": pl.Int64})
    if by_rule is not None and by_rule.height:
        parts.append(f"<h3>{_t('report_by_rule')}</h3>")
        rows = [(r["source"], r["level"], r["rule"],
                 RULES[r["rule"]].en if r["rule"] in RULES else "", r["n"])
                for r in by_rule.iter_rows(named=True)]
        parts.append(_ops_table(
            ("report_source", "report_level", "report_rule", "", "report_count"), rows,
            numeric=(4,)))
    if not sources and (by_rule is None or not by_rule.height):
        parts.append(f"<p>{_t('report_no_manifest')}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def software_section(inputs: RunInputs, run_id: str | None = None) -> str:
    manifest = inputs.manifest or {}
    versions = manifest.get("package_versions") or package_versions()
    rows = [(name, version) for name, version in versions.items()]
    parts = [f"<section id='software'><h2>{_t('report_software')}</h2>",
             _ops_table(("report_package", "report_version"), rows)]
    if run_id:  # the run this page belongs to (the manifest names its run the same way)
        parts.append(f"<p>{_t('report_run')}: <code data-run-id>{html.escape(run_id)}</code>"
                     "</p>")
    if manifest.get("git_commit"):
        parts.append(f"<p>{_t('report_commit')}: <code>{html.escape(manifest['git_commit'])}"
                     "</code></p>")
    if manifest.get("uses_demo_key"):
        parts.append(f"<p><strong>{_t('report_demo_key')}</strong></p>")
    parts.append("</section>")
    return "\n".join(parts)



def render_report(out_dir: Path, con: duckdb.DuckDBPyConnection | None = None,
                  default_lang: Lang = "fi", run_id: str | None = None) -> str:
    """The page's HTML."""
    out_dir = Path(out_dir)
    inputs = read_run_inputs(out_dir, con)
    switches = "".join(
        f'<input class="langsw" type="radio" name="lang" id="lang-{lang}"'
        f'{" checked" if lang == default_lang else ""}>' for lang in LANGS)
    nav = "".join(f'<label for="lang-{lang}">{LANG_NAMES[lang]}</label>' for lang in LANGS)
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{default_lang}">', "<head>", '<meta charset="utf-8">',
        f"<title>{html.escape(text('report_title', default_lang))}</title>",
        f"<style>{CSS}</style>", "</head>", "<body>", switches,
        f"<header><h1>{_t('report_title')}</h1><div>{_t('report_intro')}</div></header>",
        f'<nav class="langs">{nav}</nav>', "<main>",
        tables_section(out_dir), figures_section(out_dir), deliveries_section(inputs),
        validation_section(inputs), software_section(inputs, run_id), "</main>",
        f"<script>{SCRIPT}</script>", "</body>", "</html>", ""])


@dataclass
class Coverage:
    tables_shown: int
    missing: list[str]  # "<name>_<lang>" of every table the page lacks
    figures: int


_TABLE_DIV = re.compile(r'data-table="([^"]+)" data-lang="([^"]+)" data-state="([^"]+)"')


def report_coverage(page: Path, names: Sequence[str] = TABLE_NAMES) -> Coverage:
    """Which tables (per language) and how many figures a written page holds."""
    content = Path(page).read_text(encoding="utf-8") if Path(page).is_file() else ""
    states = {(n, lang): state for n, lang, state in _TABLE_DIV.findall(content)}
    missing = [f"{n}_{lang}" for n in names for lang in LANGS
               if states.get((n, lang)) != "shown"]
    return Coverage(tables_shown=sum(1 for s in states.values() if s == "shown"),
                    missing=missing, figures=content.count("<figure data-figure="))


def write_report(out_dir: Path, con: duckdb.DuckDBPyConnection | None = None,
                 run_id: str | None = None) -> Path:
    """Write ``out/report/index.html`` atomically; returns its path."""
    path = Path(out_dir) / "report" / "index.html"
    with atomic_path(path) as tmp:
        tmp.write_text(render_report(out_dir, con, run_id=run_id), encoding="utf-8")
    return path


def screenshot_report(page: Path, target: Path, browser: str) -> Path:
    """A full-width screenshot of the report's first screenful(s) in headless Chromium."""
    from ips_eval.publish.tables.browser import run_headless

    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        run_headless(browser, f"--screenshot={tmp}", "--window-size=1400,2400",
                     "--hide-scrollbars", "--virtual-time-budget=5000",
                     Path(page).resolve().as_uri())
    return target
