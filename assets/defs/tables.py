"""Tables domain: the publication tables (fi/sv/en, small cells suppressed) and the fidelity
figure. One asset per table in ``ips_eval.tables.catalog.TABLES`` (key ``tables/<name>``),
downstream of the results it shows, each with a blocking check that no published file shows a
count of 1–4."""

from __future__ import annotations

import dagster as dg

from assets.defs.resources import Study, Warehouse
from ips_eval.figures_fidelity import fidelity_employment_by_team, fidelity_vs_employment_figure
from ips_eval.outputs import markdown_preview, write_figure
from ips_eval.tables.audit import published_small_counts
from ips_eval.tables.browser import png_session
from ips_eval.tables.catalog import TABLES, TableSpec, publish_table, read_warehouse_table
from schemas.codebook import LANGS

GROUP = "tables"
# the source note names the delivery set from out/manifest.json
MANIFEST = dg.AssetKey(["meta", "manifest"])


def _key(path: str) -> dg.AssetKey:
    return dg.AssetKey(path.split("/"))


def table_asset(spec: TableSpec) -> dg.AssetsDefinition:
    @dg.asset(key=["tables", spec.name], group_name=GROUP,
              kinds={"html", "csv"}, deps=[*(_key(k) for k in spec.upstream), MANIFEST],
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
    @dg.asset_check(asset=dg.AssetKey(["tables", spec.name]), name="shows_no_count_under_5",
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


@dg.asset(key=["figures", "fidelity_vs_employment"], group_name=GROUP, kinds={"matplotlib"},
          deps=[_key("analysis/clients"), _key("analysis/tte"), _key("analysis/fidelity")])
def figure_fidelity_vs_employment(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """IPS-25 total against the share employed within 12 months, one point per team (teams
    with small counts left out)."""
    with warehouse.connect() as con:
        frames = {name: read_warehouse_table(con, f"analysis.{name}")
                  for name in ("clients", "tte", "fidelity")}
    data = fidelity_employment_by_team(frames["clients"], frames["tte"], frames["fidelity"])
    paths = write_figure(fidelity_vs_employment_figure(data), study.out, "fidelity_vs_employment")
    return dg.MaterializeResult(metadata={
        "teams": data.height, "teams_shown": int(data["shown"].sum()),
        "files": [p.name for p in paths],
        "path": dg.MetadataValue.path(str(paths[0]))})
