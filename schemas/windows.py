"""The study's time rules, defined once (docs/methods.md §Windows and cut-offs): the 6- and 12-month
windows, the default data cut-offs per cohort and the cut-offs of the published headline figures.
Python code imports these names; SQL gets them through the ``meta.windows`` / ``meta.cutoffs``
tables or bound parameters built from them — no other module or SQL file spells the numbers."""

from __future__ import annotations

from datetime import date

# docs/methods.md §Windows and cut-offs: "6 and 12 months = 182.625 and 365.25 days" (a year of
# 365.25 days).
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
SIX_MONTHS_DAYS = DAYS_PER_YEAR / 2
TWELVE_MONTHS_DAYS = DAYS_PER_YEAR
WINDOWS_DAYS: dict[int, float] = {6: SIX_MONTHS_DAYS, 12: TWELVE_MONTHS_DAYS}

# docs/methods.md §Windows and cut-offs: data cut-off per cohort; the headline check also uses
# 30.4.2024 for rrp, the date of the published RRP figure (336 started, 86 employed).
DEFAULT_CUTOFFS: dict[str, date] = {"pilot": date(2023, 6, 30), "rrp": date(2024, 12, 31)}
HEADLINE_CUTOFFS: tuple[tuple[str, date], ...] = (
    ("pilot", date(2023, 6, 30)),
    ("rrp", date(2024, 4, 30)),
    ("rrp", date(2024, 12, 31)),
)
