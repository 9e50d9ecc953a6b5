"""The study's fixed design: regions, cohorts, sizes, teams, delivery dates and file formats.

Everything the generator treats as given (rather than drawn at random) lives here, so a reader
finds "when does HEL deliver, and in which format" in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from schemas.study import STUDY, Cohort

# The study's regions and cohorts, its published headline figures (clients started / found a
# competitive job by the cut-off) and default cut-offs: schemas/study.py. The generator
# reproduces the headline figures exactly on the final clean data (see jobs.py).
REGIONS = STUDY.region_codes
COHORT_OF = STUDY.cohort_of_region
HEADLINE_CUTOFF = {c.code: c.headline.cutoff for c in STUDY.cohorts}
HEADLINE_STARTED = {c.code: c.headline.started for c in STUDY.cohorts}
HEADLINE_EMPLOYED = {c.code: c.headline.employed for c in STUDY.cohorts}
DEFAULT_CUTOFF = STUDY.default_cutoffs

# Clients who had started by the headline cut-off, per region (sums: 763 and 336) ...
STARTED_BY_HEADLINE = {
    "HEL": 221, "HUS": 187, "PKA": 131, "EPO": 124, "LAP": 100,
    "KAI": 38, "PSA": 66, "KSU": 72, "KPO": 34, "POH": 52, "VSU": 74,
}
# ... and RRP clients who started after 30.4.2024 (enrolment ran on to autumn 2024).
STARTED_LATER = {"KAI": 10, "PSA": 18, "KSU": 20, "KPO": 9, "POH": 14, "VSU": 20}



def _enrolment_windows(cohort: Cohort) -> list[tuple[date, date]]:
    """The cohort's enrolment up to its headline cut-off, and what came after it (RRP's
    enrolment ran on to autumn 2024): the two parts are drawn with their own sizes."""
    first, last = cohort.enrolment
    headline = cohort.headline.cutoff
    return [(first, headline)] + ([(headline + timedelta(days=1), last)] if last > headline
                                  else [])


ENROLMENT_WINDOWS = {c.code: _enrolment_windows(c) for c in STUDY.cohorts}

# (teams, coaches per team)
TEAMS = {
    "HEL": (3, 3), "HUS": (3, 2), "PKA": (2, 2), "EPO": (2, 2), "LAP": (2, 2),
    "KAI": (1, 2), "PSA": (2, 2), "KSU": (2, 2), "KPO": (1, 2), "POH": (2, 2), "VSU": (2, 2),
}

# The register extracts reach 24 months before the earliest index dates (autumn 2020), so that
# every client has the full history the register effect matches on (docs/methods.md §Register
# effect); the contract's first valid register date, 1.1.2017, keeps every genuine row clear of
# `date_before_2017`.
REGISTER_START = date(2018, 1, 1)
REGISTER_EXTRACTS = (date(2024, 5, 2), date(2025, 3, 3))
REGISTER_SOURCES = ("rekisterit/kela", "rekisterit/tulorekisteri")
REGISTER_ISSUER = {"rekisterit/kela": "kela", "rekisterit/tulorekisteri": "tulorekisteri"}

REGION_SOURCES = (
    "asiakkaat", "tyosuhteet", "kontaktit", "asiakaskysely", "tyonantajakysely", "laatuarviot",
    "kustannukset",
)
ALL_SOURCES = REGION_SOURCES + REGISTER_SOURCES


def _deliveries(base: list[date], offset_days: int) -> tuple[date, ...]:
    return tuple(d + timedelta(days=offset_days) for d in base)


_PILOT_BASE = [date(2021, 9, 13), date(2022, 8, 15), date(2023, 7, 5)]
_RRP_BASE = [date(2023, 12, 11), date(2024, 5, 6), date(2025, 1, 13)]

# Each region exports cumulatively a few times; the last pilot export follows the pilot's end
# (30.6.2023), the last RRP export follows 31.12.2024.
DELIVERY_DATES: dict[str, tuple[date, ...]] = {
    "HEL": _deliveries(_PILOT_BASE, 0), "HUS": _deliveries(_PILOT_BASE, 1),
    "PKA": _deliveries(_PILOT_BASE, 2), "EPO": _deliveries(_PILOT_BASE, 5),
    "LAP": _deliveries(_PILOT_BASE, 6),
    "KAI": _deliveries(_RRP_BASE, 0), "PSA": _deliveries(_RRP_BASE, 1),
    "KSU": _deliveries(_RRP_BASE, 2), "KPO": _deliveries(_RRP_BASE, 3),
    "POH": _deliveries(_RRP_BASE, 4), "VSU": _deliveries(_RRP_BASE, 7),
}


def final_delivery(region: str) -> date:
    return DELIVERY_DATES[region][-1]


@dataclass(frozen=True)
class CsvStyle:
    """How one sender writes CSV: Finnish Excel conventions with the sender's own quirks."""

    encoding: str = "utf-8"  # "utf-8", "cp1252" or "latin-1"
    bom: bool = False
    crlf: bool = False
    header: str = "lower"  # "lower", "title" (Asiakastunnus) or "spaced" (stray spaces)
    thousands: bool = False  # "1 234,50" rather than "1234,50"


@dataclass(frozen=True)
class RegionFormat:
    tables: str  # "xlsx" or "csv" for enrolment, jobs, contacts, fidelity
    client_survey: str  # "sav" or "csv"
    employer_survey: str  # "sav" or "csv"
    csv: CsvStyle = field(default_factory=CsvStyle)
    # Some senders changed their export tool: the first delivery came in another encoding.
    first_delivery_csv: CsvStyle | None = None


FORMATS: dict[str, RegionFormat] = {
    "HEL": RegionFormat("xlsx", "sav", "sav"),
    "HUS": RegionFormat("csv", "sav", "csv", CsvStyle("utf-8", bom=True, crlf=True)),
    "PKA": RegionFormat("csv", "csv", "csv", CsvStyle("cp1252", crlf=True, header="title")),
    "EPO": RegionFormat("xlsx", "csv", "sav", CsvStyle("utf-8")),
    "LAP": RegionFormat("csv", "csv", "csv", CsvStyle("utf-8"),
                        first_delivery_csv=CsvStyle("cp1252", crlf=True)),
    "KAI": RegionFormat("xlsx", "sav", "sav"),
    "PSA": RegionFormat("csv", "sav", "csv", CsvStyle("utf-8")),
    "KSU": RegionFormat("xlsx", "csv", "csv", CsvStyle("utf-8", bom=True, crlf=True)),
    "KPO": RegionFormat("csv", "csv", "csv", CsvStyle("latin-1", header="spaced")),
    "POH": RegionFormat("csv", "sav", "sav", CsvStyle("utf-8", bom=True, crlf=True)),
    "VSU": RegionFormat("xlsx", "csv", "csv", CsvStyle("utf-8")),
}

REGISTER_CSV = {
    "rekisterit/kela": CsvStyle("utf-8", crlf=True, thousands=True),
    "rekisterit/tulorekisteri": CsvStyle("utf-8"),
}


def format_for(source: str, region: str) -> str:
    if source in REGISTER_SOURCES:
        return "csv"
    fmt = FORMATS[region]
    if source == "asiakaskysely":
        return fmt.client_survey
    if source == "tyonantajakysely":
        return fmt.employer_survey
    return fmt.tables


def csv_style_for(source: str, issuer: str, delivered: date) -> CsvStyle:
    if source in REGISTER_SOURCES:
        return REGISTER_CSV[source]
    fmt = FORMATS[issuer]
    if fmt.first_delivery_csv is not None and delivered == DELIVERY_DATES[issuer][0]:
        return fmt.first_delivery_csv
    return fmt.csv
