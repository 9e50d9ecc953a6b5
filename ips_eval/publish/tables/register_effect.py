"""The register effect's tables (docs/methods.md §Register effect, §Transitions):

- ``register_effect``: ATT at +6, +12 and +24 months with 95 % CIs for employment, earnings and
  benefits — matched, matched difference in differences and the naive line
  (``results.register_effect``); an estimate over fewer than 5 clients is hidden;
- ``register_balance``: every covariate's mean among the clients and the comparison group before
  and after matching with its SMD, and the matched / unmatched counts
  (``results.register_balance``); a mean is over at least 5 persons or hidden with its count;
- ``transitions``: the main state in month −1 by the main state at +6 / +12, n (%), for the
  clients and their matches, by cohort (``results.transitions``); each row is a group that adds
  up to its persons for disclosure control.
"""

from __future__ import annotations

import re

import polars as pl

from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings, cohort_label
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.horizons import horizons_title
from ips_eval.publish.tables.labels import level_label
from ips_eval.publish.tables.numbers import (
    fmt_estimate_ci,
    fmt_int,
    fmt_interval,
    fmt_n_pct,
    fmt_number,
    fmt_p,
)
from ips_eval.register.matching import DEFAULT_K
from schemas.codebook import Lang
from schemas.register_states import STATE_NAMES, state_label
from schemas.study import COHORTS
from schemas.table_text import text
from schemas.windows import EFFECT_POST_MONTHS


def effect_months(horizons: tuple[int, ...]) -> tuple[int, ...]:
    """The months the effect table shows: the run's follow-up horizons and +24 (the effect's
    last month, always)."""
    return tuple(sorted({*horizons, EFFECT_POST_MONTHS}))


EFFECT_OUTCOMES = {"employed": (100.0, 1), "earnings_eur": (1.0, 0), "benefits_eur": (1.0, 0)}
METHODS = ("matched", "matched_did", "naive")
COUNT_ROWS = ("n_clients_matched", "n_clients_unmatched", "n_comparison_matched")


def build_register_effect(effect: pl.DataFrame, lang: Lang, source: DeliverySet,
                          k: int = DEFAULT_K) -> PublishedTable:
    months = effect_months(source.horizons)
    values = {(r["outcome"], r["method"], r["rel_month"]): r
              for r in effect.filter(pl.col("rel_month").is_in(months))
              .iter_rows(named=True)}
    rows = []
    for outcome, (scale, digits) in EFFECT_OUTCOMES.items():
        for method in METHODS:
            row = {"group": text(f"outcome_{outcome}", lang),
                   "stub": text(f"effect_{method}", lang)}
            for m in months:
                r = values.get((outcome, method, m))
                n = None if r is None else r["n_clients"]
                cell = "" if r is None else fmt_estimate_ci(
                    *(None if r[c] is None else r[c] * scale
                      for c in ("estimate", "ci_lower", "ci_upper")), digits, lang)
                row[f"m{m}"] = shown(cell, r is not None and too_few(n))
                row[f"n{m}"] = "" if r is None else shown(fmt_int(n, lang), too_few(n))
            rows.append(row)
            if method == "matched":
                rows.append(_band_row(values, outcome, scale, digits, lang, months))
    labels = {**{f"m{m}": text("effect_month", lang, m=f"+{m}") for m in months},
              **{f"n{m}": text("effect_clients", lang, m=f"+{m}") for m in months}}
    columns = [c for m in months for c in (f"m{m}", f"n{m}")]
    return PublishedTable(
        name="register_effect", lang=lang, title=text("effect_title", lang),
        data=as_strings(pl.DataFrame(rows)).select("group", "stub", *columns), labels=labels,
        stub="stub", stubhead=text("effect_method", lang), group="group",
        group_header=text("effect_outcome", lang),
        notes=[text("effect_note", lang, k=k), text("effect_band_note", lang),
               text("ci_note", lang)],
        source=source.note(lang))


def _band_row(values: dict, outcome: str, scale: float, digits: int, lang: Lang,
              months: tuple[int, ...]) -> dict[str, str]:
    """The matched estimate's simultaneous 95 % band (sup-t over months 0 … +24) at the shown
    months, hidden with the estimate when too few clients."""
    row = {"group": text(f"outcome_{outcome}", lang), "stub": text("fig_effect_band", lang)}
    for m in months:
        r = values.get((outcome, "matched", m))
        lo, hi = (None, None) if r is None else (r.get("band_lower"), r.get("band_upper"))
        cell = fmt_interval(None if lo is None else lo * scale,
                            None if hi is None else hi * scale, digits, lang)
        row[f"m{m}"] = shown(cell, r is not None and bool(cell) and too_few(r["n_clients"]))
        row[f"n{m}"] = ""
    return row


def _months(block: int, lang: Lang) -> str:
    minus = "-" if lang == "en" else "−"
    return f"{minus}{6 * block}…{minus}{6 * block - 5}"


def _covariate_label(name: str, lang: Lang) -> str:
    """The label of a matching covariate (``results.register_balance``: ``b2_employed``,
    ``employed_m12``, ``m24_student``, ``state_m1_unemployed``, ``age``, ``male``)."""
    minus = "-" if lang == "en" else "−"
    if name.startswith("state_m1_"):
        return text("cov_state_m1", lang, state=state_label(name.removeprefix("state_m1_"), lang))
    block = re.fullmatch(r"b(\d)_(\w+)", name)
    if block:
        return text(f"cov_block_{block.group(2)}", lang,
                    months=_months(int(block.group(1)), lang))
    point = re.fullmatch(r"employed_m(\d+)", name)
    if point:
        return text("cov_employed_at", lang, m=f"{minus}{point.group(1)}")
    state = re.fullmatch(r"m(\d+)_(\w+)", name)
    if state:
        return text("cov_state_at", lang, m=f"{minus}{state.group(1)}",
                    state=state_label(state.group(2), lang))
    return text(f"cov_{name}", lang)


def build_register_balance(balance: pl.DataFrame, lang: Lang,
                           source: DeliverySet) -> PublishedTable:
    counts = {r["covariate"]: r["mean_clients"] for r in balance.iter_rows(named=True)
              if r["covariate"] in COUNT_ROWS}
    matched = counts.get("n_clients_matched")
    cells = CountCells()
    for name in COUNT_ROWS:
        cells.add(name, counts.get(name))
    cells.group(["n_clients_matched", "n_clients_unmatched"])
    hidden = cells.hidden()
    rows = []
    for r in balance.iter_rows(named=True):
        name = r["covariate"]
        if name in COUNT_ROWS or r["smd_before"] is None and r["mean_comparison_after"] is None:
            continue  # a count row (history months, fallback levels, drop reasons)
        state = name.startswith("state_m1_")
        if state and not (r["mean_clients_all"] or r["mean_comparison_after"]):
            continue  # a state nobody was in before the start: no row
        digits = 2 if name == "male" or state or re.match(r"(employed_m|m\d+_)", name) else 1
        few = too_few(matched)
        rows.append({
            "group": text("balance_means", lang), "stub": _covariate_label(name, lang),
            "clients": shown(fmt_number(r["mean_clients"], digits, lang), few),
            "before": fmt_number(r["mean_comparison_before"], digits, lang),
            "smd_before": fmt_number(r["smd_before"], 2, lang),
            "after": shown(fmt_number(r["mean_comparison_after"], digits, lang), few),
            "smd_after": shown(fmt_number(r["smd_after"], 2, lang), few)})
    for name in COUNT_ROWS:
        rows.append({"group": text("balance_counts", lang), "stub": text(name, lang),
                     "clients": shown(fmt_int(counts.get(name), lang), name in hidden),
                     "before": "", "smd_before": "", "after": "", "smd_after": ""})
    labels = {"clients": text("balance_clients", lang), "before": text("balance_before", lang),
              "smd_before": text("balance_smd_before", lang),
              "after": text("balance_after", lang), "smd_after": text("balance_smd_after", lang)}
    return PublishedTable(
        name="register_balance", lang=lang, title=text("balance_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("balance_covariate", lang), group="group",
        notes=[text("balance_note", lang)], source=source.note(lang))


def build_transitions(transitions: pl.DataFrame, lang: Lang,
                      source: DeliverySet) -> PublishedTable:
    cohorts = [c for c in ("all", *COHORTS) if c in set(transitions["cohort"].to_list())]
    states = [s for s in STATE_NAMES if s in set(transitions["state_to"].to_list())
              or s in set(transitions["state_from"].to_list())]
    values = {(r["cohort"], r["group"], r["horizon"], r["state_from"], r["state_to"]): r
              for r in transitions.iter_rows(named=True)}
    blocks = [(c, g, h) for c in cohorts for g in ("clients", "matched_comparison")
              for h in source.horizons]
    cells = CountCells()
    for key, r in values.items():
        cells.add(key, r["n"])
    for c, g, h in blocks:
        for f in states:
            cells.group([(c, g, h, f, t) for t in states if (c, g, h, f, t) in values])
    hidden = cells.hidden()
    rows = []
    for c, g, h in blocks:
        label = text("transitions_group", lang,
                     cohort=text("all", lang) if c == "all" else cohort_label(c, lang),
                     group=text(f"group_{g}", lang), h=h)
        for f in states:
            found = [(t, values[(c, g, h, f, t)]) for t in states if (c, g, h, f, t) in values]
            if not found:
                continue
            row = {"group": label, "stub": state_label(f, lang)}
            for t in states:
                r = values.get((c, g, h, f, t))
                row[t] = "" if r is None else shown(fmt_n_pct(r["n"], r["pct"], lang),
                                                    (c, g, h, f, t) in hidden)
            rows.append(row)
    frame = pl.DataFrame(rows) if rows else pl.DataFrame(
        {"group": [], "stub": [], **{s: [] for s in states}})
    return PublishedTable(
        name="transitions", lang=lang,
        title=horizons_title("transitions_title", "transitions_title_horizons", source, lang),
        data=as_strings(frame), labels={s: state_label(s, lang) for s in states}, stub="stub",
        stubhead=text("transitions_from", lang), group="group",
        spanners=[(text("transitions_to", lang,
                        h=" / ".join(f"+{h}" for h in source.horizons)), states)],
        notes=[text("transitions_note", lang)], source=source.note(lang))


TEST_ORDER = ("pre_joint_wald", "holdout_joint_wald", "pre_equivalence")


def build_register_effect_tests(tests: pl.DataFrame, effect: pl.DataFrame, balance: pl.DataFrame,
                                lang: Lang, source: DeliverySet) -> PublishedTable:
    """``register_effect_tests``: the falsification tests per outcome, the E-value, and the
    Abadie–Imbens SEs beside the cluster-robust ones at +6 and +12. No counts: nothing to
    suppress."""
    rows = []
    values = {(r["outcome"], r["test"]): r for r in tests.iter_rows(named=True)}
    for outcome, (scale, digits) in EFFECT_OUTCOMES.items():
        group = text(f"outcome_{outcome}", lang)
        for test in TEST_ORDER:
            r = values.get((outcome, test))
            if r is None:
                continue
            passed = r["passed"]
            result = text("tests_not_computed" if passed is None else
                          "tests_passed" if passed else "tests_failed", lang)
            bound = "" if r["bound"] is None else fmt_number(r["bound"] * scale, digits, lang)
            stat = r["max_abs"] if test == "pre_equivalence" else r["statistic"]
            stat_scale = scale if test == "pre_equivalence" else 1.0
            rows.append({"group": group, "stub": text(f"test_{test}", lang),
                         "statistic": fmt_number(None if stat is None else stat * stat_scale,
                                                 2, lang),
                         "df": "" if r["df"] is None else fmt_int(r["df"], lang),
                         "p": fmt_p(r["p"], lang), "bound": bound, "result": result})
        for m in source.horizons if "se_ai" in effect.columns else ():
            r = effect.filter((pl.col("outcome") == outcome) & (pl.col("method") == "matched")
                              & (pl.col("rel_month") == m))
            if r.height and r["se_ai"][0] is not None and not too_few(r["n_clients"][0]):
                rows.append({"group": group, "stub": text("test_se_ai", lang, m=f"+{m}"),
                             "statistic": fmt_number(r["se_ai"][0] * scale, digits + 1, lang),
                             "df": "", "p": "", "bound": "", "result": ""})
    e = values.get(("employed", "e_value"))
    if e is not None and e["statistic"] is not None:
        rows.append({"group": text("outcome_employed", lang), "stub": text("test_e_value", lang),
                     "statistic": fmt_number(e["statistic"], 2, lang), "df": "", "p": "",
                     "bound": fmt_number(e["bound"], 2, lang), "result": ""})
    history = {r["covariate"]: r["mean_clients"] for r in balance.iter_rows(named=True)}.get(
        "history_months")
    labels = {"statistic": text("tests_statistic", lang), "df": text("tests_df", lang),
              "p": text("tests_p", lang), "bound": text("tests_bound", lang),
              "result": text("tests_result", lang)}
    columns = ["group", "stub", *labels]
    data = (pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String)) if rows
            else pl.DataFrame(schema=dict.fromkeys(columns, pl.String)))
    return PublishedTable(
        name="register_effect_tests", lang=lang, title=text("tests_title", lang),
        data=data, labels=labels, stub="stub", stubhead=text("tests_test", lang),
        group="group", group_header=text("effect_outcome", lang),
        notes=[text("tests_note", lang, h=int(history or 24))], source=source.note(lang))


def _subgroup_label(var: str, level: str, lang: Lang) -> str:
    if var == "cohort":
        return cohort_label(level, lang)
    if var == "age_band":
        return level.replace("-", "–")
    return level_label(var, level, lang)


def build_register_effect_subgroups(subgroups: pl.DataFrame, lang: Lang,
                                    source: DeliverySet) -> PublishedTable:
    """``register_effect_subgroups``: the matched ATT on employment at +6 and +12 by subgroup
    with the interaction test's p; a subgroup of fewer than 5 clients at a month is hidden with
    its count, and so is the other subgroup when a variable has two (the total would give it
    away)."""
    values = {(r["subgroup_var"], r["subgroup"], r["rel_month"]): r
              for r in subgroups.iter_rows(named=True)}
    months = source.horizons
    cells = CountCells()
    for (var, level, m), r in values.items():
        cells.add((var, level, m), r["n_clients"])
    for var in {k[0] for k in values}:
        for m in months:
            cells.group([k for k in values if k[0] == var and k[2] == m])
    hidden = cells.hidden()
    rows = []
    for var in ("cohort", "sex", "age_band", "dx_group", "work_history"):
        levels = sorted({k[1] for k in values if k[0] == var})
        for level in levels:
            row = {"group": text(f"subgroup_{var}", lang),
                   "stub": _subgroup_label(var, level, lang)}
            for m in months:
                r = values.get((var, level, m))
                hide = (var, level, m) in hidden
                row[f"m{m}"] = "" if r is None else shown(fmt_estimate_ci(
                    *(None if r[c] is None else r[c] * 100.0
                      for c in ("estimate", "ci_lower", "ci_upper")), 1, lang), hide)
                row[f"n{m}"] = "" if r is None else shown(fmt_int(r["n_clients"], lang), hide)
                row[f"p{m}"] = ("" if r is None or level != levels[0]
                                else fmt_p(r["interaction_p"], lang))
            rows.append(row)
    labels = {**{f"m{m}": text("effect_month", lang, m=f"+{m}") for m in months},
              **{f"n{m}": text("effect_clients", lang, m=f"+{m}") for m in months},
              **{f"p{m}": text("subgroups_interaction", lang, m=f"+{m}") for m in months}}
    columns = ["group", "stub", *(c for m in months for c in (f"m{m}", f"n{m}", f"p{m}"))]
    data = (pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String)) if rows
            else pl.DataFrame(schema=dict.fromkeys(columns, pl.String)))
    return PublishedTable(
        name="register_effect_subgroups", lang=lang, title=text("subgroups_title", lang),
        data=data, labels=labels, stub="stub", stubhead=text("subgroups_variable", lang),
        group="group", notes=[text("subgroups_note", lang), text("ci_note", lang)],
        source=source.note(lang))
