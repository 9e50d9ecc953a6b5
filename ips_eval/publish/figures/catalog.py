"""The published figures, in report order: each is written as
``out/figures/<name>_<lang>.png`` and ``.svg`` for fi, sv and en, from the results named beside
it (figures read ``results.*`` only), with its report caption ``figure_<name>`` in
``schemas/table_text.py``."""

from __future__ import annotations

# name → the results tables it draws
FIGURE_RESULTS: dict[str, tuple[str, ...]] = {
    "km_tenure_by_cohort": ("survival_curves",),
    "cif_first_job_by_cohort": ("survival_curves",),
    "scores_by_wave": ("score_means",),
    "register_states_by_rel_month": ("register",),
    "register_effect_by_rel_month": ("register_effect",),
    "register_balance_by_month": ("register_balance_monthly",),
    "transitions_alluvial": ("transition_paths",),
    "fidelity_vs_employment": ("team_outcomes",),
    "process_by_coach": ("process_monthly",),
    "quarterly_rate_by_team": ("quarterly_team",),
}
FIGURES: tuple[str, ...] = tuple(FIGURE_RESULTS)
