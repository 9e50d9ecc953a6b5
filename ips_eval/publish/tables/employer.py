"""The employer survey table (``results.employer_survey``: per cohort and item the respondents,
the number and share agreeing with ta1–ta6 and the item mean; the would-hire-again answers).

Counts: for each item the agreeing employers and the rest (implicit) add up to the respondents;
the would-hire answers add up to their respondents; the cohorts add up to "all" (with an
"unknown" cohort, for employers without a region, as part of the rest when not shown).
"""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.common import (
    DeliverySet,
    PublishedTable,
    as_strings,
    cohort_label,
    value_label,
)
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.numbers import fmt_int, fmt_mean_sd, fmt_n_pct
from schemas.codebook import TYONANTAJAKYSELY, Lang
from schemas.study import COHORTS
from schemas.table_text import text

HIRE_CODES = {"yes": 1, "maybe": 2, "no": 3}


def build_employer_survey(summary: pl.DataFrame, lang: Lang,
                          source: DeliverySet) -> PublishedTable:
    cohorts = ["all", *[c for c in COHORTS if c in set(summary["cohort"].to_list())]]
    items = [i for i in summary["item"].unique(maintain_order=True).to_list()]
    cells = CountCells()
    rows_by_key: dict[tuple[str, str, str], dict] = {}
    for r in summary.iter_rows(named=True):
        rows_by_key[(r["item"], r["category"], r["cohort"])] = r
        cells.add(("n", r["item"], r["category"], r["cohort"]), r["n"])
    answered: dict[tuple[str, str], int] = {}
    for (item, _, cohort), r in rows_by_key.items():
        answered[(item, cohort)] = r["n_answered"]
    for (item, cohort), n in answered.items():
        cells.add(("answered", item, cohort), n)
        categories = [k for k in rows_by_key if k[0] == item and k[2] == cohort]
        cells.group([("n", *k) for k in categories], total=n,
                    remainder_key=("rest", item, cohort))
    # the cohorts add up to all (unknown-region employers are the implicit rest)
    for item in items:
        if (item, "all") not in answered:
            continue
        parts = [c for c in cohorts if c != "all" and (item, c) in answered]
        cells.group([("answered", item, c) for c in parts], total=answered[(item, "all")],
                    remainder_key=("rest_cohorts", item))
        for category in sorted({k[1] for k in rows_by_key if k[0] == item}):
            parts_c = [("n", item, category, c) for c in parts
                       if (item, category, c) in rows_by_key]
            all_row = rows_by_key.get((item, category, "all"))
            if all_row is not None:
                cells.group(parts_c, total=all_row["n"],
                            remainder_key=("rest_cohorts", item, category))
    hidden = cells.hidden()

    rows = []
    for item in items:
        categories = [k[1] for k in rows_by_key if k[0] == item and k[2] == "all"]
        for category in sorted(categories, key=lambda c: HIRE_CODES.get(c, 0)):
            if item == "would_hire":
                group = TYONANTAJAKYSELY.column("would_hire").label(lang)
                stub = value_label("would_hire", HIRE_CODES.get(category, category), lang)
            else:
                group = text("agree_group", lang)
                stub = TYONANTAJAKYSELY.column(item).label(lang)
            row = {"group": group, "stub": stub}
            for c in cohorts:
                r = rows_by_key.get((item, category, c))
                if r is None:
                    row |= {f"answered_{c}": "", f"n_{c}": "", f"mean_{c}": ""}
                    continue
                few = too_few(r["n_answered"]) or ("answered", item, c) in hidden
                row[f"answered_{c}"] = shown(fmt_int(r["n_answered"], lang),
                                             ("answered", item, c) in hidden)
                row[f"n_{c}"] = shown(fmt_n_pct(r["n"], r["pct"], lang),
                                      few or ("n", item, category, c) in hidden)
                row[f"mean_{c}"] = shown(fmt_mean_sd(r.get("mean"), r.get("sd"), 1, lang), few) \
                    if r.get("mean") is not None else ""
            rows.append(row)

    labels, spanners = {}, []
    for c in cohorts:
        labels |= {f"answered_{c}": text("respondents_n", lang), f"n_{c}": text("n_pct", lang),
                   f"mean_{c}": text("item_mean", lang)}
        spanners.append((cohort_label(c, lang), [f"answered_{c}", f"n_{c}", f"mean_{c}"]))
    return PublishedTable(
        name="employer_survey", lang=lang, title=text("employer_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("item", lang), group="group", group_header=text("question", lang),
        spanners=spanners, notes=[text("employer_note", lang)], source=source.note(lang))
