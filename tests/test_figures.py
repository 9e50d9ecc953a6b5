"""Every published figure in fi, sv and en (``<name>_<lang>.png`` and ``.svg``), its texts from
``schemas/figure_text.py``, and no text of any SVG showing a count of 1–4 persons — drawn from
small hand-made results with cells of 1–4 in them, so the disclosure audit has something to
catch."""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import polars as pl
import pytest
from support.english import english_only, untranslated

from ips_eval.employment.results import survival_curves
from ips_eval.outputs import write_figure
from ips_eval.publish.figures.catalog import FIGURES
from ips_eval.publish.figures.common import (
    figure_paths,
    svg_small_counts,
    svg_texts,
    write_figure_languages,
)
from ips_eval.publish.figures.fidelity import fidelity_vs_employment_figure
from ips_eval.publish.figures.register import plot_register_states
from ips_eval.publish.figures.register_effect import (
    plot_register_balance_by_month,
    plot_register_effect,
)
from ips_eval.publish.figures.scores import plot_scores_by_wave
from ips_eval.publish.figures.standards import (
    process_by_coach_figure,
    quarterly_rate_by_team_figure,
)
from ips_eval.publish.figures.survival import cif_first_job_by_cohort, km_tenure_by_cohort
from ips_eval.publish.figures.transitions import plot_transitions
from schemas.codebook import LANGS
from schemas.figure_text import figure_text
from schemas.report_text import report_text
from schemas.table_text import text


def _tte() -> pl.DataFrame:
    """Pilot: 12 persons; RRP: 3 persons (every count of theirs is 1–4)."""
    rows = []
    for param in ("TTFJ", "TENURE1"):
        for i, t in enumerate([10, 30, 60, 90, 120, 150, 180, 200, 250, 320, 350, 400]):
            rows.append((param, "pilot", "HEL", t, [1, 0, 2][i % 3] if param == "TTFJ" else
                         i % 2))
        for t in (40, 80, 500):
            rows.append((param, "rrp", "KAI", t, 1))
    return pl.DataFrame(rows, schema=["param", "cohort", "region", "time_days", "event"],
                        orient="row")


def _score_means() -> pl.DataFrame:
    rows = [(ins, cohort, wave, n, 50.0 + wave, 45.0 + wave, 55.0 + wave)
            for ins in ("mhi5", "eurohis_qol8", "esis", "was", "readiness", "self_rated_health")
            for cohort, n in (("pilot", 40), ("rrp", 3)) for wave in (0, 6, 12)]
    return pl.DataFrame(rows, schema=["instrument", "cohort", "wave", "n", "mean", "ci_lower",
                                      "ci_upper"], orient="row")


def _register() -> pl.DataFrame:
    rows = []
    for cohort, persons in (("pilot", 30), ("rrp", 4)):
        for month in range(-24, 25):
            rows.append((cohort, month, "all", persons, 100.0, 500.0 + month))
            rows.append((cohort, month, "employed", persons // 2, 50.0, None))
            rows.append((cohort, month, "unemployed", persons - persons // 2, 50.0, None))
    return pl.DataFrame(rows, schema=["cohort", "rel_month", "state", "n", "pct",
                                      "mean_earnings_eur"], orient="row")


def _fidelity() -> pl.DataFrame:
    return pl.DataFrame({
        "team": ["HEL-A", "HEL-B", "KAI-A", "KAI-B"], "region": ["HEL", "HEL", "KAI", "KAI"],
        "cohort": ["pilot", "pilot", "rrp", "rrp"], "total": [98, 110, 87, 75],
        "band": ["fair", "good", "fair", "poor"], "window": [20, 30, 12, 3],
        "employed": [9, 15, 6, 1], "pct_employed": [45.0, 50.0, 50.0, 33.3],
        "shown": [True, True, True, False]})


def _effect() -> pl.DataFrame:
    rows = [(outcome, method, month, 40 if month < 20 else 3, 0.1, 0.0, 0.2)
            for outcome in ("employed", "earnings_eur") for method in ("matched", "naive")
            for month in range(-24, 25)]
    return pl.DataFrame(rows, schema=["outcome", "method", "rel_month", "n_clients", "estimate",
                                      "ci_lower", "ci_upper"], orient="row")


def _process_monthly() -> pl.DataFrame:
    from datetime import date

    rows = [(f"HEL-C0{c}", "HEL-T1", "HEL", "pilot", date(2022, m, 1), 4, 1.5 + c / 4,
             3 if c == 1 else 8 + m) for c in range(1, 7) for m in range(1, 7)]
    return pl.DataFrame(rows, schema=["coach", "team", "region", "cohort", "month",
                                      "coach_weeks", "contacts_per_week", "caseload"],
                        orient="row")


def _balance_monthly() -> pl.DataFrame:
    rows = [(o, r, 0.3 + 0.01 * r, 0.01 * (r % 3 - 1))
            for o in ("employed", "earnings_eur", "benefits_eur") for r in range(-24, 0)]
    return pl.DataFrame(rows, schema=["outcome", "rel_month", "smd_before", "smd_after"],
                        orient="row")


def _quarterly_team() -> pl.DataFrame:
    from datetime import date

    rows = [(t, "HEL", "pilot", date(2022, 3 * q + 1, 1), a, w, w / a, True)
            for t, a, w in (("HEL-T1", 20, 8), ("HEL-T2", 12, 3)) for q in range(4)]
    return pl.DataFrame(rows, schema=["team", "region", "cohort", "quarter_start", "active",
                                      "working", "rate", "complete"], orient="row")


def _paths() -> pl.DataFrame:
    return pl.DataFrame({
        "group": ["clients"] * 3 + ["matched_comparison"] * 3,
        "state_m1": ["unemployed", "unemployed", "sickness_rehabilitation"] * 2,
        "state_6": ["employed", "unemployed", "sickness_rehabilitation"] * 2,
        "state_12": ["employed", "employed", "unemployed"] * 2,
        "n": [30, 40, 20, 50, 200, 100]})


DRAW = {
    "km_tenure_by_cohort": lambda lang: km_tenure_by_cohort(survival_curves(_tte()), lang),
    "cif_first_job_by_cohort": lambda lang: cif_first_job_by_cohort(survival_curves(_tte()),
                                                                    lang),
    "scores_by_wave": lambda lang: plot_scores_by_wave(_score_means(), lang),
    "register_states_by_rel_month": lambda lang: plot_register_states(_register(), lang),
    "register_effect_by_rel_month": lambda lang: plot_register_effect(_effect(), lang),
    "register_balance_by_month": lambda lang: plot_register_balance_by_month(
        _balance_monthly(), lang),
    "fidelity_vs_employment": lambda lang: fidelity_vs_employment_figure(_fidelity(), lang),
    "process_by_coach": lambda lang: process_by_coach_figure(_process_monthly(), lang),
    "quarterly_rate_by_team": lambda lang: quarterly_rate_by_team_figure(_quarterly_team(),
                                                                         lang),
    "transitions_alluvial": lambda lang: plot_transitions(_paths(), lang),
}
# a text each figure shows in its language (an axis label, a legend entry, a panel title)
SHOWN = {"km_tenure_by_cohort": lambda lang: figure_text("km_y", lang),
         "cif_first_job_by_cohort": lambda lang: figure_text("cif_y", lang),
         "scores_by_wave": lambda lang: figure_text("higher_better", lang),
         "register_states_by_rel_month": lambda lang: figure_text("register_share", lang),
         "fidelity_vs_employment": lambda lang: figure_text("fidelity_x", lang),
         "register_effect_by_rel_month": lambda lang: text("fig_effect_employed", lang),
         "register_balance_by_month": lambda lang: text("fig_balance_after", lang),
         "process_by_coach": lambda lang: figure_text("process_median", lang),
         "quarterly_rate_by_team": lambda lang: figure_text("quarterly_team", lang, n=1),
         "transitions_alluvial": lambda lang: figure_text("transitions_x", lang)}
# the titles once drawn into the images: the report's caption says it now
OLD_TITLES = {"km_tenure_by_cohort": lambda lang: figure_text("km_title", lang),
              "cif_first_job_by_cohort": lambda lang: figure_text("cif_title", lang),
              "scores_by_wave": lambda lang: figure_text("scores_title", lang),
              "fidelity_vs_employment": lambda lang: figure_text("fidelity_title", lang),
              "register_effect_by_rel_month": lambda lang: text("fig_effect_title", lang),
              "process_by_coach": lambda lang: report_text("figure_process_by_coach", lang),
              "quarterly_rate_by_team": lambda lang: report_text(
                  "figure_quarterly_rate_by_team", lang)}


def _title(name: str, lang: str) -> str:
    return SHOWN[name](lang)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("figures_out")
    # a figure file of the old, language-less naming is cleared away
    (out / "figures").mkdir()
    (out / "figures" / "scores_by_wave.png").write_bytes(b"old")
    for name, draw in DRAW.items():
        write_figure_languages(draw, out, name)
    return out


def test_the_report_lists_exactly_the_figures_drawn_here():
    assert set(FIGURES) == set(DRAW)


@pytest.mark.parametrize("name", sorted(DRAW))
def test_every_figure_is_written_in_each_language(written: Path, name: str):
    paths = figure_paths(written, name)
    assert [p.name for p in paths] == [f"{name}_{lang}.{ext}" for lang in LANGS
                                       for ext in ("png", "svg")]
    for path in paths:
        assert path.is_file() and path.stat().st_size > 5_000, path.name
    assert not (written / "figures" / f"{name}.png").exists()


@pytest.mark.parametrize("name", sorted(DRAW))
def test_each_language_shows_its_own_texts(written: Path, name: str):
    for lang in LANGS:
        texts = " ".join(t for t, _ in svg_texts(written / "figures" / f"{name}_{lang}.svg"))
        assert _title(name, lang) in texts, (name, lang)
        others = {_title(name, other) for other in LANGS} - {_title(name, lang)}
        assert not any(other in texts for other in others), (name, lang)


@pytest.mark.parametrize("name", sorted(DRAW))
def test_each_figure_is_sized_for_the_page_without_a_title(written: Path, name: str):
    """16 cm wide (the report's text column) at 300 dpi, so placed at 100 % no text is under
    8 pt; no title in the image — the caption carries it."""
    for lang in LANGS:
        png = (written / "figures" / f"{name}_{lang}.png").read_bytes()
        width, height = struct.unpack(">II", png[16:24])
        assert abs(width - 16 / 2.54 * 300) < 1.5, (name, lang, width)  # 1,890 px
        svg = (written / "figures" / f"{name}_{lang}.svg").read_text(encoding="utf-8")
        sizes = {float(x) for x in re.findall(r"font-size: ([\d.]+)px", svg)}
        assert sizes and min(sizes) >= 8, (name, lang, sorted(sizes))
        texts = [t for t, _ in svg_texts(written / "figures" / f"{name}_{lang}.svg")]
        captions = [report_text(f"figure_{name}", lang)]
        if name in OLD_TITLES:
            captions.append(OLD_TITLES[name](lang))
        assert not any(c in t for c in captions for t in texts), (name, lang)


def test_quarters_are_labelled_as_the_tables_label_them(written: Path):
    texts = [t for t, _ in svg_texts(written / "figures" / "quarterly_rate_by_team_fi.svg")]
    assert "2022 Q1" in texts and not any(re.fullmatch(r"\d{4}-\d{2}", t) for t in texts)


def test_a_median_caseload_of_one_to_four_is_not_drawn(tmp_path: Path):
    """Five coaches with 2 clients each: their median caseload (2) is a small count."""
    from datetime import date

    rows = [(f"HEL-C0{c}", "HEL-T1", "HEL", "pilot", date(2022, m, 1), 4, 6.0, 2)
            for c in range(1, 6) for m in range(1, 4)]
    monthly = pl.DataFrame(rows, schema=["coach", "team", "region", "cohort", "month",
                                         "coach_weeks", "contacts_per_week", "caseload"],
                           orient="row")
    fig = process_by_coach_figure(monthly, "en")
    caseload = fig.axes[1]  # the second row: caseload
    drawn = [y for line in caseload.get_lines() for y in line.get_ydata()
             if line.get_label() == figure_text("process_median", "en")]
    assert drawn and all(math.isnan(y) for y in drawn)


def test_team_labels_of_the_fidelity_scatter_do_not_overlap(tmp_path: Path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    crowded = pl.DataFrame({
        "team": [f"T-{i}" for i in range(8)], "region": ["HEL"] * 8, "cohort": ["pilot"] * 8,
        "total": [100, 101, 100, 102, 101, 100, 99, 100],
        "band": ["good"] * 8, "window": [20] * 8, "employed": [10, 10, 11, 10, 9, 10, 10, 11],
        "pct_employed": [50.0, 50.5, 51.0, 49.5, 50.0, 52.0, 50.0, 48.0], "shown": [True] * 8})
    fig = fidelity_vs_employment_figure(crowded, "en")
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_gid() == "team"]
    assert len(boxes) == 8
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_survival_curves_turn_dotted_where_fewer_than_ten_are_at_risk():
    fig = km_tenure_by_cohort(survival_curves(_tte()), "en")
    styles = {line.get_linestyle() for line in fig.axes[0].get_lines()}
    assert ":" in styles  # the pilot's 12 persons fall under 10 at risk
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert figure_text("few_at_risk", "en", n=10) in legend


@pytest.mark.parametrize("name", sorted(DRAW))
def test_no_figure_text_shows_a_count_of_one_to_four(written: Path, name: str):
    for lang in LANGS:
        assert svg_small_counts(written / "figures" / f"{name}_{lang}.svg") == []


def test_small_counts_are_shown_as_the_suppression_symbol(written: Path):
    texts = svg_texts(written / "figures" / "cif_first_job_by_cohort_fi.svg")
    counts = [t for t, is_count in texts if is_count]
    assert counts[:3] == ["12", "8", "5"]  # pilot at risk at 0, 3, 6 months
    assert ".." in counts  # the RRP's 3 persons
    assert any(t.startswith("RRP") and "(n = ..)" in t for t, _ in texts)
    fi_decimal = [t for t, _ in texts if t in ("0,2", "0,4")]
    assert fi_decimal, "Finnish axis ticks use the decimal comma"


def test_the_audit_finds_a_small_count(tmp_path: Path):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    ax.text(0.5, 0.5, "3", gid="count")
    ax.set_title("Pilots (n = 4)")
    svg = next(p for p in write_figure(fig, tmp_path, "leaky") if p.suffix == ".svg")
    assert len(svg_small_counts(svg)) == 2


def test_finnish_and_swedish_figures_show_no_english_text(written: Path):
    """No text of a fi or sv figure equals an English-only text of the codebook or the code."""
    english = english_only()
    for name in DRAW:
        for lang in ("fi", "sv"):
            texts = [t for t, _ in svg_texts(written / "figures" / f"{name}_{lang}.svg")]
            assert untranslated(texts, english) == [], (name, lang)
