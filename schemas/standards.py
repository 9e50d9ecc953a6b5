"""The IPS model's own process standards (programme appendix 1; IPS-25) and the IPS Learning
Community's benchmarks of the quarterly employment rate, defined once (docs/methods.md
§Process standards). SQL gets the numbers as bound parameters, tables and figures their labels
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

# The 25 items of the IPS-25 (IPS Supported Employment Fidelity Scale) in the scale's order:
# k01 … k25 of laatuarviot (docs/methods.md §Sources and deliveries).
FIDELITY_ITEM_LABELS: dict[str, Label] = {f"k{i:02d}": label for i, label in enumerate((
    L("Asiakasmäärä", "Klientantal", "Caseload size"),
    L("Työllistämispalvelujen henkilöstö", "Sysselsättningstjänsternas personal",
      "Employment services staff"),
    L("Valmentaja vastaa kaikista vaiheista", "Coachen ansvarar för alla faser",
      "Vocational generalists"),
    L("Integraatio hoitotiimiin (tiimijäsenyys)", "Integration i vårdteamet (medlemskap)",
      "Integration with treatment through team assignment"),
    L("Integraatio hoitotiimiin (tiivis yhteydenpito)", "Integration i vårdteamet (täta "
      "kontakter)", "Integration with treatment through frequent contact"),
    L("Yhteistyö TE-palvelujen kanssa", "Samarbete med TE-tjänsterna",
      "Collaboration with vocational rehabilitation"),
    L("IPS-yksikkö", "IPS-enhet", "Vocational unit"),
    L("Esihenkilön rooli", "Chefens roll", "Role of the employment supervisor"),
    L("Ei poissulkukriteerejä", "Inga uteslutningskriterier", "Zero exclusion criteria"),
    L("Organisaation painopiste avoimissa työmarkkinoissa", "Organisationens fokus på öppna "
      "arbetsmarknaden", "Agency focus on competitive employment"),
    L("Johdon tuki", "Ledningens stöd", "Executive team support"),
    L("Etuusneuvonta", "Förmånsrådgivning", "Work incentives planning"),
    L("Diagnoosin kertominen työnantajalle", "Att berätta om diagnosen för arbetsgivaren",
      "Disclosure"),
    L("Jatkuva työhön perustuva arviointi", "Fortlöpande arbetsbaserad bedömning",
      "Ongoing work-based assessment"),
    L("Nopea työnhaku", "Snabbt jobbsökande", "Rapid job search"),
    L("Yksilöllinen työnhaku", "Individuellt jobbsökande", "Individualised job search"),
    L("Työnantajakontaktien määrä", "Antal arbetsgivarkontakter",
      "Job development: frequent employer contact"),
    L("Työnantajakontaktien laatu", "Arbetsgivarkontakternas kvalitet",
      "Job development: quality of employer contact"),
    L("Työtehtävien monipuolisuus", "Variation i arbetsuppgifter", "Diversity of job types"),
    L("Työnantajien monipuolisuus", "Variation i arbetsgivare", "Diversity of employers"),
    L("Avoimet työmarkkinat", "Öppna arbetsmarknaden", "Competitive jobs"),
    L("Yksilöllinen tuki työssä", "Individuellt stöd i arbetet",
      "Individualised follow-along supports"),
    L("Ajallisesti rajaamaton tuki", "Tidsobegränsat stöd", "Time-unlimited follow-along"),
    L("Palvelut lähiyhteisössä", "Tjänster i närmiljön", "Community-based services"),
    L("Aktiivinen yhteydenpito ja tavoittaminen", "Aktiv kontakt och uppsökande",
      "Assertive engagement and outreach"),
), start=1)}
