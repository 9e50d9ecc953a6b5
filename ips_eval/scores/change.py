"""Change scores (docs/methods.md §Change scores): follow-up − baseline per instrument for clients
scored at both, with the reliability the reliable change index needs.

Per instrument × contrast (T0-T6, T0-T12) × cohort (``all``, ``pilot``, ``rrp``) × group
(``group_var`` ``all``, or ``competitive_job`` = a competitive job started between the index date
and the follow-up answer, ``yes``/``no``):

- ``n``, baseline and follow-up mean (SD), ``mean_change`` with its 95 % CI from the t
  distribution (n − 1 df) and the paired t-test ``p``;
- ``effect_size``: Cohen's d_z = mean change / SD of the change (``effect_size_method``
  ``cohens_dz``). The standardised response mean (SRM) is the same quantity — mean change over
  the SD of change — and is repeated as ``srm`` so it can be found by either name;
  ``es_baseline_sd`` = mean change / baseline SD (Kazis' effect size) is given beside them;
- reliable change (Jacobson & Truax 1991), multi-item scales only: S_diff = √2 · SD₀ · √(1 − α)
  with SD₀ the study's own baseline SD of the instrument (every baseline score, both cohorts)
  and α Cronbach's alpha on baseline complete cases (``reliability.csv``); a client changed
  reliably when |change| / S_diff > 1.96. ``rci_threshold`` = 1.96 · S_diff in score points.
  ``pct_improved`` / ``pct_deteriorated`` are per cent of n in the instrument's better / worse
  direction (``higher_is_better``: self-rated health is 1 very good … 5 very poor, so lower is
  better there — its ``mean_change`` stays follow-up − baseline, negative = improvement).
  Single items get mean change only: the RCI columns are empty.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from ips_eval.warehouse import require_columns, run_sql
from schemas.instruments import INSTRUMENTS

Z_RELIABLE = 1.96  # two-sided 95 % for the reliable change index
GROUPINGS = (("all", None), ("competitive_job", "competitive_job"))


def build_score_panel(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``analysis.score_panel`` and ``analysis.score_changes`` (sql/scores/score_panel.sql)."""
    require_columns(con, "analysis", "clients",
                    ["client_id", "index_date", "age", "sex", "education", "work_history",
                     "dx_group"])
    require_columns(con, "analysis", "jobs", ["client_id", "start_date", "end_date", "competitive"])
    run_sql(con, "scores/score_panel")
    panel, pairs = con.execute(
        "SELECT (SELECT count(*) FROM analysis.score_panel), "
        "(SELECT count(*) FROM analysis.score_changes)").fetchall()[0]
    return {"panel_rows": panel, "change_pairs": pairs}


# ---------------------------------------------------------------------------------------------
# Reliability
# ---------------------------------------------------------------------------------------------
def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of a complete-case matrix (respondents × items):
    k/(k − 1) · (1 − Σ var(item) / var(total)), sample variances."""
    n, k = items.shape
    if k < 2 or n < 2:
        return math.nan
    total_var = items.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return math.nan
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total_var)


def reliability(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per instrument: Cronbach's alpha on baseline complete cases (every item answered, after
    reversal), ``n`` those cases; ``baseline_sd`` and ``n_baseline`` over every baseline score.
    Single items: alpha empty (no internal consistency to estimate)."""
    # Rows in a fixed order and sums in numpy, so reruns give bit-identical results (a parallel
    # SQL aggregate may add floats in a different order each run).
    items = con.sql(
        "SELECT instrument, client_id, item, value FROM analysis.score_items WHERE wave = 0 "
        "ORDER BY instrument, client_id, item").pl()
    baseline = (
        con.sql("SELECT instrument, client_id, score FROM analysis.scores "
                "WHERE wave = 0 AND score IS NOT NULL ORDER BY instrument, client_id").pl()
        .group_by("instrument", maintain_order=True)
        .agg(baseline_sd=pl.col("score").std(), n_baseline=pl.len()))
    rows = []
    for ins in INSTRUMENTS:
        wide = (items.filter(pl.col("instrument") == ins.name)
                .pivot(on="item", index="client_id", values="value"))
        present = [c for c in ins.items if c in wide.columns]
        complete = (wide.select(present).drop_nulls().to_numpy()
                    if len(present) == len(ins.items) else np.empty((0, len(ins.items))))
        b = baseline.filter(pl.col("instrument") == ins.name)
        sd = b["baseline_sd"][0] if b.height else None
        alpha = cronbach_alpha(complete) if ins.multi_item else math.nan
        rows.append({
            "instrument": ins.name,
            "alpha": None if math.isnan(alpha) else float(alpha),
            "baseline_sd": sd,
            "n": int(complete.shape[0]) if ins.multi_item else None,
            "n_baseline": int(b["n_baseline"][0]) if b.height else 0,
            "n_items": len(ins.items),
            "rci_threshold": rci_threshold(sd, None if math.isnan(alpha) else alpha),
        })
    return pl.DataFrame(rows, schema={
        "instrument": pl.String, "alpha": pl.Float64, "baseline_sd": pl.Float64,
        "n": pl.Int64, "n_baseline": pl.Int64, "n_items": pl.Int64,
        "rci_threshold": pl.Float64})


def rci_threshold(baseline_sd: float | None, alpha: float | None) -> float | None:
    """1.96 · S_diff, S_diff = √2 · SD₀ · √(1 − α) (Jacobson & Truax); None without alpha."""
    if baseline_sd is None or alpha is None or not math.isfinite(alpha) or alpha >= 1:
        return None
    return Z_RELIABLE * math.sqrt(2.0) * baseline_sd * math.sqrt(1.0 - alpha)


# ---------------------------------------------------------------------------------------------
# Change
# ---------------------------------------------------------------------------------------------
def paired_change(baseline: np.ndarray, followup: np.ndarray, threshold: float | None,
                  higher_is_better: bool) -> dict[str, float | int | None]:
    """The statistics of one group's paired scores (see the module docstring)."""
    n = len(baseline)
    change = followup - baseline
    out: dict[str, float | int | None] = {
        "n": n,
        "baseline_mean": _mean(baseline), "baseline_sd": _sd(baseline),
        "followup_mean": _mean(followup), "followup_sd": _sd(followup),
        "mean_change": _mean(change), "sd_change": _sd(change),
        "ci_lower": None, "ci_upper": None, "p": None,
        "effect_size": None, "srm": None, "es_baseline_sd": None,
        "n_improved": None, "n_deteriorated": None,
        "pct_improved": None, "pct_deteriorated": None,
    }
    sd = out["sd_change"]
    if n >= 2 and sd is not None:
        se = sd / math.sqrt(n)
        t = stats.t.ppf(0.975, n - 1)
        out["ci_lower"], out["ci_upper"] = out["mean_change"] - t * se, out["mean_change"] + t * se
        if sd > 0:
            out["p"] = float(2 * stats.t.sf(abs(out["mean_change"] / se), n - 1))
            out["effect_size"] = out["srm"] = out["mean_change"] / sd
        if out["baseline_sd"]:
            out["es_baseline_sd"] = out["mean_change"] / out["baseline_sd"]
    if threshold is not None and n >= 1:
        better = change if higher_is_better else -change
        improved, deteriorated = int((better > threshold).sum()), int((better < -threshold).sum())
        out |= {"n_improved": improved, "n_deteriorated": deteriorated,
                "pct_improved": 100.0 * improved / n, "pct_deteriorated": 100.0 * deteriorated / n}
    return out


def _mean(x: np.ndarray) -> float | None:
    return float(x.mean()) if len(x) else None


def _sd(x: np.ndarray) -> float | None:
    return float(x.std(ddof=1)) if len(x) >= 2 else None


def change_summary(pairs: pl.DataFrame, rel: pl.DataFrame) -> pl.DataFrame:
    """Tidy change rows from ``analysis.score_changes`` rows and :func:`reliability`."""
    thresholds = {r["instrument"]: r for r in rel.iter_rows(named=True)}
    cohorts = ["all", *sorted(pairs["cohort"].unique().drop_nulls().to_list())]
    rows = []
    for ins in INSTRUMENTS:
        r = thresholds.get(ins.name, {})
        threshold = r.get("rci_threshold") if ins.multi_item else None
        for contrast in sorted(pairs["contrast"].unique().to_list(), key=_contrast_order):
            for cohort in cohorts:
                sel = pairs.filter((pl.col("instrument") == ins.name)
                                   & (pl.col("contrast") == contrast))
                if cohort != "all":
                    sel = sel.filter(pl.col("cohort") == cohort)
                for group_var, column in GROUPINGS:
                    groups = ([("all", sel)] if column is None else
                              [("yes", sel.filter(pl.col(column))),
                               ("no", sel.filter(~pl.col(column)))])
                    for group, g in groups:
                        if g.height == 0:
                            continue
                        stats_ = paired_change(g["baseline"].to_numpy(), g["followup"].to_numpy(),
                                               threshold, ins.higher_is_better)
                        rows.append({
                            "instrument": ins.name, "cohort": cohort, "contrast": contrast,
                            "group_var": group_var, "group": group, **stats_,
                            "effect_size_method": "cohens_dz",
                            "alpha": r.get("alpha") if ins.multi_item else None,
                            "reliability_baseline_sd": r.get("baseline_sd"),
                            "rci_threshold": threshold,
                            "higher_is_better": ins.higher_is_better,
                            "direction": ins.direction,
                        })
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA, orient="row") if rows else \
        pl.DataFrame(schema=CHANGE_SCHEMA)


def _contrast_order(contrast: str) -> int:
    return int(contrast.rsplit("T", 1)[-1])


CHANGE_SCHEMA = {
    "instrument": pl.String, "cohort": pl.String, "contrast": pl.String,
    "group_var": pl.String, "group": pl.String, "n": pl.Int64,
    "baseline_mean": pl.Float64, "baseline_sd": pl.Float64,
    "followup_mean": pl.Float64, "followup_sd": pl.Float64,
    "mean_change": pl.Float64, "sd_change": pl.Float64,
    "ci_lower": pl.Float64, "ci_upper": pl.Float64, "p": pl.Float64,
    "effect_size": pl.Float64, "srm": pl.Float64, "es_baseline_sd": pl.Float64,
    "n_improved": pl.Int64, "n_deteriorated": pl.Int64,
    "pct_improved": pl.Float64, "pct_deteriorated": pl.Float64,
    "effect_size_method": pl.String, "alpha": pl.Float64, "reliability_baseline_sd": pl.Float64,
    "rci_threshold": pl.Float64, "higher_is_better": pl.Boolean, "direction": pl.String,
}



def change_scores(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(change rows, reliability rows) from the warehouse's score tables."""
    rel = reliability(con)
    pairs = con.sql(
        "SELECT client_id, cohort, instrument, contrast, baseline, followup, competitive_job "
        "FROM analysis.score_changes ORDER BY instrument, contrast, client_id").pl()
    return change_summary(pairs, rel), rel
