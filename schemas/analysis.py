"""Labels of the analysis datasets (docs/outputs.md): for every dataset in ``out/analysis/``,
each column's variable label (fi/sv/en) and the name of its value-label set.

The Stata/SPSS export (``ips_eval.export``), the publication tables and the documentation all read
their labels from here; columns that come straight from a delivery reuse the codebook's label
(``schemas.codebook``), so a label is written once. Value-label sets are looked up by name first in
``ANALYSIS_VALUE_LABELS`` below (codes the analysis derives: ``dx_group``, ``param``, ``event``,
``censor_reason``, …) and then in ``schemas.codebook.VALUE_LABELS``.

Ownership: each dataset is one top-level constant (``CLIENTS``, ``JOBS``, ``TTE``, ``SCORES``,
``REGISTER_MONTHLY``, ``FIDELITY``); the engineer who builds a dataset edits only its entry (and
value-label sets only that dataset uses).
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codebook import (
    ASIAKKAAT,
    LAATUARVIOT,
    TYOSUHTEET,
    VALUE_LABELS,
    L,
    Label,
    Lang,
)
from schemas.instruments import FIDELITY_BANDS, INSTRUMENTS
from schemas.register_states import STATES as REGISTER_STATES
from schemas.windows import HORIZONS_DEFAULT


@dataclass(frozen=True)
class Variable:
    """One column of an analysis dataset: its name, variable label and value-label set."""

    name: str
    label: Label
    value_labels: str | None = None  # a key of ANALYSIS_VALUE_LABELS or codebook VALUE_LABELS


@dataclass(frozen=True)
class DatasetLabels:
    """The labels of one analysis dataset, in the column order of the exported files."""

    name: str
    label: Label
    variables: tuple[Variable, ...]
    order_by: tuple[str, ...]  # the export's row order (a dataset's key), for reproducible files
    # the warehouse table is written in ``order_by`` order already (register_monthly: see
    # sql/register/register_monthly_batch.sql), so the export keeps the stored order instead of
    # sorting tens of millions of rows again
    stored_in_order: bool = False

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(f"dataset {self.name!r} declares no column {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def variable_labels(self, lang: Lang = "en") -> dict[str, str]:
        return {v.name: v.label(lang) for v in self.variables}

    def value_labels(self, lang: Lang = "en") -> dict[str, dict[object, str]]:
        """{column: {code: label}} for every column with a value-label set."""
        return {v.name: {code: lab(lang) for code, lab in value_label_set(v.value_labels).items()}
                for v in self.variables if v.value_labels}


# ---------------------------------------------------------------------------------------------
# Value labels of codes the analysis derives
# ---------------------------------------------------------------------------------------------
ANALYSIS_VALUE_LABELS: dict[str, dict[object, Label]] = {
    # docs/outputs.md §Analysis datasets: dx_group from the referral's ICD-10 code (derived in
    # sql/employment/clients.sql)
    "dx_group": {
        "psychotic": L("Psykoosisairaudet (F20–F29)", "Psykossjukdomar (F20–F29)",
                       "Psychotic disorders (F20–F29)"),
        "bipolar": L("Kaksisuuntainen mielialahäiriö (F30–F31)", "Bipolär sjukdom (F30–F31)",
                     "Bipolar disorder (F30–F31)"),
        "depressive": L("Masennushäiriöt (F32–F39)", "Depressiva störningar (F32–F39)",
                        "Depressive disorders (F32–F39)"),
        "anxiety": L("Ahdistuneisuushäiriöt (F40–F48)", "Ångeststörningar (F40–F48)",
                     "Anxiety disorders (F40–F48)"),
        "personality": L("Persoonallisuushäiriöt (F60–F69)",
                         "Personlighetsstörningar (F60–F69)", "Personality disorders (F60–F69)"),
        "substance": L("Päihdehäiriöt (F10–F19)", "Missbruksstörningar (F10–F19)",
                       "Substance use disorders (F10–F19)"),
        "neurodevelopmental": L("Neuropsykiatriset häiriöt (F84, F90)",
                                "Neuropsykiatriska störningar (F84, F90)",
                                "Neurodevelopmental disorders (F84, F90)"),
        "other_f": L("Muu F-diagnoosi", "Annan F-diagnos", "Other F diagnosis"),
        "non_f": L("Muu kuin F-diagnoosi", "Annan än F-diagnos", "Non-F diagnosis"),
    },
    "param": {
        "TTFJ": L("Aika ensimmäiseen työhön", "Tid till första arbete", "Time to first job"),
        "TENURE1": L("Ensimmäisen työsuhteen kesto", "Första anställningens längd",
                     "Tenure of the first job"),
        "TENURE": L("Työsuhteiden kesto (kaikki)", "Anställningarnas längd (alla)",
                    "Tenure of all jobs"),
        "TENURE1_REG": L("Ensimmäisen työsuhteen kesto, tulorekisterillä täydennetty",
                         "Första anställningens längd, kompletterad med inkomstregistret",
                         "Tenure of the first job, register-augmented"),
    },
    # one set for every param: TTFJ uses 0/1/2, the tenure params 0/1
    "event": {
        0: L("Sensuroitu", "Censurerad", "Censored"),
        1: L("Tapahtuma (työ alkoi / päättyi)", "Händelse (arbetet började / slutade)",
             "Event (job started / ended)"),
        2: L("Kilpaileva: palvelu päättyi ilman työtä", "Konkurrerande: tjänsten avslutades "
             "utan arbete", "Competing: service ended without a job"),
    },
    "censor_reason": {
        "cutoff": L("Aineiston rajauspäivä", "Datans brytdatum", "Data cut-off"),
        "service_exit": L("Palvelu päättyi", "Tjänsten avslutades", "Service ended"),
    },
    # scores and fidelity (the scores engineer owns these sets): labels declared once, with the
    # scoring rules and bands in schemas/instruments.py
    "instrument": {i.name: i.label for i in INSTRUMENTS},
    "fidelity_band": {b.band: b.label for b in FIDELITY_BANDS},
    # register_monthly (the register engineer owns this set): main states in priority order,
    # declared once in schemas/register_states.py
    "register_state": {s.name: s.label for s in REGISTER_STATES},
}


def value_label_set(name: str | None) -> dict[object, Label]:
    """A value-label set by name: the analysis sets first, then the codebook's."""
    if name is None:
        return {}
    if name in ANALYSIS_VALUE_LABELS:
        return ANALYSIS_VALUE_LABELS[name]
    if name in VALUE_LABELS:
        return VALUE_LABELS[name]
    raise KeyError(f"no value-label set named {name!r}")


def _from(source_column, name: str | None = None) -> Variable:  # noqa: ANN001 — codebook Column
    """A variable that keeps a delivered column's label and value labels."""
    return Variable(name or source_column.name, source_column.label, source_column.value_labels)


_A, _T = ASIAKKAAT.column, TYOSUHTEET.column
_CLIENT_ID = _from(_A("client_id"))
_COHORT = Variable("cohort", L("Kohortti", "Kohort", "Cohort"), "cohort")
_REGION = _from(_A("region"))
_PID = Variable("pid", L("Pseudonyymi (henkilötunnuksesta)", "Pseudonym (från "
                         "personbeteckningen)", "Pseudonym (from the identity code)"))

# ---------------------------------------------------------------------------------------------
# The datasets (docs/outputs.md); extra columns after the contract's
# ---------------------------------------------------------------------------------------------
CLIENTS = DatasetLabels(
    "clients", L("Asiakkaat", "Klienter", "Clients"),
    order_by=("client_id",),
    variables=(
        _CLIENT_ID,
        _PID,
        _REGION,
        _COHORT,
        _from(_A("team")),
        _from(_A("index_date")),
        Variable("age", L("Ikä aloituspäivänä", "Ålder vid start", "Age at index")),
        Variable("sex", L("Sukupuoli", "Kön", "Sex"), "sex"),
        Variable("dx_group", L("Diagnoosiryhmä (ICD-10)", "Diagnosgrupp (ICD-10)",
                               "Diagnosis group (ICD-10)"), "dx_group"),
        _from(_A("education")),
        _from(_A("work_history")),
        _from(_A("income_source")),
        _from(_A("language")),
        Variable("exit_date", L("Palvelun päättymispäivä (rajauspäivään mennessä)",
                                "Tjänsten avslutad (före brytdatum)",
                                "Service end date (by the cut-off)")),
        _from(_A("exit_reason")),
        Variable("cutoff_date", L("Aineiston rajauspäivä", "Datans brytdatum",
                                  "Data cut-off date")),
        Variable("followup_days", L("Seuranta-aika (pv)", "Uppföljningstid (dagar)",
                                    "Follow-up (days)")),
        Variable("n_jobs", L("Työsuhteita aloituksen jälkeen", "Anställningar efter start",
                             "Job spells started after index")),
        Variable("n_competitive_jobs", L("Avoimien työmarkkinoiden työsuhteita",
                                         "Anställningar på öppna arbetsmarknaden",
                                         "Competitive jobs started after index")),
        Variable("days_employed", L("Työssä päiviä (avoimet, päällekkäiset kerran)",
                                    "Dagar i arbete (öppna, överlappande en gång)",
                                    "Days employed (competitive, overlaps counted once)")),
        _from(_A("diagnosis")),
        _from(_A("coach")),
        _from(_A("referral_date")),
    ),
)

JOBS = DatasetLabels(
    "jobs", L("Työsuhteet", "Anställningar", "Job spells"),
    order_by=("client_id", "job_no"),
    variables=(
        _CLIENT_ID,
        _from(_T("job_no")),
        _from(_T("employer_pid")),
        _from(_T("start_date")),
        _from(_T("end_date")),
        Variable("end_date_register", L("Loppupäivä tulorekisterin mukaan",
                                        "Slutdatum enligt inkomstregistret",
                                        "Job end by the Incomes Register")),
        _from(_T("hours_week")),
        _from(_T("competitive")),
        _from(_T("pay_subsidy")),
        Variable("permanent", L("Toistaiseksi voimassa", "Tillsvidare", "Permanent contract"),
                 "yesno"),
        Variable("isco1", L("Ammattiluokka (ISCO-08, 1-numeroinen)",
                            "Yrkesgrupp (ISCO-08, 1 siffra)", "Occupation (ISCO-08 major group)")),
        _from(_T("end_reason")),
        Variable("overlaps", L("Päällekkäinen toisen työsuhteen kanssa",
                               "Överlappar en annan anställning", "Overlaps another job"),
                 "yesno"),
        Variable("observed_until", L("Viimeinen päivä, jonka työ tiedetään jatkuneen",
                                     "Sista dagen arbetet är känt att ha pågått",
                                     "Last day the job is known to be held")),
    ),
)

TTE = DatasetLabels(
    "tte", L("Aika tapahtumaan", "Tid till händelse", "Time to event"),
    order_by=("param", "client_id", "job_no"),
    variables=(
        _CLIENT_ID,
        _COHORT,
        _REGION,
        Variable("param", L("Analyysi", "Analys", "Analysis parameter"), "param"),
        Variable("job_no", L("Työsuhteen nro", "Anställningens nr", "Job number")),
        Variable("start_date", L("Alkupäivä (aloitus tai työn alku)",
                                 "Startdatum (start eller arbetets början)",
                                 "Origin (index date or job start)")),
        Variable("end_date", L("Tapahtuman tai sensuroinnin päivä",
                               "Datum för händelse eller censurering",
                               "Date of the event or censoring")),
        Variable("time_days", L("Aika (pv)", "Tid (dagar)", "Time (days)")),
        Variable("event", L("Tapahtuma", "Händelse", "Event"), "event"),
        Variable("censor_reason", L("Sensuroinnin syy", "Orsak till censurering",
                                    "Reason for censoring"), "censor_reason"),
        Variable("source", L("Tapahtuman tai sensuroinnin lähde",
                             "Källa för händelse eller censurering",
                             "Source of the event or censoring")),
    ),
)

SCORES = DatasetLabels(
    "scores", L("Mittarien pisteet", "Instrumentpoäng", "Instrument scores"),
    order_by=("client_id", "wave", "instrument"),
    variables=(
        _CLIENT_ID,
        _COHORT,
        Variable("wave", L("Kyselyaalto (vastauspäivän mukaan)", "Enkätomgång (enligt svarsdatum)",
                           "Wave (by answer date)"), "wave"),
        Variable("response_date", L("Vastauspäivä", "Svarsdatum", "Answer date")),
        Variable("instrument", L("Mittari", "Instrument", "Instrument"), "instrument"),
        Variable("score", L("Pistemäärä", "Poäng", "Score")),
        Variable("items_answered", L("Vastattuja kysymyksiä", "Besvarade frågor",
                                     "Items answered")),
        Variable("items_total", L("Mittarin kysymyksiä", "Instrumentets frågor",
                                  "Items in the instrument")),
        Variable("higher_is_better", L("Suurempi pistemäärä on parempi",
                                       "Högre poäng är bättre", "Higher score is better"),
                 "yesno"),
        Variable("days_from_index", L("Vastaus päivää aloituksesta", "Svar dagar efter start",
                                      "Answer, days from index")),
    ),
)

REGISTER_MONTHLY = DatasetLabels(
    "register_monthly", L("Rekisterikuukaudet", "Registermånader", "Register months"),
    order_by=("pid", "month"),
    stored_in_order=True,
    variables=(
        _PID,
        Variable("client_id", L("Asiakastunnus (tyhjä vertailuhenkilöillä)",
                                "Klientkod (tom för jämförelsepersoner)",
                                "Client code (empty for comparison persons)")),
        Variable("month", L("Kalenterikuukausi", "Kalendermånad", "Calendar month")),
        Variable("rel_month", L("Kuukausi suhteessa aloitukseen", "Månad i förhållande till start",
                                "Month relative to index")),
        Variable("earnings_eur", L("Ansiot kuukaudessa (€)", "Inkomster i månaden (€)",
                                   "Earnings in the month (EUR)")),
        Variable("benefits", L("Etuudet kuukaudessa", "Förmåner i månaden",
                               "Benefits in the month")),
        Variable("benefits_eur", L("Etuudet kuukaudessa (€)", "Förmåner i månaden (€)",
                                   "Benefits in the month (EUR)")),
        Variable("main_state", L("Päätila", "Huvudstatus", "Main state"), "register_state"),
        _COHORT,
        Variable("covered", L("Rekisterit kattavat kuukauden", "Registren täcker månaden",
                              "Month covered by the register extract")),
    ),
)

FIDELITY = DatasetLabels(
    "fidelity", L("IPS-25 laatuarviot", "IPS-25 kvalitetsbedömningar", "IPS-25 fidelity reviews"),
    order_by=("team", "review_date"),
    variables=(
        Variable("team", L("Tiimi", "Team", "Team")),
        _REGION,
        _COHORT,
        Variable("review_date", L("Arviointipäivä", "Bedömningsdatum", "Review date")),
        Variable("total", L("IPS-25 kokonaispistemäärä", "IPS-25 totalpoäng", "IPS-25 total")),
        Variable("band", L("Menetelmäuskollisuuden taso", "Metodtrohetsnivå", "Fidelity band"),
                 "fidelity_band"),
        Variable("items_answered", L("Vastattuja kohtia (25:stä)", "Besvarade punkter (av 25)",
                                     "Items answered (of 25)")),
        *(_from(c) for c in LAATUARVIOT.columns if c.name.startswith("k")),
    ),
)

# The register effect's matches (sql/register/match_final.sql), exported for the replication
# in R: docs/methods.md §Replication in R
REGISTER_MATCHES = DatasetLabels(
    "register_matches", L("Rekisterivertailun kaltaistukset", "Registerjämförelsens matchningar",
                          "Register comparison matches"),
    order_by=("design", "client_id", "match_no"),
    variables=(
        _CLIENT_ID,
        _COHORT,
        Variable("design", L("Asetelma (effect, placebo, not_yet_treated)",
                             "Design (effect, placebo, not_yet_treated)",
                             "Design (effect, placebo, not_yet_treated)")),
        Variable("comparison_pid", L("Vertailuhenkilön pseudonyymi",
                                     "Jämförelsepersonens pseudonym",
                                     "Comparison person's pseudonym")),
        Variable("index_month", L("(Näennäinen) aloituskuukausi", "(Skenbar) startmånad",
                                  "(Pseudo-)index month")),
        Variable("match_no", L("Kaltaistuksen järjestysnumero", "Matchningens ordningsnummer",
                               "Match number")),
        Variable("fallback_level", L("Ositteiden väljennystaso", "Stratanivå (reserv)",
                                     "Fallback level of the exact strata")),
        Variable("weight", L("Paino (1 / asiakkaan kaltaistusten määrä)",
                             "Vikt (1 / klientens antal matchningar)",
                             "Weight (1 / the client's number of matches)")),
        Variable("client_lp", L("Asiakkaan propensiteetin logit", "Klientens propensitetslogit",
                                "Client's propensity logit")),
        Variable("comparison_lp", L("Vertailuhenkilön propensiteetin logit",
                                    "Jämförelsepersonens propensitetslogit",
                                    "Comparison person's propensity logit")),
        Variable("distance", L("Etäisyys (logit)", "Avstånd (logit)", "Distance (logit)")),
    ),
)

# The register months of the matched comparison persons (register_monthly's .dta holds the
# clients' months only), for the R replication of the register effect.
REGISTER_MATCH_MONTHS = DatasetLabels(
    "register_match_months", L("Kaltaistettujen vertailuhenkilöiden rekisterikuukaudet",
                               "Matchade jämförelsepersoners registermånader",
                               "Register months of the matched comparison persons"),
    order_by=("pid", "month"),
    variables=REGISTER_MONTHLY.variables,
)

# Each eligible client's, and each of its matches', main state at m − 1 and at each follow-up
# horizon, m + 6 and m + 12 (m + 24 when asked) (ips_eval/register/effect.py,
# register_transitions): the transitions figure and the model of transitions (docs/methods.md
# §Transitions), and its R replication
def _state_at(at: str) -> Label:
    sign = "−" if at == "m1" else "+"
    month = at.removeprefix("m")
    return L(f"kk {sign}{month}", f"mån {sign}{month}", f"month {sign}{month}")


def register_transitions_labels(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> DatasetLabels:
    """The labels of ``register_transitions`` with a state column per horizon."""
    states = ("m1", *(str(h) for h in horizons))
    return DatasetLabels(
        "register_transitions", L("Rekisteritilojen siirtymät", "Registerstatusens övergångar",
                                  "Register state transitions"),
        order_by=("group", "client_id", "cohort", *(f"state_{at}" for at in states)),
        variables=(
            Variable("group", L("Ryhmä (clients, matched_comparison)",
                                "Grupp (clients, matched_comparison)",
                                "Group (clients, matched_comparison)")),
            Variable("client_id", L("Asiakastunnus (kaltaistetulla: hänen asiakkaansa)",
                                    "Klientkod (för en matchad: dess klients)",
                                    "Client code (for a match: its client's)")),
            _COHORT,
            *(Variable(f"state_{at}", L(f"Päätila, {_state_at(at)('fi')}",
                                        f"Huvudstatus, {_state_at(at)('sv')}",
                                        f"Main state, {_state_at(at)('en')}"), "register_state")
              for at in states),
        ),
    )


REGISTER_TRANSITIONS = register_transitions_labels()

DATASETS: dict[str, DatasetLabels] = {
    d.name: d for d in (CLIENTS, JOBS, TTE, SCORES, REGISTER_MONTHLY, FIDELITY,
                        REGISTER_MATCHES, REGISTER_MATCH_MONTHS, REGISTER_TRANSITIONS)
}


def dataset(name: str) -> DatasetLabels:
    """The labels of an analysis dataset by name (``clients``, ``tte``, …)."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown analysis dataset {name!r}; known: {', '.join(DATASETS)}") from None
