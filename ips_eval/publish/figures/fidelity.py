"""Figure: IPS-25 fidelity against employment by team (``out/figures/fidelity_vs_employment``).

x = the team's latest IPS-25 total (``analysis.fidelity``), y = the share of its clients with a
full 12-month window who had a competitive job within 12 months (the same equal-window share
as Table 7, :func:`ips_eval.publish.tables.regions.team_outcomes`), one point per team, coloured by
cohort, sized by the clients in the window, with the IPS-25 bands shaded.

Disclosure control as in the tables: a team whose window holds fewer than 5 clients, whose
employed or not-employed clients number 1–4, or whose counts Table 7 hides (secondary
suppression), is left out — a share k/n with a small n can be read back to k and n — and the
caption says how many teams were.
The figure is in English, like the other engineers' figures; the tables carry the languages.
"""

from __future__ import annotations

import polars as pl
from matplotlib.figure import Figure
from scipy import stats

from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import is_small, too_few
from ips_eval.publish.tables.regions import hidden_team_counts, latest_fidelity, team_outcomes
from schemas.instruments import FIDELITY_BANDS
from schemas.table_text import text

COHORT_COLOURS = {"pilot": "#1f77b4", "rrp": "#d62728"}


def fidelity_employment_by_team(clients: pl.DataFrame, tte: pl.DataFrame,
                                fidelity: pl.DataFrame) -> pl.DataFrame:
    """Per team with a fidelity total: total, band, window, employed, pct_employed and
    ``shown`` (False where disclosure control leaves the team out)."""
    teams = team_outcomes(clients, tte)
    hidden = hidden_team_counts(teams, clients)
    latest = latest_fidelity(fidelity).select("team", "total", "band", "review_date")
    data = teams.join(latest, on="team", how="inner")
    shown = [not (too_few(r["window"]) or is_small(r["employed"])
                  or is_small(r["window"] - r["employed"])
                  or ("window", r["region"], r["team"]) in hidden
                  or ("employed", r["region"], r["team"]) in hidden)
             for r in data.iter_rows(named=True)]
    return data.with_columns(shown=pl.Series(shown, dtype=pl.Boolean)).sort("team")


def fidelity_vs_employment_figure(data: pl.DataFrame, lang: str = "en",
                                  cox: pl.DataFrame | None = None) -> Figure:
    """The scatter (matplotlib Figure, no pyplot state); with ``results.fidelity_cox`` the
    client-level hazard ratio per 10 points (errors clustered by team) under the title — the
    team points alone are 20 observations, the model uses every client."""
    fig = Figure(figsize=(7.5, 5.2))
    ax = fig.add_subplot()
    shown = data.filter(pl.col("shown"))
    for cohort, colour in COHORT_COLOURS.items():
        part = shown.filter(pl.col("cohort") == cohort)
        if part.is_empty():
            continue
        ax.scatter(part["total"], part["pct_employed"], s=20 + 2 * part["window"].to_numpy(),
                   color=colour, alpha=0.75, edgecolor="white", linewidth=0.8,
                   label=cohort_label(cohort, lang), zorder=3)
        for r in part.iter_rows(named=True):
            ax.annotate(r["team"], (r["total"], r["pct_employed"]), fontsize=7,
                        xytext=(4, 3), textcoords="offset points", color="#333333")
    totals = shown["total"].to_list()
    xmin, xmax = min([60, *totals]) - 3, 126
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(0, 108)
    shades = ("#f2f2f2", "#e6eef7", "#d6e6f5", "#c2dbf2")
    for band, shade in zip(sorted(FIDELITY_BANDS, key=lambda b: b.min_total), shades,
                           strict=True):
        lo, hi = max(band.min_total - 0.5, xmin), min(band.max_total + 0.5, xmax)
        if lo >= hi:
            continue
        ax.axvspan(lo, hi, color=shade, zorder=0)
        ax.text((lo + hi) / 2, 101, band.label(lang), ha="center", va="bottom", fontsize=8,
                color="#555555")
    ax.set_xlabel(text("fig_fidelity_x", lang))
    ax.set_ylabel(text("fig_fidelity_y", lang))
    subtitle = f"teams shown: {shown.height}"
    if shown.height >= 3 and shown["total"].n_unique() > 1:
        rho, p = stats.spearmanr(shown["total"], shown["pct_employed"])
        subtitle += f"; Spearman ρ = {rho:.2f} (p = {p:.2f})"
    left_out = data.height - shown.height
    if left_out:
        subtitle += f"; {left_out} team(s) left out by disclosure control (small counts)"
    subtitle += _cox_line(cox)
    ax.set_title(f"{text('fig_fidelity_title', lang)}\n{subtitle}", fontsize=10, loc="left")
    if shown.height:
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(axis="y", color="white", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _cox_line(cox: pl.DataFrame | None) -> str:
    if cox is None or cox.is_empty():
        return ""
    part = cox.filter((pl.col("model") == "unadjusted")
                      & (pl.col("term") == "fidelity_total_per_10"))
    if part.is_empty():
        return ""
    r = part.row(0, named=True)
    return (f"\nclients: HR of a first job per 10 points {r['hr']:.2f} "
            f"({r['ci_lower']:.2f}–{r['ci_upper']:.2f}), team-clustered Cox, n = {r['n']}")

