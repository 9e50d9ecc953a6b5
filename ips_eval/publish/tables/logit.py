"""The logistic model of a competitive job within 12 months (``results.logit``): odds ratios
(95 % CI) and p per term, with the model's n and events. The whole model is hidden when it has
fewer than 5 clients or when the employed, or the not employed, number 1–4.

The result's note of pooled sparse levels (``ips_eval.employment.cox.design``: "dx_group:
non_f, other_f joined the reference (psychotic)") is given in the table's language, with the
codebook's labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from ips_eval.employment.cox import CLIENT_COVARIATES
from ips_eval.employment.cox import REFERENCE as COX_REFERENCE
from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings
from ips_eval.publish.tables.disclosure import is_small, shown, too_few
from ips_eval.publish.tables.labels import term_label
from ips_eval.publish.tables.numbers import fmt_estimate_ci, fmt_int, fmt_p
from schemas.codebook import Lang
from schemas.table_text import text

_POOLED = re.compile(r"^\s*(?P<var>\w+): (?P<levels>.+?) (?:joined the reference "
                     r"\((?P<ref>[^)]*)\)|(?P<other>pooled as other))\s*$")


def _term_order(term: str) -> tuple[int, str]:
    if term == "intercept":
        return (-1, term)
    for i, var in enumerate(CLIENT_COVARIATES):
        if term == var or term.startswith(f"{var}["):
            return (i, term)
    return (len(CLIENT_COVARIATES), term)


def pooled_notes(note: str | None, lang: Lang,
                 label: Callable[[str, Lang], str] = term_label) -> list[str]:
    """The pooled-levels note of a model result in ``lang`` (one sentence per covariate; the
    variables and terms named by ``label``); a part no rule recognises is kept as it is rather
    than dropped."""
    notes = []
    for part in (note or "").split(";"):
        if not part.strip():
            continue
        match = _POOLED.match(part)
        if match is None:
            notes.append(part.strip())
            continue
        var = match.group("var")
        variable = label(var, lang)
        levels = ", ".join(label(f"{var}[{lv.strip()}]", lang).split(": ", 1)[-1]
                           for lv in match.group("levels").split(","))
        if match.group("other"):
            notes.append(text("pooled_other", lang, variable=variable, levels=levels))
        else:
            reference = label(f"{var}[{match.group('ref')}]", lang).split(": ", 1)[-1]
            notes.append(text("pooled_reference", lang, variable=variable, levels=levels,
                              reference=reference))
    return notes


def build_logit(logit: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    rows = []
    first = logit.row(0, named=True) if logit.height else {}
    n, events = first.get("n"), first.get("events")
    hide = too_few(n) or is_small(events) or (n is not None and events is not None
                                               and is_small(n - events))
    for r in sorted(logit.iter_rows(named=True), key=lambda r: _term_order(r["term"])):
        rows.append({
            "stub": term_label(r["term"], lang),
            "or": shown(fmt_estimate_ci(r["or"], r["ci_lower"], r["ci_upper"], 2, lang), hide),
            "p": shown(fmt_p(r["p"], lang), hide),
        })
    labels = {"or": text("or_ci", lang), "p": text("p", lang)}
    reference = "; ".join(term_label(f"{var}[{level}]", lang)
                          for var, level in COX_REFERENCE.items() if var in CLIENT_COVARIATES)
    subtitle = (f"{text('n', lang)} = {shown(fmt_int(n, lang), is_small(n))}; "
                f"{text('employed_n', lang)} = {shown(fmt_int(events, lang), hide)}")
    return PublishedTable(
        name="logit", lang=lang, title=text("logit_title", lang), subtitle=subtitle,
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("term", lang),
        # the clients left out are persons too: 1–4 of them is not published
        notes=[text("logit_note", lang, excluded=shown(fmt_int(first.get("n_excluded"), lang),
                                                       is_small(first.get("n_excluded")))),
               text("reference_levels", lang, levels=reference),
               *pooled_notes(first.get("pooled_levels"), lang), text("months_note", lang),
               text("ci_note", lang)],
        source=source.note(lang))
