"""The implementation evaluation's tables: the IPS process standards by region and team
(``results.process``) and the IPS-25 item profile (``results.fidelity_items``, with the trend
across reviews of ``results.fidelity_trend`` and the client-level Cox model of
``results.fidelity_cox`` in notes).

Process standards: one row per team, region, cohort and overall. Coaches are not shown (a
coach is a small group). The clients of a row (its first-meeting ``n``) are its count cell:
the teams of a region add up to the region's clients, so a hidden team count is protected by
secondary suppression; every value of a row whose clients are hidden or fewer than 5 is hidden
too, and a share is hidden when its own denominator is under 5.
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
from ips_eval.publish.tables.numbers import (
    fmt_estimate_ci,
    fmt_int,
    fmt_median_iqr,
    fmt_number,
    fmt_p,
    fmt_pct,
)
from schemas.codebook import REGIONS, Lang
from schemas.instruments import FIDELITY_ITEMS
from schemas.standards import FIDELITY_ITEM_LABELS
from schemas.study import COHORTS
from schemas.table_text import text

INDICATORS = ("contacts_per_week", "first_meeting_days", "caseload", "referral_days")


def _mean_share(row: dict | None, lang: Lang) -> str:
    if row is None or row["value"] is None:
        return ""
    share = row["share_meeting_standard"]
    pct = "" if share is None or too_few(row["share_n"]) else f" ({fmt_pct(100 * share, lang)})"
    return fmt_number(row["value"], 1, lang) + pct


def _cells(rows: dict[str, dict], lang: Lang, hidden: bool) -> dict[str, str]:
    first = rows.get("first_meeting_days")
    referral = rows.get("referral_days")
    within = "" if first is None or first["share_meeting_standard"] is None else shown(
        fmt_pct(100 * first["share_meeting_standard"], lang), too_few(first["share_n"]))
    median = "" if first is None else fmt_number(first["value"], 1, lang)
    return {
        "contacts": shown(_mean_share(rows.get("contacts_per_week"), lang), hidden),
        "within_30": shown(within, hidden),
        "median_days": shown(median, hidden),
        "caseload": shown(_mean_share(rows.get("caseload"), lang), hidden),
        "referral": "" if referral is None else shown(
            fmt_median_iqr(referral["value"], referral["q1"], referral["q3"], 1, lang),
            hidden or too_few(referral["n"])),
    }


def build_process(process: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    by_unit: dict[tuple[str, str], dict[str, dict]] = {}
    for r in process.iter_rows(named=True):
        by_unit.setdefault((r["level"], r["unit"]), {})[r["indicator"]] = r

    def clients(level: str, unit: str) -> int | None:
        row = by_unit.get((level, unit), {}).get("first_meeting_days")
        return None if row is None else row["n"]

    teams = process.filter((pl.col("level") == "team")
                           & (pl.col("indicator") == "first_meeting_days"))
    regions = [r for r in REGIONS if ("region", r) in by_unit]
    cells = CountCells()
    for region in regions:
        members = [cells.add(("team", t), clients("team", t))
                   for t in sorted(teams.filter(pl.col("region") == region)["unit"].to_list())]
        cells.add(("region", region), clients("region", region))
        cells.group(members, total=clients("region", region),
                    remainder_key=("no_team", region))
    hidden = cells.hidden()

    def row(group: str, stub: str, level: str, unit: str) -> dict[str, str]:
        n = clients(level, unit)
        concealed = (level, unit) in hidden or too_few(n)
        return {"group": group, "stub": stub,
                "clients": shown(fmt_int(n, lang), (level, unit) in hidden),
                **_cells(by_unit.get((level, unit), {}), lang, concealed)}

    everyone = text("all", lang)
    rows = [row(everyone, cohort_label(c, lang), "cohort", c) for c in COHORTS
            if ("cohort", c) in by_unit]
    rows.append(row(everyone, everyone, "all", "all"))
    for region in regions:
        name = value_label("region", region, lang)
        for team in sorted(teams.filter(pl.col("region") == region)["unit"].to_list()):
            rows.append(row(name, team, "team", team))
        rows.append(row(name, text("region_total", lang, region=name), "region", region))
    labels = {"clients": text("clients_started", lang),
              "contacts": text("process_contacts", lang),
              "within_30": text("process_within_30", lang),
              "median_days": text("process_median_days", lang),
              "caseload": text("process_caseload", lang),
              "referral": text("process_referral", lang)}
    return PublishedTable(
        name="process", lang=lang, title=text("process_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("team", lang), group="group", group_header=text("region", lang),
        spanners=[(text("process_first_meeting", lang), ["within_30", "median_days"])],
        notes=[text("process_note", lang)], source=source.note(lang))


def _cox_note(cox: pl.DataFrame | None, lang: Lang) -> list[str]:
    if cox is None or cox.is_empty():
        return []
    notes = []
    for model in ("unadjusted", "cohort_adjusted"):
        part = cox.filter((pl.col("model") == model)
                          & (pl.col("term") == "fidelity_total_per_10"))
        if part.is_empty():
            continue
        r = part.row(0, named=True)
        notes.append(text(f"fidelity_cox_{model}", lang,
                          hr=fmt_estimate_ci(r["hr"], r["ci_lower"], r["ci_upper"], 2, lang),
                          p=fmt_p(r["p"], lang), n=fmt_int(r["n"], lang),
                          teams=fmt_int(r["teams"], lang)))
    return notes


def _trend_note(trend: pl.DataFrame | None, lang: Lang) -> list[str]:
    if trend is None or trend.is_empty():
        return []
    slopes = trend.group_by("team").agg(pl.col("slope_per_year").first()).drop_nulls()
    if slopes.is_empty():
        return []
    return [text("fidelity_trend_note", lang, teams=slopes.height,
                 mean=fmt_number(slopes["slope_per_year"].mean(), 1, lang),
                 median=fmt_number(slopes["slope_per_year"].median(), 1, lang))]


def build_fidelity_items(items: pl.DataFrame, cox: pl.DataFrame | None, lang: Lang,
                         source: DeliverySet, trend: pl.DataFrame | None = None
                         ) -> PublishedTable:
    def value(level: str, unit: str, item: str, column: str) -> dict | None:
        part = items.filter((pl.col("level") == level) & (pl.col("unit") == unit)
                            & (pl.col("item") == item))
        return part.row(0, named=True) if part.height else None

    cohorts = [c for c in COHORTS
               if items.filter((pl.col("level") == "cohort") & (pl.col("unit") == c)).height]
    rows = []
    for item in FIDELITY_ITEMS:
        everyone = value("all", "all", item, "score")
        if everyone is None:
            continue
        row = {"stub": f"{item[1:]}. {FIDELITY_ITEM_LABELS[item](lang)}",
               "all": fmt_number(everyone["score"], 2, lang),
               "lowest": fmt_pct(100 * everyone["teams_lowest"] / everyone["teams"], lang, 0),
               "all_reviews": fmt_number(everyone["mean_all_reviews"], 2, lang)}
        for c in cohorts:
            r = value("cohort", c, item, "score")
            row[c] = "" if r is None else fmt_number(r["score"], 2, lang)
        rows.append(row)
    labels = {"all": text("fidelity_items_all", lang),
              **{c: cohort_label(c, lang) for c in cohorts},
              "lowest": text("fidelity_items_lowest", lang),
              "all_reviews": text("fidelity_items_all_reviews", lang)}
    data = pl.DataFrame(rows).select("stub", "all", *cohorts, "lowest", "all_reviews")
    teams = items.filter(pl.col("level") == "all")["teams"].max()
    return PublishedTable(
        name="fidelity_items", lang=lang, title=text("fidelity_items_title", lang),
        data=as_strings(data), labels=labels, stub="stub",
        stubhead=text("fidelity_item", lang),
        spanners=[(text("fidelity_items_latest", lang), ["all", *cohorts])],
        notes=[text("fidelity_items_note", lang, teams=teams or 0), *_trend_note(trend, lang),
               *_cox_note(cox, lang)],
        source=source.note(lang))
