"""Fidelity domain (implementation evaluation): the IPS-25 reviews as an analysis dataset,
employment and fidelity per team (``results.team_outcomes``) and the figure of fidelity against
employment by team, the IPS process standards, fidelity against results (item profile, trend,
the client-level Cox model, the quarterly rate per team), costs, and their figures. Each asset
wires the warehouse and the study settings to plain functions in ``ips_eval.fidelity`` /
``ips_eval.publish.figures``."""

from __future__ import annotations

import dagster as dg
import polars as pl

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from assets.metadata import md, result
from assets.versions import table_version
from ips_eval.employment.derive import quarterly_by_team
from ips_eval.fidelity.costs import build_service_years, costs_table, staged_costs
from ips_eval.fidelity.outcomes import cox_frame, fidelity_cox, item_profile, trend
from ips_eval.fidelity.reviews import build_fidelity
from ips_eval.fidelity.standards import build_process_datasets, process_monthly, process_table
from ips_eval.fidelity.teams import team_outcomes
from ips_eval.publish.figures.common import write_figure_languages
from ips_eval.publish.figures.fidelity import (
    fidelity_employment_by_team,
    fidelity_vs_employment_figure,
)
from ips_eval.publish.figures.standards import (
    process_by_coach_figure,
    quarterly_rate_by_team_figure,
    shown_quarters,
)
from ips_eval.publish.tables.catalog import read_warehouse_table
from ips_eval.scores.derive import export_analysis_dataset
from schemas.standards import STANDARDS

GROUP = "fidelity"


@dg.asset(key=keys.FIDELITY, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[keys.staging("laatuarviot")])
def analysis_fidelity(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """IPS-25 fidelity reviews: total (all 25 items answered) and band per team × review."""
    with warehouse.connect() as con:
        rows = build_fidelity(con, study.cutoffs)
        paths = export_analysis_dataset(con, "fidelity", study.out, study.label_lang)
        bands = con.sql("SELECT cohort, band, count(*) AS reviews FROM analysis.fidelity "
                        "GROUP BY ALL ORDER BY cohort, band").pl()
        version = table_version(con, keys.FIDELITY)
    return dg.MaterializeResult(data_version=version, metadata={
        "rows": rows, "files": [p.name for p in paths], "bands": md(bands)})


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
    paths = write_figure_languages(lambda lang: fidelity_vs_employment_figure(data, lang),
                                   study.out, "fidelity_vs_employment")
    return dg.MaterializeResult(metadata={
        "teams": data.height, "teams_shown": int(data["shown"].sum()),
        "files": [p.name for p in paths],
        "path": dg.MetadataValue.path(str(paths[0]))})


# ---------------------------------------------------------------------------------------------
# The IPS process standards (docs/methods.md §Process standards)
# ---------------------------------------------------------------------------------------------
@dg.multi_asset(
    specs=[dg.AssetSpec(key, group_name=GROUP, kinds={"duckdb"},
                        deps=[keys.CLIENTS, keys.staging("kontaktit")], description=text)
           for key, text in (
               (keys.COACHES, "One row per coach with team, region and cohort "
                              "(sql/fidelity/coaches.sql)."),
               (keys.COACH_WEEKS, "Employer contacts per coach × ISO week with a client in "
                                  "service (sql/fidelity/coach_weeks.sql)."),
               (keys.COACH_MONTHS, "Caseload per coach at each month end "
                                   "(sql/fidelity/coach_months.sql)."),
               (keys.CLIENT_PROCESS, "First employer meeting and referral days per client "
                                     "(sql/fidelity/client_process.sql)."))],
    can_subset=False,
)
def analysis_process_standards(warehouse: Warehouse):
    """The frames of the IPS process standards, built together (each reads the coaches)."""
    parts = ((keys.COACHES, "coaches"), (keys.COACH_WEEKS, "coach_weeks"),
             (keys.COACH_MONTHS, "coach_months"), (keys.CLIENT_PROCESS, "client_process"))
    with warehouse.connect() as con:
        counts = build_process_datasets(con)
        versions = {key: table_version(con, key) for key, _ in parts}
    for key, name in parts:
        yield dg.MaterializeResult(asset_key=key, data_version=versions[key],
                                   metadata={"rows": counts[name]})


@dg.asset(key=keys.results("process"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.COACHES, keys.COACH_WEEKS, keys.COACH_MONTHS, keys.CLIENT_PROCESS])
def results_process(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """IPS process standards by coach, team, region, cohort and overall (process.csv)."""
    with warehouse.connect() as con:
        frames = {n: read_warehouse_table(con, f"analysis.{n}")
                  for n in ("coach_weeks", "coach_months", "client_process")}
        table = process_table(frames["coach_weeks"], frames["coach_months"],
                              frames["client_process"])
        overall = table.filter(pl.col("level") == "all").select(
            "indicator", "n", "value", "standard", "share_meeting_standard")
        return result(con, study, "process", table, ["indicator", "level", "unit"],
                      overall=md(overall))


@dg.asset_check(asset=keys.results("process"), blocking=True,
                description="Every indicator has its overall row, with clients or coach-weeks.")
def process_reports_every_indicator(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        overall = con.sql("SELECT indicator, n, value FROM results.process "
                          "WHERE level = 'all' ORDER BY indicator").pl()
    missing = set(STANDARDS) - set(overall.filter(pl.col("n") > 0)["indicator"].to_list())
    return dg.AssetCheckResult(passed=not missing, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"missing": ", ".join(sorted(missing)) or "none",
                                         "overall": md(overall)})


@dg.asset(key=keys.results("process_monthly"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.COACH_WEEKS, keys.COACH_MONTHS])
def results_process_monthly(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Contacts per week and caseload per coach and month (the process figure's series)."""
    with warehouse.connect() as con:
        table = process_monthly(read_warehouse_table(con, "analysis.coach_weeks"),
                                read_warehouse_table(con, "analysis.coach_months"))
        return result(con, study, "process_monthly", table, ["coach", "month"])


# ---------------------------------------------------------------------------------------------
# Fidelity against results
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.results("fidelity_items"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.FIDELITY])
def results_fidelity_items(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """The IPS-25 item profile per team (latest review), per cohort and overall."""
    with warehouse.connect() as con:
        table = item_profile(read_warehouse_table(con, "analysis.fidelity"))
        lowest = (table.filter((pl.col("level") == "all") & pl.col("lowest"))
                  .select("item", "score", "teams_lowest"))
        return result(con, study, "fidelity_items", table, ["level", "unit", "item"],
                      lowest_overall=md(lowest))


@dg.asset(key=keys.results("fidelity_trend"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.FIDELITY])
def results_fidelity_trend(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Each team's IPS-25 totals across its reviews, the change and the slope per year."""
    with warehouse.connect() as con:
        table = trend(read_warehouse_table(con, "analysis.fidelity"))
        return result(con, study, "fidelity_trend", table, ["team", "review_no"])


@dg.asset(key=keys.results("fidelity_cox"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS, keys.TTE, keys.FIDELITY])
def results_fidelity_cox(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Time to first job on the team's IPS-25 total at the index date: cause-specific Cox,
    errors clustered by team."""
    with warehouse.connect() as con:
        frame, excluded = cox_frame(*(read_warehouse_table(con, f"analysis.{n}")
                                      for n in ("clients", "tte", "fidelity")))
        return result(con, study, "fidelity_cox", fidelity_cox(frame, excluded),
                      ["model", "term"], clients_excluded=excluded)


@dg.asset(key=keys.results("quarterly_team"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS, keys.JOBS])
def results_quarterly_team(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Quarterly employment rate per team (working / active clients)."""
    with warehouse.connect() as con:
        return result(con, study, "quarterly_team", quarterly_by_team(con),
                      ["team", "quarter"])


# ---------------------------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.CLIENT_SERVICE_YEARS, group_name=GROUP, kinds={"duckdb"},
          deps=[keys.CLIENTS, keys.TTE])
def analysis_client_service_years(warehouse: Warehouse) -> dg.MaterializeResult:
    """Client × calendar year in service: days, started, 12-month window and job."""
    with warehouse.connect() as con:
        return dg.MaterializeResult(metadata={"rows": build_service_years(con)},
                                    data_version=table_version(con, keys.CLIENT_SERVICE_YEARS))


@dg.asset(key=keys.results("costs"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENT_SERVICE_YEARS, keys.staging("kustannukset"), keys.REGISTER_EFFECT])
def results_costs(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Cost per client started, per client-year and per client employed within 12 months, by
    region × year, region, cohort and overall; register returns when the effect exists."""
    with warehouse.connect() as con:
        effect = read_warehouse_table(con, "results.register_effect")
        table = costs_table(read_warehouse_table(con, "analysis.client_service_years"),
                            staged_costs(con), effect)
        return result(con, study, "costs", table, ["cohort", "region", "year"],
                      register_effect="used" if effect is not None else "absent")


# ---------------------------------------------------------------------------------------------
# Figures of the standards and the quarterly rate per team
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.figure("process_by_coach"), group_name=GROUP, kinds={"matplotlib"},
          deps=[keys.results("process_monthly")])
def figure_process_by_coach(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Contacts a week and caseload per coach by month against the standards."""
    with warehouse.connect() as con:
        monthly = read_warehouse_table(con, "results.process_monthly")
    paths = write_figure_languages(lambda lang: process_by_coach_figure(monthly, lang),
                                   study.out, "process_by_coach")
    return dg.MaterializeResult(metadata={"files": [p.name for p in paths],
                                          "path": dg.MetadataValue.path(str(paths[0]))})


@dg.asset(key=keys.figure("quarterly_rate_by_team"), group_name=GROUP, kinds={"matplotlib"},
          deps=[keys.results("quarterly_team")])
def figure_quarterly_rate_by_team(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Quarterly employment rate per team with the IPS Learning Community benchmarks."""
    with warehouse.connect() as con:
        quarterly = read_warehouse_table(con, "results.quarterly_team")
    shown = shown_quarters(quarterly)
    paths = write_figure_languages(lambda lang: quarterly_rate_by_team_figure(quarterly, lang),
                                   study.out, "quarterly_rate_by_team")
    return dg.MaterializeResult(metadata={
        "team_quarters": quarterly.height, "drawn": shown.height,
        "files": [p.name for p in paths], "path": dg.MetadataValue.path(str(paths[0]))})

