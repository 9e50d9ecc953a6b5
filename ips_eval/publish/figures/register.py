"""Figure: clients' register states by month relative to the start, one panel per cohort
(stacked shares of the main states), with the mean earnings beneath
(``out/figures/register_states_by_rel_month_<lang>.{png,svg}``), from ``results.register``.

Shown: relative months −24 … +24, as in the register table. The figure is published, so it
follows the tables' disclosure control (``ips_eval.publish.tables.disclosure``): a month observed
for fewer than 5 clients is not drawn, and no count is printed — only shares of months with at
least 5 persons (the persons per month are drawn as a thin line under the earnings).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from matplotlib.figure import Figure

from ips_eval.publish.figures.common import localise_ticks, page_figure, write_figure_languages
from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import MIN_CELL
from schemas.codebook import Lang
from schemas.figure_text import figure_text
from schemas.register_states import STATE_NAMES, state_label
from schemas.study import COHORTS, PILOT

FIGURE_NAME = "register_states_by_rel_month"
SHOWN_MONTHS = (-24, 24)
STATE_COLOURS = {"employed": "#2a7f3f", "disability_pension": "#7a4e9c",
                 "sickness_rehabilitation": "#c98a1b", "student": "#3a86c8",
                 "unemployed": "#c0392b", "other": "#b8b8b8"}


def _shown(register: pl.DataFrame) -> pl.DataFrame:
    """The months drawn: −24 … +24 with at least MIN_CELL persons (the 'all' row's n)."""
    lo, hi = SHOWN_MONTHS
    persons = (register.filter(pl.col("state") == "all")
               .select("cohort", "rel_month", persons=pl.col("n")))
    return (register.filter(pl.col("rel_month").is_between(lo, hi))
            .join(persons, on=["cohort", "rel_month"])
            .filter(pl.col("persons") >= MIN_CELL))


def plot_register_states(register: pl.DataFrame, lang: Lang = "en") -> Figure:
    """Stacked state shares (top) and mean earnings (bottom) by relative month per cohort."""
    shown = _shown(register)
    cohorts = [c for c in COHORTS if c in set(register["cohort"].to_list())] or [PILOT]
    fig = page_figure(15)
    axes = fig.subplots(2, len(cohorts), sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": [2.2, 1]})
    for col, cohort in enumerate(cohorts):
        top, bottom = axes[0][col], axes[1][col]
        sub = shown.filter(pl.col("cohort") == cohort)
        months = sorted(set(sub["rel_month"].to_list()))
        top.set_title(cohort_label(cohort, lang), fontsize=9)
        if not months:
            top.text(0.5, 0.5, figure_text("no_data", lang), transform=top.transAxes, ha="center")
        else:
            pct = (sub.pivot(on="state", index="rel_month", values="pct")
                   .sort("rel_month").fill_null(0.0))
            shares = [pct[s].to_list() if s in pct.columns else [0.0] * len(months)
                      for s in STATE_NAMES]
            top.stackplot(months, shares, colors=[STATE_COLOURS[s] for s in STATE_NAMES],
                          labels=[state_label(s, lang) for s in STATE_NAMES], linewidth=0)
            total = sub.filter(pl.col("state") == "all").sort("rel_month")
            bottom.plot(total["rel_month"], total["mean_earnings_eur"], color="#2a7f3f",
                        linewidth=1.8, label=figure_text("register_earnings", lang))
            persons = bottom.twinx()
            persons.plot(total["rel_month"], total["n"], color="#777777", linewidth=0.8,
                         linestyle=":", label=figure_text("register_persons", lang))
            persons.set_ylim(0, max(total["n"].max() or 1, 1) * 1.25)
            persons.tick_params(colors="#777777")
            localise_ticks(persons.yaxis, lang)
            persons.set_ylabel(figure_text("register_persons", lang), color="#777777")
        for ax in (top, bottom):
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_xlim(*SHOWN_MONTHS)
            ax.set_xticks(range(SHOWN_MONTHS[0], SHOWN_MONTHS[1] + 1, 6))
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        top.set_ylim(0, 100)
        bottom.set_ylim(bottom=0)
        localise_ticks(bottom.yaxis, lang)
        bottom.set_xlabel(figure_text("register_x", lang))
        # every panel says what its axes are (the cohorts' panels side by side)
        top.set_ylabel(figure_text("register_share", lang))
        bottom.set_ylabel(figure_text("register_earnings", lang))
    handles, labels = axes[0][0].get_legend_handles_labels()
    lines = [h for ax in fig.axes[2:] for h in ax.get_lines() if h.get_label()[:1] != "_"]
    seen: dict[str, object] = {}
    for line in lines:  # the earnings line and the dotted persons line, once each
        seen.setdefault(line.get_label(), line)
    if handles:
        # the stack's top state first, as the eye reads the areas; then the lines beneath
        fig.legend([*handles[::-1], *seen.values()], [*labels[::-1], *seen],
                   loc="outside lower center", ncol=3, frameon=False)
    return fig


def write_register_states_figure(register: pl.DataFrame, out_dir: Path) -> list[Path]:
    """Draw and write ``out/figures/register_states_by_rel_month_<lang>.{png,svg}``."""
    return write_figure_languages(lambda lang: plot_register_states(register, lang), out_dir,
                                  FIGURE_NAME)
