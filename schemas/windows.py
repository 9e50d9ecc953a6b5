"""The study's time rules, defined once (docs/methods.md §Windows and cut-offs): the 6- and 12-month
windows, and the cut-offs per cohort as the study defines them (schemas/study.py).
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
WINDOWS_DAYS: dict[int, float] = {6: SIX_MONTHS_DAYS, 12: TWELVE_MONTHS_DAYS}

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
