"""Figure: mean scores by wave with 95 % CIs (t), by cohort, one panel per instrument
(``out/figures/scores_by_wave_<lang>.{png,svg}``), drawn from ``results.score_means``. Points are
the scored responses of each wave (all available, not only clients with both waves), so the
panels describe who answered, not change within clients — change.csv and mixed.csv do that.

The figure is published, so it follows the tables' disclosure control
(``ips_eval.publish.tables.disclosure``): a mean over fewer than 5 clients is not drawn and its n is
shown as the suppression symbol."""

from __future__ import annotations

import math

import polars as pl
from matplotlib.figure import Figure

from ips_eval.publish.figures.common import (
    COHORT_COLOURS,
    COUNT_GID,
    localise_ticks,
    page_figure,
)
from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import MIN_CELL, SUPPRESSED, too_few
from ips_eval.publish.tables.numbers import fmt_int, fmt_number
from schemas.codebook import VALUE_LABELS, Lang
from schemas.figure_text import figure_text
from schemas.instruments import INSTRUMENTS
from schemas.study import PILOT, RRP

COHORT_STYLE = {PILOT: {"marker": "o", "offset": -0.35, "n_row": 0.08},
                RRP: {"marker": "s", "offset": 0.35, "n_row": 0.02}}


def plot_scores_by_wave(means: pl.DataFrame, lang: Lang = "en") -> Figure:
    """The panels from results.score_means (instrument, cohort, wave, n, mean, ci_lower,
    ci_upper)."""
    fig = page_figure(15)
    axes = fig.subplots(2, 3, sharex=True)
    waves = sorted(VALUE_LABELS["wave"])
    for ax, ins in zip(axes.flat, INSTRUMENTS, strict=True):
        sub = means.filter(pl.col("instrument") == ins.name)
        for cohort, style in COHORT_STYLE.items():
            c = sub.filter(pl.col("cohort") == cohort).sort("wave")
            c = c.with_columns(
                [pl.when(pl.col("n") >= MIN_CELL).then(pl.col(v)).alias(v)
                 for v in ("mean", "ci_lower", "ci_upper")])
            if c.height == 0:
                continue
            x = [w + style["offset"] for w in c["wave"]]
            mean = c["mean"].to_list()
            mean = [math.nan if m is None else m for m in mean]
            err = [[m - lo if lo is not None else 0 for m, lo in zip(mean, c["ci_lower"],
                                                                    strict=True)],
                   [hi - m if hi is not None else 0 for m, hi in zip(mean, c["ci_upper"],
                                                                    strict=True)]]
            colour = COHORT_COLOURS[cohort]
            ax.errorbar(x, mean, yerr=err, color=colour, marker=style["marker"],
                        capsize=3, linewidth=1.4, markersize=5, label=cohort_label(cohort, lang))
            # numbers answering along the panel's foot, one line per cohort, clear of the bars
            for xi, n in zip(x, c["n"], strict=True):
                label = SUPPRESSED if too_few(n) else fmt_int(n, lang)
                ax.text(xi, style["n_row"], figure_text("n_eq", lang, n=label),
                        transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                        fontsize=8, color=colour, gid=COUNT_GID)
        lo, hi = ins.score_range
        ax.set_title(ins.label(lang), fontsize=8)
        direction = figure_text("higher_better" if ins.higher_is_better else "lower_better",
                                lang)
        ax.set_ylabel(figure_text("scores_y", lang, lo=_bound(lo, lang), hi=_bound(hi, lang),
                                  direction=direction), fontsize=8)
        localise_ticks(ax.yaxis, lang)
        ax.set_xticks(waves, [VALUE_LABELS["wave"][w](lang) for w in waves])
        ax.set_xlim(waves[0] - 2.2, waves[-1] + 2.2)  # room for the dodged points' n labels
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom - 0.25 * (top - bottom), top + 0.05 * (top - bottom))
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False)
    return fig


def _bound(x: float, lang: Lang) -> str:
    """A score range's end: no decimals when whole (0–100), else the language's decimal."""
    return fmt_int(x, lang) if float(x).is_integer() else fmt_number(x, 1, lang)
