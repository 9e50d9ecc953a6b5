"""Publish domain: the publication tables (fi/sv/en, small cells suppressed) and the report
page. One asset per table in ``ips_eval.publish.tables.catalog.TABLES`` (key ``tables/<name>``),
downstream of the results it shows, each with a blocking check that no published file shows a
count of 1–4; the report page ``out/report/index.html`` downstream of every table, every
figure and the run manifest (with Chromium present, a screenshot at
``out/report/screenshot.png``)."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from ips_eval.outputs import markdown_preview
from ips_eval.publish.report import report_coverage, screenshot_report, write_report
from ips_eval.publish.tables.audit import published_small_counts
from ips_eval.publish.tables.browser import find_browser, png_session
from ips_eval.publish.tables.catalog import TABLE_NAMES, TABLES, TableSpec, publish_table
from schemas.codebook import LANGS

GROUP = "publish"
def table_asset(spec: TableSpec) -> dg.AssetsDefinition:
    @dg.asset(key=keys.table(spec.name), group_name=GROUP,
              kinds={"html", "csv"}, # the source note names the delivery set from out/manifest.json
              deps=[*(dg.AssetKey(k.split("/")) for k in spec.upstream), keys.MANIFEST],
              description=f"Table {spec.name!r} in fi/sv/en: out/tables/{spec.name}_<lang>."
                          "{html,tex,csv,png}, counts under 5 suppressed.")
    def _table(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
        with warehouse.connect() as con, png_session() as png:
            run = publish_table(spec.name, con, study.out, study.cutoffs, png)
            png_written = png is not None
        return dg.MaterializeResult(metadata={
            "rows": run.rows, "files": len(run.files),
            "png": "written" if png_written else "skipped: no Chromium (scripts/setup_browser.sh)",
            "hidden_cells": dg.MetadataValue.json(run.hidden_cells),
            "preview_en": dg.MetadataValue.md(markdown_preview(run.preview, 30)),
        })

    return _table


def no_small_counts_check(spec: TableSpec) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=keys.table(spec.name), name="shows_no_count_under_5",
                    blocking=True,
                    description="No cell of the published .html/.tex/.csv shows a count of 1–4.")
    def _check(study: Study) -> dg.AssetCheckResult:
        found = [hit for lang in LANGS
                 for hit in published_small_counts(study.out / "tables", spec.name, lang)]
        return dg.AssetCheckResult(passed=not found, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata={"cells": len(found), "examples": "; ".join(found[:5])})

    return _check


TABLE_ASSETS: list[dg.AssetsDefinition] = [table_asset(spec) for spec in TABLES]
TABLE_CHECKS: list[dg.AssetChecksDefinition] = [no_small_counts_check(spec) for spec in TABLES]


FIGURES = ("km_tenure_by_cohort", "cif_first_job_by_cohort", "scores_by_wave",
           "register_states_by_rel_month", "register_effect_by_rel_month",
           "fidelity_vs_employment", "process_by_coach", "quarterly_rate_by_team")

UPSTREAM = [
    *(keys.table(name) for name in TABLE_NAMES),
    *(keys.figure(name) for name in FIGURES),
    keys.MANIFEST,
    keys.QUARANTINE,
]


@dg.asset(key=keys.REPORT, group_name=GROUP, kinds={"html"}, deps=UPSTREAM)
def report(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """One self-contained page: tables (fi/sv/en switch), figures, deliveries and hashes,
    validation summary, software versions."""
    with warehouse.connect() as con:
        path = write_report(study.out, con)
    browser = find_browser()
    screenshot = None
    if browser is not None:
        screenshot = screenshot_report(path, study.out / "report" / "screenshot.png", browser)
    coverage = report_coverage(path)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)), "bytes": path.stat().st_size,
        "tables_shown": coverage.tables_shown, "tables_missing": ", ".join(coverage.missing),
        "figures": coverage.figures,
        "screenshot": str(screenshot) if screenshot else "skipped: no Chromium",
    })


@dg.asset_check(asset=report, blocking=True,
                description="The page holds every table in every language.")
def report_shows_every_table(study: Study) -> dg.AssetCheckResult:
    coverage = report_coverage(study.out / "report" / "index.html")
    return dg.AssetCheckResult(passed=not coverage.missing, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"missing": ", ".join(coverage.missing) or "none",
                                         "figures": coverage.figures})
