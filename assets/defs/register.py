"""Register domain: benefit and earnings trajectories by month (DESIGN.md §4, register months).
Each asset wires the warehouse and the study settings to one plain function in
``ips_eval.register.monthly`` / ``ips_eval.publish.figures.register``; the checks guard the
dataset beside it."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from assets.metadata import md
from ips_eval.export import export_dataset
from ips_eval.publish.figures.register import FIGURE_NAME, write_register_states_figure
from ips_eval.register.monthly import (
    REGISTER_MONTHLY,
    build_register_monthly,
    duplicate_person_months,
    kela_share_mismatches,
    null_main_states,
    register_monthly_summary,
    write_register_results,
)
from schemas.analysis import dataset

GROUP = "register"



@dg.asset(key=keys.REGISTER_MONTHLY, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[keys.staging(t) for t in ("kela", "tulorekisteri", "asiakkaat")])
def analysis_register_monthly(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """One row per person and calendar month: earnings, Kela benefits (shared out by days)
    and the main state; clients from index month − 24 to the cut-off's or extract's month,
    register comparison persons over the whole extract."""
    with warehouse.connect() as con:
        build_register_monthly(con, study.cutoffs)
        paths = export_dataset(con, REGISTER_MONTHLY, study.out, dataset("register_monthly"),
                               lang=study.label_lang)
        summary = register_monthly_summary(con)
        states = con.sql(f"SELECT CASE WHEN client_id IS NULL THEN 'comparison' ELSE cohort "
                         f"END AS person_group, main_state, count(*) AS person_months "
                         f"FROM {REGISTER_MONTHLY} GROUP BY ALL ORDER BY ALL").pl()
    return dg.MaterializeResult(metadata={
        **summary, "files": [p.name for p in paths], "states": md(states, 30)})


@dg.asset_check(asset=analysis_register_monthly, blocking=True,
                description="One row per person and calendar month.")
def register_monthly_one_row_per_person_month(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        duplicates = duplicate_person_months(con)
    return dg.AssetCheckResult(passed=duplicates.height == 0,
                               severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"duplicated_months": md(duplicates)})


@dg.asset_check(asset=analysis_register_monthly, blocking=True,
                description="Per person, the months' benefits_eur add up (within 0.01 €) to "
                            "what the Kela periods paid inside the person's window.")
def register_monthly_kela_shares_add_up(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        mismatches = kela_share_mismatches(con)
    return dg.AssetCheckResult(passed=mismatches.height == 0,
                               severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"persons_off": mismatches.height,
                                         "examples": md(mismatches)})


@dg.asset_check(asset=analysis_register_monthly, blocking=True,
                description="Every person-month has a main state.")
def register_monthly_main_state_never_null(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        missing = null_main_states(con)
    return dg.AssetCheckResult(passed=missing == 0, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"rows_without_state": missing})


@dg.asset(key=keys.results("register"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_register_monthly])
def results_register(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Clients' main states (n, %) and mean / median earnings by cohort and month relative
    to the start (register.csv); comparison persons by calendar month
    (register_comparison.csv)."""
    with warehouse.connect() as con:
        written = write_register_results(con, study.out)
    clients, comparison = written["register"], written["register_comparison"]
    return dg.MaterializeResult(metadata={
        "rows": clients["rows"], "path": dg.MetadataValue.path(clients["path"]),
        "preview": dg.MetadataValue.md(clients["preview"]),
        "comparison_rows": comparison["rows"],
        "comparison_path": dg.MetadataValue.path(comparison["path"])})


@dg.asset(key=keys.figure(FIGURE_NAME), group_name=GROUP, kinds={"png", "svg"},
          deps=[results_register])
def figure_register_states(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Clients' main states (stacked shares) and mean earnings by relative month, one panel
    per cohort."""
    with warehouse.connect() as con:
        register = con.sql("SELECT * FROM results.register").pl()
    paths = write_register_states_figure(register, study.out)
    return dg.MaterializeResult(metadata={"files": [p.name for p in paths],
                                          "path": dg.MetadataValue.path(str(paths[0]))})
