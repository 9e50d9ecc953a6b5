"""Register states and earnings by month relative to the start (``results.register``: per cohort,
``rel_month`` and ``state`` the persons ``n`` and ``pct``, with a ``state = 'all'`` row per
month holding the persons observed and the mean earnings).

A selection of months is shown (two years before to two years after, every six months). Per
cohort and month the states add up to the persons observed — one group for disclosure control.
Mean earnings are over the month's persons; hidden under 5.
"""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings, cohort_label
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.numbers import fmt_int, fmt_n_pct, fmt_number
from schemas.codebook import Lang
from schemas.register_states import STATE_NAMES, state_label
from schemas.study import COHORTS
from schemas.table_text import text

SHOWN_MONTHS = (-24, -12, -6, 0, 6, 12, 18, 24)


def _month_label(rel_month: int, lang: Lang) -> str:
    if rel_month == 0:
        return "0"
    sign = "+" if rel_month > 0 else ("−" if lang != "en" else "-")
    return f"{sign}{abs(rel_month)}"


def build_register(register: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    register = register.filter(pl.col("rel_month").is_in(SHOWN_MONTHS))
    cohorts = [c for c in COHORTS if c in set(register["cohort"].to_list())]
    states = [s for s in STATE_NAMES if s in set(register["state"].to_list())]

    cells = CountCells()
    values: dict[tuple[str, int, str], dict] = {}
    for r in register.iter_rows(named=True):
        values[(r["cohort"], r["rel_month"], r["state"])] = r
        cells.add((r["cohort"], r["rel_month"], r["state"]), r["n"])
    for cohort in cohorts:
        for month in SHOWN_MONTHS:
            total = values.get((cohort, month, "all"))
            if total is None:
                continue
            cells.group([(cohort, month, s) for s in states if (cohort, month, s) in values],
                        total=total["n"], remainder_key=(cohort, month, "rest"))
    hidden = cells.hidden()

    rows = []
    for cohort in cohorts:
        for month in SHOWN_MONTHS:
            total = values.get((cohort, month, "all"))
            if total is None:
                continue
            row = {"group": cohort_label(cohort, lang), "stub": _month_label(month, lang),
                   "persons": shown(fmt_int(total["n"], lang), (cohort, month, "all") in hidden)}
            for s in states:
                r = values.get((cohort, month, s))
                row[s] = "" if r is None else shown(fmt_n_pct(r["n"], r["pct"], lang),
                                                    (cohort, month, s) in hidden)
            row["earnings"] = shown(fmt_number(total.get("mean_earnings_eur"), 1, lang),
                                    too_few(total["n"]))
            rows.append(row)
    labels = {"persons": text("persons_n", lang), "earnings": text("mean_earnings", lang),
              **{s: state_label(s, lang) for s in states}}
    return PublishedTable(
        name="register", lang=lang, title=text("register_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("rel_month", lang), group="group", group_header=text("cohort", lang),
        spanners=[(text("states_spanner", lang), states)],
        notes=[text("register_note", lang)], source=source.note(lang))
