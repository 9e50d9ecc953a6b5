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

import polars as pl

from ips_eval.publish.tables.common import DeliverySet, PublishedTable, as_strings, cohort_label
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.numbers import fmt_estimate_ci, fmt_int, fmt_n_pct, fmt_number
from ips_eval.register.matching import DEFAULT_K
from schemas.codebook import Lang
from schemas.register_states import STATE_NAMES, state_label
from schemas.table_text import text

EFFECT_MONTHS = (6, 12, 24)
EFFECT_OUTCOMES = {"employed": (100.0, 1), "earnings_eur": (1.0, 0), "benefits_eur": (1.0, 0)}
METHODS = ("matched", "matched_did", "naive")
COUNT_ROWS = ("n_clients_matched", "n_clients_unmatched", "n_comparison_matched")


def build_register_effect(effect: pl.DataFrame, lang: Lang, source: DeliverySet,
                          k: int = DEFAULT_K) -> PublishedTable:
    values = {(r["outcome"], r["method"], r["rel_month"]): r
              for r in effect.filter(pl.col("rel_month").is_in(EFFECT_MONTHS))
              .iter_rows(named=True)}
    rows = []
    for outcome, (scale, digits) in EFFECT_OUTCOMES.items():
        for method in METHODS:
            row = {"group": text(f"outcome_{outcome}", lang),
                   "stub": text(f"effect_{method}", lang)}
            for m in EFFECT_MONTHS:
                r = values.get((outcome, method, m))
                n = None if r is None else r["n_clients"]
                cell = "" if r is None else fmt_estimate_ci(
                    *(None if r[c] is None else r[c] * scale
                      for c in ("estimate", "ci_lower", "ci_upper")), digits, lang)
                row[f"m{m}"] = shown(cell, r is not None and too_few(n))
                row[f"n{m}"] = "" if r is None else shown(fmt_int(n, lang), too_few(n))
            rows.append(row)
    labels = {**{f"m{m}": text("effect_month", lang, m=f"+{m}") for m in EFFECT_MONTHS},
              **{f"n{m}": text("effect_clients", lang, m=f"+{m}") for m in EFFECT_MONTHS}}
    columns = [c for m in EFFECT_MONTHS for c in (f"m{m}", f"n{m}")]
    return PublishedTable(
        name="register_effect", lang=lang, title=text("effect_title", lang),
        data=as_strings(pl.DataFrame(rows)).select("group", "stub", *columns), labels=labels,
        stub="stub", stubhead=text("effect_method", lang), group="group",
        group_header=text("effect_outcome", lang),
        notes=[text("effect_note", lang, k=k), text("ci_note", lang)],
        source=source.note(lang))


def _covariate_label(name: str, lang: Lang) -> str:
    if name.startswith("state_m1_"):
        return text("cov_state_m1", lang, state=state_label(name.removeprefix("state_m1_"), lang))
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
        if name in COUNT_ROWS:
            continue
        state = name.startswith("state_m1_")
        if state and not (r["mean_clients_all"] or r["mean_comparison_after"]):
            continue  # a state nobody was in before the start: no row
        digits = 2 if name in ("male",) or state else 1
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
    cohorts = [c for c in ("all", "pilot", "rrp") if c in set(transitions["cohort"].to_list())]
    states = [s for s in STATE_NAMES if s in set(transitions["state_to"].to_list())
              or s in set(transitions["state_from"].to_list())]
    values = {(r["cohort"], r["group"], r["horizon"], r["state_from"], r["state_to"]): r
              for r in transitions.iter_rows(named=True)}
    blocks = [(c, g, h) for c in cohorts for g in ("clients", "matched_comparison")
              for h in (6, 12)]
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
        name="transitions", lang=lang, title=text("transitions_title", lang),
        data=as_strings(frame), labels={s: state_label(s, lang) for s in states}, stub="stub",
        stubhead=text("transitions_from", lang), group="group",
        spanners=[(text("transitions_to", lang, h="+6 / +12"), states)],
        notes=[text("transitions_note", lang)], source=source.note(lang))
