"""Figure: IPS-25 fidelity against employment by team (``out/figures/fidelity_vs_employment``).

x = the team's latest IPS-25 total, y = the share of its clients with a full 12-month window who
had a competitive job within 12 months (both from ``results.team_outcomes``, as Table 7), one
point per team, coloured by cohort, sized by the clients in the window, with the IPS-25 bands
shaded.

Disclosure control as in the tables: a team whose window holds fewer than 5 clients, whose
employed or not-employed clients number 1–4, or whose counts Table 7 hides (secondary
suppression), is left out — a share k/n with a small n can be read back to k and n — and the
caption says how many teams were. Texts in fi/sv/en from ``schemas.figure_text``.
"""

from __future__ import annotations

import polars as pl
from adjustText import adjust_text
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

from ips_eval.publish.figures.common import COHORT_COLOURS, localise_ticks, page_figure
from ips_eval.publish.tables.common import cohort_label
from ips_eval.publish.tables.disclosure import is_small, too_few
from ips_eval.publish.tables.numbers import fmt_number, fmt_p
from ips_eval.publish.tables.regions import hidden_team_counts
from schemas.codebook import Lang
from schemas.figure_text import figure_text
from schemas.instruments import FIDELITY_BANDS

TEAM_LABEL_GID = "team"


def fidelity_employment_by_team(teams: pl.DataFrame) -> pl.DataFrame:
    """Per team with a fidelity total (``results.team_outcomes``): total, band, window,
    employed, pct_employed and ``shown`` (False where disclosure control leaves the team
    out)."""
    hidden = hidden_team_counts(teams)
    data = teams.filter(pl.col("team").is_not_null() & pl.col("total").is_not_null())
    shown = [not (too_few(r["window"]) or is_small(r["employed"])
                  or is_small(r["window"] - r["employed"])
                  or ("window", r["region"], r["team"]) in hidden
                  or ("employed", r["region"], r["team"]) in hidden)
             for r in data.iter_rows(named=True)]
    return data.with_columns(shown=pl.Series(shown, dtype=pl.Boolean)).sort("team")


def fidelity_vs_employment_figure(data: pl.DataFrame, lang: Lang = "en") -> Figure:
    """The scatter (matplotlib Figure, no pyplot state)."""
    fig = page_figure(11)
    FigureCanvasAgg(fig)  # adjustText measures the labels with the figure's renderer
    ax = fig.add_subplot()
    shown = data.filter(pl.col("shown"))
    labels = []
    for cohort, colour in COHORT_COLOURS.items():
        part = shown.filter(pl.col("cohort") == cohort)
        if part.is_empty():
            continue
        ax.scatter(part["total"], part["pct_employed"], s=20 + 2 * part["window"].to_numpy(),
                   color=colour, alpha=0.75, edgecolor="white", linewidth=0.8,
                   label=cohort_label(cohort, lang), zorder=3)
        labels += [ax.text(r["total"], r["pct_employed"], r["team"], fontsize=8,
                           color="#333333", gid=TEAM_LABEL_GID, zorder=4)
                   for r in part.iter_rows(named=True)]
    totals = shown["total"].to_list()
    xmin, xmax = min([60, *totals]) - 3, 126
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(0, 114)
    shades = ("#f2f2f2", "#e6eef7", "#d6e6f5", "#c2dbf2")
    for band, shade in zip(sorted(FIDELITY_BANDS, key=lambda b: b.min_total), shades,
                           strict=True):
        lo, hi = max(band.min_total - 0.5, xmin), min(band.max_total + 0.5, xmax)
        if lo >= hi:
            continue
        ax.axvspan(lo, hi, color=shade, zorder=0)
        # name and range on two lines: side by side they overran a narrow band
        ax.text((lo + hi) / 2, 101, band.label(lang).replace(" (", "\n("), ha="center",
                va="bottom", fontsize=8, color="#555555")
    ax.set_xlabel(figure_text("fidelity_x", lang))
    ax.set_ylabel(figure_text("fidelity_y", lang))
    localise_ticks(ax.xaxis, lang)
    localise_ticks(ax.yaxis, lang)
    # teams, not persons: the counts of teams are not disclosure-controlled
    subtitle = [figure_text("fidelity_teams_shown", lang, n=shown.height)]
    if shown.height >= 3 and shown["total"].n_unique() > 1:
        rho, p = stats.spearmanr(shown["total"], shown["pct_employed"])
        subtitle.append(figure_text("fidelity_spearman", lang, rho=fmt_number(rho, 2, lang),
                                    p=fmt_p(p, lang)))
    # what the caption cannot know (teams drawn, the correlation) above the plot; the title
    # is the caption's
    lines = ["; ".join(subtitle)]
    left_out = data.height - shown.height
    if left_out:
        lines.append(figure_text("fidelity_left_out", lang, n=left_out))
    ax.set_title("\n".join(lines), fontsize=8, loc="left")
    if shown.height:
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(axis="y", color="white", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if labels:  # placed clear of each other and of the points, a thin line to a moved one
        # a fixed number of steps, not adjustText's default one second: the labels land in the
        # same place on a busy machine and a quiet one (two runs give the same figure)
        adjust_text(labels, ax=ax, expand=(1.15, 1.4), iter_lim=300,
                    arrowprops={"arrowstyle": "-", "color": "#888888", "linewidth": 0.5})
    return fig
