"""Scores domain: survey waves and instrument scores, change scores, mixed models, attrition,
the follow-up items, the employer survey and IPS-25 fidelity. Each asset wires the warehouse
and the study settings to one plain function in ``ips_eval``."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from assets.metadata import md, result
from assets.versions import table_version
from ips_eval.publish.figures.common import write_figure_languages
from ips_eval.publish.figures.scores import plot_scores_by_wave
from ips_eval.scores.attrition import attrition, change_ipw
from ips_eval.scores.change import build_score_panel, change_scores, reliability
from ips_eval.scores.derive import (
    build_scores,
    export_analysis_dataset,
    score_means,
    score_range_violations,
    score_summary,
)
from ips_eval.scores.mixed import mixed_models, unconverged
from ips_eval.scores.surveys import (
    employer_answers,
    employer_survey_summary,
    followup_items,
    satisfaction_summary,
    situation_summary,
)

GROUP = "scores"






# ---------------------------------------------------------------------------------------------
# Analysis datasets
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.SCORES, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[keys.staging("asiakaskysely"), keys.staging("asiakkaat")])
def analysis_scores(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Survey waves by answer date and the six instruments' scores (client × wave ×
    instrument), scored by the rules in schemas/instruments.py."""
    with warehouse.connect() as con:
        counts = build_scores(con, study.cutoffs)
        paths = export_analysis_dataset(con, "scores", study.out, study.label_lang)
        summary = score_summary(con)
        version = table_version(con, keys.SCORES)
    return dg.MaterializeResult(data_version=version, metadata={
        **counts, "files": [p.name for p in paths], "n_mean_by_wave": md(summary, 40)})


@dg.asset_check(asset=analysis_scores, blocking=True,
                description="Every score lies within its instrument's range.")
def scores_within_instrument_range(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        bad = score_range_violations(con)
    return dg.AssetCheckResult(passed=bad.height == 0, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"out_of_range": bad.height, "examples": md(bad)})


@dg.asset(key=keys.SCORE_PANEL, group_name=GROUP, kinds={"duckdb"},
          deps=[analysis_scores, keys.CLIENTS, keys.JOBS])
def analysis_score_panel(warehouse: Warehouse) -> dg.MaterializeResult:
    """Scores with baseline covariates and competitive-job flags; the paired changes."""
    with warehouse.connect() as con:
        counts = build_score_panel(con)
        version = table_version(con, keys.SCORE_PANEL)
    return dg.MaterializeResult(data_version=version, metadata=counts)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dg.asset(key=keys.results("reliability"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_scores])
def results_reliability(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Cronbach's alpha (baseline complete cases) and baseline SD per instrument."""
    with warehouse.connect() as con:
        return result(con, study, "reliability", reliability(con), ["instrument"])


@dg.asset(key=keys.results("change"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_score_panel, results_reliability])
def results_change(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Change T0→T6 and T0→T12: mean change (95 % CI), d_z, reliable change (RCI)."""
    with warehouse.connect() as con:
        change, _ = change_scores(con)
        return result(con, study, "change", change,
                       ["instrument", "contrast", "cohort", "group_var", "group"])


@dg.asset(key=keys.results("mixed"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_score_panel])
def results_mixed(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Linear mixed models per instrument (wave × cohort, wave × employed, random intercept)."""
    with warehouse.connect() as con:
        mixed = mixed_models(con)
        fits = mixed.group_by("instrument", maintain_order=True).first().select(
            "instrument", "n_clients", "n_obs", "converged", "optimizer", "dropped_terms")
        return result(con, study, "mixed", mixed, ["instrument"], fits=md(fits))


@dg.asset_check(asset=results_mixed, description="Every instrument's mixed model converged.")
def mixed_models_converged(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        mixed = con.sql("SELECT * FROM results.mixed").pl()
    failed = unconverged(mixed)
    return dg.AssetCheckResult(passed=not failed, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"not_converged": ", ".join(failed) or "none"})


@dg.asset(key=keys.results("attrition"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_scores, keys.CLIENTS])
def results_attrition(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Baseline characteristics of 6/12-month responders vs non-responders (SMD)."""
    with warehouse.connect() as con:
        return result(con, study, "attrition", attrition(con),
                       ["followup_wave", "cohort", "variable", "level"])


@dg.asset(key=keys.results("change_ipw"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_score_panel, results_attrition])
def results_change_ipw(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Attrition sensitivity: complete-case beside inverse-probability-of-response weighted
    mean change at 6 and 12 months (weights from baseline covariates)."""
    with warehouse.connect() as con:
        return result(con, study, "change_ipw", change_ipw(con),
                      ["followup_wave", "instrument", "cohort", "method"])


@dg.asset(key=keys.results("situation"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_scores])
def results_situation(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Share working or studying at 6 and 12 months, by cohort."""
    with warehouse.connect() as con:
        return result(con, study, "situation", situation_summary(followup_items(con)),
                       ["wave", "cohort", "category"])


@dg.asset(key=keys.results("satisfaction"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_scores])
def results_satisfaction(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Satisfaction with the service (tyyt1–3) at 6 and 12 months, by cohort."""
    with warehouse.connect() as con:
        return result(con, study, "satisfaction", satisfaction_summary(followup_items(con)),
                       ["wave", "cohort", "item"])


@dg.asset(key=keys.results("employer_survey"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.staging("tyonantajakysely")])
def results_employer_survey(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Employer survey: agreement with ta1–ta6 and would-hire-again, by cohort."""
    with warehouse.connect() as con:
        summary = employer_survey_summary(employer_answers(con, study.cutoffs))
        return result(con, study, "employer_survey", summary, ["cohort", "item", "category"])


@dg.asset(key=keys.results("score_means"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_scores])
def results_score_means(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """n, mean, SD and 95 % CI of each instrument's scores per cohort and wave."""
    with warehouse.connect() as con:
        return result(con, study, "score_means", score_means(con),
                      ["instrument", "cohort", "wave"])


@dg.asset(key=keys.figure("scores_by_wave"), group_name=GROUP, kinds={"matplotlib"},
          deps=[results_score_means])
def figure_scores_by_wave(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Mean scores by wave with 95 % CIs, by cohort, one panel per instrument."""
    with warehouse.connect() as con:
        means = con.sql("FROM results.score_means").pl()
    paths = write_figure_languages(lambda lang: plot_scores_by_wave(means, lang), study.out,
                                   "scores_by_wave")
    return dg.MaterializeResult(metadata={"files": [p.name for p in paths]})
