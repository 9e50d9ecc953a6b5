"""The determinants of transitions (``results.transition_model``; docs/methods.md
§Transitions): per outcome state (a row group) and term, the relative-risk ratio (95 % CI) and
the average marginal effect in %-points (95 % CI) at +6 and +12 months. The reference state
(unemployed) has AMEs only. A horizon's columns are hidden when its model has fewer than 5
clients or a state 1–4 (the states' counts add up to its n).

The notes say what was merged and pooled (``merged_states``, ``pooled_levels``), in the table's
language; the terms' levels come from the codebook, the age and fidelity bands from here.
"""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings, value_label
from ips_eval.publish.tables.disclosure import is_small, shown, too_few
from ips_eval.publish.tables.horizons import horizons_title
from ips_eval.publish.tables.labels import POOLED_LEVEL, term_label
from ips_eval.publish.tables.logit import pooled_notes
from ips_eval.publish.tables.numbers import fmt_estimate_ci, fmt_int
from ips_eval.register.transition_model import COVARIATES, NO_REVIEW, REFERENCE_STATE, REFERENCES
from schemas.codebook import Lang
from schemas.register_states import STATE_NAMES, state_label
from schemas.table_text import text


def model_term_label(term: str, lang: Lang) -> str:
    """A term (or a variable) of the model in ``lang``: the codebook's labels, and the bands'
    own."""
    var, _, level = term.partition("[")
    level = level.rstrip("]")
    own = {"age_band": "subgroup_age_band", "fidelity_band": "tm_fidelity_band"}
    if var in own and not level:
        return text(own[var], lang)
    if var == "age_band" and level:
        shown_level = (text("pooled_level", lang) if level == POOLED_LEVEL
                       else level.replace("-", "–"))
        return f"{text('subgroup_age_band', lang)}: {shown_level}"
    if var == "fidelity_band" and level:
        shown_level = (text("tm_no_review", lang) if level == NO_REVIEW
                       else text("pooled_level", lang) if level == POOLED_LEVEL
                       else value_label("fidelity_band", level, lang))
        return f"{text('tm_fidelity_band', lang)}: {shown_level}"
    return term_label(term, lang)


def _term_order(term: str) -> tuple[int, str]:
    if term == "intercept":
        return (-1, term)
    var = term.partition("[")[0]
    return (COVARIATES.index(var) if var in COVARIATES else len(COVARIATES), term)


def _hidden_months(model: pl.DataFrame, months: tuple[int, ...]) -> set[int]:
    hidden = set()
    for m in months:
        at = model.filter(pl.col("horizon") == m)
        if at.height and (too_few(at["n"].max())
                          or any(is_small(n) for n in at["n_state"].unique().to_list())):
            hidden.add(m)
    return hidden


def _notes(model: pl.DataFrame, lang: Lang, months: tuple[int, ...]) -> list[str]:
    notes = []
    for m in months:
        at = model.filter(pl.col("horizon") == m)
        if not at.height:
            continue
        first = at.row(0, named=True)
        if first["merged_states"]:
            states = ", ".join(state_label(s.strip(), lang)
                               for s in first["merged_states"].split(","))
            notes.append(text("tm_merged", lang, m=f"+{m}", states=states,
                              other=state_label("other", lang)))
        pooled = pooled_notes(first["pooled_levels"], lang, label=model_term_label)
        if pooled:
            notes.append(f"{text('tm_months', lang, m=f'+{m}')}: " + " ".join(pooled))
    return notes


def build_transition_model(model: pl.DataFrame, lang: Lang,
                           source: DeliverySet) -> PublishedTable:
    months = source.horizons  # the run's follow-up horizons: +6, +12 (and +24 when asked)
    hidden = _hidden_months(model, months)
    values = {(r["horizon"], r["state_to"], r["term"]): r for r in model.iter_rows(named=True)}
    states = [s for s in STATE_NAMES if s in set(model["state_to"].to_list())]
    states = [REFERENCE_STATE, *(s for s in states if s != REFERENCE_STATE)] \
        if REFERENCE_STATE in states else states
    terms = sorted({t for (_h, _s, t) in values if t != "intercept"}, key=_term_order)
    rows = []
    for state in states:
        group = (text("tm_reference_state", lang, state=state_label(state, lang))
                 if state == REFERENCE_STATE else state_label(state, lang))
        for term in terms:
            row = {"group": group, "stub": model_term_label(term, lang)}
            for m in months:
                r = values.get((m, state, term))
                hide = m in hidden
                row[f"rrr{m}"] = "" if r is None else shown(fmt_estimate_ci(
                    r["rrr"], r["ci_lower"], r["ci_upper"], 2, lang), hide and r["rrr"] is not None)
                row[f"ame{m}"] = "" if r is None or r["ame"] is None else shown(fmt_estimate_ci(
                    r["ame"] * 100, r["ame_ci_lower"] * 100, r["ame_ci_upper"] * 100, 1, lang),
                    hide)
            rows.append(row)
    columns = ["group", "stub", *(c for m in months for c in (f"rrr{m}", f"ame{m}"))]
    data = (as_strings(pl.DataFrame(rows)).select(columns) if rows
            else pl.DataFrame(schema=dict.fromkeys(columns, pl.String)))
    labels = {**{f"rrr{m}": text("tm_rrr", lang, m=f"+{m}") for m in months},
              **{f"ame{m}": text("tm_ame", lang, m=f"+{m}") for m in months}}
    n = {m: model.filter(pl.col("horizon") == m)["n"].max() for m in months}
    subtitle = "; ".join(f"{text('n', lang)} (+{m}) = {shown(fmt_int(n[m], lang), is_small(n[m]))}"
                         for m in months if n[m] is not None)
    reference = "; ".join(model_term_label(f"{var}[{REFERENCES[var]}]", lang)
                          for var in COVARIATES)
    return PublishedTable(
        name="transition_model", lang=lang,
        title=horizons_title("tm_title", "tm_title_horizons", source, lang), subtitle=subtitle,
        data=data, labels=labels, stub="stub", stubhead=text("term", lang), group="group",
        group_header=text("tm_state", lang),
        notes=[text("tm_note", lang), text("reference_levels", lang, levels=reference),
               *_notes(model, lang, months), text("ci_note", lang)],
        source=source.note(lang))
