"""The results files (``out/results/<name>.csv`` and ``.parquet``, and ``results.<name>`` in
the warehouse): for each, what one row is (fi/sv/en, in ``schemas/texts/results.yaml``) and its
columns in file order. The data dictionary (``docs/data_dictionary.md``) is written from this,
and a pipeline test compares it with the files a run writes, so a new results file or column is
declared here or the test says which.

Ownership: each results file is one entry; the engineer who adds a result adds its entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codebook import Label
from schemas.study import COHORTS
from schemas.text_catalogue import label
from schemas.windows import HORIZONS_DEFAULT, summary_horizons


@dataclass(frozen=True)
class ResultFile:
    name: str
    row: Label  # what one row is
    columns: tuple[str, ...]
    # written first, and only in a run with a horizon beyond 12 months (``--horizons 6,12,24``;
    # docs/methods.md §Windows and cut-offs, "Longer follow-up"): the default run's file keeps
    # its contracted columns
    longer_columns: tuple[str, ...] = ()

    def columns_for(self, horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> tuple[str, ...]:
        """The columns a run with these horizons writes, in file order."""
        longer = len(summary_horizons(horizons)) > 1
        return (*self.longer_columns, *self.columns) if longer else self.columns


def _r(name: str, columns: str, longer_columns: str = "") -> ResultFile:
    """A results file: its columns, and what one row is from ``schemas/texts/results.yaml``
    (the text keyed by the file's name)."""
    return ResultFile(name, label("results", name), tuple(columns.split()),
                      tuple(longer_columns.split()))


RESULTS: tuple[ResultFile, ...] = (
    _r("headline",
       "cohort cutoff_date clients_started clients_employed pct_employed "
       "clients_employed_excl_pay_subsidy pct_employed_excl_pay_subsidy median_followup_days"),
    _r("km",
       "param group_var group time_days n_at_risk n_events estimate ci_lower ci_upper method "
       "estimand se n"),
    _r("survival_curves",
       "param method estimand group_var group time_days n_at_risk n_events n_events_any "
       "estimate se ci_lower ci_upper n"),
    _r("rmst",
       "param group_var group method n events median_days median_ci_lower median_ci_upper "
       "tau_days rmst_days rmst_se rmst_ci_lower rmst_ci_upper"),
    _r("employment_comparison",
       "cohort cutoff_date measure time_days n_clients n_events n_at_risk n_full_window "
       "estimate ci_lower ci_upper median_followup_days followup_q1_days followup_q3_days"),
    _r("cox",
       "param term coef hr ci_lower ci_upper p n events ph_test_p ph_test_p_km se variance "
       "ph_test_p_term ph_test_p_term_lifelines n_excluded n_clients pooled_levels"),
    _r("logit",
       "term coef or ci_lower ci_upper p n events se n_excluded converged pooled_levels",
       longer_columns="window_months"),
    _r("attachment",
       "window_months window_days group_var group n_clients n_any_job pct_any_job "
       "n_employed_at_end pct_employed_at_end mean_days_worked median_days_worked "
       "n_any_job_excl_pay_subsidy pct_any_job_excl_pay_subsidy "
       "n_employed_at_end_excl_pay_subsidy pct_employed_at_end_excl_pay_subsidy "
       "mean_days_worked_excl_pay_subsidy"),
    _r("quarterly",
       "region quarter active working rate cohort quarter_start quarter_end complete "
       "working_excl_pay_subsidy rate_excl_pay_subsidy"),
    _r("score_means",
       "instrument cohort wave n mean sd ci_lower ci_upper"),
    _r("change",
       "instrument cohort contrast group_var group n baseline_mean baseline_sd followup_mean "
       "followup_sd mean_change sd_change ci_lower ci_upper p effect_size srm es_baseline_sd "
       "n_improved n_deteriorated pct_improved pct_deteriorated effect_size_method alpha "
       "reliability_baseline_sd rci_threshold higher_is_better direction"),
    _r("reliability",
       "instrument alpha baseline_sd n n_baseline n_items rci_threshold"),
    _r("mixed",
       "instrument model term estimate se ci_lower ci_upper p n_clients n_obs converged "
       "optimizer method dropped_terms warnings reml_criterion"),
    _r("attrition",
       "followup_wave cohort variable level statistic answered_n answered_count "
       "answered_value answered_sd not_answered_n not_answered_count not_answered_value "
       "not_answered_sd smd"),
    _r("situation",
       "cohort wave category codes n n_answered pct ci_lower ci_upper"),
    _r("satisfaction",
       "cohort wave item label n mean sd n_agree pct_agree"),
    _r("employer_survey",
       "cohort item label category n n_answered pct mean sd"),
    _r("register",
       "cohort rel_month state state_order n pct mean_earnings_eur median_earnings_eur "
       "mean_benefits_eur"),
    _r("register_comparison",
       "month state state_order n pct mean_earnings_eur mean_benefits_eur"),
    _r('baseline',
       'order variable level cohort kind n n_cohort mean sd median q1 q3 pct smd'),
    _r('jobs_per_client',
       'group_var group n_clients median_followup_days n_jobs_0 n_jobs_1 n_jobs_2 n_jobs_3plus '
       'jobs_total mean_jobs n_employed mean_days_employed median_days_employed '
       'mean_days_employed_if_employed median_days_employed_if_employed days_employed_per_year'),
    _r('competing',
       'param model term time_days coef hr ci_lower ci_upper p n events se '
       + ' '.join(f'estimate_{cohort}' for cohort in COHORTS)
       + ' competing_events variance pooled_levels n_excluded'),
    _r('change_ipw',
       'followup_wave instrument cohort method n_eligible n mean_change se ci_lower ci_upper '
       'max_weight n_excluded pooled_levels'),
    _r('register_effect',
       'outcome rel_month method n_clients n_comparison estimate ci_lower ci_upper p band_lower '
       'band_upper se se_ai method_note placebo'),
    _r('register_effect_tests',
       'outcome test statistic df p bound max_abs passed'),
    _r('register_effect_subgroups',
       'subgroup_var subgroup rel_month outcome n_clients estimate ci_lower ci_upper '
       'interaction_p'),
    _r('register_balance',
       'covariate mean_clients mean_clients_all mean_comparison_before mean_comparison_after '
       'smd_before smd_after'),
    _r('register_balance_monthly',
       'outcome rel_month mean_clients mean_comparison_before mean_comparison_after smd_before '
       'smd_after'),
    _r('transitions',
       'cohort group horizon state_from state_to n pct'),
    _r('transition_paths',
       'group state_m1 state_6 state_12 n'),
    _r('transition_model',
       'horizon state_to term coef rrr ci_lower ci_upper p ame ame_ci_lower ame_ci_upper n '
       'n_state se ame_se n_excluded merged_states pooled_levels converged not_fitted note'),
    _r('register_attachment',
       'group window_months n_clients_register n_employed_register pct_employed_register '
       'n_clients_form pct_employed_form'),
    _r('team_outcomes',
       'region cohort team clients window employed pct_employed review_date total band'),
    _r('process',
       'indicator level unit n value standard share_meeting_standard share_n q1 q3 ci_lower '
       'ci_upper region cohort'),
    _r('process_monthly',
       'coach team region cohort month coach_weeks contacts_per_week caseload'),
    _r('quarterly_team',
       'team region cohort quarter active working rate quarter_start quarter_end complete '
       'working_excl_pay_subsidy rate_excl_pay_subsidy'),
    _r('fidelity_items',
       'level unit region cohort item teams reviews latest_review score mean_all_reviews rank '
       'lowest teams_lowest'),
    _r('fidelity_trend',
       'team region cohort review_no review_date total band change years_since_first '
       'slope_per_year'),
    _r('fidelity_cox',
       'param model term coef se_robust hr ci_lower ci_upper p n events teams n_excluded '
       'method_note'),
    _r('costs',
       'region cohort year cost_eur clients_started client_years clients_employed_12m '
       'cost_per_client cost_per_client_year cost_per_employed clients_window_12m '
       'share_employed_12m cost_complete funding_eur coach_fte clients_per_fte '
       'benefits_saved_per_client earnings_gained_per_client effect_clients'),
)


def result_file(name: str) -> ResultFile:
    for r in RESULTS:
        if r.name == name:
            return r
    raise KeyError(f"no results file {name!r} declared in schemas/results.py")
