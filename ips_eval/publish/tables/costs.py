"""Costs (``results.costs``): per region over its project years, per cohort and overall — cost,
clients started, client-years, clients per coach person-year, and the cost per client started,
per client-year and per client employed within 12 months; on the overall row, when the register
effect exists, benefits saved and earnings gained per matched client over +1 … +12 months.

The regions of a cohort add up to the cohort's clients started (one disclosure group); a row
whose clients started are hidden or fewer than 5 shows no ratio.
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
from ips_eval.publish.tables.numbers import fmt_int, fmt_number
from schemas.codebook import REGIONS, Lang
from schemas.study import COHORTS
from schemas.table_text import text

MONEY = ("cost_eur", "cost_per_client", "cost_per_client_year", "cost_per_employed",
         "benefits_saved_per_client", "earnings_gained_per_client")


def build_costs(costs: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    totals = costs.filter(pl.col("year") == "all")
    by_key = {(r["region"], r["cohort"]): r for r in totals.iter_rows(named=True)}
    cohorts = [c for c in COHORTS if ("all", c) in by_key]
    cells = CountCells()
    for cohort in cohorts:
        members = [cells.add((r, cohort), by_key[(r, cohort)]["clients_started"])
                   for r in REGIONS if (r, cohort) in by_key]
        cells.add(("all", cohort), by_key[("all", cohort)]["clients_started"])
        cells.group(members, total=by_key[("all", cohort)]["clients_started"])
    if ("all", "all") in by_key:
        cells.add(("all", "all"), by_key[("all", "all")]["clients_started"])
        cells.group([("all", c) for c in cohorts],
                    total=by_key[("all", "all")]["clients_started"])
    for key, r in by_key.items():
        # cost per employed = cost per client / the share employed within 12 months: with the
        # window's clients (printed in the regions table) it gives the employed back, and so
        # their count and the rest are the persons it is over (rule 4)
        employed, window = r["clients_employed_12m"], r["clients_window_12m"]
        rest = None if employed is None or window is None else window - employed
        cells.add(("not_employed_12m", key), rest, implicit=True)
        cells.derived(("per_employed", key), [key, ("not_employed_12m", key)], over=employed)
    hidden = cells.hidden()

    def row(group: str, stub: str, key: tuple[str, str]) -> dict[str, str]:
        r = by_key[key]
        concealed = key in hidden or too_few(r["clients_started"])
        out = {"group": group, "stub": stub,
               "cost_eur": fmt_number(r["cost_eur"], 0, lang),
               "clients_started": shown(fmt_int(r["clients_started"], lang), key in hidden),
               "client_years": shown(fmt_number(r["client_years"], 1, lang), concealed),
               "clients_per_fte": shown(fmt_number(r["clients_per_fte"], 1, lang), concealed)}
        for column in MONEY[1:4]:
            out[column] = shown(fmt_number(r[column], 0, lang), concealed or (
                column == "cost_per_employed" and ("per_employed", key) in hidden))
        for column in MONEY[4:]:  # over the matched clients, not this row's
            out[column] = "" if r[column] is None else shown(
                fmt_number(r[column], 0, lang), too_few(r["effect_clients"]))
        return out

    rows = []
    for cohort in cohorts:
        group = cohort_label(cohort, lang)
        rows += [row(group, value_label("region", r, lang), (r, cohort))
                 for r in REGIONS if (r, cohort) in by_key]
        rows.append(row(group, text("all", lang), ("all", cohort)))
    if ("all", "all") in by_key:
        rows.append(row(text("all", lang), text("all", lang), ("all", "all")))
    labels = {"cost_eur": text("costs_cost", lang),
              "clients_started": text("clients_started", lang),
              "client_years": text("costs_client_years", lang),
              "clients_per_fte": text("costs_clients_per_fte", lang),
              "cost_per_client": text("costs_per_client", lang),
              "cost_per_client_year": text("costs_per_client_year", lang),
              "cost_per_employed": text("costs_per_employed", lang),
              "benefits_saved_per_client": text("costs_benefits_saved", lang),
              "earnings_gained_per_client": text("costs_earnings_gained", lang)}
    return PublishedTable(
        name="costs", lang=lang, title=text("costs_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("region", lang), group="group", group_header=text("cohort", lang),
        spanners=[(text("costs_per_spanner", lang),
                   ["cost_per_client", "cost_per_client_year", "cost_per_employed"]),
                  (text("costs_returns_spanner", lang),
                   ["benefits_saved_per_client", "earnings_gained_per_client"])],
        notes=[text("costs_note", lang), text("costs_returns_note", lang)],
        source=source.note(lang))
