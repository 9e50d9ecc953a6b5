"""Survival figures: Kaplan–Meier job tenure (TENURE1) by cohort with a numbers-at-risk table,
and the Aalen–Johansen cumulative incidence of a first job by cohort with 95 % log-log bands.
Curves come from ``ips_eval.employment.survival`` (the estimates of km.csv); time is shown in months
(1 month = ``schemas.windows.DAYS_PER_MONTH`` days)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ips_eval.employment.survival import StepCurve, aalen_johansen, kaplan_meier, loglog_ci  # noqa: E402
from ips_eval.publish.tables.disclosure import MIN_CELL, is_small, shown  # noqa: E402
from schemas.analysis import value_label_set  # noqa: E402
from schemas.codebook import L, Lang  # noqa: E402
from schemas.windows import DAYS_PER_MONTH  # noqa: E402

RISK_TABLE_STEP_MONTHS = 3
COLOURS = {"pilot": "#1f5f8b", "rrp": "#c8553d"}
TEXT = {
    "months_tenure": L("Kuukautta työn alusta", "Månader från arbetets början",
                       "Months since the job began"),
    "months_index": L("Kuukautta aloituksesta", "Månader från start", "Months since index"),
    "still_employed": L("Työssä edelleen (KM)", "Fortfarande i arbete (KM)",
                        "Still in the job (KM)"),
    "cif": L("Ensimmäinen työ, kumulatiivinen ilmaantuvuus",
             "Första arbete, kumulativ incidens", "First job, cumulative incidence"),
    "at_risk": L("Riskissä", "I risk", "At risk"),
    "km_title": L("Ensimmäisen työsuhteen kesto kohorteittain",
                  "Första anställningens längd per kohort", "Tenure of the first job by cohort"),
    "cif_title": L("Aika ensimmäiseen työhön kohorteittain (palvelun päättyminen kilpaileva "
                   "tapahtuma)", "Tid till första arbete per kohort (avslutad tjänst "
                   "konkurrerande händelse)", "Time to first job by cohort (service exit a "
                   "competing event)"),
}


def _step_arrays(curve: StepCurve) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x (months), estimate, lower, upper as post-steps starting at time 0.

    Disclosure control (DESIGN.md §3): a published curve stops before the first time with fewer
    than MIN_CELL persons at risk, since each later step would show one or two persons' events.
    The curve then runs flat to its last disclosable time, as a censored tail does."""
    shown = curve.n_at_risk >= MIN_CELL
    last = int(np.argmin(shown)) if not shown.all() else len(shown)
    time, est, se = curve.time[:last], curve.estimate[:last], curve.se[:last]
    bands = np.array([loglog_ci(e, s) for e, s in zip(est, se, strict=True)])
    x = np.concatenate([[0.0], time / DAYS_PER_MONTH])
    start = curve.start
    estimate = np.concatenate([[start], est])
    lower = np.concatenate([[start], bands[:, 0] if bands.size else []])
    upper = np.concatenate([[start], bands[:, 1] if bands.size else []])
    return x, estimate, lower, upper


def _cohorts(rows: pl.DataFrame) -> list[str]:
    return sorted(rows["cohort"].unique().to_list())


def _label(cohort: str, lang: Lang) -> str:
    labels = value_label_set("cohort")
    return labels[cohort](lang) if cohort in labels else cohort


def km_tenure_by_cohort(tte: pl.DataFrame, lang: Lang = "en") -> Figure:
    """KM of TENURE1 by cohort, pointwise 95 % log-log bands, numbers at risk underneath."""
    rows = tte.filter(pl.col("param") == "TENURE1")
    fig, (ax, table) = plt.subplots(2, 1, figsize=(8, 5.6), sharex=True,
                                    gridspec_kw={"height_ratios": [4, 1]})
    horizon = 0.0
    curves = {}
    for cohort in _cohorts(rows):
        part = rows.filter(pl.col("cohort") == cohort)
        curve = kaplan_meier(part["time_days"].to_numpy(), part["event"].to_numpy())
        curves[cohort] = part["time_days"].to_numpy()
        x, est, lo, up = _step_arrays(curve)
        colour = COLOURS.get(cohort)
        ax.step(x, est, where="post", color=colour, label=f"{_label(cohort, lang)} "
                f"(n = {curve.n})")
        ax.fill_between(x, lo, up, step="post", color=colour, alpha=0.15, linewidth=0)
        horizon = max(horizon, float(x[-1]))
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(TEXT["still_employed"](lang))
    ax.set_title(TEXT["km_title"](lang))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", frameon=False)
    _risk_table(table, curves, horizon, lang)
    table.set_xlabel(TEXT["months_tenure"](lang))
    fig.tight_layout()
    return fig


def _risk_table(ax: plt.Axes, times: dict[str, np.ndarray], horizon: float, lang: Lang) -> None:
    ticks = np.arange(0, horizon + 1e-9, RISK_TABLE_STEP_MONTHS)
    for row, (cohort, t) in enumerate(times.items()):
        for m in ticks:
            at_risk = int((t >= m * DAYS_PER_MONTH).sum())
            ax.text(m, -row, shown(str(at_risk), is_small(at_risk)), ha="center",
                    va="center", fontsize=8,
                    color=COLOURS.get(cohort, "black"))
    ax.set_yticks([-r for r in range(len(times))],
                  [_label(c, lang) for c in times], fontsize=8)
    ax.set_ylim(-len(times) + 0.5, 0.5)
    ax.set_xticks(ticks)
    ax.set_xlim(-0.5, horizon + 0.5)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(TEXT["at_risk"](lang), fontsize=9, loc="left")


def cif_first_job_by_cohort(tte: pl.DataFrame, lang: Lang = "en") -> Figure:
    """AJ cumulative incidence of a first competitive job by cohort with 95 % log-log bands;
    dotted lines mark 6 and 12 months."""
    rows = tte.filter(pl.col("param") == "TTFJ")
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for cohort in _cohorts(rows):
        part = rows.filter(pl.col("cohort") == cohort)
        curve = aalen_johansen(part["time_days"].to_numpy(), part["event"].to_numpy(), cause=1)
        x, est, lo, up = _step_arrays(curve)
        colour = COLOURS.get(cohort)
        ax.step(x, est, where="post", color=colour, label=f"{_label(cohort, lang)} "
                f"(n = {curve.n})")
        ax.fill_between(x, lo, up, step="post", color=colour, alpha=0.15, linewidth=0)
    for months in (6, 12):
        ax.axvline(months, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1)
    ax.set_xlim(left=0)
    ax.set_xlabel(TEXT["months_index"](lang))
    ax.set_ylabel(TEXT["cif"](lang))
    ax.set_title(TEXT["cif_title"](lang), fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    fig.tight_layout()
    return fig
