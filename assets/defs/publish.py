"""Publish domain: the publication tables (fi/sv/en, small cells suppressed) and the report
page. One asset per table in ``ips_eval.publish.tables.catalog.TABLES`` (key ``tables/<name>``),
downstream of the results it shows, each with a blocking check that no published file
(html, tex, csv, docx, xlsx) shows a count of 1–4; a blocking check per figure that it exists
in fi/sv/en and that no text of its SVGs shows a count of 1–4; the report page
``out/report/index.html`` and ``out/report/tables_<lang>.docx`` downstream of every table,
every figure and the run manifest (with Chromium present, a screenshot at
``out/report/screenshot.png``), with blocking checks that it holds every table and figure in
every language and shows no count of 1–4."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study, TablePngs, Warehouse
from ips_eval.outputs import markdown_preview
from ips_eval.publish.figures.catalog import FIGURES
from ips_eval.publish.figures.common import figure_paths, svg_small_counts
from ips_eval.publish.report import report_coverage, screenshot_report, write_report
from ips_eval.publish.tables.audit import published_small_counts, report_small_counts
from ips_eval.publish.tables.browser import find_browser
from ips_eval.publish.tables.catalog import TABLE_NAMES, TABLES, TableSpec, publish_table
from schemas.codebook import LANGS

GROUP = "publish"


def table_asset(spec: TableSpec) -> dg.AssetsDefinition:
    @dg.asset(key=keys.table(spec.name), group_name=GROUP,
              kinds={"html", "csv"},
              # the source note names the delivery set from out/manifest.json
              deps=[*(dg.AssetKey(k.split("/")) for k in spec.upstream), keys.MANIFEST],
              description=f"Table {spec.name!r} in fi/sv/en: out/tables/{spec.name}_<lang>."
                          "{html,tex,csv,docx,xlsx,png}, counts under 5 suppressed.")
    def _table(context, warehouse: Warehouse, study: Study,  # noqa: ANN001 — Dagster's context
               table_pngs: TablePngs) -> dg.MaterializeResult:
        png = table_pngs.writer()  # the run's one browser, shared by every table
        # the browser takes the PNGs while the run goes on; the report waits for them, or,
        # when the run has no report, the table itself
        report_follows = keys.REPORT in context.job_def.asset_layer.selected_asset_keys
        with warehouse.connect() as con:
            run = publish_table(spec.name, con, study.out, study.cutoffs, png,
                                wait_for_png=not report_follows,
                                horizons=study.horizon_months)
        if png is None:
            png_note = "skipped: no Chromium (scripts/setup_browser.sh)"
        else:
            png_note = "queued: written before the report" if report_follows else "written"
        return dg.MaterializeResult(metadata={
            "rows": run.rows, "files": len(run.files),
            "png": png_note,
            "hidden_cells": dg.MetadataValue.json(run.hidden_cells),
            "preview_en": dg.MetadataValue.md(markdown_preview(run.preview, 30)),
        })

    return _table


def no_small_counts_check(spec: TableSpec) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=keys.table(spec.name), name="shows_no_count_under_5",
                    blocking=True,
                    description="No cell of the published .html/.tex/.csv/.docx/.xlsx shows a "
                                "count of 1–4.")
    def _check(study: Study) -> dg.AssetCheckResult:
        found = [hit for lang in LANGS
                 for hit in published_small_counts(study.out / "tables", spec.name, lang)]
        return dg.AssetCheckResult(passed=not found, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata={"cells": len(found), "examples": "; ".join(found[:5])})

    return _check


TABLE_ASSETS: list[dg.AssetsDefinition] = [table_asset(spec) for spec in TABLES]
TABLE_CHECKS: list[dg.AssetChecksDefinition] = [no_small_counts_check(spec) for spec in TABLES]


def figure_check(name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=keys.figure(name), name="written_in_each_language_no_count_under_5",
                    blocking=True,
                    description="out/figures/<name>_<lang>.png and .svg exist for fi, sv, en and "
                                "no text of the SVGs shows a count of 1–4.")
    def _check(study: Study) -> dg.AssetCheckResult:
        paths = figure_paths(study.out, name)
        missing = [p.name for p in paths if not p.is_file()]
        found = [hit for p in paths if p.suffix == ".svg" and p.is_file()
                 for hit in svg_small_counts(p)]
        return dg.AssetCheckResult(passed=not missing and not found,
                                   severity=dg.AssetCheckSeverity.ERROR,
                                   metadata={"missing": ", ".join(missing) or "none",
                                             "small_counts": "; ".join(found[:5]) or "none"})

    return _check


FIGURE_CHECKS: list[dg.AssetChecksDefinition] = [figure_check(name) for name in FIGURES]

UPSTREAM = [
    *(keys.table(name) for name in TABLE_NAMES),
    *(keys.figure(name) for name in FIGURES),
    keys.MANIFEST,
    keys.QUARANTINE,
]


@dg.asset(key=keys.REPORT, group_name=GROUP, kinds={"html"}, deps=UPSTREAM)
def report(context, warehouse: Warehouse, study: Study,
           table_pngs: TablePngs) -> dg.MaterializeResult:
    """One self-contained page: contents, how to read, tables and figures (fi/sv/en switch),
    deliveries and hashes, validation summary, software versions, and the run it belongs to;
    and every table in one Word file per language."""
    table_pngs.drain()  # every table's PNG is written before the report is
    with warehouse.connect() as con:
        path = write_report(study.out, con, figures=FIGURES, cutoffs=study.cutoffs,
                            run_id=study.run_id or context.run_id)
    browser = find_browser()
    screenshot = None
    if browser is not None:
        screenshot = screenshot_report(path, study.out / "report" / "screenshot.png", browser)
    coverage = report_coverage(path, figures=FIGURES)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)), "bytes": path.stat().st_size,
        "tables_shown": coverage.tables_shown, "tables_missing": ", ".join(coverage.missing),
        "figures": coverage.figures, "figures_missing": ", ".join(coverage.figures_missing),
        "word": ", ".join(p.name for p in sorted(path.parent.glob("*.docx"))),
        "screenshot": str(screenshot) if screenshot else "skipped: no Chromium",
    })


@dg.asset_check(asset=report, blocking=True,
                description="The page holds every table and figure in every language.")
def report_shows_every_table(study: Study) -> dg.AssetCheckResult:
    coverage = report_coverage(study.out / "report" / "index.html", figures=FIGURES)
    missing = coverage.missing + coverage.figures_missing
    return dg.AssetCheckResult(passed=not missing, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"missing": ", ".join(missing) or "none",
                                         "figures": coverage.figures})


@dg.asset_check(asset=report, blocking=True, name="report_shows_no_count_under_5",
                description="No table cell of the page or of tables_<lang>.docx shows a count "
                            "of 1–4.")
def report_shows_no_count_under_5(study: Study) -> dg.AssetCheckResult:
    found = report_small_counts(study.out / "report")
    return dg.AssetCheckResult(passed=not found, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"cells": len(found), "examples": "; ".join(found[:5])})
