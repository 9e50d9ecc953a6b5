"""Figure: mean scores by wave with 95 % CIs (t), by cohort, one panel per instrument
(``out/figures/scores_by_wave.{png,svg}``). Points are the scored responses of each wave (all
available, not only clients with both waves), so the panels describe who answered, not change
within clients — change.csv and mixed.csv do that.

The figure is published, so it follows the tables' disclosure control
(``ips_eval.publish.tables.disclosure``): a mean over fewer than 5 clients is not drawn and its n is
shown as the suppression symbol."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")  # headless: no display in the pipeline
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
from scipy import stats  # noqa: E402

from ips_eval.outputs import write_figure  # noqa: E402
from ips_eval.publish.tables.disclosure import MIN_CELL, SUPPRESSED, too_few  # noqa: E402
from schemas.codebook import VALUE_LABELS, Lang  # noqa: E402
from schemas.instruments import INSTRUMENTS  # noqa: E402

COHORT_STYLE = {"pilot": {"color": "#1f5a96", "marker": "o", "offset": -0.35, "n_row": 0.08},
                "rrp": {"color": "#c0561b", "marker": "s", "offset": 0.35, "n_row": 0.02}}


def wave_means(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """n, mean and t-based 95 % CI of the scores per instrument × cohort × wave."""
    df = con.sql(
        "SELECT instrument, cohort, wave, count(score) AS n, avg(score) AS mean, "
        "stddev_samp(score) AS sd FROM analysis.scores WHERE score IS NOT NULL "
        "GROUP BY ALL").pl()
    half = [
        stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) if n >= 2 and sd is not None else None
        for n, sd in zip(df["n"], df["sd"], strict=True)
    ]
    return df.with_columns(half=pl.Series(half, dtype=pl.Float64)).with_columns(
        ci_lower=pl.col("mean") - pl.col("half"), ci_upper=pl.col("mean") + pl.col("half"),
    ).drop("half").sort("instrument", "cohort", "wave")


def plot_scores_by_wave(means: pl.DataFrame, lang: Lang = "en") -> plt.Figure:
    fig, axes = plt.subplots(2, 3, figsize=(12, 7), sharex=True)
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
            ax.errorbar(x, mean, yerr=err, color=style["color"], marker=style["marker"],
                        capsize=3, linewidth=1.4, markersize=5,
                        label=VALUE_LABELS["cohort"][cohort](lang))
            # numbers answering along the panel's foot, one line per cohort, clear of the bars
            for xi, n in zip(x, c["n"], strict=True):
                label = SUPPRESSED if too_few(n) else str(n)
                ax.text(xi, style["n_row"], f"n={label}", transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=6.5, color=style["color"])
        lo, hi = ins.score_range
        ax.set_title(ins.label(lang), fontsize=10)
        direction = _direction(ins.higher_is_better, lang)
        ax.set_ylabel(f"{_score_word(lang)} ({lo:g}–{hi:g}; {direction})", fontsize=8)
        ax.set_xticks(waves, [VALUE_LABELS["wave"][w](lang) for w in waves])
        ax.set_xlim(waves[0] - 2.2, waves[-1] + 2.2)  # room for the dodged points' n labels
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom - 0.25 * (top - bottom), top + 0.05 * (top - bottom))
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.suptitle(_title(lang), fontsize=12)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    return fig


def _score_word(lang: Lang) -> str:
    return {"fi": "pisteet", "sv": "poäng", "en": "score"}[lang]


def _direction(higher_is_better: bool, lang: Lang) -> str:
    if higher_is_better:
        return {"fi": "suurempi parempi", "sv": "högre är bättre", "en": "higher is better"}[lang]
    return {"fi": "pienempi parempi", "sv": "lägre är bättre", "en": "lower is better"}[lang]


def _title(lang: Lang) -> str:
    return {"fi": "Keskiarvot kyselyaalloittain (95 %:n luottamusväli)",
            "sv": "Medelvärden per enkätomgång (95 % konfidensintervall)",
            "en": "Mean scores by wave (95 % confidence interval)"}[lang]


def write_scores_by_wave(con: duckdb.DuckDBPyConnection, out_dir: Path,
                         lang: Lang = "en") -> list[Path]:
    fig = plot_scores_by_wave(wave_means(con), lang)
    try:
        return write_figure(fig, out_dir, "scores_by_wave")
    finally:
        plt.close(fig)
