"""Register domain: benefit and earnings trajectories by month (docs/methods.md §Register months)
and the register effect against the matched comparison group. Each asset wires the warehouse
and the study settings to one plain function in ``ips_eval.register`` /
``ips_eval.publish.figures``; the checks guard the dataset beside it."""

from __future__ import annotations

import dagster as dg
import polars as pl

from assets.defs import keys
from assets.defs.resources import Study, Warehouse
from assets.metadata import md
from assets.versions import table_version
from ips_eval.export import export_dataset
from ips_eval.publish.figures.register import FIGURE_NAME, write_register_states_figure
from ips_eval.publish.figures.register_effect import (
    BALANCE_FIGURE,
    write_register_balance_figure,
    write_register_effect_figure,
)
from ips_eval.publish.figures.register_effect import FIGURE_NAME as EFFECT_FIGURE
from ips_eval.publish.figures.transitions import FIGURE_NAME as TRANSITIONS_FIGURE
from ips_eval.publish.figures.transitions import write_transitions_figure
from ips_eval.register.effect import (
    build_register_effect,
    placebo_verdict,
    write_register_effect_results,
)
from ips_eval.register.monthly import (
    REGISTER_MONTHLY,
    build_register_monthly,
    duplicate_person_months,
    kela_share_mismatches,
    null_main_states,
    register_monthly_summary,
    unlinked_clients,
    write_register_results,
)
from ips_eval.register.transition_model import write_transition_model
from schemas.analysis import dataset, register_transitions_labels

# register_monthly_clients_linked: a cohort and region is flagged when all its linkable clients,
# or more than this share of five or more, have no register row
UNLINKED_SHARE_MAX = 0.2
UNLINKED_GROUP_MIN = 5

GROUP = "register"



@dg.asset(key=keys.REGISTER_MONTHLY, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[keys.staging(t) for t in ("kela", "tulorekisteri", "asiakkaat")])
def analysis_register_monthly(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """One row per person and calendar month: earnings, Kela benefits (shared out by days)
    and the main state; clients from index month − 24 to the cut-off's or extract's month,
    register comparison persons over the whole extract."""
    with warehouse.connect() as con:
        build_register_monthly(con, study.cutoffs)
        # Stata/SPSS hold the clients' months: the register comparison group (some 1.7 million
        # person-months in the built-in study, tens of millions in real extracts) took most of
        # a minute in those formats and is in the Parquet file
        paths = export_dataset(con, REGISTER_MONTHLY, study.out, dataset("register_monthly"),
                               lang=study.label_lang, stat_rows="client_id IS NOT NULL")
        summary = register_monthly_summary(con)
        states = con.sql(f"SELECT CASE WHEN client_id IS NULL THEN 'comparison' ELSE cohort "
                         f"END AS person_group, main_state, count(*) AS person_months "
                         f"FROM {REGISTER_MONTHLY} GROUP BY ALL ORDER BY ALL").pl()
        version = table_version(con, keys.REGISTER_MONTHLY)
    return dg.MaterializeResult(data_version=version, metadata={
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


@dg.asset_check(asset=analysis_register_monthly,
                description="The clients who may be linked have register rows under their pid "
                            "(a pid is one person in every table): no cohort and region where "
                            "all, or more than a fifth of five or more, have none.")
def register_monthly_clients_linked(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        unlinked = unlinked_clients(con)
    # a client with neither benefit nor pay in the whole window is possible; a group of them
    # points at deliveries linked apart (docs/operations.md §Changing the pseudonym key)
    apart = unlinked.filter((pl.col("n_clients_unlinked") == pl.col("n_clients"))
                            | ((pl.col("n_clients") >= UNLINKED_GROUP_MIN)
                               & (pl.col("n_clients_unlinked")
                                  > UNLINKED_SHARE_MAX * pl.col("n_clients"))))
    return dg.AssetCheckResult(
        passed=apart.height == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"clients_unlinked": int(unlinked["n_clients_unlinked"].sum())
                  if unlinked.height else 0, "by_cohort_and_region": md(unlinked, 30)})


@dg.asset(key=keys.results("register"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[analysis_register_monthly])
def results_register(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Clients' main states (n, %) and mean / median earnings by cohort and month relative
    to the start (register.csv); comparison persons by calendar month
    (register_comparison.csv)."""
    with warehouse.connect() as con:
        written = write_register_results(con, study.out)
        version = table_version(con, keys.results("register"))
    clients, comparison = written["register"], written["register_comparison"]
    return dg.MaterializeResult(data_version=version, metadata={
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


# -- the register effect (docs/methods.md §Register effect, §Transitions) ----------------------
EFFECT_RESULTS = ("register_effect", "register_effect_tests", "register_effect_subgroups",
                  "register_balance", "register_balance_monthly", "transitions",
                  "register_attachment", "transition_paths")
SMD_BAR = 0.1  # |SMD| after matching at or above it: a covariate not balanced
UNMATCHED_SHARE = 0.05  # clients without a match, at most


@dg.multi_asset(
    specs=[
        dg.AssetSpec(keys.REGISTER_MATCHES, group_name=GROUP, kinds={"duckdb"},
                     deps=[analysis_register_monthly, keys.CLIENTS],
                     description="Risk-set matches: each register-linked client's k nearest "
                                 "comparison persons at its index month (propensity score, "
                                 "exact on sex, state at m − 1 and index month)."),
        *(dg.AssetSpec(keys.results(name), group_name=GROUP, kinds={"duckdb", "csv"},
                       deps=[keys.REGISTER_MATCHES]
                       + ([keys.results("attachment")] if name == "register_attachment"
                          else []))
          for name in EFFECT_RESULTS),
    ],
    can_subset=False,
)
def register_effect(warehouse: Warehouse, study: Study):
    """The effect of IPS against the matched register comparison group: ATT by month from the
    start (matched, matched DiD, naive), covariate balance, state transitions and the
    register-based attachment beside the coach form's."""
    with warehouse.connect() as con:
        counts = build_register_effect(con, history=study.register_history,
                                       horizons=study.horizon_months)
        written = write_register_effect_results(con, study.out, study.horizon_months)
        # for the R replication (docs/methods.md §Replication in R): the matches, and the
        # matched comparison persons' months (register_monthly's .dta has the clients' only)
        export_dataset(con, "analysis.register_matches", study.out, dataset("register_matches"),
                       lang=study.label_lang)
        con.execute("CREATE OR REPLACE TEMP VIEW register_match_months AS SELECT * FROM "
                    f"{REGISTER_MONTHLY} WHERE client_id IS NULL AND pid IN "
                    "(SELECT comparison_pid FROM analysis.register_matches)")
        export_dataset(con, "main.register_match_months", study.out,
                       dataset("register_match_months"), lang=study.label_lang)
        export_dataset(con, "analysis.register_transitions", study.out,
                       register_transitions_labels(study.horizon_months), lang=study.label_lang)
        balance = con.sql("SELECT * FROM results.register_balance ORDER BY covariate").pl()
        versions = {key: table_version(con, key) for key in
                    (keys.REGISTER_MATCHES, *(keys.results(name) for name in EFFECT_RESULTS))}
    yield dg.MaterializeResult(asset_key=keys.REGISTER_MATCHES,
                               data_version=versions[keys.REGISTER_MATCHES], metadata={
        k: v for k, v in counts.items() if not k.endswith("_rows")})
    for name in EFFECT_RESULTS:
        meta = written[name]
        extra = {"balance": md(balance, 40)} if name == "register_balance" else {}
        yield dg.MaterializeResult(asset_key=keys.results(name),
                                   data_version=versions[keys.results(name)], metadata={
            "rows": meta["rows"], "path": dg.MetadataValue.path(meta["path"]),
            "preview": dg.MetadataValue.md(meta["preview"]), **extra})


@dg.asset(key=keys.results("transition_model"), group_name=GROUP, kinds={"duckdb", "csv"},
          deps=[keys.REGISTER_MATCHES, keys.CLIENTS, keys.FIDELITY])
def results_transition_model(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Determinants of transitions: among the clients, a multinomial logit of the main state
    at +12 and at +6 (reference: unemployed) on the state at m − 1, age band, sex, diagnosis
    group, work history, cohort and the team's fidelity band; relative-risk ratios and average
    marginal effects (docs/methods.md §Transitions)."""
    with warehouse.connect() as con:
        meta = write_transition_model(con, study.out)
        unfitted = con.sql("SELECT horizon, state_to, not_fitted, note FROM "
                           "results.transition_model WHERE not_fitted IS NOT NULL "
                           "ORDER BY ALL").pl()
        version = table_version(con, keys.results("transition_model"))
    return dg.MaterializeResult(data_version=version, metadata={
        "rows": meta["rows"], "path": dg.MetadataValue.path(meta["path"]),
        "preview": dg.MetadataValue.md(meta["preview"]), "not_fitted": md(unfitted)})


@dg.asset_check(asset=keys.results("register_balance"),
                description=f"Every covariate, and every outcome in every month −24 … −1, "
                            f"balanced after matching: |SMD| < {SMD_BAR}.")
def register_balance_after_matching(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        off = con.sql("SELECT covariate, smd_before, smd_after FROM results.register_balance "
                      "WHERE abs(smd_after) >= $bar ORDER BY covariate",
                      params={"bar": SMD_BAR}).pl()
        months = con.sql("SELECT outcome, rel_month, smd_before, smd_after FROM "
                         "results.register_balance_monthly WHERE abs(smd_after) >= $bar "
                         "ORDER BY outcome, rel_month", params={"bar": SMD_BAR}).pl()
    return dg.AssetCheckResult(passed=off.height == 0 and months.height == 0,
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={"unbalanced": off.height, "covariates": md(off),
                                         "unbalanced_months": months.height,
                                         "months": md(months)})


@dg.asset_check(asset=keys.results("register_effect"),
                description="Falsification (docs/methods.md §Register effect): for employment, "
                            "earnings and benefits, the joint Wald test over the pre-index "
                            "months and the hold-out placebo's joint test do not reject at 5 %, "
                            "and the largest |pre-index ATT| is within its bound (0.02; 50 €).")
def register_effect_placebo(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        tests = con.sql("SELECT outcome, test, statistic, df, p, bound, max_abs, passed FROM "
                        "results.register_effect_tests WHERE test IN ('pre_joint_wald', "
                        "'holdout_joint_wald', 'pre_equivalence') ORDER BY outcome, test").pl()
    failed, missing = placebo_verdict(tests)
    return dg.AssetCheckResult(passed=not failed and not missing,
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={"failed": ", ".join(failed) or "none",
                                         "not_computed": ", ".join(missing) or "none",
                                         "tests": md(tests)})


@dg.asset_check(asset=keys.results("register_balance"),
                description="At most 5 % of the eligible clients without a match.")
def register_unmatched_share(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        counts = dict(con.execute("SELECT covariate, mean_clients FROM results.register_balance "
                                  "WHERE covariate IN ('n_clients_matched', "
                                  "'n_clients_unmatched')").fetchall())
    matched, unmatched = counts.get("n_clients_matched", 0), counts.get("n_clients_unmatched", 0)
    share = unmatched / (matched + unmatched) if matched + unmatched else 0.0
    return dg.AssetCheckResult(passed=share <= UNMATCHED_SHARE,
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={"matched": int(matched), "unmatched": int(unmatched),
                                         "unmatched_share": share})


@dg.asset(key=keys.figure(EFFECT_FIGURE), group_name=GROUP, kinds={"png", "svg"},
          deps=[keys.results("register_effect")])
def figure_register_effect(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """Event study: the matched ATT on employment and earnings by month from the start with its
    CI band and the naive line; placebo months before the start shaded."""
    with warehouse.connect() as con:
        effect = con.sql("SELECT * FROM results.register_effect").pl()
    paths = write_register_effect_figure(effect, study.out)
    return dg.MaterializeResult(metadata={"files": [p.name for p in paths],
                                          "path": dg.MetadataValue.path(str(paths[0]))})


@dg.asset(key=keys.figure(TRANSITIONS_FIGURE), group_name=GROUP, kinds={"png", "svg"},
          deps=[keys.results("transition_paths")])
def figure_transitions(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """The main states at month −1, +6 and +12 as an alluvial diagram, the clients beside their
    matched comparison; flows of 1–4 persons not drawn."""
    with warehouse.connect() as con:
        paths = con.sql("SELECT * FROM results.transition_paths").pl()
    written = write_transitions_figure(paths, study.out)
    return dg.MaterializeResult(metadata={"files": [p.name for p in written],
                                          "path": dg.MetadataValue.path(str(written[0]))})


@dg.asset(key=keys.figure(BALANCE_FIGURE), group_name=GROUP, kinds={"png", "svg"},
          deps=[keys.results("register_balance_monthly")])
def figure_register_balance_by_month(warehouse: Warehouse, study: Study) -> dg.MaterializeResult:
    """A Love plot by month: the SMD of employment, earnings and benefits in every month
    −24 … −1 before and after matching."""
    with warehouse.connect() as con:
        monthly = con.sql("SELECT * FROM results.register_balance_monthly").pl()
    paths = write_register_balance_figure(monthly, study.out)
    return dg.MaterializeResult(metadata={"files": [p.name for p in paths],
                                          "path": dg.MetadataValue.path(str(paths[0]))})
