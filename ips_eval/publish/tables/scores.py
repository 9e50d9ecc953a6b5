"""Outcome-measure tables: change scores (``results.change``) and the linear mixed models
(``results.mixed``).

Change: a row per instrument × contrast × group (all, each cohort, and — for everyone — with or
without a competitive job in the window). ``n`` is a count; the shares reliably improved and
deteriorated are counts in disguise (share × n), so their counts enter disclosure control with
the unchanged as the implicit rest of ``n``, and the cohorts' n add up to the overall n, as do
the job groups'. Means, changes and effect sizes over fewer than 5 clients are hidden.
"""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.common import (
    DeliverySet,
    PublishedTable,
    as_strings,
    cohort_label,
    value_label,
)
from ips_eval.publish.tables.disclosure import CountCells, is_small, shown, too_few
from ips_eval.publish.tables.labels import term_label
from ips_eval.publish.tables.numbers import fmt_estimate_ci, fmt_int, fmt_number, fmt_p, fmt_pct
from schemas.codebook import Lang
from schemas.instruments import INSTRUMENTS
from schemas.study import COHORTS, RRP
from schemas.table_text import text

CONTRAST_WAVE = {"T0-T6": 6, "T0-T12": 12}
INSTRUMENT_ORDER = {ins.name: i for i, ins in enumerate(INSTRUMENTS)}
COHORT_ORDER = {"all": 0} | {c: i for i, c in enumerate(COHORTS, 1)}


def _contrast_label(contrast: str, lang: Lang) -> str:
    wave = CONTRAST_WAVE.get(contrast)
    if wave is None:
        return contrast
    return f"{value_label('wave', 0, lang)} → {value_label('wave', wave, lang)}"


def _group_label(row: dict, lang: Lang) -> str:
    if row.get("group_var") in (None, "all"):
        return cohort_label(row["cohort"], lang)
    answer = text("yes", lang) if row["group"] in ("yes", "true", True) else text("no", lang)
    return text("had_job", lang, value=answer)


def _shown_rows(change: pl.DataFrame) -> pl.DataFrame:
    """Overall and per-cohort rows, and the job groups for everyone — in reading order:
    instruments as ``schemas.instruments`` lists them, 6 months before 12, all, the cohorts,
    then with and without a job."""
    if "group_var" not in change.columns:
        change = change.with_columns(group_var=pl.lit("all"), group=pl.lit("all"))
    change = change.filter((pl.col("group_var") == "all")
                           | ((pl.col("cohort") == "all") & (pl.col("group_var") != "all")))
    return change.with_columns(
        _o1=pl.col("instrument").replace_strict(INSTRUMENT_ORDER, default=99,
                                                 return_dtype=pl.Int64),
        _o2=pl.col("contrast").replace_strict(CONTRAST_WAVE, default=99, return_dtype=pl.Int64),
        _o3=pl.col("cohort").replace_strict(COHORT_ORDER, default=len(COHORT_ORDER),
                                            return_dtype=pl.Int64),
        _o4=pl.col("group").replace_strict({"all": 0, "yes": 1, "no": 2}, default=3,
                                           return_dtype=pl.Int64),
    ).sort("_o1", "_o2", "_o4", "_o3", maintain_order=True).drop("_o1", "_o2", "_o3", "_o4")


def build_change(change: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    change = _shown_rows(change).with_row_index("_i")
    cells = CountCells()
    for r in change.iter_rows(named=True):
        i = r["_i"]
        cells.add(("n", i), r["n"])
        improved = r.get("n_improved")
        if improved is None and r.get("pct_improved") is not None:
            improved = round(r["pct_improved"] * r["n"] / 100)
        deteriorated = r.get("n_deteriorated")
        if deteriorated is None and r.get("pct_deteriorated") is not None:
            deteriorated = round(r["pct_deteriorated"] * r["n"] / 100)
        if improved is not None and deteriorated is not None:
            cells.add(("improved", i), improved)
            cells.add(("deteriorated", i), deteriorated)
            cells.group([("improved", i), ("deteriorated", i)], total=r["n"])
    # the cohorts' n add up to the overall n; so do the job groups'
    key = ["instrument", "contrast"]
    for (instrument, contrast), part in change.group_by(key, maintain_order=True):
        overall = part.filter((pl.col("cohort") == "all") & (pl.col("group_var") == "all"))
        if overall.is_empty():
            continue
        total = overall["n"][0]
        cohorts = part.filter((pl.col("cohort") != "all") & (pl.col("group_var") == "all"))
        jobs = part.filter((pl.col("cohort") == "all") & (pl.col("group_var") != "all"))
        for members, tag in ((cohorts, "cohorts"), (jobs, "jobs")):
            if members.height:
                cells.group([("n", i) for i in members["_i"]], total=total,
                            remainder_key=("rest", tag, instrument, contrast))
    hidden = cells.hidden()

    rows = []
    for r in change.iter_rows(named=True):
        i, n = r["_i"], r["n"]
        few = too_few(n) or ("n", i) in hidden
        rows.append({
            "group": value_label("instrument", r["instrument"], lang),
            "stub": f"{_contrast_label(r['contrast'], lang)}: {_group_label(r, lang)}",
            "n": shown(fmt_int(n, lang), ("n", i) in hidden),
            "baseline": shown(fmt_number(r["baseline_mean"], 1, lang), few),
            "followup": shown(fmt_number(r["followup_mean"], 1, lang), few),
            "change": shown(fmt_estimate_ci(r["mean_change"], r["ci_lower"], r["ci_upper"], 1,
                                            lang), few),
            "effect": shown(fmt_number(r["effect_size"], 2, lang), few),
            "improved": "" if r.get("pct_improved") is None else shown(
                fmt_pct(r["pct_improved"], lang), few or ("improved", i) in hidden),
            "deteriorated": "" if r.get("pct_deteriorated") is None else shown(
                fmt_pct(r["pct_deteriorated"], lang), few or ("deteriorated", i) in hidden),
        })
    labels = {"n": text("n", lang), "baseline": text("baseline_mean", lang),
              "followup": text("followup_mean", lang), "change": text("mean_change", lang),
              "effect": text("effect_size", lang), "improved": text("improved", lang),
              "deteriorated": text("deteriorated", lang)}
    return PublishedTable(
        name="change", lang=lang, title=text("change_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("contrast", lang), group="group",
        group_header=text("instrument", lang),
        notes=[text("change_note", lang), text("health_direction_note", lang),
               text("waves_note", lang), text("ci_note", lang)],
        source=source.note(lang))


def build_mixed(mixed: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    """Fixed effects (and variance components) per instrument; n shown on each instrument's
    first row. A model over fewer than 5 clients is hidden whole."""
    rows = []
    mixed = mixed.sort(pl.col("instrument").replace_strict(INSTRUMENT_ORDER, default=99,
                                                           return_dtype=pl.Int64),
                       maintain_order=True)
    models = ["instrument", "model"] if "model" in mixed.columns else ["instrument"]
    for key, part in mixed.group_by(models, maintain_order=True):
        first = True
        group = value_label("instrument", key[0], lang)
        if len(key) > 1:
            group = text("analysis_role", lang, analysis=group,
                         role=text(f"mixed_{key[1]}", lang))
        for r in part.iter_rows(named=True):
            few = too_few(r["n_clients"])
            rows.append({
                "group": group,
                "stub": mixed_term_label(r["term"], lang),
                "estimate": shown(fmt_estimate_ci(r["estimate"], r["ci_lower"], r["ci_upper"],
                                                  2, lang), few),
                "p": shown(fmt_p(r["p"], lang), few),
                "clients": shown(fmt_int(r["n_clients"], lang), is_small(r["n_clients"]))
                if first else "",
                "obs": shown(fmt_int(r["n_obs"], lang), few) if first else "",
                "converged": (text("yes", lang) if r.get("converged") else text("no", lang))
                if first else "",
            })
            first = False
    labels = {"estimate": text("est_ci", lang), "p": text("p", lang),
              "clients": text("clients_n", lang), "obs": text("obs_n", lang),
              "converged": text("converged", lang)}
    return PublishedTable(
        name="mixed", lang=lang, title=text("mixed_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("term", lang), group="group", group_header=text("instrument", lang),
        left_aligned=("converged",),
        notes=[text("mixed_note", lang), text("health_direction_note", lang),
               text("ci_note", lang)],
        source=source.note(lang))


# the mixed models' own indicator names (ips_eval.scores.mixed.TERMS) → table texts
_MIXED_TERMS = {"intercept": "intercept", "wave6": "term_wave6", "wave12": "term_wave12",
                RRP: "term_cohort", "employed": "term_employed", "female": "term_female",
                "var(client)": "term_var_client", "var(residual)": "term_var_residual"}


def mixed_term_label(term: str, lang: Lang) -> str:
    parts = []
    for part in str(term).split(":"):
        key = _MIXED_TERMS.get(part)
        parts.append(text(key, lang) if key else term_label(part, lang))
    return " × ".join(parts)
