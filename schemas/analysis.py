"""Labels of the analysis datasets (docs/outputs.md): for every dataset in ``out/analysis/``,
each column's variable label and the name of its value-label set. The labels' fi/sv/en texts are
in ``schemas/texts/analysis.yaml`` (``dataset.<name>``, ``<dataset>.<column>``, and
``<set>.<code>`` for the value labels), the file a translator edits.

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

from collections.abc import Iterable
from dataclasses import dataclass

from schemas.codebook import (
    ASIAKASKYSELY,
    ASIAKKAAT,
    LAATUARVIOT,
    TYOSUHTEET,
    VALUE_LABELS,
    Label,
    Lang,
)
from schemas.instruments import FIDELITY_BANDS, INSTRUMENTS
from schemas.register_states import STATES as REGISTER_STATES
from schemas.text_catalogue import label
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
def T(key: str, **fields: object) -> Label:  # noqa: N802 — reads like a table row
    """The analysis text ``key`` in fi/sv/en (``schemas/texts/analysis.yaml``)."""
    return label("analysis", key, **fields)


def _value_labels(name: str, codes: tuple) -> dict[object, Label]:
    """{code: label}, each code's label the text ``<name>.<code>`` of analysis.yaml."""
    return {code: T(f"{name}.{code}") for code in codes}


ANALYSIS_VALUE_LABELS: dict[str, dict[object, Label]] = {
    # docs/outputs.md §Analysis datasets: dx_group from the referral's ICD-10 code (derived in
    # sql/employment/clients.sql)
    "dx_group": _value_labels("dx_group", (
        "psychotic", "bipolar", "depressive", "anxiety", "personality", "substance",
        "neurodevelopmental", "other_f", "non_f")),
    "param": _value_labels("param", ("TTFJ", "TENURE1", "TENURE", "TENURE1_REG")),
    # one set for every param: TTFJ uses 0/1/2, the tenure params 0/1
    "event": _value_labels("event", (0, 1, 2)),
    "censor_reason": _value_labels("censor_reason", ("cutoff", "service_exit")),
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
_COHORT = Variable("cohort", T("cohort"), "cohort")
_REGION = _from(_A("region"))
_PID = _from(_A("pid"))

# ---------------------------------------------------------------------------------------------
# The datasets (docs/outputs.md); extra columns after the contract's
# ---------------------------------------------------------------------------------------------
CLIENTS = DatasetLabels(
    "clients", T("dataset.clients"),
    order_by=("client_id",),
    variables=(
        _CLIENT_ID,
        _PID,
        _REGION,
        _COHORT,
        _from(_A("team")),
        _from(_A("index_date")),
        Variable("age", T("clients.age")),
        Variable("sex", T("clients.sex"), "sex"),
        Variable("dx_group", T("clients.dx_group"), "dx_group"),
        _from(_A("education")),
        _from(_A("work_history")),
        _from(_A("income_source")),
        _from(_A("language")),
        Variable("exit_date", T("clients.exit_date")),
        _from(_A("exit_reason")),
        Variable("cutoff_date", T("clients.cutoff_date")),
        Variable("followup_days", T("clients.followup_days")),
        Variable("n_jobs", T("clients.n_jobs")),
        Variable("n_competitive_jobs", T("clients.n_competitive_jobs")),
        Variable("days_employed", T("clients.days_employed")),
        _from(_A("diagnosis")),
        _from(_A("coach")),
        _from(_A("referral_date")),
    ),
)

JOBS = DatasetLabels(
    "jobs", T("dataset.jobs"),
    order_by=("client_id", "job_no"),
    variables=(
        _CLIENT_ID,
        _from(_T("job_no")),
        _from(_T("employer_pid")),
        _from(_T("start_date")),
        _from(_T("end_date")),
        Variable("end_date_register", T("jobs.end_date_register")),
        _from(_T("hours_week")),
        _from(_T("competitive")),
        _from(_T("pay_subsidy")),
        Variable("permanent", T("jobs.permanent"),
                 "yesno"),
        Variable("isco1", T("jobs.isco1")),
        _from(_T("end_reason")),
        Variable("overlaps", T("jobs.overlaps"),
                 "yesno"),
        Variable("observed_until", T("jobs.observed_until")),
    ),
)

TTE = DatasetLabels(
    "tte", T("dataset.tte"),
    order_by=("param", "client_id", "job_no"),
    variables=(
        _CLIENT_ID,
        _COHORT,
        _REGION,
        Variable("param", T("tte.param"), "param"),
        _from(_T("job_no")),
        Variable("start_date", T("tte.start_date")),
        Variable("end_date", T("tte.end_date")),
        Variable("time_days", T("tte.time_days")),
        Variable("event", T("tte.event"), "event"),
        Variable("censor_reason", T("tte.censor_reason"), "censor_reason"),
        Variable("source", T("tte.source")),
    ),
)

SCORES = DatasetLabels(
    "scores", T("dataset.scores"),
    order_by=("client_id", "wave", "instrument"),
    variables=(
        _CLIENT_ID,
        _COHORT,
        Variable("wave", T("scores.wave"), "wave"),
        _from(ASIAKASKYSELY.column("response_date")),
        Variable("instrument", T("scores.instrument"), "instrument"),
        Variable("score", T("scores.score")),
        Variable("items_answered", T("scores.items_answered")),
        Variable("items_total", T("scores.items_total")),
        Variable("higher_is_better", T("scores.higher_is_better"),
                 "yesno"),
        Variable("days_from_index", T("scores.days_from_index")),
    ),
)

REGISTER_MONTHLY = DatasetLabels(
    "register_monthly", T("dataset.register_monthly"),
    order_by=("pid", "month"),
    stored_in_order=True,
    variables=(
        _PID,
        Variable("client_id", T("register_monthly.client_id")),
        Variable("month", T("register_monthly.month")),
        Variable("rel_month", T("register_monthly.rel_month")),
        Variable("earnings_eur", T("register_monthly.earnings_eur")),
        Variable("benefits", T("register_monthly.benefits")),
        Variable("benefits_eur", T("register_monthly.benefits_eur")),
        Variable("main_state", T("register_monthly.main_state"), "register_state"),
        _COHORT,
        Variable("covered", T("register_monthly.covered")),
    ),
)

FIDELITY = DatasetLabels(
    "fidelity", T("dataset.fidelity"),
    order_by=("team", "review_date"),
    variables=(
        _from(LAATUARVIOT.column("team")),
        _REGION,
        _COHORT,
        _from(LAATUARVIOT.column("review_date")),
        Variable("total", T("fidelity.total")),
        Variable("band", T("fidelity.band"),
                 "fidelity_band"),
        Variable("items_answered", T("fidelity.items_answered")),
        *(_from(c) for c in LAATUARVIOT.columns if c.name.startswith("k")),
    ),
)

# The register effect's matches (sql/register/match_final.sql), exported for the replication
# in R: docs/methods.md §Replication in R
REGISTER_MATCHES = DatasetLabels(
    "register_matches", T("dataset.register_matches"),
    order_by=("design", "client_id", "match_no"),
    variables=(
        _CLIENT_ID,
        _COHORT,
        Variable("design", T("register_matches.design")),
        Variable("comparison_pid", T("register_matches.comparison_pid")),
        Variable("index_month", T("register_matches.index_month")),
        Variable("match_no", T("register_matches.match_no")),
        Variable("fallback_level", T("register_matches.fallback_level")),
        Variable("weight", T("register_matches.weight")),
        Variable("client_lp", T("register_matches.client_lp")),
        Variable("comparison_lp", T("register_matches.comparison_lp")),
        Variable("distance", T("register_matches.distance")),
    ),
)

# The register months of the matched comparison persons (register_monthly's .dta holds the
# clients' months only), for the R replication of the register effect.
REGISTER_MATCH_MONTHS = DatasetLabels(
    "register_match_months", T("dataset.register_match_months"),
    order_by=("pid", "month"),
    variables=REGISTER_MONTHLY.variables,
)

# Each eligible client's, and each of its matches', main state at m − 1 and at each follow-up
# horizon, m + 6 and m + 12 (m + 24 when asked) (ips_eval/register/effect.py,
# register_transitions): the transitions figure and the model of transitions (docs/methods.md
# §Transitions), and its R replication
def register_transitions_labels(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> DatasetLabels:
    """The labels of ``register_transitions`` with a state column per horizon."""
    states = ("m1", *(str(h) for h in horizons))
    return DatasetLabels(
        "register_transitions", T("dataset.register_transitions"),
        order_by=("group", "client_id", "cohort", *(f"state_{at}" for at in states)),
        variables=(
            Variable("group", T("register_transitions.group")),
            Variable("client_id", T("register_transitions.client_id")),
            _COHORT,
            Variable("state_m1", T("register_transitions.state_m1"), "register_state"),
            *(Variable(f"state_{h}", T("register_transitions.state_at", months=h),
                       "register_state") for h in horizons),
        ),
    )


REGISTER_TRANSITIONS = register_transitions_labels()


def state_horizons(columns: Iterable[str]) -> tuple[int, ...]:
    """The horizons a table of register_transitions' shape carries, in order: its
    ``state_<months>`` columns (``analysis.register_transitions``, ``results.transition_paths``;
    the run's follow-up horizons, schemas/windows.py)."""
    return tuple(sorted(int(c.removeprefix("state_")) for c in columns
                        if c.startswith("state_") and c.removeprefix("state_").isdigit()))

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
