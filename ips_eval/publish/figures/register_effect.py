"""Figures of the register effect (docs/methods.md §Register effect), from ``results.*``:

- ``register_effect_by_rel_month``: an event study — the matched ATT by month from the start
  with its pointwise 95 % CI and the simultaneous (sup-t) band over months 0 … +24, the hold-out
  placebo's "effects" in months −12 … −1, and the naive line, for employment and earnings;
- ``register_balance_by_month``: a Love plot by month — the SMD of employment, earnings and
  benefits in every month −24 … −1 before and after matching, with the 0.1 bar.

Months before the start are shaded. Published, so disclosure control applies: a month with
fewer than 5 clients is not drawn.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from matplotlib.figure import Figure

from ips_eval.publish.figures.common import page_figure, write_figure_languages
from ips_eval.publish.tables.disclosure import MIN_CELL
from schemas.codebook import Lang
from schemas.table_text import text

FIGURE_NAME = "register_effect_by_rel_month"
PANELS = (("employed", 100.0, "fig_effect_employed"), ("earnings_eur", 1.0, "fig_effect_earnings"))
SHOWN_MONTHS = (-24, 24)


def plot_register_effect(effect: pl.DataFrame, lang: Lang = "en") -> Figure:
    fig = page_figure(9.5)
    axes = fig.subplots(1, len(PANELS), squeeze=False)
    drawn = effect.filter(pl.col("n_clients") >= MIN_CELL)
    for ax, (outcome, scale, label) in zip(axes[0], PANELS, strict=True):
        ax.axvspan(SHOWN_MONTHS[0] - 0.5, -0.5, color="#eeeeee", zorder=0,
                   label=text("fig_effect_placebo", lang))
        matched = drawn.filter((pl.col("outcome") == outcome)
                               & (pl.col("method") == "matched")).sort("rel_month")
        naive = drawn.filter((pl.col("outcome") == outcome)
                             & (pl.col("method") == "naive")).sort("rel_month")
        post = matched.filter(pl.col("rel_month") >= 0)
        if "band_lower" in post.columns and post["band_lower"].drop_nulls().len():
            ax.fill_between(post["rel_month"], post["band_lower"] * scale,
                            post["band_upper"] * scale, color="#2a7f3f", alpha=0.10,
                            linewidth=0, label=text("fig_effect_band", lang))
        if matched.height:
            ax.fill_between(matched["rel_month"], matched["ci_lower"] * scale,
                            matched["ci_upper"] * scale, color="#2a7f3f", alpha=0.25,
                            linewidth=0, label=text("fig_effect_ci", lang))
            ax.plot(matched["rel_month"], matched["estimate"] * scale, color="#2a7f3f",
                    linewidth=1.8, marker="o", markersize=2.5, label=text("effect_matched", lang))
        placebo = drawn.filter((pl.col("outcome") == outcome)
                               & (pl.col("method") == "holdout_placebo")).sort("rel_month")
        if placebo.height:
            ax.errorbar(placebo["rel_month"], placebo["estimate"] * scale,
                        yerr=[(placebo["estimate"] - placebo["ci_lower"]) * scale,
                              (placebo["ci_upper"] - placebo["estimate"]) * scale],
                        color="#7d3c98", linewidth=0, elinewidth=0.8, marker="s",
                        markersize=2.5, label=text("effect_holdout_placebo", lang))
        if naive.height:
            ax.plot(naive["rel_month"], naive["estimate"] * scale, color="#c0392b",
                    linewidth=1.2, linestyle="--", label=text("effect_naive", lang))
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.6, linestyle=":")
        ax.set_xlim(*SHOWN_MONTHS)
        ax.set_xticks(range(SHOWN_MONTHS[0], SHOWN_MONTHS[1] + 1, 6))
        ax.set_title(text(label, lang), fontsize=9)
        ax.set_xlabel(text("rel_month", lang))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
    return fig


def write_register_effect_figure(effect: pl.DataFrame, out_dir: Path) -> list[Path]:
    """Draw and write ``out/figures/register_effect_by_rel_month_<lang>.{png,svg}``."""
    return write_figure_languages(lambda lang: plot_register_effect(effect, lang), out_dir,
                                  FIGURE_NAME)


BALANCE_FIGURE = "register_balance_by_month"
BALANCE_PANELS = (("employed", "outcome_employed"), ("earnings_eur", "outcome_earnings_eur"),
                  ("benefits_eur", "outcome_benefits_eur"))
SMD_BAR = 0.1


def plot_register_balance_by_month(monthly: pl.DataFrame, lang: Lang = "en") -> Figure:
    fig = page_figure(7.5)
    axes = fig.subplots(1, len(BALANCE_PANELS), squeeze=False, sharey=True)
    for ax, (outcome, label) in zip(axes[0], BALANCE_PANELS, strict=True):
        rows = monthly.filter(pl.col("outcome") == outcome).sort("rel_month")
        if rows.height:
            ax.plot(rows["rel_month"], rows["smd_before"], color="#c0392b", marker="o",
                    markersize=2.5, linewidth=1.0, label=text("fig_balance_before", lang))
            ax.plot(rows["rel_month"], rows["smd_after"], color="#2a7f3f", marker="o",
                    markersize=2.5, linewidth=1.4, label=text("fig_balance_after", lang))
        for bar in (-SMD_BAR, SMD_BAR):
            ax.axhline(bar, color="#7f7f7f", linewidth=0.8, linestyle="--",
                       label=text("fig_balance_bar", lang) if bar > 0 else None)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_xticks(range(-24, 0, 6))
        ax.set_title(text(label, lang), fontsize=9)
        ax.set_xlabel(text("rel_month", lang))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes[0][0].set_ylabel("SMD")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(handles), frameon=False)
    return fig


def write_register_balance_figure(monthly: pl.DataFrame, out_dir: Path) -> list[Path]:
    """Draw and write ``out/figures/register_balance_by_month_<lang>.{png,svg}``. No counts:
    every point is a standardised difference over all matched clients of the month."""
    return write_figure_languages(lambda lang: plot_register_balance_by_month(monthly, lang),
                                  out_dir, BALANCE_FIGURE)
