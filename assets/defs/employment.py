"""Employment domain: the clients/jobs/tte analysis datasets, the headline, survival and
regression results, attachment and the quarterly rate, and the two survival figures. Each asset
wires the warehouse and the study settings to plain functions in ``ips_eval``."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from assets.metadata import md, result
from assets.versions import table_version
from ips_eval.employment import derive
from ips_eval.employment import results as survival_results
from ips_eval.employment.baseline import baseline_results
from ips_eval.employment.competing import competing_table
from ips_eval.employment.cox import cox_table, logit_table
from ips_eval.employment.per_client import jobs_per_client
from ips_eval.export import export_dataset, stat_files_note
from ips_eval.publish.figures.common import write_figure_languages
from ips_eval.publish.figures.survival import cif_first_job_by_cohort, km_tenure_by_cohort
from schemas.analysis import dataset
from schemas.study import STUDY

GROUP = "employment"
PUBLISHED = {(c.code, c.headline.cutoff.isoformat()): (c.headline.started, c.headline.employed)
             for c in STUDY.cohorts}


def _export(con, name: str, study: Study) -> dict[str, str]:
    paths = export_dataset(con, f"analysis.{name}", study.out, dataset(name),
                           lang=study.label_lang)
    return {"files": ", ".join(p.name for p in paths), "stata_spss": stat_files_note(paths)}


# ---------------------------------------------------------------------------------------------
# Analysis datasets
# ---------------------------------------------------------------------------------------------
@dg.multi_asset(
    specs=[
        dg.AssetSpec(keys.CLIENTS, group_name=GROUP, kinds={"duckdb", "parquet"},
                     deps=[keys.staging("asiakkaat"), keys.staging("tyosuhteet")],
                     description="One row per client with index date ≤ the cohort's cut-off "
                                 "(sql/employment/clients.sql), with the per-client employment "
                                 "summary."),
        dg.AssetSpec(keys.JOBS, group_name=GROUP, kinds={"duckdb", "parquet"},
                     deps=[keys.staging("asiakkaat"), keys.staging("tyosuhteet"),
                           keys.staging("tulorekisteri")],
                     description="Cleaned job spells as of the cut-off, with the register end "
                                 "date (sql/employment/jobs.sql)."),
    ],
    can_subset=False,
)
def analysis_clients_and_jobs(warehouse: Warehouse, study: Study):
    """analysis.clients and analysis.jobs, built together (the client summary needs the jobs,
    the jobs need each client's window)."""
    with warehouse.connect() as con:
        derive.build_clients_and_jobs(con, study.cutoffs)
        by_cohort = con.sql("SELECT cohort, count(*) AS clients, min(index_date) AS first, "
                            "max(index_date) AS last, any_value(cutoff_date) AS cutoff, "
                            "sum(n_jobs) AS jobs FROM analysis.clients GROUP BY cohort "
                            "ORDER BY cohort").pl()
        jobs = con.sql("SELECT count(*) AS spells, count(*) FILTER (WHERE competitive = 1) AS "
                       "competitive, count(*) FILTER (WHERE \"overlaps\" = 1) AS overlapping, "
                       "count(end_date_register) AS with_register_end FROM analysis.jobs").pl()
        clients_files, jobs_files = _export(con, "clients", study), _export(con, "jobs", study)
        versions = {key: table_version(con, key) for key in (keys.CLIENTS, keys.JOBS)}
    yield dg.MaterializeResult(asset_key=keys.CLIENTS, data_version=versions[keys.CLIENTS],
                               metadata={"rows": int(by_cohort["clients"].sum()),
                                         "by_cohort": md(by_cohort), **clients_files})
    yield dg.MaterializeResult(asset_key=keys.JOBS, data_version=versions[keys.JOBS], metadata={
        "rows": int(jobs["spells"][0]), "spells": md(jobs), **jobs_files})


@dg.asset_check(asset=keys.CLIENTS, blocking=True, description="One row per client.")
def clients_unique(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        dupes = con.execute("SELECT count(*) - count(DISTINCT client_id) FROM "
                            "analysis.clients").fetchall()[0][0]
    return dg.AssetCheckResult(passed=dupes == 0, metadata={"duplicate_rows": int(dupes)})


@dg.asset_check(asset=keys.CLIENTS, description="No delivered service end precedes its index date "
                "(such an end is ignored, sql/employment/clients.sql).")
def clients_exit_not_before_index(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        n = derive.clients_exiting_before_index(con)
    return dg.AssetCheckResult(passed=n == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"clients": n})


@dg.asset(key=keys.TTE, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[keys.CLIENTS, keys.JOBS])
def analysis_tte(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Time to first job (competing exit) and job tenure (TENURE1, TENURE, TENURE1_REG), one
    named source per event/censoring (sql/employment/tte.sql)."""
    with warehouse.connect() as con:
        derive.build_tte(con)
        counts = con.sql("SELECT param, source, event, count(*) AS rows FROM analysis.tte "
                         "GROUP BY ALL ORDER BY ALL").pl()
        files = _export(con, "tte", study)
        version = table_version(con, keys.TTE)
    return dg.MaterializeResult(data_version=version, metadata={"rows": int(counts["rows"].sum()),
                                          "rows_by_source": md(counts, 30), **files})


@dg.asset_check(asset=keys.TTE, blocking=True, description="Every client has exactly one TTFJ row; "
                "time_days ≥ 0; censor_reason on exactly the censored rows; no date after the "
                "cut-off.")
def tte_is_sound(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        problems = derive.tte_violations(con)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.results("headline"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.staging("asiakkaat"), keys.staging("tyosuhteet")])
def results_headline(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Crude "% ever employed" as published, at each published cut-off."""
    with warehouse.connect() as con:
        return result(con, study, "headline", derive.headline(con),
                       ["cohort", "cutoff_date"])


@dg.asset_check(asset=["results", "headline"], description="The headline equals the published "
                "figures (pilots 763/348 on 30.6.2023, RRP 336/86 on 30.4.2024).")
def headline_matches_published(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        rows = con.sql("SELECT cohort, CAST(cutoff_date AS VARCHAR) AS cutoff, clients_started, "
                       "clients_employed FROM results.headline").pl()
    found = {(r["cohort"], r["cutoff"]): (r["clients_started"], r["clients_employed"])
             for r in rows.iter_rows(named=True)}
    differ = {f"{c} {d}": f"{found.get((c, d))} vs published {p}"
              for (c, d), p in PUBLISHED.items() if found.get((c, d)) != p}
    return dg.AssetCheckResult(passed=not differ, severity=dg.AssetCheckSeverity.WARN,
                               metadata=differ or {"all": "as published"})


@dg.asset(key=keys.results("km"), group_name=GROUP, kinds={"duckdb", "csv"}, deps=[keys.TTE])
def results_km(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """KM tenure and AJ cumulative incidence of a first job at each horizon (6/12 months, 24
    when asked; log-log CIs), by cohort, region and all; KM with the competing exit censored as
    a sensitivity line."""
    with warehouse.connect() as con:
        table = survival_results.km_table(derive.tte_frame(con), study.horizon_months)
        return result(con, study, "km", table,
                       ["param", "method", "group_var", "group", "time_days"])


@dg.asset_check(asset=["results", "km"], blocking=True,
                description="Every estimate is a probability inside its CI.")
def km_estimates_are_probabilities(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        bad = con.execute("SELECT count(*) FROM results.km WHERE estimate < 0 OR estimate > 1 "
                          "OR ci_lower > estimate + 1e-12 OR ci_upper < estimate - 1e-12"
                          ).fetchall()[0][0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"bad_rows": int(bad)})


@dg.asset(key=keys.results("survival_curves"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.TTE])
def results_survival_curves(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Every Kaplan–Meier and Aalen–Johansen curve of km.csv in full (one row per observed
    time, numbers at risk, log-log CIs): what the survival figures draw."""
    with warehouse.connect() as con:
        table = survival_results.survival_curves(derive.tte_frame(con))
        return result(con, study, "survival_curves", table,
                       ["param", "method", "group_var", "group", "time_days"])


@dg.asset(key=keys.results("rmst"), group_name=GROUP, kinds={"duckdb", "csv"}, deps=[keys.TTE])
def results_rmst(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Median times (95 % CI) and the restricted mean tenure to 12 months (and to each longer
    horizon asked)."""
    with warehouse.connect() as con:
        table = survival_results.rmst_table(derive.tte_frame(con), study.horizon_months)
        return result(con, study, "rmst", table, ["param", "group_var", "group", "tau_days"])


@dg.asset(key=keys.results("employment_comparison"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.TTE, results_headline])
def results_employment_comparison(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Crude % ever employed (at the analysis and the published cut-offs) beside the cumulative
    incidence of a first job at each horizon, with each cohort's follow-up."""
    with warehouse.connect() as con:
        table = survival_results.employment_comparison(
            derive.tte_frame(con), derive.table_frame(con, "FROM analysis.clients"),
            derive.table_frame(con, "FROM analysis.jobs"),
            derive.table_frame(con, "FROM results.headline"), study.horizon_months)
        return result(con, study, "employment_comparison", table,
                       ["cohort", "measure", "cutoff_date", "time_days"])


@dg.asset(key=keys.results("cox"), group_name=GROUP, kinds={"duckdb", "csv"}, deps=[keys.TTE])
def results_cox(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Cox models of TENURE1_REG (the primary tenure analysis), TENURE1 (its sensitivity line)
    and TENURE (clustered by client), Efron ties, PH tests."""
    with warehouse.connect() as con:
        table = cox_table(derive.tenure_model_frame(con))
        return result(con, study, "cox", table, ["param", "term"])


@dg.asset_check(asset=["results", "cox"], description="Proportional hazards hold (global "
                "Schoenfeld test p ≥ 0.05).")
def cox_proportional_hazards(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        tests = con.sql("SELECT param, any_value(ph_test_p) AS ph_test_p FROM results.cox "
                        "GROUP BY param ORDER BY param").pl()
    return dg.AssetCheckResult(passed=bool((tests["ph_test_p"] >= 0.05).all()),
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={"ph_test_p": md(tests)})


@dg.asset(key=keys.results("competing"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.TTE])
def results_competing(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Cohort comparison of time to first job: pilot − RRP cumulative incidence difference at
    each horizon (6/12 months, 24 when asked), Gray's test, cause-specific and Fine–Gray Cox
    models."""
    with warehouse.connect() as con:
        table = competing_table(derive.ttfj_model_frame(con), study.horizon_months)
        return result(con, study, "competing", table, ["model"])


@dg.asset(key=keys.results("logit"), group_name=GROUP, kinds={"duckdb", "csv"}, deps=[keys.TTE])
def results_logit(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Logistic model of a competitive job within 12 months (full 12-month window only), and
    within each longer horizon asked (a ``window_months`` column then says which)."""
    with warehouse.connect() as con:
        table = logit_table(derive.ttfj_model_frame(con), study.horizon_months)
        keys = ["window_months", "term"] if "window_months" in table.columns else ["term"]
        return result(con, study, "logit", table, keys)


@dg.asset(key=keys.results("attachment"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS, keys.JOBS])
def results_attachment(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Attachment to work at each horizon (6 and 12 months; 18/24 when asked) among clients
    with the full window."""
    with warehouse.connect() as con:
        return result(con, study, "attachment", derive.attachment(con, study.horizon_months),
                       ["window_months", "group_var", "group"])


@dg.asset(key=keys.results("baseline"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS])
def results_baseline(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Table 1's statistics: baseline characteristics by cohort, with the cohorts' SMD."""
    with warehouse.connect() as con:
        clients = derive.table_frame(con, "FROM analysis.clients")
        return result(con, study, "baseline", baseline_results(clients), ["order"])


@dg.asset(key=keys.results("jobs_per_client"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS])
def results_jobs_per_client(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Competitive jobs and employed days per client, by cohort, with the follow-up."""
    with warehouse.connect() as con:
        clients = derive.table_frame(con, "FROM analysis.clients")
        return result(con, study, "jobs_per_client", jobs_per_client(clients),
                      ["group_var", "group"])


@dg.asset(key=keys.results("quarterly"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.CLIENTS, keys.JOBS])
def results_quarterly(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Quarterly employment rate: working / active clients per region and quarter."""
    with warehouse.connect() as con:
        return result(con, study, "quarterly", derive.quarterly(con),
                       ["region", "quarter"])


# ---------------------------------------------------------------------------------------------
# Figures (from results.survival_curves, one file per language)
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.figure("km_tenure_by_cohort"), group_name=GROUP, kinds={"matplotlib"},
          deps=[results_survival_curves])
def figure_km_tenure_by_cohort(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """KM tenure of the first job by cohort with numbers at risk."""
    return _figure(warehouse, study, "km_tenure_by_cohort", km_tenure_by_cohort)


@dg.asset(key=keys.figure("cif_first_job_by_cohort"), group_name=GROUP, kinds={"matplotlib"},
          deps=[results_survival_curves])
def figure_cif_first_job_by_cohort(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Cumulative incidence of a first job by cohort (AJ) with 95 % bands and numbers at
    risk."""
    return _figure(warehouse, study, "cif_first_job_by_cohort",
                   lambda curves, lang: cif_first_job_by_cohort(curves, lang,
                                                                study.horizon_months))


def _figure(warehouse: Warehouse, study: Study, name: str, draw) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        curves = derive.table_frame(con, "FROM results.survival_curves")
    paths = write_figure_languages(lambda lang: draw(curves, lang), study.out, name)
    return dg.MaterializeResult(metadata={"files": [p.name for p in paths]})
