"""Register months' main state: the one place for the states, their priority and labels, and
which Kela benefit puts a month in which state (docs/methods.md §Register months).

A month's main state is the first that holds, in ``STATES`` order: ``employed`` when the month
has earnings > 0 (any paid work counts, as in IPS), then the state of the highest-priority
benefit of the month, else ``other``. Housing allowance (ASUMT) and basic social assistance
(TTT) map to ``other``: alone they say nothing about work, health or study.

``sql/register/register_monthly.sql`` reads this mapping from ``meta.register_benefit_states``
(written by ``ips_eval.register.monthly.write_state_map``) and the two rule states as bind
parameters, so the SQL holds no copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codebook import VALUE_LABELS, Label, Lang
from schemas.text_catalogue import label


@dataclass(frozen=True)
class RegisterState:
    name: str
    label: Label
    benefits: tuple[str, ...] = ()  # the Kela benefit codes that put a month in this state


STATES: tuple[RegisterState, ...] = (
    RegisterState("employed", label("analysis", "register_state.employed")),
    RegisterState("disability_pension", label("analysis", "register_state.disability_pension"),
                  ("TKE", "KUNTT")),
    RegisterState("sickness_rehabilitation",
                  label("analysis", "register_state.sickness_rehabilitation"),
                  ("SPR", "KUNTR")),
    RegisterState("student", label("analysis", "register_state.student"), ("OPT",)),
    RegisterState("unemployed", label("analysis", "register_state.unemployed"), ("TMT", "PPR")),
    RegisterState("other", label("analysis", "register_state.other"), ("ASUMT", "TTT")),
)

EMPLOYED = STATES[0].name  # the earnings rule: holds before any benefit
OTHER = STATES[-1].name  # the fallback, also for a month with no register rows at all
STATE_NAMES: tuple[str, ...] = tuple(s.name for s in STATES)
PRIORITY: dict[str, int] = {s.name: i + 1 for i, s in enumerate(STATES)}

BENEFIT_STATE: dict[str, str] = {code: s.name for s in STATES for code in s.benefits}

_unmapped = set(VALUE_LABELS["benefit"]) ^ set(BENEFIT_STATE)
if _unmapped:  # a new Kela code in the codebook must be given a state here
    raise ValueError(f"benefit codes without a register state (or unknown): {sorted(_unmapped)}")


def state_label(state: str, lang: Lang) -> str:
    """The state's label in ``lang`` (``fi``, ``sv``, ``en``)."""
    for s in STATES:
        if s.name == state:
            return s.label(lang)
    raise KeyError(f"unknown register state {state!r}; known: {', '.join(STATE_NAMES)}")


def benefit_state_rows() -> list[tuple[str, str, int]]:
    """(benefit, state, priority) for every Kela code, the rows of
    ``meta.register_benefit_states``."""
    return sorted((code, state, PRIORITY[state]) for code, state in BENEFIT_STATE.items())
