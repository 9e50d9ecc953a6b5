"""Model terms as readers read them: ``C(dx_group)[T.depressive]`` → "Diagnosis group (ICD-10):
Depressive disorders (F32–F39)", ``C(wave)[T.12]:cohort[T.rrp]`` → "Wave: 12 months × Cohort:
RRP 2023–2024", ``sex_male`` → "Sex: Male". Variable labels and value labels come from
``schemas.analysis`` (and through it the codebook); a term no rule recognises is shown as it is
rather than dropped.
"""

from __future__ import annotations

import re

from ips_eval.publish.tables.common import value_label
from schemas.analysis import DATASETS, Variable
from schemas.codebook import Lang
from schemas.table_text import text

# the level a model gives its sparse levels pooled together (ips_eval.employment.cox)
POOLED_LEVEL = "other"
_PATSY = re.compile(r"^(?:C\((?P<cvar>\w+)(?:,[^\[]*)?\)|(?P<var>[A-Za-z_]\w*))"
                    r"(?:\[(?:T\.)?(?P<level>[^\]]+)\])?$")

# Variables a model may use, first declaration wins (clients before jobs before scores …)
_VARIABLES: dict[str, Variable] = {}
for _dataset in DATASETS.values():
    for _v in _dataset.variables:
        _VARIABLES.setdefault(_v.name, _v)


def _variable_text(name: str, level: str | None, lang: Lang) -> str:
    variable = _VARIABLES.get(name)
    if variable is None:
        return name if level is None else f"{name}: {level}"
    label = variable.label(lang)
    if level is None:
        return label
    shown_level = value_label(variable.value_labels, level, lang) if variable.value_labels \
        else level
    if level == POOLED_LEVEL and shown_level == level:  # sparse levels pooled by the model
        shown_level = text("pooled_level", lang)
    return f"{label}: {shown_level}"


def level_label(name: str, level: object, lang: Lang) -> str:
    """A value's label in ``lang`` (``dx_group`` "depressive" → "Depressive disorders
    (F32–F39)"); the value as it is when the variable has no value labels."""
    variable = _VARIABLES.get(name)
    if variable is None or not variable.value_labels:
        return str(level)
    return value_label(variable.value_labels, level, lang)


def _one(part: str, lang: Lang) -> str:
    part = part.strip()
    if part.lower() in ("intercept", "const", "(intercept)"):
        return text("intercept", lang)
    match = _PATSY.match(part)
    if match:
        name = match.group("cvar") or match.group("var")
        level = match.group("level")
        if name in _VARIABLES or level is not None:
            return _variable_text(name.strip(), level, lang)
    # one-hot columns: "dx_group_depressive", "sex_male" — the longest known variable prefix
    for name in sorted(_VARIABLES, key=len, reverse=True):
        if part.startswith(name + "_") or part.startswith(name + "="):
            return _variable_text(name, part[len(name) + 1:], lang)
    return part


def term_label(term: str | None, lang: Lang) -> str:
    """A model term's label in ``lang`` (interactions joined by ×)."""
    if term is None:
        return ""
    return " × ".join(_one(part, lang) for part in str(term).split(":"))
