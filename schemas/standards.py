"""The IPS model's own process standards (programme appendix 1; IPS-25) and the IPS Learning
Community's benchmarks of the quarterly employment rate, defined once (docs/methods.md
§Process standards). SQL gets the numbers as bound parameters, tables and figures their labels
from here; the labels' fi/sv/en texts are in ``schemas/texts/standards.yaml``."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codebook import Label
from schemas.text_catalogue import label

# Contact types that are employer contacts in the standard's sense (kontaktit.tyyppi): 1 first
# meeting of client and employer, 2 job development; 3 (follow-along support) is not.
EMPLOYER_CONTACT_TYPES = (1, 2)
FIRST_MEETING_TYPE = 1


@dataclass(frozen=True)
class Standard:
    """One indicator of process.csv: its standard and which side of it meets the standard."""

    indicator: str
    label: Label
    standard: float | None
    meets: str | None  # "at_least" or "at_most" the standard; None: no standard
    unit: Label


def T(key: str) -> Label:  # noqa: N802 — reads like a table row
    """The text ``key`` in fi/sv/en (``schemas/texts/standards.yaml``)."""
    return label("standards", key)


STANDARDS: dict[str, Standard] = {s.indicator: s for s in (
    Standard("contacts_per_week", T("indicator.contacts_per_week"), 6, "at_least",
             T("unit.coach_weeks")),
    Standard("first_meeting_days", T("indicator.first_meeting_days"), 30, "at_most",
             T("unit.clients")),
    Standard("caseload", T("indicator.caseload"), 20, "at_most", T("unit.coach_months")),
    Standard("referral_days", T("indicator.referral_days"), None, None, T("unit.clients")),
)}

# IPS Learning Community benchmarks of the quarterly employment rate (share working among the
# clients active in the quarter).
EMPLOYMENT_RATE_BENCHMARKS: tuple[tuple[float, Label], ...] = (
    (0.31, T("benchmark.minimal")),
    (0.41, T("benchmark.average")),
    (0.50, T("benchmark.excellent")),
)


def standard(indicator: str) -> float:
    """The standard's number (6 contacts, 30 days, 20 clients)."""
    value = STANDARDS[indicator].standard
    if value is None:
        raise KeyError(f"{indicator} has no standard")
    return value

# The 25 items of the IPS-25 (IPS Supported Employment Fidelity Scale) in the scale's order:
# k01 … k25 of laatuarviot (docs/methods.md §Sources and deliveries).
FIDELITY_ITEM_LABELS: dict[str, Label] = {f"k{i:02d}": T(f"ips25.k{i:02d}")
                                          for i in range(1, 26)}
