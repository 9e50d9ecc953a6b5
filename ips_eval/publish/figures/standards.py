"""Figures of the IPS process standards and the quarterly employment rate per team.

- ``process_by_coach``: employer contacts a week (monthly mean over the coach's coach-weeks)
  and clients per coach at each month end, one thin line per coach and the median over coaches
  bold, against the standards (≥ 6 contacts, ≤ 20 clients), by cohort
  (``results.process_monthly``). A coach is a small group: a coach's caseload of 1–4 clients is
  not drawn (the point is left out); the median runs over every coach, where 5 or more make it.
- ``quarterly_rate_by_team``: the quarterly employment rate per team, one panel per region, with
  the IPS Learning Community benchmarks (31 %, 41 %, 50 %) as reference lines
  (``results.quarterly_team``). A quarter whose active clients are under 5, or whose working or
  not-working clients number 1–4, is not drawn (a share k/n with a small count can be read back),
  and quarters the cut-off cuts short are left out.
The figures are in English, like the others; the tables carry the languages.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from matplotlib.figure import Figure

from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import MIN_CELL, is_small, too_few
from schemas.codebook import REGIONS
from schemas.figure_text import figure_text
from schemas.standards import EMPLOYMENT_RATE_BENCHMARKS, STANDARDS, standard
from schemas.table_text import text

BENCHMARK_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c")


def _shown_caseload(monthly: pl.DataFrame) -> pl.DataFrame:
    return monthly.with_columns(
        caseload=pl.when(pl.col("caseload").map_elements(is_small, return_dtype=pl.Boolean))
        .then(None).otherwise(pl.col("caseload")))


def process_by_coach_figure(monthly: pl.DataFrame, lang: str = "en") -> Figure:
    """Two rows (contacts a week, caseload) × one column per cohort."""
    drawn = _shown_caseload(monthly)
    cohorts = [c for c in ("pilot", "rrp") if c in set(monthly["cohort"].to_list())]
    fig = Figure(figsize=(5.2 * max(len(cohorts), 1), 7.2))
    axes = fig.subplots(2, max(len(cohorts), 1), squeeze=False, sharey="row")
    panels = (("contacts_per_week", "contacts_per_week"), ("caseload", "caseload"))
    for col, cohort in enumerate(cohorts):
        part = drawn.filter(pl.col("cohort") == cohort)
        whole = monthly.filter(pl.col("cohort") == cohort)
        for row, (column, indicator) in enumerate(panels):
            ax = axes[row][col]
            series = part.filter(pl.col(column).is_not_null())
            for (_coach,), coach in series.group_by("coach", maintain_order=True):
                coach = coach.sort("month")
                ax.plot(coach["month"].to_list(), coach[column].to_list(), color="#9aa7b5",
                        linewidth=0.6, alpha=0.6)
            # the median over every coach (small caseloads included), where 5 or more coaches
            # make it: a median of several coaches reveals no one coach's count
            median = (whole.filter(pl.col(column).is_not_null()).group_by("month")
                      .agg(pl.col(column).median(), pl.len())
                      .filter(pl.col("len") >= MIN_CELL).sort("month"))
            ax.plot(median["month"].to_list(), median[column].to_list(), color="#1f3b73",
                    linewidth=2.0, label=figure_text("process_median", lang))
            ax.axhline(standard(indicator), color="#d62728", linestyle="--", linewidth=1.2,
                       label=figure_text("process_standard", lang,
                                         value=f"{STANDARDS[indicator].standard:g}"))
            ax.set_ylabel(STANDARDS[indicator].label(lang))
            # room above the standard's line for the legend
            ax.set_ylim(0, max(1.35 * standard(indicator), ax.get_ylim()[1]))
            if row == 0:
                ax.set_title(cohort_label(cohort, lang), fontsize=10, loc="left")
            ax.tick_params(axis="x", labelsize=7, rotation=30)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            if col == 0:
                ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.suptitle(text("figure_process_by_coach", lang) + "\n"
                 + figure_text("process_small_caseloads", lang), fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def shown_quarters(quarterly_team: pl.DataFrame) -> pl.DataFrame:
    """The team-quarters the figure may draw (complete, and no small count behind the rate)."""
    keep = [r["complete"] and not (too_few(r["active"]) or is_small(r["working"])
                                   or is_small(r["active"] - r["working"]))
            for r in quarterly_team.iter_rows(named=True)]
    return quarterly_team.filter(pl.Series(keep, dtype=pl.Boolean))


def quarterly_rate_by_team_figure(quarterly_team: pl.DataFrame, lang: str = "en") -> Figure:
    """Small multiples, one panel per region, a line per team, the benchmarks as lines."""
    shown = shown_quarters(quarterly_team)
    # a quarter not drawn breaks its team's line (NaN), rather than being bridged
    drawn = quarterly_team.join(shown.select("team", "quarter_start", kept=pl.lit(True)),
                                on=["team", "quarter_start"], how="left").with_columns(
        rate=pl.when(pl.col("kept")).then(pl.col("rate")).otherwise(float("nan")))
    regions = [r for r in REGIONS if r in set(quarterly_team["region"].to_list())]
    columns = 3
    rows = max(math.ceil(len(regions) / columns), 1)
    fig = Figure(figsize=(11, 2.6 * rows + 0.8))
    axes = np.atleast_1d(fig.subplots(rows, columns, sharey=True, squeeze=False).ravel())
    for ax, region in zip(axes, regions, strict=False):
        part = drawn.filter(pl.col("region") == region).sort("team", "quarter_start")
        for (team,), rows_ in part.group_by("team", maintain_order=True):
            ax.plot(rows_["quarter_start"].to_list(), (100 * rows_["rate"]).to_list(),
                    marker="o", markersize=2.5, linewidth=1.2, label=team)
        for (value, label), colour in zip(EMPLOYMENT_RATE_BENCHMARKS, BENCHMARK_COLOURS,
                                          strict=True):
            ax.axhline(100 * value, color=colour, linestyle=":", linewidth=1.0,
                       label=label(lang) if region == regions[0] else None)
        ax.set_title(region, fontsize=9, loc="left")
        ax.set_ylim(0, 100)
        ax.tick_params(axis="x", labelsize=7, rotation=30)
        ax.legend(fontsize=6, frameon=False, loc="upper left", ncol=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes[len(regions):]:
        ax.set_visible(False)
    left_out = quarterly_team.height - shown.height
    fig.suptitle(f"{text('figure_quarterly_rate_by_team', lang)} "
                 f"{figure_text('quarterly_rate_axis', lang)}\n"
                 f"{figure_text('quarterly_left_out', lang, n=left_out)}",
                 fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig
