"""The study's time rules, defined once (docs/methods.md §Windows and cut-offs): the follow-up
horizons (6 and 12 months, and a longer follow-up when asked: ``--horizons 6,12,24``), and the
cut-offs per cohort as the study defines them (schemas/study.py).
Python code imports these names; SQL gets them through the ``meta.windows`` / ``meta.cutoffs``
tables or bound parameters built from them — no other module or SQL file spells the numbers."""

from __future__ import annotations

from datetime import date

from schemas.study import STUDY

# docs/methods.md §Windows and cut-offs: "6 and 12 months = 182.625 and 365.25 days" (a year of
# 365.25 days).
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
SIX_MONTHS_DAYS = DAYS_PER_YEAR / 2
TWELVE_MONTHS_DAYS = DAYS_PER_YEAR

# docs/methods.md §Windows and cut-offs, "Longer follow-up": the horizons every horizon-based
# result is given at — attachment, KM/AJ/RMST, tenure, the logit of a job within the horizon,
# the register effect's reported horizons, transitions. 6 and 12 months always (the evaluation
# plan's and the contract's); 18 and 24 on request (the register effect runs to +24). A setting
# (``Settings.horizons``); these are the default and the choices.
HORIZONS_DEFAULT: tuple[int, ...] = (6, 12)
HORIZON_CHOICES: tuple[int, ...] = (6, 12, 18, 24)


def window_days(months: int) -> float:
    """A horizon in days: ``months`` twelfths of a 365.25-day year (6 → 182.625, 24 → 730.5)."""
    return months * DAYS_PER_MONTH


def check_horizons(horizons: object) -> tuple[int, ...]:
    """The horizons in their one form (ascending, distinct), or ValueError in one line: each one
    of ``HORIZON_CHOICES``, 6 and 12 among them."""
    try:
        months = tuple(sorted({int(m) for m in horizons}))  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"horizons {horizons!r}: expected months such as 6,12,24") from None
    wrong = [m for m in months if m not in HORIZON_CHOICES]
    if wrong or not set(HORIZONS_DEFAULT) <= set(months):
        raise ValueError(f"horizons {','.join(map(str, months)) or '(none)'}: use "
                         f"{','.join(map(str, HORIZONS_DEFAULT))} and any of "
                         f"{','.join(str(m) for m in HORIZON_CHOICES if m not in HORIZONS_DEFAULT)}"
                         " (months)")
    return months


def parse_horizons(text: str) -> tuple[int, ...]:
    """``"6,12,24"`` (``--horizons``, ``$IPS_EVAL_HORIZONS``) → (6, 12, 24); empty → the
    default; ValueError in one line on anything else."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return HORIZONS_DEFAULT
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"horizons {text.strip()!r}: expected months such as 6,12,24")
    return check_horizons(int(p) for p in parts)


def windows_days(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> dict[int, float]:
    """{months: days} of the horizons."""
    return {m: window_days(m) for m in horizons}


def horizon_days(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> tuple[float, ...]:
    """The horizons in days, in order: the times the estimates are read at (6 → 182.625,
    24 → 730.5)."""
    return tuple(windows_days(horizons).values())


WINDOWS_DAYS: dict[int, float] = windows_days(HORIZONS_DEFAULT)

# docs/methods.md §Windows and cut-offs, "Longer follow-up": the summaries the contract gives at
# 12 months only — the restricted mean's τ, the logit of a job within the window, the number at
# risk beside the cumulative incidence — are given at 12 months and at each longer horizon asked
# (6 months stays without them, as in the default run).
SUMMARY_FROM_MONTHS = 12


def summary_horizons(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> tuple[int, ...]:
    """The horizons of the 12-month summaries: 12 and each longer one asked ((6, 12, 24) →
    (12, 24)); the default gives (12,)."""
    return tuple(m for m in horizons if m >= SUMMARY_FROM_MONTHS)

# docs/methods.md §Windows and cut-offs: data cut-off per cohort, and the (cohort, cut-off) pairs
# of the headline check: each cohort at its published figure's cut-off and its default
# (schemas/study.py)
DEFAULT_CUTOFFS: dict[str, date] = STUDY.default_cutoffs
HEADLINE_CUTOFFS: tuple[tuple[str, date], ...] = STUDY.headline_cutoffs

# The register effect's windows (docs/methods.md §Register effect). The matching reads the
# history window H months before the index month m (a setting: 24, 30 or 36; six-month blocks),
# capped by how far back the register extract covers the clients; the hold-out placebo puts a
# pseudo-index 12 months earlier and needs another 12 months behind it, so register_monthly
# opens a client's window CLIENT_HISTORY_BACK months before the index month when the extract
# reaches that far (else at the contract's 24). Effects are estimated up to +24 months.
REGISTER_HISTORY_DEFAULT = 36
REGISTER_HISTORY_MIN = 24
REGISTER_HISTORY_MAX = 36
REGISTER_BLOCK_MONTHS = 6
REGISTER_HISTORY_CHOICES = tuple(range(REGISTER_HISTORY_MIN, REGISTER_HISTORY_MAX + 1,
                                       REGISTER_BLOCK_MONTHS))
PLACEBO_SHIFT_MONTHS = 12
CLIENT_HISTORY_BACK = REGISTER_HISTORY_MAX + PLACEBO_SHIFT_MONTHS
EFFECT_POST_MONTHS = 24
