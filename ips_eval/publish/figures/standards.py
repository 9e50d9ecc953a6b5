"""Figures of the IPS process standards and the quarterly employment rate per team.

- ``process_by_coach``: employer contacts a week (monthly mean over the coach's coach-weeks)
  and clients per coach at each month end, one thin line per coach and the median over coaches
  bold, against the standards (≥ 6 contacts, ≤ 20 clients), by cohort
  (``results.process_monthly``). A coach is a small group: a coach's caseload of 1–4 clients is
  not drawn (the point is left out); the median runs over every coach, where 5 or more make it,
  and a median caseload of 1–4 is not drawn either (it is a count of clients too).
- ``quarterly_rate_by_team``: the quarterly employment rate per team, one panel per region, with
  the IPS Learning Community benchmarks (31 %, 41 %, 50 %) as reference lines
  (``results.quarterly_team``). A quarter whose active clients are under 5, or whose working or
  not-working clients number 1–4, is not drawn (a share k/n with a small count can be read back),
  and quarters the cut-off cuts short are left out. The panels share their axes; the quarters
  are labelled "2021 Q1" as the tables write them, and a team's colour is its number in the
  region (T1, T2, …), so one legend names every line.
"""

from __future__ import annotations

import math
import re
import textwrap
from datetime import date

import numpy as np
import polars as pl
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter

from ips_eval.publish.figures.common import page_figure
from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import MIN_CELL, is_small, too_few
from schemas.codebook import REGIONS
from schemas.figure_text import figure_text
from schemas.standards import EMPLOYMENT_RATE_BENCHMARKS, STANDARDS, standard
from schemas.study import COHORTS

BENCHMARK_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c")
TEAM_COLOURS = ("#1f5f8b", "#c8553d", "#4d8b31", "#7a4e9c", "#b8860b", "#555555")


def quarter_label(day: date) -> str:
    """``2021 Q1``: the quarter a date falls in, as the quarterly tables name it."""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _team_number(team: str) -> int:
    """``HEL-T2`` → 2 (0 when the code has no number)."""
    match = re.search(r"(\d+)$", team)
    return int(match.group(1)) if match else 0


def _shown_caseload(monthly: pl.DataFrame) -> pl.DataFrame:
    return monthly.with_columns(
        caseload=pl.when(pl.col("caseload").map_elements(is_small, return_dtype=pl.Boolean))
        .then(None).otherwise(pl.col("caseload")))


def process_by_coach_figure(monthly: pl.DataFrame, lang: str = "en") -> Figure:
    """Two rows (contacts a week, caseload) × one column per cohort."""
    drawn = _shown_caseload(monthly)
    cohorts = [c for c in COHORTS if c in set(monthly["cohort"].to_list())]
    fig = page_figure(14)
    axes = fig.subplots(2, max(len(cohorts), 1), squeeze=False, sharey="row", sharex="col")
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
            if column == "caseload":  # a median caseload of 1–4 is a small count too
                median = median.with_columns(
                    pl.when(pl.col(column).map_elements(is_small, return_dtype=pl.Boolean))
                    .then(None).otherwise(pl.col(column)).alias(column))
            ax.plot(median["month"].to_list(),
                    [math.nan if v is None else v for v in median[column].to_list()],
                    color="#1f3b73", linewidth=2.0, label=figure_text("process_median", lang))
            ax.axhline(standard(indicator), color="#d62728", linestyle="--", linewidth=1.2,
                       label=figure_text("process_standard", lang,
                                         value=f"{STANDARDS[indicator].standard:g}"))
            if col == 0:
                ax.set_ylabel(STANDARDS[indicator].label(lang))
            # room above the standard's line for the legend
            ax.set_ylim(0, max(1.35 * standard(indicator), ax.get_ylim()[1]))
            if row == 0:
                ax.set_title(cohort_label(cohort, lang), fontsize=9, loc="left")
            ax.xaxis.set_major_locator(mdates.YearLocator())
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            if col == 0:
                handles, labels = ax.get_legend_handles_labels()
                coaches = Line2D([], [], color="#9aa7b5", linewidth=0.6)
                ax.legend([coaches, *handles], [figure_text("process_coach", lang), *labels],
                          frameon=False, loc="upper left")
    # the small-count rule under the panels (the title is the caption's)
    fig.supxlabel(figure_text("process_small_caseloads", lang), fontsize=8, ha="left", x=0.01)
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
    fig = page_figure(4.2 * rows + 2.2)
    axes = np.atleast_1d(fig.subplots(rows, columns, sharex=True, sharey=True,
                                      squeeze=False).ravel())
    quarters = sorted(set(quarterly_team["quarter_start"].to_list()))
    years = [q for q in quarters if q.month == 1] or quarters[:1]
    numbers: set[int] = set()
    for ax, region in zip(axes, regions, strict=False):
        part = drawn.filter(pl.col("region") == region).sort("team", "quarter_start")
        for (team,), rows_ in part.group_by("team", maintain_order=True):
            number = _team_number(team)
            numbers.add(number)
            ax.plot(rows_["quarter_start"].to_list(), (100 * rows_["rate"]).to_list(),
                    marker="o", markersize=2.5, linewidth=1.2,
                    color=TEAM_COLOURS[(number - 1) % len(TEAM_COLOURS)])
        for (value, _), colour in zip(EMPLOYMENT_RATE_BENCHMARKS, BENCHMARK_COLOURS,
                                      strict=True):
            ax.axhline(100 * value, color=colour, linestyle=":", linewidth=1.0)
        ax.set_title(region, fontsize=8, loc="left", pad=2)
        ax.set_ylim(0, 100)
        ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(q) for q in years]))
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda x, _pos: quarter_label(mdates.num2date(x).date())))
        ax.tick_params(axis="x", rotation=45)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes[len(regions):]:
        ax.set_visible(False)
    # one legend for every line: the team's number in its region, then the benchmarks
    handles = [Line2D([], [], color=TEAM_COLOURS[(n - 1) % len(TEAM_COLOURS)], marker="o",
                      markersize=2.5) for n in sorted(numbers)]
    labels = [figure_text("quarterly_team", lang, n=n) for n in sorted(numbers)]
    for (_, label), colour in zip(EMPLOYMENT_RATE_BENCHMARKS, BENCHMARK_COLOURS, strict=True):
        handles.append(Line2D([], [], color=colour, linestyle=":"))
        labels.append(label(lang))
    left_out = quarterly_team.height - shown.height
    note = textwrap.fill(figure_text("quarterly_left_out", lang, n=left_out), 34)
    spare = axes[len(regions):]
    if len(spare):  # the grid's first empty place holds the legend
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles, labels, loc="center", frameon=False, title=note,
                        title_fontsize=8, alignment="left")
    else:
        fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False,
                   title=note, title_fontsize=8)
    fig.supylabel(figure_text("quarterly_rate_axis", lang).strip("()"), fontsize=8)
    return fig
