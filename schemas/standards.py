"""The IPS model's own process standards (programme appendix 1; IPS-25) and the IPS Learning
Community's benchmarks of the quarterly employment rate, defined once (DESIGN.md §4, "IPS
process standards"). SQL gets the numbers as bound parameters, tables and figures their labels
from here."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codebook import L, Label

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


STANDARDS: dict[str, Standard] = {s.indicator: s for s in (
    Standard("contacts_per_week",
             L("Työnantajakontaktit viikossa", "Arbetsgivarkontakter per vecka",
               "Employer contacts a week"), 6, "at_least",
             L("valmentajaviikkoa", "coachveckor", "coach-weeks")),
    Standard("first_meeting_days",
             L("Päiviä ensimmäiseen työnantajatapaamiseen",
               "Dagar till första mötet med en arbetsgivare",
               "Days to the first employer meeting"), 30, "at_most",
             L("asiakasta", "klienter", "clients")),
    Standard("caseload",
             L("Asiakkaita valmentajaa kohden kuun lopussa",
               "Klienter per coach vid månadens slut",
               "Clients per coach at the month end"), 20, "at_most",
             L("valmentajakuukautta", "coachmånader", "coach-months")),
    Standard("referral_days",
             L("Päiviä lähetteestä aloitukseen", "Dagar från remiss till start",
               "Days from referral to start"), None, None,
             L("asiakasta", "klienter", "clients")),
)}

# IPS Learning Community benchmarks of the quarterly employment rate (share working among the
# clients active in the quarter).
EMPLOYMENT_RATE_BENCHMARKS: tuple[tuple[float, Label], ...] = (
    (0.31, L("vähimmäistaso 31 %", "miniminivå 31 %", "minimal 31%")),
    (0.41, L("keskitaso 41 %", "genomsnitt 41 %", "average 41%")),
    (0.50, L("erinomainen 50 %", "utmärkt 50 %", "excellent 50%")),
)


def standard(indicator: str) -> float:
    """The standard's number (6 contacts, 30 days, 20 clients)."""
    value = STANDARDS[indicator].standard
    if value is None:
        raise KeyError(f"{indicator} has no standard")
    return value
