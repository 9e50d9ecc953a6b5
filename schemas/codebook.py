"""The codebook: the single source of truth for every delivered column.

Per source: each raw (Finnish) column with its analysis name, type, allowed range or code list,
whether it is part of the key or required, whether it carries an identity code, and the keys of
its variable and value labels, whose fi/sv/en texts a translator edits in
``schemas/texts/codebook.yaml``. pandera schemas, staging column names, Stata/SPSS labels and
table labels are all built from this module; adding a survey item is one edit here and its
label one in the texts file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from schemas.labels import LANGS, Label, Lang  # noqa: F401 — LANGS, Lang: read here by many
from schemas.study import (
    CLIENT_CODE_PATTERN,
    COACH_CODE_PATTERN,
    REGIONS,
    STUDY,
    TEAM_CODE_PATTERN,
)
from schemas.text_catalogue import label

DType = Literal["str", "int", "float", "date", "month"]
Identity = Literal["hetu", "ytunnus"] | None
COHORT_OF_REGION = STUDY.cohort_of_region


# ---------------------------------------------------------------------------------------------
# Code lists and value labels
# ---------------------------------------------------------------------------------------------
CODE_MAX = 16  # characters of a team or coach code (HEL-T123 is 8): a bound, not a format

def T(key: str, **fields: object) -> Label:  # noqa: N802 — reads like a table row
    """The codebook's text ``key`` in fi/sv/en (``schemas/texts/codebook.yaml``)."""
    return label("codebook", key, **fields)


def value_labels(name: str, codes: Iterable[object]) -> dict[object, Label]:
    """{code: label} of a value-label set: the label of each code is ``<name>.<code>`` in
    ``schemas/texts/codebook.yaml``."""
    return {code: T(f"{name}.{code}") for code in codes}


VALUE_LABELS: dict[str, dict[object, Label]] = {
    "region": {r.code: r.name for r in STUDY.regions},
    "cohort": {c.code: c.name for c in STUDY.cohorts},
    "yesno": value_labels("yesno", (0, 1)),
    "sex": value_labels("sex", ("female", "male")),
    "education": value_labels("education", (1, 2, 3, 4)),
    "work_history": value_labels("work_history", (0, 1, 2, 3)),
    "income_source": value_labels("income_source", range(1, 8)),
    "language": value_labels("language", ("fi", "sv", "muu")),
    "exit_reason": value_labels("exit_reason", range(1, 7)),
    "contract_type": value_labels("contract_type", (1, 2)),
    "job_end_reason": value_labels("job_end_reason", range(1, 6)),
    "contact_type": value_labels("contact_type", (1, 2, 3)),
    "wave": value_labels("wave", (0, 6, 12)),
    "agree5": value_labels("agree5", range(1, 6)),
    "mhi": value_labels("mhi", range(1, 7)),
    "qol": value_labels("qol", range(1, 6)),
    "health5": value_labels("health5", range(1, 6)),
    "situation": value_labels("situation", (1, 2, 3, 4)),
    "firm_size": value_labels("firm_size", (1, 2, 3, 4)),
    "would_hire": value_labels("would_hire", (1, 2, 3)),
    "benefit": value_labels("benefit", ("SPR", "KUNTR", "KUNTT", "TKE", "TMT", "PPR", "ASUMT",
                                        "TTT", "OPT")),
    "industry": {letter: T("industry.code", code=letter) for letter in "ABCDEFGHIJKLMNOPQRSTU"},
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


def _items(prefix: str, n: int, lo: int, hi: int, labels: str | None, what: str,
           width: int = 1, missing_codes: tuple = ()) -> tuple[Column, ...]:
    """Items ``<prefix>1`` … ``<prefix><n>``, each labelled by the text ``what`` with its
    number filled in (``{n}``)."""
    return tuple(
        Column(f"{prefix}{i:0{width}d}", f"{prefix}{i:0{width}d}", "int", T(what, n=i), min=lo,
               max=hi, value_labels=labels, missing_codes=missing_codes)
        for i in range(1, n + 1)
    )


CLIENT_ID = Column("asiakastunnus", "client_id", "str", T("client_id"), key=True,
                   pattern=CLIENT_CODE_PATTERN, max_length=8)

ASIAKKAAT = Source(
    "asiakkaat", "asiakkaat", T("source.asiakkaat"),
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
        Column("hetu", "pid", "str", T("pid"), identity="hetu"),
        Column("rekisterilupa", "register_consent", "int", T("register_consent"), codes=(0, 1),
               value_labels="yesno"),
        Column("alue", "region", "str", T("region"), required=True, codes=REGIONS,
               value_labels="region"),
        Column("tiimi", "team", "str", T("team"), pattern=TEAM_CODE_PATTERN, max_length=CODE_MAX),
        Column("valmentaja", "coach", "str", T("coach"), pattern=COACH_CODE_PATTERN,
               max_length=CODE_MAX),
        Column("lahetepvm", "referral_date", "date", T("referral_date")),
        Column("aloituspvm", "index_date", "date", T("index_date"), required=True),
        Column("diagnoosi", "diagnosis", "str", T("diagnosis"),
               pattern=r"^[A-Z]\d{2}(\.\d{1,2})?$", max_length=8),
        Column("koulutus", "education", "int", T("education"), codes=(1, 2, 3, 4),
               value_labels="education"),
        Column("tyohistoria", "work_history", "int", T("work_history"), codes=(0, 1, 2, 3),
               value_labels="work_history"),
        Column("toimeentulo", "income_source", "int", T("income_source"),
               codes=tuple(range(1, 8)), value_labels="income_source"),
        Column("kieli", "language", "str", T("language"), codes=("fi", "sv", "muu"),
               value_labels="language"),
        Column("paattymispvm", "exit_date", "date", T("exit_date")),
        Column("paattymissyy", "exit_reason", "int", T("exit_reason"), codes=tuple(range(1, 7)),
               value_labels="exit_reason", required_with="exit_date"),
    ),
)

TYOSUHTEET = Source(
    "tyosuhteet", "tyosuhteet", T("source.tyosuhteet"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("start_date", "end_date"),
    row_rules=(RowRule("end_before_start", "end_date", "end_date < start_date"), UNKNOWN_CLIENT),
    columns=(
        CLIENT_ID,
        Column("tyosuhde_nro", "job_no", "int", T("job_no"), key=True, min=1),
        Column("tyonantaja", "employer_pid", "str", T("employer_pid"), identity="ytunnus"),
        Column("alkupvm", "start_date", "date", T("job_start"), required=True),
        Column("loppupvm", "end_date", "date", T("job_end")),
        Column("tunnit_vko", "hours_week", "float", T("hours_week"), min=0.01, max=60),
        Column("ammatti", "isco", "str", T("isco"), pattern=r"^\d{1,4}$", max_length=4),
        Column("avoimet", "competitive", "int", T("competitive"), required=True, codes=(0, 1),
               value_labels="yesno"),
        Column("palkkatuki", "pay_subsidy", "int", T("pay_subsidy"), codes=(0, 1),
               value_labels="yesno"),
        Column("sopimus", "contract_type", "int", T("contract_type"), codes=(1, 2),
               value_labels="contract_type"),
        Column("paattymissyy", "end_reason", "int", T("end_reason"), codes=(1, 2, 3, 4, 5),
               value_labels="job_end_reason", required_with="end_date"),
    ),
)

KONTAKTIT = Source(
    "kontaktit", "kontaktit", T("source.kontaktit"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("contact_date",),
    row_rules=(UNKNOWN_CLIENT, UNKNOWN_COACH),
    columns=(
        Column("valmentaja", "coach", "str", T("coach"), key=True, pattern=COACH_CODE_PATTERN,
               max_length=CODE_MAX),
        Column("pvm", "contact_date", "date", T("contact_date"), key=True),
        Column("tyonantaja", "employer_pid", "str", T("employer_pid"), key=True,
               identity="ytunnus"),
        Column("tyyppi", "contact_type", "int", T("contact_type"), key=True, codes=(1, 2, 3),
               value_labels="contact_type"),
        Column("asiakastunnus", "client_id", "str", T("client_id"), key=True,
               pattern=CLIENT_CODE_PATTERN, empty_key_allowed=True, max_length=8),
    ),
)

# docs/methods.md §Sources and deliveries: 99 "don't know / can't say" may appear on any
# client-survey item and means missing, never a value (and never a defect).
DONT_KNOW = (99,)

ASIAKASKYSELY = Source(
    "asiakaskysely", "asiakaskysely", T("source.asiakaskysely"),
    extensions=(".sav", ".csv"),
    date_columns_checked=("response_date",),
    row_rules=(UNKNOWN_CLIENT,),
    columns=(
        CLIENT_ID,
        Column("aalto", "wave_intended", "int", T("wave_intended"), key=True, codes=(0, 6, 12),
               value_labels="wave"),
        Column("vastauspvm", "response_date", "date", T("response_date"), required=True),
        *_items("mhi", 5, 1, 6, "mhi", "mhi_item", missing_codes=DONT_KNOW),
        *_items("qol", 8, 1, 5, "qol", "qol_item", missing_codes=DONT_KNOW),
        *_items("osal", 10, 1, 5, "agree5", "esis_item", missing_codes=DONT_KNOW),
        Column("was", "was", "int", T("was"), min=0, max=10, missing_codes=DONT_KNOW),
        Column("tyovalmius", "readiness", "int", T("readiness"), min=1, max=5,
               value_labels="agree5", missing_codes=DONT_KNOW),
        Column("terveys", "self_rated_health", "int", T("self_rated_health"), min=1, max=5,
               value_labels="health5", missing_codes=DONT_KNOW),
        Column("tilanne", "situation", "int", T("situation"), codes=(1, 2, 3, 4),
               value_labels="situation", missing_codes=DONT_KNOW),
        # docs/methods.md §Sources and deliveries: tyyt1 coach's support, tyyt2 pace of job search,
        # tyyt3 support at work — each item's own text, as the report authors quote it
        *(Column(f"tyyt{i}", f"tyyt{i}", "int", T(f"tyyt{i}"), min=1, max=5,
                 value_labels="agree5", missing_codes=DONT_KNOW) for i in (1, 2, 3)),
    ),
)

TYONANTAJAKYSELY = Source(
    "tyonantajakysely", "tyonantajakysely", T("source.tyonantajakysely"),
    extensions=(".sav", ".csv"),
    date_columns_checked=("response_date",),
    columns=(
        Column("tyonantaja", "employer_pid", "str", T("employer_pid"), key=True,
               identity="ytunnus"),
        Column("alue", "region", "str", T("region"), codes=REGIONS, value_labels="region"),
        Column("vastauspvm", "response_date", "date", T("response_date"), key=True),
        Column("koko", "firm_size", "int", T("firm_size"), codes=(1, 2, 3, 4),
               value_labels="firm_size"),
        Column("toimiala", "industry", "str", T("industry"),
               codes=tuple("ABCDEFGHIJKLMNOPQRSTU"), value_labels="industry"),
        Column("ta1", "ta1", "int", T("ta1"), min=1, max=5, value_labels="agree5"),
        Column("ta2", "ta2", "int", T("ta2"), min=1, max=5, value_labels="agree5"),
        Column("ta3", "ta3", "int", T("ta3"), min=1, max=5, value_labels="agree5"),
        Column("ta4", "ta4", "int", T("ta4"), min=1, max=5, value_labels="agree5"),
        Column("ta5", "ta5", "int", T("ta5"), min=1, max=5, value_labels="agree5"),
        Column("ta6", "ta6", "int", T("ta6"), min=1, max=5, value_labels="agree5"),
        Column("palkkaisi", "would_hire", "int", T("would_hire"), codes=(1, 2, 3),
               value_labels="would_hire"),
    ),
)

LAATUARVIOT = Source(
    "laatuarviot", "laatuarviot", T("source.laatuarviot"),
    extensions=(".xlsx", ".csv"),
    date_columns_checked=("review_date",),
    columns=(
        Column("tiimi", "team", "str", T("team"), key=True, pattern=TEAM_CODE_PATTERN,
               max_length=CODE_MAX),
        Column("alue", "region", "str", T("region"), codes=REGIONS, value_labels="region"),
        Column("arviopvm", "review_date", "date", T("review_date"), key=True),
        *_items("k", 25, 1, 5, None, "fidelity_review_item", width=2),
    ),
)

KUSTANNUKSET = Source(
    "kustannukset", "kustannukset", T("source.kustannukset"),
    extensions=(".xlsx", ".csv"),
    columns=(
        Column("alue", "region", "str", T("region"), key=True, codes=REGIONS,
               value_labels="region"),
        Column("vuosi", "year", "int", T("year"), key=True, min=2020, max=2024),
        Column("valmentajat_htv", "coach_fte", "float", T("coach_fte"), min=0.01),
        Column("henkilostokulut_eur", "personnel_eur", "float", T("personnel_eur"), min=0),
        Column("muut_kulut_eur", "other_eur", "float", T("other_eur"), min=0),
        Column("rahoitus_eur", "funding_eur", "float", T("funding_eur"), min=0),
    ),
)

KELA = Source(
    "rekisterit/kela", "kela", T("source.kela"),
    extensions=(".csv",), register=True,
    date_columns_checked=("start_date", "end_date"),
    # contract: a period that starts before 2017 but ends on or after 1.1.2017 is valid
    date_lower_checked=("end_date",),
    row_rules=(RowRule("end_before_start", "end_date", "end_date < start_date"),),
    columns=(
        Column("hetu", "pid", "str", T("register_pid"), key=True, identity="hetu"),
        Column("etuus", "benefit", "str", T("benefit"), key=True,
               codes=tuple(VALUE_LABELS["benefit"]), value_labels="benefit"),
        Column("alkupvm", "start_date", "date", T("period_start"), key=True),
        Column("loppupvm", "end_date", "date", T("period_end"), required=True),
        Column("maksettu_eur", "paid_eur", "float", T("paid_eur"), min=0),
    ),
)

TULOREKISTERI = Source(
    "rekisterit/tulorekisteri", "tulorekisteri", T("source.tulorekisteri"),
    extensions=(".csv",), register=True,
    date_columns_checked=("month",),
    columns=(
        Column("hetu", "pid", "str", T("register_pid"), key=True, identity="hetu"),
        Column("kuukausi", "month", "month", T("month"), key=True),
        Column("maksaja", "payer_pid", "str", T("payer_pid"), key=True, identity="ytunnus"),
        Column("palkka_eur", "pay_eur", "float", T("pay_eur"), min=0),
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
