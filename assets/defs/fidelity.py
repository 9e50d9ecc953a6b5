"""Fidelity domain: the IPS-25 reviews as an analysis dataset, employment and fidelity per team
(``results.team_outcomes``) and the figure of fidelity against employment by team. Each asset
wires the warehouse and the study settings to plain functions in ``ips_eval.fidelity`` /
``ips_eval.publish.figures.fidelity``."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from assets.metadata import md, result
from ips_eval.fidelity.reviews import build_fidelity
from ips_eval.fidelity.teams import team_outcomes
from ips_eval.outputs import write_figure
from ips_eval.publish.figures.fidelity import (
    fidelity_employment_by_team,
    fidelity_vs_employment_figure,
)
from ips_eval.publish.tables.catalog import read_warehouse_table
from ips_eval.scores.derive import export_analysis_dataset

GROUP = "fidelity"


@dg.asset(key=keys.FIDELITY, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[keys.staging("laatuarviot")])
def analysis_fidelity(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """IPS-25 fidelity reviews: total (all 25 items answered) and band per team × review."""
    with warehouse.connect() as con:
        rows = build_fidelity(con, study.cutoffs)
        paths = export_analysis_dataset(con, "fidelity", study.out)
        bands = con.sql("SELECT cohort, band, count(*) AS reviews FROM analysis.fidelity "
                        "GROUP BY ALL ORDER BY cohort, band").pl()
    return dg.MaterializeResult(metadata={"rows": rows, "files": [p.name for p in paths],
                                          "bands": md(bands)})


@dg.asset(key=keys.results("team_outcomes"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS, keys.TTE, keys.FIDELITY])
def results_team_outcomes(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Per team: clients, those with 12 months' follow-up, of them employed within 12 months,
    and the latest IPS-25 review (total, band)."""
    with warehouse.connect() as con:
        frames = {name: read_warehouse_table(con, f"analysis.{name}")
                  for name in ("clients", "tte", "fidelity")}
        table = team_outcomes(frames["clients"], frames["tte"], frames["fidelity"])
        return result(con, study, "team_outcomes", table, ["region", "team"])


@dg.asset(key=keys.figure("fidelity_vs_employment"), group_name=GROUP, kinds={"matplotlib"},
          deps=[keys.results("team_outcomes")])
def figure_fidelity_vs_employment(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """IPS-25 total against the share employed within 12 months, one point per team (teams
    with small counts left out)."""
    with warehouse.connect() as con:
        teams = read_warehouse_table(con, "results.team_outcomes")
    data = fidelity_employment_by_team(teams)
    paths = write_figure(fidelity_vs_employment_figure(data), study.out, "fidelity_vs_employment")
    return dg.MaterializeResult(metadata={
        "teams": data.height, "teams_shown": int(data["shown"].sum()),
        "files": [p.name for p in paths],
        "path": dg.MetadataValue.path(str(paths[0]))})
