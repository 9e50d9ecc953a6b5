"""The report page: ``out/report/index.html`` with every table and figure, the deliveries, the
validation summary and software versions — downstream of every table, every figure and the run
manifest. With Chromium present a screenshot of the page is kept at
``out/report/screenshot.png``."""

from __future__ import annotations

import dagster as dg

from assets.defs.resources import Study, Warehouse
from ips_eval.report import report_coverage, screenshot_report, write_report
from ips_eval.tables.browser import find_browser
from ips_eval.tables.catalog import TABLE_NAMES

FIGURES = ("km_tenure_by_cohort", "cif_first_job_by_cohort", "scores_by_wave",
           "register_states_by_rel_month", "fidelity_vs_employment")

UPSTREAM = [
    *(dg.AssetKey(["tables", name]) for name in TABLE_NAMES),
    *(dg.AssetKey(["figures", name]) for name in FIGURES),
    dg.AssetKey(["meta", "manifest"]),
    dg.AssetKey(["quarantine", "defects"]),
]


@dg.asset(key=["report"], group_name="tables", kinds={"html"}, deps=UPSTREAM)
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
