"""Survival figures, drawn from ``results.survival_curves`` (the full curves behind km.csv):
Kaplan–Meier job tenure (TENURE1) and the Aalen–Johansen cumulative incidence of a first job
(TTFJ), by cohort, with pointwise 95 % log-log bands and a numbers-at-risk table beneath each.
Time is shown in months (``schemas.windows.DAYS_PER_MONTH``).

Disclosure control (docs/methods.md §Disclosure control): a curve stops before the first time with
fewer than 5 persons at risk — each later step would show one or two persons' events — and runs flat
to its last disclosable time, as a censored tail does; a number at risk of 1–4 is printed as
``..``; the legend's n is suppressed the same way. Where fewer than 10 remain at risk the curve
turns dotted, as survival figures in journals do: its steps rest on few persons.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ips_eval.publish.figures.common import (
    COHORT_COLOURS,
    COUNT_GID,
    localise_ticks,
    page_figure,
)
from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import MIN_CELL, is_small, shown
from ips_eval.publish.tables.horizons import months_list
from ips_eval.publish.tables.numbers import fmt_int
from schemas.codebook import Lang
from schemas.figure_text import figure_text
from schemas.windows import DAYS_PER_MONTH, HORIZONS_DEFAULT

RISK_TABLE_STEP_MONTHS = 3
FEW_AT_RISK = 10  # the curve is dotted from the first time with fewer at risk


def cohort_curves(curves: pl.DataFrame, param: str, method: str) -> dict[str, pl.DataFrame]:
    """{cohort: its curve's rows in time order} for one param and method."""
    rows = curves.filter((pl.col("param") == param) & (pl.col("method") == method)
                         & (pl.col("group_var") == "cohort"))
    return {cohort: rows.filter(pl.col("group") == cohort).sort("time_days")
            for cohort in sorted(rows["group"].unique().to_list())}


def few_at_risk_from(curve: pl.DataFrame) -> int | None:
    """The position in :func:`_steps`' arrays (time 0 first) from which fewer than
    :data:`FEW_AT_RISK` are at risk; None when never."""
    at_risk = curve["n_at_risk"].to_numpy()
    few = at_risk < FEW_AT_RISK
    return int(np.argmax(few)) + 1 if few.any() else None


def _steps(curve: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x (months), estimate, lower, upper as post-steps from time 0, cut before the first
    time with fewer than MIN_CELL at risk."""
    at_risk = curve["n_at_risk"].to_numpy()
    last = int(np.argmax(at_risk < MIN_CELL)) if (at_risk < MIN_CELL).any() else curve.height
    kept = curve.head(last)
    start = 1.0 if curve["estimand"][0] == "survival" else 0.0
    x = np.concatenate([[0.0], kept["time_days"].to_numpy() / DAYS_PER_MONTH])
    columns = [np.concatenate([[start], kept[c].cast(pl.Float64).fill_null(np.nan).to_numpy()])
               for c in ("estimate", "ci_lower", "ci_upper")]
    return x, *columns


def at_risk(curve: pl.DataFrame, months: float) -> int:
    """Persons still at risk at ``months``: the n at risk of the first observed time on or
    after it (everyone with a time ≥ t), 0 past the curve's last time."""
    later = curve.filter(pl.col("time_days") >= months * DAYS_PER_MONTH)
    return int(later["n_at_risk"][0]) if later.height else 0


def _draw_curves(ax: Axes, curves: dict[str, pl.DataFrame], lang: Lang, legend_loc: str,
                 marks: tuple[float, ...] = ()) -> float:
    """Step curves with bands per cohort (and dashed vertical lines at the months ``marks``
    the curves reach, named together in the legend); returns the last month drawn."""
    last = max((float(_steps(curve)[0][-1]) for curve in curves.values()), default=0.0)
    marks = tuple(m for m in marks if m <= last)
    for i, months in enumerate(marks):
        ax.axvline(months, color="grey", linestyle="--", linewidth=0.8,
                   label=figure_text("window_marks", lang, months=months_list(marks, lang))
                   if i == 0 else None)
    horizon = 0.0
    dotted = False
    for cohort, curve in curves.items():
        x, est, lo, up = _steps(curve)
        colour = COHORT_COLOURS.get(cohort)
        n = int(curve["n"][0])
        label = figure_text("legend_n", lang, label=cohort_label(cohort, lang),
                            n=shown(fmt_int(n, lang), is_small(n)))
        few = few_at_risk_from(curve)
        solid_end = len(x) if few is None or few >= len(x) else few + 1
        ax.step(x[:solid_end], est[:solid_end], where="post", color=colour, label=label)
        if solid_end < len(x):
            ax.step(x[solid_end - 1:], est[solid_end - 1:], where="post", color=colour,
                    linestyle=":")
            dotted = True
        ax.fill_between(x, lo, up, step="post", color=colour, alpha=0.15, linewidth=0)
        horizon = max(horizon, float(x[-1]))
    ax.grid(alpha=0.3)
    localise_ticks(ax.yaxis, lang)
    handles, labels = ax.get_legend_handles_labels()
    if dotted:  # every line in the legend
        handles.append(Line2D([], [], color="grey", linestyle=":"))
        labels.append(figure_text("few_at_risk", lang, n=FEW_AT_RISK))
    ax.legend(handles, labels, loc=legend_loc, frameon=False)
    return horizon


def _risk_table(ax: Axes, curves: dict[str, pl.DataFrame], horizon: float, lang: Lang) -> None:
    ticks = np.arange(0, horizon + 1e-9, RISK_TABLE_STEP_MONTHS)
    for row, (cohort, curve) in enumerate(curves.items()):
        for m in ticks:
            n = at_risk(curve, float(m))
            ax.text(m, -row, shown(fmt_int(n, lang), is_small(n)), ha="center", va="center",
                    fontsize=8, color=COHORT_COLOURS.get(cohort, "black"), gid=COUNT_GID)
    ax.set_yticks([-r for r in range(len(curves))],
                  [cohort_label(c, lang) for c in curves], fontsize=8)
    ax.set_ylim(-len(curves) + 0.5, 0.5)
    ax.set_xticks(ticks)
    # room left of month 0 for its (centred) numbers, clear of the cohort names
    ax.set_xlim(-0.035 * horizon - 0.5, horizon + 0.5)
    ax.tick_params(axis="y", length=0, pad=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(figure_text("at_risk", lang), fontsize=8, loc="left")


def _with_risk_table(curves: dict[str, pl.DataFrame], lang: Lang, legend_loc: str,
                     marks: tuple[float, ...] = ()) -> tuple[Figure, Axes, Axes]:
    """The curves above, the numbers at risk below on the same month axis."""
    fig = page_figure(11)
    ax, table = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    horizon = _draw_curves(ax, curves, lang, legend_loc, marks)
    _risk_table(table, curves, horizon, lang)
    return fig, ax, table


def km_tenure_by_cohort(curves: pl.DataFrame, lang: Lang = "en") -> Figure:
    """KM of TENURE1 by cohort, pointwise 95 % log-log bands, numbers at risk underneath."""
    fig, ax, table = _with_risk_table(cohort_curves(curves, "TENURE1", "KM"), lang,
                                      "upper right")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(figure_text("km_y", lang))
    table.set_xlabel(figure_text("km_x", lang))
    return fig


def cif_first_job_by_cohort(curves: pl.DataFrame, lang: Lang = "en",
                            horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> Figure:
    """AJ cumulative incidence of a first competitive job by cohort with 95 % log-log bands
    and numbers at risk underneath; dashed lines mark the horizons (6 and 12 months, and 24
    when asked; a mark past the curves' last month is off the axis)."""
    fig, ax, table = _with_risk_table(cohort_curves(curves, "TTFJ", "AJ"), lang, "upper left",
                                      marks=tuple(horizons))
    ax.set_ylim(0, 1)
    ax.set_ylabel(figure_text("cif_y", lang))
    table.set_xlabel(figure_text("cif_x", lang))
    return fig
