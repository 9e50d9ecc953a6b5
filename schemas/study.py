"""The study, defined once (docs/methods.md §The study): its cohorts — code, name in fi/sv/en,
project period, enrolment, default data cut-off, the published headline figures — and its
regions with their cohort and names, and the forms of the team and coach codes.

Every module reads these facts from ``STUDY`` (or the names below made from it): the command line's
cut-off option and its help, ``Settings``, the codebook's code lists and value labels, the synthetic
study's design, the headline check. SQL reads them from the ``meta`` tables (``meta.cohorts``,
``meta.regions``: ``sql/study/cohorts_and_regions.sql``; ``meta.cutoffs``:
``sql/study/cutoffs.sql``; written by ``ips_eval.warehouse.write_study_meta``). No other
module spells a cohort code or a default cut-off date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas.labels import L, Label


@dataclass(frozen=True)
class Headline:
    """A published figure: clients started and clients who found a competitive job by the
    cut-off (THL's reports; the synthetic study is calibrated to them and the headline table
    reproduces them)."""

    cutoff: date
    started: int
    employed: int


@dataclass(frozen=True)
class Cohort:
    code: str
    name: Label
    period: tuple[date, date]  # the project's first and last day (its costs' span)
    enrolment: tuple[date, date]  # the first and the last index date
    default_cutoff: date  # the data cut-off unless ``--cutoff`` says otherwise
    headline: Headline


@dataclass(frozen=True)
class Region:
    code: str
    cohort: str
    name: Label


@dataclass(frozen=True)
class Study:
    cohorts: tuple[Cohort, ...]
    regions: tuple[Region, ...]

    @property
    def cohort_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.cohorts)

    @property
    def region_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.regions)

    def cohort(self, code: str) -> Cohort:
        for cohort in self.cohorts:
            if cohort.code == code:
                return cohort
        raise KeyError(f"no cohort {code!r} in the study (cohorts: "
                       f"{', '.join(self.cohort_codes)})")

    def regions_of(self, cohort: str) -> tuple[str, ...]:
        return tuple(r.code for r in self.regions if r.cohort == cohort)

    @property
    def cohort_of_region(self) -> dict[str, str]:
        return {r.code: r.cohort for r in self.regions}

    @property
    def default_cutoffs(self) -> dict[str, date]:
        return {c.code: c.default_cutoff for c in self.cohorts}

    @property
    def headline_cutoffs(self) -> tuple[tuple[str, date], ...]:
        """(cohort, cut-off) of the headline table: each cohort at its published figure's
        cut-off and at its default cut-off (once when they are the same day)."""
        return tuple((c.code, d) for c in self.cohorts
                     for d in sorted({c.headline.cutoff, c.default_cutoff}))

    def cutoff_example(self) -> str:
        """``pilot=2023-06-30, rrp=2024-12-31``: the default cut-offs as the option takes them."""
        return ", ".join(f"{c.code}={c.default_cutoff.isoformat()}" for c in self.cohorts)


STUDY = Study(
    cohorts=(
        Cohort("pilot", L("Pilotit 2020–2023", "Piloter 2020–2023", "Pilots 2020–2023"),
               period=(date(2020, 9, 1), date(2023, 6, 30)),
               enrolment=(date(2020, 9, 1), date(2023, 6, 30)),
               default_cutoff=date(2023, 6, 30),
               headline=Headline(date(2023, 6, 30), started=763, employed=348)),
        Cohort("rrp", L("RRP 2023–2024", "RRP 2023–2024", "RRP 2023–2024"),
               period=(date(2023, 6, 1), date(2024, 12, 31)),
               enrolment=(date(2023, 6, 1), date(2024, 10, 31)),
               default_cutoff=date(2024, 12, 31),
               headline=Headline(date(2024, 4, 30), started=336, employed=86)),
    ),
    regions=(
        Region("HEL", "pilot", L("Helsinki", "Helsingfors", "Helsinki")),
        Region("HUS", "pilot", L("HUS Psykiatria ja Uudenmaan TE-toimisto",
                                 "HUS Psykiatri och Nylands TE-byrå",
                                 "HUS Psychiatry and Uusimaa TE office")),
        Region("PKA", "pilot", L("Pohjois-Karjala (Siun sote)", "Norra Karelen (Siun sote)",
                                 "North Karelia (Siun sote)")),
        Region("EPO", "pilot", L("Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia")),
        Region("LAP", "pilot", L("Lappi", "Lappland", "Lapland")),
        Region("KAI", "rrp", L("Kainuu", "Kajanaland", "Kainuu")),
        Region("PSA", "rrp", L("Pohjois-Savo", "Norra Savolax", "North Savo")),
        Region("KSU", "rrp", L("Keski-Suomi", "Mellersta Finland", "Central Finland")),
        Region("KPO", "rrp", L("Keski-Pohjanmaa (Soite)", "Mellersta Österbotten (Soite)",
                               "Central Ostrobothnia (Soite)")),
        Region("POH", "rrp", L("Pohjanmaa", "Österbotten", "Ostrobothnia")),
        Region("VSU", "rrp", L("Varsinais-Suomi (Varha)", "Egentliga Finland (Varha)",
                               "Southwest Finland (Varha)")),
    ),
)

# The cohorts by name, for code that treats one of them in its own way (the reference level of
# a model, a term ``cohort[rrp]``, a colour)
PILOT, RRP = STUDY.cohort_codes
COHORTS = STUDY.cohort_codes
CUTOFF_FORMS = " or ".join(f"{c}=YYYY-MM-DD" for c in COHORTS)
REGIONS = STUDY.region_codes

# Team and coach codes as the contract's examples write them (HEL-T1, HEL-C03): a region's code,
# T or C, a number. A pattern also keeps a delivered formula (=HYPERLINK(…)) or any other
# hostile text out of staging.
_REGION_ALT = "|".join(REGIONS)
CLIENT_CODE_PATTERN = rf"^({_REGION_ALT})-\d{{4}}$"
TEAM_CODE_PATTERN = rf"^({_REGION_ALT})-T\d{{1,3}}$"
COACH_CODE_PATTERN = rf"^({_REGION_ALT})-C\d{{1,3}}$"


def parse_cutoff(text: str) -> tuple[str, date]:
    """``rrp=2024-04-30`` → (cohort, date): the one reader of a cohort's cut-off, for the
    command line and the environment. ValueError with a one-line message on anything else."""
    cohort, sep, value = text.partition("=")
    cohort = cohort.strip()
    if not sep or cohort not in COHORTS:
        raise ValueError(f"expected {CUTOFF_FORMS}, got {text!r}")
    try:
        return cohort, date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value.strip()!r} is not a date: {date_form_hint(cohort, value)}"
                         ) from None


def parse_cutoffs(text: str) -> dict[str, date]:
    """``"pilot=2023-06-30,rrp=2024-12-31"`` (``$IPS_EVAL_CUTOFFS``) → {cohort: date}, the
    default cut-offs for cohorts it does not name."""
    cutoffs = STUDY.default_cutoffs
    cutoffs.update(parse_cutoff(part) for part in text.split(",") if part.strip())
    return cutoffs


def date_form_hint(cohort: str, value: str) -> str:
    """What a cut-off date should look like, with an example made from what was typed where it
    can be read (``30.4.2024`` → ``rrp=2024-04-30``)."""
    day, month, year = (value.strip().split(".") + ["", "", ""])[:3]
    try:
        example = date(int(year), int(month), int(day))
    except ValueError:
        example = (STUDY.cohort(cohort).default_cutoff if cohort in COHORTS
                   else STUDY.cohorts[-1].headline.cutoff)
    return f"use YYYY-MM-DD, a real calendar day, e.g. {cohort}={example.isoformat()}"
