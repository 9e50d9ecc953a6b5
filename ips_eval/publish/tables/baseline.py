"""Table 1: the clients' baseline characteristics by cohort, with standardised mean differences
and a missing-data row per characteristic, from ``results.baseline``
(:mod:`ips_eval.employment.baseline` computes the statistics). An SMD is hidden when any count
of its characteristic is hidden (with the other cohort's shares printed, a two-category SMD can
be solved for the hidden share).
"""

from __future__ import annotations

import polars as pl

from ips_eval.employment.baseline import CATEGORICAL, COHORTS, CONTINUOUS, MISSING
from ips_eval.publish.tables.common import (
    DeliverySet,
    PublishedTable,
    as_strings,
    cohort_label,
    value_label,
)
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.numbers import (
    fmt_int,
    fmt_mean_sd,
    fmt_median_iqr,
    fmt_n_pct,
    fmt_number,
)
from schemas.analysis import CLIENTS
from schemas.codebook import Lang
from schemas.table_text import text


def build_baseline(baseline: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    """Table 1 in ``lang`` from ``results.baseline``."""
    baseline = baseline.sort("order")
    summary = baseline.filter(pl.col("kind") != "smd")
    cohorts = [c for c in COHORTS if c in set(summary["cohort"].to_list())]
    smd = {r["variable"]: r["smd"] for r in baseline.filter(pl.col("kind") == "smd")
           .iter_rows(named=True)}

    cells = CountCells()
    sizes = {c: summary.filter(pl.col("cohort") == c)["n_cohort"][0] for c in cohorts}
    for c, size in sizes.items():
        cells.add(("N", c), size)
    for row in summary.filter(pl.col("kind") != "continuous").iter_rows(named=True):
        cells.add((row["variable"], row["level"], row["cohort"]), row["n"])
    for variable in (*CONTINUOUS, *CATEGORICAL):
        for c in cohorts:
            members = summary.filter((pl.col("variable") == variable) & (pl.col("cohort") == c)
                                     & (pl.col("kind") != "continuous"))
            cells.group([(variable, lv, c) for lv in members["level"].to_list()],
                        total=sizes[c], remainder_key=("observed", variable, c))
    hidden = cells.hidden()

    rows: list[dict] = []
    for variable in (*CONTINUOUS, *CATEGORICAL):
        var_label = CLIENTS.variable(variable).label(lang)
        part = summary.filter(pl.col("variable") == variable)
        any_hidden = variable in CATEGORICAL and any(
            k[0] == variable for k in hidden if len(k) == 3)
        smd_text = "" if smd.get(variable) is None else shown(
            fmt_number(smd[variable], 2, lang), any_hidden)
        lines: list[tuple[str, dict[str, str]]] = []
        if variable in CONTINUOUS:
            stats = {c: part.filter((pl.col("cohort") == c) & (pl.col("kind") == "continuous"))
                     .row(0, named=True) for c in cohorts}
            lines.append((text("mean_sd", lang), {
                c: shown(fmt_mean_sd(s["mean"], s["sd"], 1, lang), too_few(s["n"]))
                for c, s in stats.items()}))
            lines.append((text("median_iqr", lang), {
                c: shown(fmt_median_iqr(s["median"], s["q1"], s["q3"], 1, lang), too_few(s["n"]))
                for c, s in stats.items()}))
        levels = [lv for lv in part.filter(pl.col("kind") == "count")["level"].unique(
            maintain_order=True).to_list()]
        for level in [*levels, MISSING]:
            label = text("missing", lang) if level == MISSING else value_label(
                CLIENTS.variable(variable).value_labels or variable, level, lang)
            values = {}
            for c in cohorts:
                r = part.filter((pl.col("cohort") == c) & (pl.col("kind") != "continuous")
                                & (pl.col("level") == level))
                n, pct = (r["n"][0], r["pct"][0]) if r.height else (0, 0.0)
                values[c] = shown(fmt_n_pct(n, pct, lang), (variable, level, c) in hidden)
            lines.append((label, values))
        for i, (label, values) in enumerate(lines):
            rows.append({"group": var_label, "stub": label,
                         **{f"c_{c}": values[c] for c in cohorts},
                         "smd": smd_text if i == 0 else ""})

    data = as_strings(pl.DataFrame(rows))
    labels = {}
    for c in cohorts:
        size = shown(fmt_int(sizes[c], lang), ("N", c) in hidden)
        labels[f"c_{c}"] = f"{cohort_label(c, lang)} ({text('n_header', lang, n=size)})"
    labels["smd"] = text("smd", lang)
    notes = [text("baseline_pct_note", lang)]
    column_notes = [("smd", text("smd_note", lang))] if smd else []
    return PublishedTable(
        name="baseline", lang=lang, title=text("baseline_title", lang), data=data,
        labels=labels, stub="stub", stubhead=text("category", lang), group="group",
        group_header=text("baseline_stubhead", lang), column_notes=column_notes, notes=notes,
        source=source.note(lang))
