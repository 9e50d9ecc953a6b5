"""The competing-risks table of time to first job: hazard ratios of the cause-specific Cox and
the Fine–Gray models (``results.competing``), with Gray's test in a note."""

from __future__ import annotations

import polars as pl

from ips_eval.employment.cox import REFERENCE as COX_REFERENCE
from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings
from ips_eval.publish.tables.disclosure import is_small, shown, too_few
from ips_eval.publish.tables.labels import term_label
from ips_eval.publish.tables.numbers import fmt_estimate_ci, fmt_int, fmt_p
from schemas.codebook import Lang
from schemas.table_text import text

COMPETING_MODELS = ("cause_specific", "fine_gray")


def build_competing(competing: pl.DataFrame, lang: Lang, source: DeliverySet
                    ) -> PublishedTable:
    """Hazard ratios of a first job (95 % CI, p) in the cause-specific Cox and the Fine–Gray
    model, with n and events on each model's first row; a model with fewer than 5 clients or
    1–4 first jobs is hidden."""
    rows = []
    models = competing.filter(pl.col("model").is_in(COMPETING_MODELS)).with_columns(
        _m=pl.col("model").replace_strict({m: i for i, m in enumerate(COMPETING_MODELS)},
                                          return_dtype=pl.Int64)).sort("_m", maintain_order=True)
    for (model,), part in models.group_by("model", maintain_order=True):
        first = True
        for r in part.iter_rows(named=True):
            hide = too_few(r["n"]) or is_small(r["events"])
            rows.append({
                "group": text(f"model_{model}", lang), "stub": term_label(r["term"], lang),
                "hr": shown(fmt_estimate_ci(r["hr"], r["ci_lower"], r["ci_upper"], 2, lang),
                            hide),
                "p": shown(fmt_p(r["p"], lang), hide),
                "n": shown(fmt_int(r["n"], lang), is_small(r["n"])) if first else "",
                "events": shown(fmt_int(r["events"], lang), hide) if first else "",
            })
            first = False
    reference = "; ".join(term_label(f"{var}[{level}]", lang)
                          for var, level in COX_REFERENCE.items())
    gray = competing.filter(pl.col("model") == "gray_test")
    notes = [text("competing_note", lang)]
    if gray.height:
        notes.append(text("difference_note", lang, p=fmt_p(gray["p"][0], lang)))
    labels = {"hr": text("hr_ci", lang), "p": text("p", lang), "n": text("n", lang),
              "events": text("first_jobs_n", lang)}
    return PublishedTable(
        name="competing", lang=lang, title=text("competing_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("term", lang), group="group", group_header=text("model", lang),
        notes=[*notes, text("reference_levels", lang, levels=reference), text("ci_note", lang)],
        source=source.note(lang))
