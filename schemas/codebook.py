"""The codebook: the single source of truth for every delivered column.

Per source: each raw (Finnish) column with its analysis name, type, allowed range or code list,
whether it is part of the key or required, whether it carries an identity code, and variable and
value labels in fi/sv/en. pandera schemas, staging column names, Stata/SPSS labels and table
labels are all built from this module; adding a survey item is one edit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from schemas.labels import LANGS, L, Label, Lang  # noqa: F401 — LANGS: read here by many
from schemas.study import (
    CLIENT_CODE_PATTERN,
    COACH_CODE_PATTERN,
    REGIONS,
    STUDY,
    TEAM_CODE_PATTERN,
)

DType = Literal["str", "int", "float", "date", "month"]
Identity = Literal["hetu", "ytunnus"] | None
COHORT_OF_REGION = STUDY.cohort_of_region


def filled_text(texts: Mapping[str, Label], key: str, lang: Lang, where: str,
                **fields: object) -> str:
    """The text ``key`` of ``texts`` (defined in the module ``where``) in ``lang``, its
    ``str.format`` fields filled; an unknown key names the module that should define it."""
    try:
        label = texts[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in {where}") from None
    return label(lang).format(**fields) if fields else label(lang)


# ---------------------------------------------------------------------------------------------
# Code lists and value labels
# ---------------------------------------------------------------------------------------------
CODE_MAX = 16  # characters of a team or coach code (HEL-T123 is 8): a bound, not a format

VALUE_LABELS: dict[str, dict[object, Label]] = {
    "region": {r.code: r.name for r in STUDY.regions},
    "cohort": {c.code: c.name for c in STUDY.cohorts},
    "yesno": {0: L("Ei", "Nej", "No"), 1: L("Kyllä", "Ja", "Yes")},
    "sex": {
        "female": L("Nainen", "Kvinna", "Female"),
        "male": L("Mies", "Man", "Male"),
    },
    "education": {
        1: L("Perusaste", "Grundnivå", "Basic"),
        2: L("Toinen aste", "Andra stadiet", "Upper secondary / vocational"),
        3: L("Alempi korkea-aste", "Lägre högskolenivå", "Lower tertiary"),
        4: L("Ylempi korkea-aste", "Högre högskolenivå", "Higher tertiary"),
    },
    "work_history": {
        0: L("Ei koskaan töissä", "Aldrig arbetat", "Never worked"),
        1: L("Yli 5 v sitten", "Över 5 år sedan", "Over 5 years ago"),
        2: L("5 v sisällä", "Inom 5 år", "Within 5 years"),
        3: L("Viimeisen vuoden aikana", "Under det senaste året", "Within the last year"),
    },
    "income_source": {
        1: L("Palkka", "Lön", "Wages"),
        2: L("Työttömyysetuus", "Arbetslöshetsförmån", "Unemployment benefit"),
        3: L("Sairaus- tai kuntoutusetuus", "Sjuk- eller rehabiliteringsförmån",
             "Sickness / rehabilitation benefit"),
        4: L("Työkyvyttömyyseläke", "Invalidpension", "Disability pension"),
        5: L("Toimeentulotuki", "Utkomststöd", "Social assistance"),
        6: L("Opintotuki", "Studiestöd", "Study grant"),
        7: L("Muu", "Annan", "Other"),
    },
    "language": {
        "fi": L("suomi", "finska", "Finnish"),
        "sv": L("ruotsi", "svenska", "Swedish"),
        "muu": L("muu", "annat", "other"),
    },
    "exit_reason": {
        1: L("Työllistyi, tukea ei enää tarvita", "Sysselsatt, stöd behövs inte längre",
             "Employed, support no longer needed"),
        2: L("Oma päätös", "Eget beslut", "Own decision"),
        3: L("Terveys", "Hälsa", "Health"),
        4: L("Muutti", "Flyttade", "Moved"),
        5: L("Ei yhteyttä", "Ingen kontakt", "No contact"),
        6: L("Muu", "Annan", "Other"),
    },
    "contract_type": {
        1: L("Toistaiseksi voimassa", "Tillsvidare", "Permanent"),
        2: L("Määräaikainen", "Visstid", "Fixed-term"),
    },
    "job_end_reason": {
        1: L("Määräaika päättyi", "Visstiden tog slut", "Fixed term ended"),
        2: L("Irtisanoutui", "Sade upp sig", "Resigned"),
        3: L("Irtisanottiin", "Blev uppsagd", "Dismissed"),
        4: L("Terveys", "Hälsa", "Health"),
        5: L("Muu", "Annan", "Other"),
    },
    "contact_type": {
        1: L("Asiakkaan ja työnantajan ensitapaaminen", "Första möte klient–arbetsgivare",
             "First meeting of client and employer"),
        2: L("Työpaikan kehittämiskontakti", "Kontakt för jobbutveckling",
             "Job development contact"),
        3: L("Työpaikalla annettava tuki", "Stöd på arbetsplatsen",
             "Follow-along support at the workplace"),
    },
    "wave": {
        0: L("Alku", "Start", "Baseline"),
        6: L("6 kk", "6 mån", "6 months"),
        12: L("12 kk", "12 mån", "12 months"),
    },
    "agree5": {
        1: L("Täysin eri mieltä", "Helt av annan åsikt", "Fully disagree"),
        2: L("Jokseenkin eri mieltä", "Delvis av annan åsikt", "Somewhat disagree"),
        3: L("Ei samaa eikä eri mieltä", "Varken eller", "Neither agree nor disagree"),
        4: L("Jokseenkin samaa mieltä", "Delvis av samma åsikt", "Somewhat agree"),
        5: L("Täysin samaa mieltä", "Helt av samma åsikt", "Fully agree"),
    },
    "mhi": {
        1: L("Koko ajan", "Hela tiden", "All of the time"),
        2: L("Suurimman osan aikaa", "För det mesta", "Most of the time"),
        3: L("Huomattavan osan aikaa", "En stor del av tiden", "A good bit of the time"),
        4: L("Jonkin aikaa", "En del av tiden", "Some of the time"),
        5: L("Vähän aikaa", "Lite av tiden", "A little of the time"),
        6: L("Ei lainkaan", "Inte alls", "None of the time"),
    },
    "qol": {
        1: L("Erittäin huono / tyytymätön", "Mycket dålig / missnöjd", "Very poor / dissatisfied"),
        2: L("Huono / tyytymätön", "Dålig / missnöjd", "Poor / dissatisfied"),
        3: L("Ei hyvä eikä huono", "Varken bra eller dålig", "Neither"),
        4: L("Hyvä / tyytyväinen", "Bra / nöjd", "Good / satisfied"),
        5: L("Erittäin hyvä / tyytyväinen", "Mycket bra / nöjd", "Very good / satisfied"),
    },
    "health5": {
        1: L("Erittäin hyvä", "Mycket bra", "Very good"),
        2: L("Melko hyvä", "Ganska bra", "Fairly good"),
        3: L("Keskinkertainen", "Medelmåttig", "Average"),
        4: L("Melko huono", "Ganska dålig", "Fairly poor"),
        5: L("Erittäin huono", "Mycket dålig", "Very poor"),
    },
    "situation": {
        1: L("Töissä", "Arbetar", "Working"),
        2: L("Opiskelee", "Studerar", "Studying"),
        3: L("Molemmat", "Båda", "Both"),
        4: L("Ei kumpaakaan", "Ingetdera", "Neither"),
    },
    "firm_size": {
        1: L("Alle 10", "Under 10", "Fewer than 10"),
        2: L("10–49", "10–49", "10–49"),
        3: L("50–249", "50–249", "50–249"),
        4: L("250 tai enemmän", "250 eller fler", "250 or more"),
    },
    "would_hire": {
        1: L("Kyllä", "Ja", "Yes"),
        2: L("Ehkä", "Kanske", "Maybe"),
        3: L("Ei", "Nej", "No"),
    },
    "benefit": {
        "SPR": L("Sairauspäiväraha", "Sjukdagpenning", "Sickness allowance"),
        "KUNTR": L("Kuntoutusraha", "Rehabiliteringspenning", "Rehabilitation allowance"),
        "KUNTT": L("Kuntoutustuki", "Rehabiliteringsstöd", "Rehabilitation subsidy"),
        "TKE": L("Työkyvyttömyyseläke", "Invalidpension", "Disability pension"),
        "TMT": L("Työmarkkinatuki", "Arbetsmarknadsstöd", "Labour market subsidy"),
        "PPR": L("Peruspäiväraha", "Grunddagpenning", "Basic unemployment allowance"),
        "ASUMT": L("Yleinen asumistuki", "Allmänt bostadsbidrag", "General housing allowance"),
        "TTT": L("Perustoimeentulotuki", "Grundläggande utkomststöd", "Basic social assistance"),
        "OPT": L("Opintoraha", "Studiepenning", "Study grant"),
    },
    "industry": {
        letter: L(f"Toimiala {letter}", f"Näringsgren {letter}", f"Industry {letter}")
        for letter in "ABCDEFGHIJKLMNOPQRSTU"
    },
}


# ---------------------------------------------------------------------------------------------
# Columns and sources
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    raw: str  # the delivered (Finnish) column name, lower case
    name: str  # the analysis name used from staging on
    dtype: DType
    label: Label
    key: bool = False  # part of the source's key (a missing/malformed key rejects the row)
    required: bool = False  # must be present as a column (file-level) — keys always are
    min: float | None = None
    max: float | None = None
    codes: tuple | None = None  # allowed codes (str or int)
    value_labels: str | None = None  # name in VALUE_LABELS
    identity: Identity = None  # carries an identity code: pseudonymised at ingest
    pattern: str | None = None  # regular expression a text value must match
    empty_key_allowed: bool = False  # a key part that may be empty (contacts not about a client)
    required_with: str | None = None  # analysis name of a column whose value makes this required
    # codes that mean "missing" and are not defects: 99 "don't know / can't say" on a survey item
    missing_codes: tuple = ()
    # the longest text value staging keeps (a longer one is a defect); codes imply their own
    max_length: int | None = None

    @property
    def must_exist(self) -> bool:
        return self.key or self.required

    @property
    def max_chars(self) -> int | None:
        """The longest value a text column may stage: ``max_length``, else its longest code."""
        if self.dtype != "str" or self.identity:
            return None
        if self.max_length is not None:
            return self.max_length
        return max((len(str(c)) for c in self.codes), default=None) if self.codes else None


@dataclass(frozen=True)
class RowRule:
    """A cross-field rule that rejects the whole row (contract: "What a defect costs", row level).

    ``broken_when`` is a SQL predicate over the typed row (analysis names; ``_delivery_date``;
    tables ``_known_clients(client_id)`` and ``_known_coaches(coach)`` for the client and coach
    lists; parameter ``$earliest_date``): TRUE
    means the row breaks the rule. NULL operands never break a rule (missing is not wrong)."""

    rule: str  # id in schemas/rules.py
    column: str  # analysis name of the column whose value is reported in quarantine
    broken_when: str


# The study's data window starts in 2019 (contract: a date before 2019 is a row defect); the
# register extracts reach 24 months before the earliest index dates of 2020, so theirs in 2017.
EARLIEST_DATE = date(2019, 1, 1)
REGISTER_EARLIEST_DATE = date(2017, 1, 1)


def date_window_rules(columns: tuple[str, ...], lower: tuple[str, ...] | None = None,
                      register: bool = False) -> tuple[RowRule, ...]:
    """First valid date ≤ date (for the ``lower`` columns, default all) and date ≤ the delivery
    date, for each checked date column. The first valid date is 2019-01-01, or 2017-01-01 for a
    register extract (``$earliest_date`` / ``$register_earliest_date``)."""
    before = (RowRule("date_before_2017", "", "{c} < $register_earliest_date") if register
              else RowRule("date_before_2019", "", "{c} < $earliest_date"))
    lower = columns if lower is None else lower
    return tuple(
        rule
        for c in columns
        for rule in ((RowRule(before.rule, c, before.broken_when.format(c=c)),) if c in lower
                     else ()) + (RowRule("date_after_delivery", c, f"{c} > _delivery_date"),)
    )


UNKNOWN_CLIENT = RowRule(
    "unknown_client", "client_id",
    "client_id IS NOT NULL AND client_id NOT IN (SELECT client_id FROM _known_clients)")
# A contact is the coach's: a coach no enrolment form names cannot be given a team, region or
# caseload, so the row is spoiled as a job of an unknown client is (contract: row level).
UNKNOWN_COACH = RowRule(
    "unknown_coach", "coach",
    "coach IS NOT NULL AND coach NOT IN (SELECT coach FROM _known_coaches)")


@dataclass(frozen=True)
class Source:
    name: str  # the delivery folder, as docs/methods.md §Sources and deliveries names it
    table: str  # the raw / staging table name
    label: Label
    columns: tuple[Column, ...]
    extensions: tuple[str, ...]
    register: bool = False  # a register extract (keyed by hetu, comparison persons possible)
    date_columns_checked: tuple[str, ...] = field(default=())  # 2019 ≤ date ≤ delivery date
    # the columns of date_columns_checked with a lower bound (None: all of them)
    date_lower_checked: tuple[str, ...] | None = None
    row_rules: tuple[RowRule, ...] = field(default=())  # cross-field rules that reject the row

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @property
    def all_row_rules(self) -> tuple[RowRule, ...]:
        """The source's cross-field rules plus its date-window rules."""
        return self.row_rules + date_window_rules(self.date_columns_checked,
                                                  self.date_lower_checked, self.register)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name or c.raw == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _items(prefix: str, n: int, lo: int, hi: int, labels: str, what: Label,
           width: int = 1, missing_codes: tuple = ()) -> tuple[Column, ...]:
    return tuple(
        Column(f"{prefix}{i:0{width}d}", f"{prefix}{i:0{width}d}", "int",
               L(f"{what.fi} {i}", f"{what.sv} {i}", f"{what.en} {i}"),
               min=lo, max=hi, value_labels=labels, missing_codes=missing_codes)
        for i in range(1, n + 1)
    )


CLIENT_ID = Column("asiakastunnus", "client_id", "str",
                   L("Asiakastunnus", "Klientkod", "Client code"),
                   key=True, pattern=CLIENT_CODE_PATTERN, max_length=8)

ASIAKKAAT = Source(
    "asiakkaat", "asiakkaat", L("Asiakaslomake (aloitus)", "Klientblankett (start)",
                                "Enrolment form"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("referral_date", "index_date", "exit_date"),
    row_rules=(
        RowRule("region_prefix_mismatch", "region",
                "region IS NOT NULL AND client_id IS NOT NULL "
                "AND region <> split_part(client_id, '-', 1)"),
        RowRule("referral_after_start", "referral_date", "referral_date > index_date"),
    ),
    columns=(
        CLIENT_ID,
        Column("hetu", "pid", "str", L("Pseudonyymi (henkilötunnuksesta)", "Pseudonym (från "
               "personbeteckningen)", "Pseudonym (from the identity code)"), identity="hetu"),
        Column("rekisterilupa", "register_consent", "int",
               L("Rekisterilupa", "Registersamtycke", "Consent to register linkage"),
               codes=(0, 1), value_labels="yesno"),
        Column("alue", "region", "str", L("Alue", "Region", "Region"), required=True,
               codes=REGIONS, value_labels="region"),
        Column("tiimi", "team", "str", L("Tiimi", "Team", "Team"), pattern=TEAM_CODE_PATTERN,
               max_length=CODE_MAX),
        Column("valmentaja", "coach", "str", L("Valmentaja", "Coach", "Coach"),
               pattern=COACH_CODE_PATTERN, max_length=CODE_MAX),
        Column("lahetepvm", "referral_date", "date", L("Lähetepäivä", "Remissdatum",
               "Referral date")),
        Column("aloituspvm", "index_date", "date",
               L("Aloituspäivä (yhteistyösopimus)", "Startdatum (samarbetsavtal)",
                 "Index date (cooperation agreement)"), required=True),
        Column("diagnoosi", "diagnosis", "str", L("Päädiagnoosi (ICD-10)", "Huvuddiagnos "
               "(ICD-10)", "Primary diagnosis (ICD-10)"), pattern=r"^[A-Z]\d{2}(\.\d{1,2})?$",
               max_length=8),
        Column("koulutus", "education", "int", L("Koulutus", "Utbildning", "Education"),
               codes=(1, 2, 3, 4), value_labels="education"),
        Column("tyohistoria", "work_history", "int", L("Työhistoria", "Arbetshistoria",
               "Work history"), codes=(0, 1, 2, 3), value_labels="work_history"),
        Column("toimeentulo", "income_source", "int", L("Pääasiallinen toimeentulo",
               "Huvudsaklig försörjning", "Main income at start"),
               codes=tuple(range(1, 8)), value_labels="income_source"),
        Column("kieli", "language", "str", L("Kieli", "Språk", "Language"),
               codes=("fi", "sv", "muu"), value_labels="language"),
        Column("paattymispvm", "exit_date", "date", L("Palvelun päättymispäivä",
               "Tjänsten avslutad", "Service end date")),
        Column("paattymissyy", "exit_reason", "int", L("Päättymisen syy",
               "Orsak till avslut", "Reason for service end"), codes=tuple(range(1, 7)),
               value_labels="exit_reason", required_with="exit_date"),
    ),
)

TYOSUHTEET = Source(
    "tyosuhteet", "tyosuhteet", L("Työsuhteet", "Anställningar", "Job spells"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("start_date", "end_date"),
    row_rules=(RowRule("end_before_start", "end_date", "end_date < start_date"), UNKNOWN_CLIENT),
    columns=(
        CLIENT_ID,
        Column("tyosuhde_nro", "job_no", "int", L("Työsuhteen nro", "Anställningens nr",
               "Job number"), key=True, min=1),
        Column("tyonantaja", "employer_pid", "str", L("Työnantaja (pseudonyymi)",
               "Arbetsgivare (pseudonym)", "Employer (pseudonym)"), identity="ytunnus"),
        Column("alkupvm", "start_date", "date", L("Alkupäivä", "Startdatum", "Job start"),
               required=True),
        Column("loppupvm", "end_date", "date", L("Loppupäivä", "Slutdatum", "Job end")),
        Column("tunnit_vko", "hours_week", "float", L("Tunnit viikossa", "Timmar per vecka",
               "Hours a week"), min=0.01, max=60),
        Column("ammatti", "isco", "str", L("Ammatti (ISCO-08)", "Yrke (ISCO-08)",
               "Occupation (ISCO-08)"), pattern=r"^\d{1,4}$", max_length=4),
        Column("avoimet", "competitive", "int", L("Avoimet työmarkkinat",
               "Öppna arbetsmarknaden", "Competitive job (open labour market)"),
               required=True, codes=(0, 1), value_labels="yesno"),
        Column("palkkatuki", "pay_subsidy", "int", L("Palkkatuki", "Lönesubvention",
               "Pay subsidy"), codes=(0, 1), value_labels="yesno"),
        Column("sopimus", "contract_type", "int", L("Sopimustyyppi", "Avtalstyp",
               "Contract type"), codes=(1, 2), value_labels="contract_type"),
        Column("paattymissyy", "end_reason", "int", L("Päättymisen syy", "Orsak till slut",
               "Reason the job ended"), codes=(1, 2, 3, 4, 5), value_labels="job_end_reason",
               required_with="end_date"),
    ),
)

KONTAKTIT = Source(
    "kontaktit", "kontaktit", L("Työnantajakontaktit", "Arbetsgivarkontakter",
                                "Employer contacts"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("contact_date",),
    row_rules=(UNKNOWN_CLIENT, UNKNOWN_COACH),
    columns=(
        Column("valmentaja", "coach", "str", L("Valmentaja", "Coach", "Coach"), key=True,
               pattern=COACH_CODE_PATTERN, max_length=CODE_MAX),
        Column("pvm", "contact_date", "date", L("Päivä", "Datum", "Date"), key=True),
        Column("tyonantaja", "employer_pid", "str", L("Työnantaja (pseudonyymi)",
               "Arbetsgivare (pseudonym)", "Employer (pseudonym)"), key=True,
               identity="ytunnus"),
        Column("tyyppi", "contact_type", "int", L("Kontaktin tyyppi", "Kontakttyp",
               "Contact type"), key=True, codes=(1, 2, 3), value_labels="contact_type"),
        Column("asiakastunnus", "client_id", "str", L("Asiakastunnus", "Klientkod",
               "Client code"), key=True, pattern=CLIENT_CODE_PATTERN, empty_key_allowed=True,
               max_length=8),
    ),
)

# docs/methods.md §Sources and deliveries: 99 "don't know / can't say" may appear on any
# client-survey item and means missing, never a value (and never a defect).
DONT_KNOW = (99,)
_MHI = L("MHI-5 kysymys", "MHI-5 fråga", "MHI-5 item")
_QOL = L("EUROHIS-QOL kysymys", "EUROHIS-QOL fråga", "EUROHIS-QOL item")
_ESIS = L("Osallisuus (ESIS) kysymys", "Delaktighet (ESIS) fråga", "Social inclusion (ESIS) item")
_SAT = L("Tyytyväisyys palveluun", "Nöjdhet med tjänsten", "Satisfaction with the service")

ASIAKASKYSELY = Source(
    "asiakaskysely", "asiakaskysely", L("Asiakaskysely", "Klientenkät", "Client survey"),
    extensions=(".sav", ".csv"),
    date_columns_checked=("response_date",),
    row_rules=(UNKNOWN_CLIENT,),
    columns=(
        CLIENT_ID,
        Column("aalto", "wave_intended", "int", L("Kyselyaalto (suunniteltu)",
               "Enkätomgång (planerad)", "Intended wave"), key=True, codes=(0, 6, 12),
               value_labels="wave"),
        Column("vastauspvm", "response_date", "date", L("Vastauspäivä", "Svarsdatum",
               "Answer date"), required=True),
        *_items("mhi", 5, 1, 6, "mhi", _MHI, missing_codes=DONT_KNOW),
        *_items("qol", 8, 1, 5, "qol", _QOL, missing_codes=DONT_KNOW),
        *_items("osal", 10, 1, 5, "agree5", _ESIS, missing_codes=DONT_KNOW),
        Column("was", "was", "int", L("Työkykypistemäärä (WAS)", "Arbetsförmåga (WAS)",
               "Work Ability Score"), min=0, max=10, missing_codes=DONT_KNOW),
        Column("tyovalmius", "readiness", "int", L("Valmius palata töihin",
               "Beredskap att återgå i arbete", "Readiness to return to work"),
               min=1, max=5, value_labels="agree5", missing_codes=DONT_KNOW),
        Column("terveys", "self_rated_health", "int", L("Koettu terveys", "Självskattad hälsa",
               "Self-rated health"), min=1, max=5, value_labels="health5",
               missing_codes=DONT_KNOW),
        Column("tilanne", "situation", "int", L("Nykyinen tilanne", "Nuvarande situation",
               "Current situation"), codes=(1, 2, 3, 4), value_labels="situation",
               missing_codes=DONT_KNOW),
        # docs/methods.md §Sources and deliveries: tyyt1 coach's support, tyyt2 pace of job search,
        # tyyt3 support at work — each item's own text, as the report authors quote it
        *(Column(f"tyyt{i}", f"tyyt{i}", "int", L(f"{_SAT.fi}: {fi}", f"{_SAT.sv}: {sv}",
                                                   f"{_SAT.en}: {en}"),
                 min=1, max=5, value_labels="agree5", missing_codes=DONT_KNOW)
          for i, (fi, sv, en) in enumerate((
              ("valmentajan tuki", "coachens stöd", "the coach's support"),
              ("työnhaun tahti", "arbetssökandets tempo", "the pace of the job search"),
              ("tuki työpaikalla", "stöd på arbetsplatsen", "support at work")), start=1)),
    ),
)

TYONANTAJAKYSELY = Source(
    "tyonantajakysely", "tyonantajakysely", L("Työnantajakysely", "Arbetsgivarenkät",
                                              "Employer survey"),
    extensions=(".sav", ".csv"),
    date_columns_checked=("response_date",),
    columns=(
        Column("tyonantaja", "employer_pid", "str", L("Työnantaja (pseudonyymi)",
               "Arbetsgivare (pseudonym)", "Employer (pseudonym)"), key=True,
               identity="ytunnus"),
        Column("alue", "region", "str", L("Alue", "Region", "Region"), codes=REGIONS,
               value_labels="region"),
        Column("vastauspvm", "response_date", "date", L("Vastauspäivä", "Svarsdatum",
               "Answer date"), key=True),
        Column("koko", "firm_size", "int", L("Henkilöstön määrä", "Personalstorlek",
               "Staff size"), codes=(1, 2, 3, 4), value_labels="firm_size"),
        Column("toimiala", "industry", "str", L("Toimiala (TOL 2008)", "Näringsgren (TOL 2008)",
               "Industry (TOL 2008)"), codes=tuple("ABCDEFGHIJKLMNOPQRSTU"),
               value_labels="industry"),
        Column("ta1", "ta1", "int", L("Valmentajan tuki oli riittävää", "Coachens stöd räckte",
               "The coach's support was enough"), min=1, max=5, value_labels="agree5"),
        Column("ta2", "ta2", "int", L("Sain tarvitsemani tiedot", "Jag fick den information "
               "jag behövde", "I got the information I needed"), min=1, max=5,
               value_labels="agree5"),
        Column("ta3", "ta3", "int", L("Työ sovitettiin hyvin", "Arbetet anpassades väl",
               "The job was adapted well"), min=1, max=5, value_labels="agree5"),
        Column("ta4", "ta4", "int", L("Yhteistyö oli helppoa", "Samarbetet var lätt",
               "The cooperation was easy"), min=1, max=5, value_labels="agree5"),
        Column("ta5", "ta5", "int", L("Työntekijä sopii työyhteisöön", "Arbetstagaren passar "
               "i arbetsgemenskapen", "The employee fits the work community"), min=1, max=5,
               value_labels="agree5"),
        Column("ta6", "ta6", "int", L("Suosittelisin IPS:ää muille työnantajille",
               "Jag skulle rekommendera IPS till andra arbetsgivare",
               "I would recommend IPS to other employers"), min=1, max=5,
               value_labels="agree5"),
        Column("palkkaisi", "would_hire", "int", L("Palkkaisi IPS:n kautta uudelleen",
               "Skulle anställa via IPS igen", "Would hire through IPS again"),
               codes=(1, 2, 3), value_labels="would_hire"),
    ),
)

LAATUARVIOT = Source(
    "laatuarviot", "laatuarviot", L("IPS-25 laatuarviot", "IPS-25 kvalitetsbedömningar",
                                    "IPS-25 fidelity reviews"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("review_date",),
    columns=(
        Column("tiimi", "team", "str", L("Tiimi", "Team", "Team"), key=True,
               pattern=TEAM_CODE_PATTERN, max_length=CODE_MAX),
        Column("alue", "region", "str", L("Alue", "Region", "Region"), codes=REGIONS,
               value_labels="region"),
        Column("arviopvm", "review_date", "date", L("Arviointipäivä", "Bedömningsdatum",
               "Review date"), key=True),
        *_items("k", 25, 1, 5, None, L("IPS-25 kohta", "IPS-25 punkt", "IPS-25 item"),
                width=2),
    ),
)

KUSTANNUKSET = Source(
    "kustannukset", "kustannukset", L("Hankkeen kustannukset", "Projektets kostnader",
                                      "Project costs"),
    extensions=(".xlsx", ".csv"),
    columns=(
        Column("alue", "region", "str", L("Alue", "Region", "Region"), key=True,
               codes=REGIONS, value_labels="region"),
        Column("vuosi", "year", "int", L("Vuosi", "År", "Year"), key=True, min=2020, max=2024),
        Column("valmentajat_htv", "coach_fte", "float", L("IPS-valmentajien henkilötyövuodet",
               "IPS-coachernas årsverken", "IPS coaches' person-years (FTE)"), min=0.01),
        Column("henkilostokulut_eur", "personnel_eur", "float", L("Henkilöstökulut (€)",
               "Personalkostnader (€)", "Personnel costs (EUR)"), min=0),
        Column("muut_kulut_eur", "other_eur", "float", L("Muut kulut (€)", "Övriga kostnader (€)",
               "Other costs (EUR)"), min=0),
        Column("rahoitus_eur", "funding_eur", "float", L("Ulkoinen rahoitus (€)",
               "Extern finansiering (€)", "External funding (EUR)"), min=0),
    ),
)

KELA = Source(
    "rekisterit/kela", "kela", L("Kelan etuusjaksot", "FPA:s förmånsperioder",
                                 "Kela benefit periods"),
    extensions=(".csv",), register=True,
    date_columns_checked=("start_date", "end_date"),
    # contract: a period that starts before 2017 but ends on or after 1.1.2017 is valid
    date_lower_checked=("end_date",),
    row_rules=(RowRule("end_before_start", "end_date", "end_date < start_date"),),
    columns=(
        Column("hetu", "pid", "str", L("Pseudonyymi", "Pseudonym", "Pseudonym"), key=True,
               identity="hetu"),
        Column("etuus", "benefit", "str", L("Etuus", "Förmån", "Benefit"), key=True,
               codes=tuple(VALUE_LABELS["benefit"]), value_labels="benefit"),
        Column("alkupvm", "start_date", "date", L("Alkupäivä", "Startdatum", "Period start"),
               key=True),
        Column("loppupvm", "end_date", "date", L("Loppupäivä", "Slutdatum", "Period end"),
               required=True),
        Column("maksettu_eur", "paid_eur", "float", L("Maksettu (€)", "Utbetalt (€)",
               "Amount paid (EUR)"), min=0),
    ),
)

TULOREKISTERI = Source(
    "rekisterit/tulorekisteri", "tulorekisteri", L("Tulorekisteri, kuukausipalkat",
                                                   "Inkomstregistret, månadslöner",
                                                   "Incomes Register, monthly pay"),
    extensions=(".csv",), register=True,
    date_columns_checked=("month",),
    columns=(
        Column("hetu", "pid", "str", L("Pseudonyymi", "Pseudonym", "Pseudonym"), key=True,
               identity="hetu"),
        Column("kuukausi", "month", "month", L("Maksukuukausi", "Betalningsmånad",
               "Payment month"), key=True),
        Column("maksaja", "payer_pid", "str", L("Maksaja (pseudonyymi)",
               "Betalare (pseudonym)", "Payer (pseudonym)"), key=True, identity="ytunnus"),
        Column("palkka_eur", "pay_eur", "float", L("Palkka (€)", "Lön (€)",
               "Gross pay (EUR)"), min=0),
    ),
)

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (ASIAKKAAT, TYOSUHTEET, KONTAKTIT, ASIAKASKYSELY, TYONANTAJAKYSELY, LAATUARVIOT,
              KUSTANNUKSET, KELA, TULOREKISTERI)
}


def source(name: str) -> Source:
    """A source by its delivery folder name (``rekisterit/kela``) or table name (``kela``)."""
    for s in SOURCES.values():
        if name in (s.name, s.table):
            return s
    raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES)}")
