"""The report page (ips_eval.publish.report): every table in every language and every figure on one
self-contained page with the deliveries, validation summary and versions; rendered by headless
Chromium in the browser test (its screenshot is kept and its path printed)."""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from support.english import english_only, untranslated
from support.tables import CUTOFFS, sample_frames, write_sample_warehouse

from ips_eval.outputs import write_figure
from ips_eval.publish.figures.fidelity import (
    fidelity_employment_by_team,
    fidelity_vs_employment_figure,
)
from ips_eval.publish.report import report_coverage, screenshot_report, write_report
from ips_eval.publish.tables.audit import report_small_counts
from ips_eval.publish.tables.browser import dump_dom, find_browser
from ips_eval.publish.tables.catalog import TABLE_NAMES, publish_table, table_number
from ips_eval.publish.tables.common import delivery_set
from ips_eval.warehouse import connect
from schemas.codebook import LANGS
from schemas.report_text import report_text
from schemas.table_text import text

MASKED_VALUE = "******-****"  # what ingest stores for a rejected identity code
FIGURES = ("km_tenure_by_cohort", "fidelity_vs_employment")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small run's outputs: tables, two figures, a manifest and quarantine records."""
    out = tmp_path_factory.mktemp("report_run")
    write_sample_warehouse(out / "ips_eval.duckdb")
    manifest = {
        "generated_at": "2025-03-04T10:00:00+00:00", "git_commit": "abc123def", "uses_demo_key":
        True, "package_versions": {"python": "3.11.7", "duckdb": "2.0.0"},
        "sources": {"asiakkaat": {"rows_read": 120, "staged": 110, "superseded": 6,
                                  "exact_duplicates": 1, "quarantined_rows": 3,
                                  "field_defects": 2, "by_rule": {"unknown_client": 3}}},
        "files": [{"source": "asiakkaat", "file": "2023-07-05_HEL.xlsx",
                   "content_hash": "f" * 64, "size_bytes": 20480,
                   "delivery_date": "2023-07-05", "outcome": "loaded", "rows_read": 120,
                   "staged": 110, "superseded": 6, "exact_duplicates": 1,
                   "quarantined_rows": 3},
                  {"source": "asiakkaat", "file": "2023-08-01_HEL.csv", "content_hash": "e" * 64,
                   "size_bytes": 0, "delivery_date": "2023-08-01", "rule": "file_empty",
                   "outcome": "rejected: the file is empty (0 bytes)", "rows_read": 0}]}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    con = duckdb.connect(str(out / "ips_eval.duckdb"))
    con.execute("CREATE SCHEMA IF NOT EXISTS quarantine")
    con.execute("CREATE TABLE quarantine.defects (source VARCHAR, file VARCHAR, \"row\" INTEGER, "
                "\"column\" VARCHAR, level VARCHAR, rule VARCHAR, value VARCHAR, "
                "message VARCHAR, content_hash VARCHAR)")
    con.execute("INSERT INTO quarantine.defects VALUES ('asiakkaat', '2023-07-05_HEL.xlsx', 7, "
                "'pid', 'field', 'invalid_hetu_field', ?, 'invalid HETU', 'ff')", [MASKED_VALUE])
    con.close()
    with connect(out / "ips_eval.duckdb") as con:
        for name in TABLE_NAMES:
            publish_table(name, con, out, CUTOFFS, png=None)
    frames = sample_frames()
    data = fidelity_employment_by_team(frames["results.team_outcomes"])
    write_figure(fidelity_vs_employment_figure(data), out, "fidelity_vs_employment")
    shutil.copy(out / "figures" / "fidelity_vs_employment.png",
                out / "figures" / "km_tenure_by_cohort.png")  # stands in for another's figure
    with connect(out / "ips_eval.duckdb") as con:
        write_report(out, con, figures=FIGURES, cutoffs=CUTOFFS)
    return out


def test_report_holds_every_table_in_every_language_and_every_figure(run_dir: Path) -> None:
    coverage = report_coverage(run_dir / "report" / "index.html", figures=FIGURES)
    assert coverage.missing == [] and coverage.figures_missing == []
    assert coverage.tables_shown == len(TABLE_NAMES) * len(LANGS)
    assert coverage.figures == len(FIGURES) * len(LANGS)
    # a figure the run did not draw is named as missing
    assert report_coverage(run_dir / "report" / "index.html",
                           figures=("scores_by_wave",)).figures_missing == [
        f"scores_by_wave_{lang}" for lang in LANGS]


def test_report_shows_a_figure_in_each_language_from_its_own_file(run_dir: Path,
                                                                   tmp_path: Path) -> None:
    shutil.copytree(run_dir / "tables", tmp_path / "tables")
    shutil.copytree(run_dir / "figures", tmp_path / "figures")
    # a Swedish drawing of one figure; Finnish and English fall back to the plain file
    swedish = b"\x89PNG\r\n\x1a\n" + b"sv" * 40
    (tmp_path / "figures" / "fidelity_vs_employment_sv.png").write_bytes(swedish)
    write_report(tmp_path, figures=FIGURES)
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<figure class="([^"]+)" data-figure="fidelity_vs_employment"'
                        r'.*?src="data:image/png;base64,([^"]+)"', page, re.S)
    by_class = {classes: base64.b64decode(data) for classes, data in blocks}
    plain = (run_dir / "figures" / "fidelity_vs_employment.png").read_bytes()
    assert by_class == {"l-fi l-en": plain, "l-sv": swedish}
    coverage = report_coverage(tmp_path / "report" / "index.html", figures=FIGURES)
    assert coverage.figures_missing == [] and coverage.figures == len(FIGURES) * len(LANGS)


def test_report_has_contents_how_to_read_and_the_publishing_boundary(run_dir: Path) -> None:
    page = unescape((run_dir / "report" / "index.html").read_text(encoding="utf-8"))
    for lang in LANGS:
        for name in TABLE_NAMES:
            assert f'<a href="#t-{name}">{text("table_number", lang, n=table_number(name))}' \
                in page
        assert report_text("figure_number", lang, n=2) in page
        assert report_text("report_trap", lang) in page
        assert report_text("report_boundary", lang) in page
        assert report_text("report_trap_compare", lang, employment=table_number("employment"),
                    attachment=table_number("attachment"),
                    jobs=table_number("jobs_per_client")) in page
        assert f'href="tables_{lang}.docx"' in page
    # every figure carries its source note, in every language
    assert page.count(delivery_set(run_dir, CUTOFFS).note("sv")) >= len(FIGURES)


def test_report_says_when_a_table_was_not_produced(run_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(run_dir / "tables", tmp_path / "tables")
    (tmp_path / "tables" / "cox_sv.html").unlink()
    write_report(tmp_path)
    assert report_coverage(tmp_path / "report" / "index.html").missing == ["cox_sv"]


def test_report_is_self_contained(run_dir: Path) -> None:
    page = (run_dir / "report" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "<link" not in page
    assert "data:image/png;base64," in page


def test_report_shows_deliveries_validation_and_versions_but_no_rejected_values(
        run_dir: Path) -> None:
    """The delivery log and validation on a page of their own, linked from the report; the
    versions and the run on the report."""
    page = (run_dir / "report" / "index.html").read_text(encoding="utf-8")
    deliveries = (run_dir / "report" / "deliveries.html").read_text(encoding="utf-8")
    assert 'href="deliveries.html"' in page and "2023-07-05_HEL.xlsx" not in page
    assert "2023-07-05_HEL.xlsx" in deliveries and "f" * 16 in deliveries  # file and its hash
    assert "invalid_hetu_field" in deliveries and "unknown_client" not in deliveries
    assert "abc123def" in page and "duckdb" in page
    assert MASKED_VALUE not in page and MASKED_VALUE not in deliveries


def test_the_report_in_word_holds_how_to_read_methods_every_table_and_figure(
        run_dir: Path, tmp_path: Path) -> None:
    """report/report_<lang>.docx: A4 in its language, the "how to read" and methods, every
    table of the catalogue, and every figure as a picture under its SEQ-numbered caption."""
    tags = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
    for lang in LANGS:
        document = Document(str(run_dir / "report" / f"report_{lang}.docx"))
        for section in document.sections:
            assert sorted((section.page_width.twips, section.page_height.twips)) == [11906,
                                                                                     16838]
        defaults = document.styles.element.find(qn("w:docDefaults"))
        assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == tags[lang]
        paragraphs = [p.text for p in document.paragraphs]
        for key in ("report_how_to_read", "report_trap", "report_methods",
                    "report_methods_analysis", "report_tables", "report_figures"):
            assert report_text(key, lang) in paragraphs, (lang, key)
        assert len(document.tables) == len(TABLE_NAMES)
        assert len(document.inline_shapes) == len(FIGURES)
        fields = [e.text for e in document.element.body.iter(qn("w:instrText"))]
        figure = f" SEQ {report_text('figure_label', lang)} \\* ARABIC "
        assert fields.count(figure) == len(FIGURES)
        assert fields.count(f" SEQ {text('table_label', lang)} \\* ARABIC ") == len(TABLE_NAMES)
        captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
        caption = (f"{report_text('figure_label', lang)} 2. "
                   f"{report_text('figure_' + FIGURES[1], lang)}")
        assert caption in captions
    page = (run_dir / "report" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="report_{lang}.docx"' in page for lang in LANGS)
    assert report_small_counts(run_dir / "report") == []
    # the audit reads the report in Word too: a count of 3 planted there is found
    planted = Document(str(run_dir / "report" / "report_fi.docx"))
    cell = next(c for t in planted.tables for r in t.rows for c in r.cells[1:] if c.text == "..")
    cell.paragraphs[0].runs[0].text = "3"
    audit = tmp_path / "report"
    audit.mkdir()
    planted.save(str(audit / "report_fi.docx"))
    assert [hit.split(":")[0] for hit in report_small_counts(audit)] == ["report_fi.docx"]


class _LanguageTexts(HTMLParser):
    """The visible texts of a page by language: inside an element of class ``l-fi`` (``l-sv``,
    ``l-en``) a text is that language's; outside every one it shows in all of them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: dict[str | None, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "meta", "hr", "col", "link"):
            return
        classes = (dict(attrs).get("class") or "").split()
        langs = [c[2:] for c in classes if c.startswith("l-")]
        inherited = self.stack[-1][1] if self.stack else None
        self.stack.append((tag, langs[0] if len(langs) == 1 else inherited))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] not in ("style", "script", "title"):
            self.texts.setdefault(self.stack[-1][1], []).append(data)


def test_finnish_and_swedish_outputs_show_no_english_text(run_dir: Path) -> None:
    """Every visible text of the fi and sv tables (.csv, .docx, .xlsx) and of the report page
    (tables, figure captions, deliveries, validation with its rules and levels) is in its
    language: none equals an English-only text of the codebook or the code ("loaded", "row",
    "other" …)."""
    english = english_only()
    pages = []
    for name in ("index.html", "deliveries.html"):
        pages.append(_LanguageTexts())
        pages[-1].feed((run_dir / "report" / name).read_text(encoding="utf-8"))
    for lang in ("fi", "sv"):
        shown = [t for page in pages for t in (*page.texts.get(lang, []),
                                                *page.texts.get(None, []))]
        for name in TABLE_NAMES:
            base = run_dir / "tables" / f"{name}_{lang}"
            shown += [c for row in _csv_rows(base.with_suffix(".csv")) for c in row]
            document = Document(str(base.with_suffix(".docx")))
            shown += [p.text for p in document.paragraphs]
            shown += [c.text for t in document.tables for r in t.rows for c in r.cells]
            sheet = load_workbook(base.with_suffix(".xlsx")).worksheets[0]
            shown += [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
            shown.append(sheet.title)
        assert untranslated(shown, english) == [], lang
    assert untranslated(["Diagnoosiryhmä (ICD-10): other", "loaded"], english) == [
        "Diagnoosiryhmä (ICD-10): other", "loaded"]  # the test can fail


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# Injected into a copy of the page: after loading, lists the tables and figures a reader can see
# (laid out, images decoded) and every resource the page fetched that is not inline.
PROBE = """<script>
window.addEventListener('load', function () {
  var visible = function (sel) {
    return Array.prototype.filter.call(document.querySelectorAll(sel), function (e) {
      return e.getClientRects().length > 0; }); };
  var tables = visible('[data-table][data-state=shown]').map(function (e) {
    return e.dataset.table; });
  var figures = visible('figure[data-state=shown]').filter(function (f) {
    var img = f.querySelector('img'); return img && img.complete && img.naturalWidth > 0;
  }).map(function (f) { return f.dataset.figure; });
  var fetched = performance.getEntriesByType('resource').map(function (r) { return r.name; });
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({lang: document.documentElement.lang, tables: tables,
                                    figures: figures, fetched: fetched});
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.browser
def test_report_shows_every_table_and_figure_per_language_offline(run_dir: Path,
                                                                  tmp_path: Path) -> None:
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium found: run scripts/setup_browser.sh (CI installs it)")
    page = tmp_path / "report" / "index.html"
    page.parent.mkdir()
    html = (run_dir / "report" / "index.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    for lang in LANGS:
        dom = dump_dom(browser, page, fragment=lang)
        probe = json.loads(unescape(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
                                    .group(1)))
        assert probe["lang"] == lang
        # exactly one language's tables, every one of the catalogue, and every figure
        assert probe["tables"] == list(TABLE_NAMES)
        assert sorted(probe["figures"]) == sorted(FIGURES)
        assert probe["fetched"] == []  # nothing loaded from anywhere: all inline


@pytest.mark.browser
def test_report_renders_in_headless_chromium(run_dir: Path, tmp_path: Path) -> None:
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium found: run scripts/setup_browser.sh (CI installs it)")
    page = run_dir / "report" / "index.html"
    dom = dump_dom(browser, page)
    # the browser parsed every table of every language from the page
    for name in TABLE_NAMES:
        for lang in LANGS:
            assert f'id="{name}_{lang}"' in dom
    assert dom.count("<table") >= len(TABLE_NAMES) * len(LANGS)
    assert "Taulukko 1." in dom and "Tabell 1." in dom and "Table 1." in dom
    # the switch: #sv in the address selects Swedish
    sv = dump_dom(browser, page, fragment="sv")
    assert re.search(r'id="lang-sv"[^>]*checked', sv) and 'lang="sv"' in sv
    shot = screenshot_report(page, tmp_path / "report_screenshot.png", browser)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    print(f"report screenshot kept at {shot}")

