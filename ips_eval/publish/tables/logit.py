"""The logistic model of a competitive job within 12 months (``results.logit``): odds ratios
(95 % CI) and p per term, with the model's n and events. The whole model is hidden when it has
fewer than 5 clients or when the employed, or the not employed, number 1–4. With a longer
follow-up (``--horizons 6,12,24``: ``results.logit`` has a ``window_months`` column) the table
holds a group of rows per model — within 12 months, within 24 months — each with its n and
events in the subtitle and hidden on its own.

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
from ips_eval.publish.tables.horizons import horizon_label, longer_followup_notes, months_list
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


def _model_hidden(first: dict) -> bool:
    """Whether a model is hidden: under 5 clients, or 1–4 employed or not employed."""
    n, events = first.get("n"), first.get("events")
    return too_few(n) or is_small(events) or (n is not None and events is not None
                                              and is_small(n - events))


def _model_rows(model: pl.DataFrame, lang: Lang) -> list[dict[str, str]]:
    hide = _model_hidden(model.row(0, named=True) if model.height else {})
    return [{"stub": term_label(r["term"], lang),
             "or": shown(fmt_estimate_ci(r["or"], r["ci_lower"], r["ci_upper"], 2, lang), hide),
             "p": shown(fmt_p(r["p"], lang), hide)}
            for r in sorted(model.iter_rows(named=True), key=lambda r: _term_order(r["term"]))]


def _model_size(first: dict, lang: Lang) -> str:
    """``n = 412; Employed, n = 160``, the employed hidden with the model."""
    n, events = first.get("n"), first.get("events")
    return (f"{text('n', lang)} = {shown(fmt_int(n, lang), is_small(n))}; "
            f"{text('employed_n', lang)} = {shown(fmt_int(events, lang), _model_hidden(first))}")


def _excluded(first: dict, lang: Lang) -> str:
    # the clients left out are persons too: 1–4 of them is not published
    return shown(fmt_int(first.get("n_excluded"), lang), is_small(first.get("n_excluded")))


def build_logit(logit: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    if "window_months" in logit.columns:
        return _build_logit_horizons(logit, lang, source)
    first = logit.row(0, named=True) if logit.height else {}
    rows = _model_rows(logit, lang)
    labels = {"or": text("or_ci", lang), "p": text("p", lang)}
    reference = "; ".join(term_label(f"{var}[{level}]", lang)
                          for var, level in COX_REFERENCE.items() if var in CLIENT_COVARIATES)
    subtitle = _model_size(first, lang)
    return PublishedTable(
        name="logit", lang=lang, title=text("logit_title", lang), subtitle=subtitle,
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("term", lang),
        # the clients left out are persons too: 1–4 of them is not published
        notes=[text("logit_note", lang, excluded=_excluded(first, lang)),
               text("reference_levels", lang, levels=reference),
               *pooled_notes(first.get("pooled_levels"), lang), text("months_note", lang),
               text("ci_note", lang)],
        source=source.note(lang))


def _build_logit_horizons(logit: pl.DataFrame, lang: Lang,
                          source: DeliverySet) -> PublishedTable:
    """The models within 12 months and each longer horizon, a group of rows each (module
    docstring); each model's n, events, excluded clients and pooled levels named by its
    window."""
    rows: list[dict[str, str]] = []
    sizes, excluded, pooled = [], [], []
    months = sorted(logit["window_months"].unique().to_list())
    for m in months:
        model = logit.filter(pl.col("window_months") == m)
        first = model.row(0, named=True)
        window = horizon_label(m, lang)
        rows += [{"group": window, **r} for r in _model_rows(model, lang)]
        sizes.append(f"{window}: {_model_size(first, lang)}")
        excluded.append(f"{window} {_excluded(first, lang)}")
        pooled += [f"{window}: {note}" for note in pooled_notes(first.get("pooled_levels"), lang)]
    reference = "; ".join(term_label(f"{var}[{level}]", lang)
                          for var, level in COX_REFERENCE.items() if var in CLIENT_COVARIATES)
    return PublishedTable(
        name="logit", lang=lang,
        title=text("logit_title_horizons", lang, months=months_list(months, lang)),
        subtitle=" · ".join(sizes),
        data=as_strings(pl.DataFrame(rows)),
        labels={"or": text("or_ci", lang), "p": text("p", lang)}, stub="stub",
        stubhead=text("term", lang), group="group", group_header=text("window", lang),
        notes=[text("logit_horizons_note", lang, excluded="; ".join(excluded)),
               text("reference_levels", lang, levels=reference), *pooled,
               text("months_note", lang), *longer_followup_notes(source.horizons, lang),
               text("ci_note", lang)],
        source=source.note(lang))
