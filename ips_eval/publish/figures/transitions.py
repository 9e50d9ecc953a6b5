"""Figure: the clients' main states at month −1 and at each follow-up horizon (+6, +12; +24
when asked) as an alluvial diagram beside their matched comparison's
(``out/figures/transitions_alluvial_<lang>.{png,svg}``), from ``results.transition_paths``
(docs/methods.md §Transitions).

Each column stacks the states' shares of the group's persons observed at every horizon; a band
carries the persons who moved from a state to the next column's state, as wide as their share.
The figure is published, so it follows the tables' disclosure control
(``ips_eval.publish.tables.disclosure``): a state or a band of 1–4 persons is not drawn, and no
count is printed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as BezierPath

from ips_eval.publish.figures.common import page_figure, write_figure_languages
from ips_eval.publish.figures.register import STATE_COLOURS
from ips_eval.publish.tables.disclosure import is_small
from schemas.analysis import state_horizons
from schemas.codebook import Lang
from schemas.figure_text import figure_text
from schemas.register_states import STATE_NAMES, state_label

FIGURE_NAME = "transitions_alluvial"
GROUPS = ("clients", "matched_comparison")
NODE_WIDTH = 0.08
GAP = 2.0  # percentage points between two states of a column


def stages_of(paths: pl.DataFrame) -> tuple[str, ...]:
    """The columns of ``results.transition_paths``: month −1, then each horizon in order."""
    return ("state_m1", *(f"state_{h}" for h in state_horizons(paths.columns)))


def stage_counts(paths: pl.DataFrame, stage: str) -> dict[str, int]:
    """Persons per state at one stage."""
    return dict(paths.group_by(stage).agg(pl.col("n").sum()).iter_rows())


def flow_counts(paths: pl.DataFrame, source: str, target: str) -> dict[tuple[str, str], int]:
    """Persons per (state, next state) between two adjacent stages."""
    # in the register's order of the states: the bands are drawn in this order, so the figure's
    # files are the same bytes in every run
    rows = paths.group_by(source, target).agg(pl.col("n").sum()).iter_rows()
    rank = {state: i for i, state in enumerate(STATE_NAMES)}
    return {(a, b): int(n) for a, b, n in sorted(rows, key=lambda r: (rank.get(r[0], len(rank)),
                                                                    rank.get(r[1], len(rank))))}


def shown_flows(paths: pl.DataFrame) -> dict[tuple[str, str], dict[tuple[str, str], int]]:
    """The bands drawn between each pair of stages: none of 1–4 persons, none touching a
    state of 1–4."""
    stages = stages_of(paths)
    small = {stage: {s for s, n in stage_counts(paths, stage).items() if is_small(n)}
             for stage in stages}
    out = {}
    for source, target in zip(stages, stages[1:], strict=False):
        out[source, target] = {(a, b): n for (a, b), n in flow_counts(paths, source,
                                                                      target).items()
                               if n > 0 and not is_small(n) and a not in small[source]
                               and b not in small[target]}
    return out


def _node_tops(shares: dict[str, float]) -> dict[str, float]:
    """Each drawn state's top, the states stacked from the top in the register's order."""
    tops, y = {}, 100.0 + GAP * (len(shares) - 1)
    for state in STATE_NAMES:
        if state in shares:
            tops[state] = y
            y -= shares[state] + GAP
    return tops


def _band(ax: Axes, x0: float, top0: float, x1: float, top1: float, width: float,
          colour: str) -> None:
    """A band of ``width`` from (x0, top0) to (x1, top1), an S-curve on each edge."""
    mid = (x0 + x1) / 2
    verts = [(x0, top0), (mid, top0), (mid, top1), (x1, top1),
             (x1, top1 - width), (mid, top1 - width), (mid, top0 - width), (x0, top0 - width),
             (x0, top0)]
    codes = [BezierPath.MOVETO, BezierPath.CURVE4, BezierPath.CURVE4, BezierPath.CURVE4,
             BezierPath.LINETO, BezierPath.CURVE4, BezierPath.CURVE4, BezierPath.CURVE4,
             BezierPath.CLOSEPOLY]
    ax.add_patch(PathPatch(BezierPath(verts, codes), facecolor=colour, alpha=0.45,
                           edgecolor="none"))


def draw_group(ax: Axes, paths: pl.DataFrame) -> None:
    """One group's alluvial diagram on ``ax`` (shares of the group's persons)."""
    total = int(paths["n"].sum())
    stages = stages_of(paths)
    flows = shown_flows(paths)
    shares, tops = {}, {}
    for x, stage in enumerate(stages):
        counts = stage_counts(paths, stage)
        shares[stage] = {s: 100.0 * n / total for s, n in counts.items()
                         if n > 0 and not is_small(n)}
        tops[stage] = _node_tops(shares[stage])
        for state, top in tops[stage].items():
            ax.add_patch(Rectangle((x - NODE_WIDTH / 2, top - shares[stage][state]),
                                   NODE_WIDTH, shares[stage][state],
                                   facecolor=STATE_COLOURS[state], edgecolor="white",
                                   linewidth=0.4))
    for x, (source, target) in enumerate(zip(stages, stages[1:], strict=False)):
        widths = {ab: 100.0 * n / total for ab, n in flows[source, target].items()}
        # a band leaves its state below the bands to the states above its target, and enters
        # its target below the bands from the states above its source
        leave = _offsets(widths, key=lambda ab: (ab[0], ab[1]))
        enter = _offsets(widths, key=lambda ab: (ab[1], ab[0]))
        for (a, b), width in widths.items():
            _band(ax, x + NODE_WIDTH / 2, tops[source][a] - leave[a, b],
                  x + 1 - NODE_WIDTH / 2, tops[target][b] - enter[a, b], width,
                  STATE_COLOURS[a])
    ax.set_xlim(-0.2, len(stages) - 0.8)
    ax.set_ylim(0, 100 + GAP * 5)


def _offsets(widths: dict[tuple[str, str], float], key) -> dict[tuple[str, str], float]:
    """Each band's distance from the top of its state, the bands of a state stacked in the
    register's order of ``key``'s second state (``key`` gives (its state, the other))."""
    def rank(ab: tuple[str, str]) -> tuple[int, int]:
        own, other = key(ab)
        return STATE_NAMES.index(own), STATE_NAMES.index(other)

    used: dict[str, float] = {}
    out = {}
    for ab in sorted(widths, key=rank):
        own = key(ab)[0]
        out[ab] = used.get(own, 0.0)
        used[own] = out[ab] + widths[ab]
    return out


def plot_transitions(paths: pl.DataFrame, lang: Lang = "en") -> Figure:
    """The clients' and the matched comparison's alluvial diagrams side by side."""
    fig = page_figure(10)
    stages = stages_of(paths)
    axes = fig.subplots(1, len(GROUPS), sharey=True, squeeze=False)[0]
    for ax, group in zip(axes, GROUPS, strict=True):
        sub = paths.filter(pl.col("group") == group)
        ax.set_title(figure_text(f"transitions_{group}", lang), fontsize=9)
        if sub.height == 0 or sub["n"].sum() < 5:
            ax.text(0.5, 0.5, figure_text("no_data", lang), transform=ax.transAxes,
                    ha="center")
        else:
            draw_group(ax, sub)
        ax.set_xticks(range(len(stages)))
        ax.set_xticklabels([figure_text(f"transitions_{s}", lang) for s in stages])
        ax.set_xlabel(figure_text("transitions_x", lang))
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    axes[0].set_ylabel(figure_text("transitions_y", lang))
    seen = {s for stage in stages for s in paths[stage].to_list()}
    present = [s for s in STATE_NAMES if s in seen]
    fig.legend([Patch(facecolor=STATE_COLOURS[s]) for s in present],
               [state_label(s, lang) for s in present], loc="outside lower center", ncol=3,
               frameon=False)
    return fig


def write_transitions_figure(paths: pl.DataFrame, out_dir: Path) -> list[Path]:
    """Draw and write ``out/figures/transitions_alluvial_<lang>.{png,svg}``."""
    return write_figure_languages(lambda lang: plot_transitions(paths, lang), out_dir,
                                  FIGURE_NAME)
