"""Regions and teams: IPS-25 fidelity (latest review) beside employment, from
``results.team_outcomes`` (:mod:`ips_eval.fidelity.teams`: per team the clients, those with a
full 12-month window, those of them employed within 12 months, and the latest review) and
``results.quarterly``. Per region: the teams' counts summed, the quarterly employment rate
pooled over its quarters (Σ working / Σ active), and the mean of its teams' latest totals,
banded by the IPS-25 bands (``schemas.instruments.FIDELITY_BANDS``).

Counts: the teams' clients (and window, and employed) add up to the region's, the regions' to
the cohort's; the employed and the rest (implicit) add up to the window.
"""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings, value_label
from ips_eval.publish.tables.disclosure import CountCells, is_small, shown, too_few
from ips_eval.publish.tables.numbers import fmt_date, fmt_int, fmt_n_pct, fmt_number, fmt_pct
from schemas.codebook import REGIONS, Lang
from schemas.instruments import FIDELITY_BANDS
from schemas.study import COHORTS
from schemas.table_text import text


def band_of(total: float | None) -> str | None:
    if total is None:
        return None
    rounded = round(total)
    return next((b.band for b in FIDELITY_BANDS if b.min_total <= rounded <= b.max_total), None)


def _rate(quarterly: pl.DataFrame | None, region: str) -> tuple[int, int] | None:
    if quarterly is None or quarterly.is_empty():
        return None
    part = quarterly.filter(pl.col("region") == region)
    if part.is_empty():
        return None
    return int(part["working"].sum()), int(part["active"].sum())


def hidden_team_counts(teams: pl.DataFrame) -> set:
    """Disclosure control of the team and region counts, shared by Table 7 and the
    fidelity figure: keys ``(what, region, team)`` (team None for the region's total) of the
    hidden ``clients``/``window``/``employed`` counts."""
    regions = [r for r in REGIONS if r in set(teams["region"].to_list())]
    cells = CountCells()
    for region in regions:
        part = teams.filter(pl.col("region") == region)
        totals = {k: int(part[k].sum()) for k in ("clients", "window", "employed")}
        for k, v in totals.items():
            cells.add((k, region, None), v)
        cells.group([("employed", region, None)], total=totals["window"])
        for t in part.iter_rows(named=True):
            for k in ("clients", "window", "employed"):
                cells.add((k, region, t["team"]), t[k])
            cells.group([("employed", region, t["team"])], total=t["window"])
        for k in ("clients", "window", "employed"):
            cells.group([(k, region, t) for t in part["team"]], total=totals[k],
                        remainder_key=(k, region, "rest"))
    # the regions add up to the cohort's clients, which Tables 1 and 2 publish
    for cohort in COHORTS:
        members = [r for r in regions
                   if teams.filter(pl.col("region") == r)["cohort"][0] == cohort]
        if members:
            cells.group([("clients", r, None) for r in members],
                        total=int(teams.filter(pl.col("cohort") == cohort)["clients"].sum()),
                        remainder_key=("clients", cohort, "rest"))
    return cells.hidden()


def build_regions(teams: pl.DataFrame, quarterly: pl.DataFrame | None, lang: Lang,
                  source: DeliverySet) -> PublishedTable:
    teams = teams.sort("region", "team", nulls_last=True)
    regions = [r for r in REGIONS if r in set(teams["region"].to_list())]

    region_totals = {r: {k: int(teams.filter(pl.col("region") == r)[k].sum())
                         for k in ("clients", "window", "employed")} for r in regions}
    hidden = hidden_team_counts(teams)

    def counts(region: str, team: str | None, values: dict) -> dict:
        window_hidden = ("window", region, team) in hidden
        return {
            "clients": shown(fmt_int(values["clients"], lang), ("clients", region, team) in hidden),
            "window": shown(fmt_int(values["window"], lang), window_hidden),
            "employed": shown(fmt_n_pct(values["employed"], 100 * values["employed"]
                                        / values["window"] if values["window"] else None, lang),
                              ("employed", region, team) in hidden or window_hidden
                              or too_few(values["window"])),
        }

    rows = []
    for region in regions:
        region_name = value_label("region", region, lang)
        part = teams.filter(pl.col("region") == region)
        for t in part.iter_rows(named=True):
            r = t if t["total"] is not None else None
            rows.append({
                "group": region_name, "stub": t["team"] or "?",
                **counts(region, t["team"], t), "rate": "",
                "total": "" if r is None else fmt_int(r["total"], lang),
                "band": "" if r is None or r["band"] is None else value_label(
                    "fidelity_band", r["band"], lang),
                "review": "" if r is None else fmt_date(r["review_date"], lang),
            })
        reviewed = part.filter(pl.col("team").is_not_null() & pl.col("total").is_not_null())
        mean_total = reviewed["total"].mean() if reviewed.height else None
        rate = _rate(quarterly, region)
        rows.append({
            "group": region_name, "stub": text("region_total", lang, region=region_name),
            **counts(region, None, region_totals[region]),
            "rate": "" if rate is None or rate[1] == 0 else shown(
                fmt_pct(100 * rate[0] / rate[1], lang), too_few(rate[1]) or is_small(rate[0])),
            "total": "" if mean_total is None else fmt_number(mean_total, 1, lang),
            "band": "" if band_of(mean_total) is None else value_label(
                "fidelity_band", band_of(mean_total), lang),
            "review": "",
        })
    labels = {"clients": text("clients_started", lang), "window": text("window_12", lang),
              "employed": text("employed_12", lang), "rate": text("quarterly_rate", lang),
              "total": text("fidelity_total", lang), "band": text("fidelity_band", lang),
              "review": text("review_date", lang)}
    return PublishedTable(
        name="regions", lang=lang, title=text("regions_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("team", lang), group="group", group_header=text("region", lang),
        spanners=[(text("employment_spanner", lang), ["clients", "window", "employed", "rate"]),
                  (text("fidelity_spanner", lang), ["total", "band", "review"])],
        left_aligned=("band",), notes=[text("regions_note", lang)], source=source.note(lang))
