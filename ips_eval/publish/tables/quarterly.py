"""The quarterly employment rate by region (``results.quarterly``; IPS Learning Community style:
clients who worked in a competitive job on any day of the quarter / clients in the service).

Counts: in each row the working clients and the rest (implicit) add up to the active ones, and
the working without pay subsidy are part of the working (the rest implicit); per quarter the
regions add up to "all". A rate over fewer than 5 active clients is hidden.
"""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings, value_label
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.numbers import fmt_int, fmt_n_pct
from schemas.codebook import REGIONS, Lang
from schemas.table_text import text

COUNTS = (("active", "active"), ("working", "working"),
          ("working_excl", "working_excl_pay_subsidy"))


def _region_order(region: str) -> int:
    return -1 if region == "all" else (REGIONS.index(region) if region in REGIONS else 99)


def _hidden(rows: list[dict]) -> set:
    cells = CountCells()
    for r in rows:
        key = (r["region"], r["quarter"])
        for column, count in COUNTS:
            cells.add((column, *key), r.get(count))
        cells.group([("working", *key)], total=r["active"])
        if r.get("working_excl_pay_subsidy") is not None:
            cells.group([("working_excl", *key)], total=r["working"],
                        remainder_key=("subsidised", *key))
            cells.group([("working_excl", *key)], total=r["active"],
                        remainder_key=("not_working_excl", *key))
    by_key = {(r["region"], r["quarter"]): r for r in rows}
    for quarter in {r["quarter"] for r in rows}:
        top = by_key.get(("all", quarter))
        regions = [r for r in REGIONS if (r, quarter) in by_key]
        if top is None or not regions:
            continue
        for column, count in COUNTS:
            if top.get(count) is None:
                continue
            parts = [(column, g, quarter) for g in regions]
            cells.group(parts, total=top[count], remainder_key=(column, "rest", quarter))
            # "all" may be hidden itself: then the regions must not give it back
            cells.group([*parts, (column, "all", quarter)])
    return cells.hidden()


def build_quarterly(quarterly: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    rows = sorted(quarterly.iter_rows(named=True),
                  key=lambda r: (_region_order(r["region"]), r["quarter"]))
    hidden = _hidden(rows)
    out = []
    for r in rows:
        key = (r["region"], r["quarter"])
        few = too_few(r["active"]) or ("active", *key) in hidden
        quarter = r["quarter"] if r.get("complete", True) else text(
            "incomplete_quarter", lang, quarter=r["quarter"])
        out.append({
            "group": text("all", lang) if r["region"] == "all" else value_label(
                "region", r["region"], lang),
            "stub": quarter,
            "active": shown(fmt_int(r["active"], lang), ("active", *key) in hidden),
            "working": shown(fmt_n_pct(r["working"], _pct(r["working"], r["active"]), lang),
                             few or ("working", *key) in hidden),
            "working_excl": shown(fmt_n_pct(r.get("working_excl_pay_subsidy"),
                                            _pct(r.get("working_excl_pay_subsidy"),
                                                 r["active"]), lang),
                                  few or ("working_excl", *key) in hidden),
        })
    labels = {"active": text("active_n", lang), "working": text("working_n_pct", lang),
              "working_excl": text("working_excl_n_pct", lang)}
    return PublishedTable(
        name="quarterly", lang=lang, title=text("quarterly_title", lang),
        data=as_strings(pl.DataFrame(out)), labels=labels, stub="stub",
        stubhead=text("quarter", lang), group="group", group_header=text("region", lang),
        notes=[text("quarterly_note", lang), text("competitive_note", lang)],
        source=source.note(lang))


def _pct(n: int | None, total: int | None) -> float | None:
    return None if n is None or not total else 100 * n / total
