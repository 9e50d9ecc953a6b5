"""Client-survey tables at follow-up: the situation (working or studying, beside THL's published
55 %; ``results.situation``), satisfaction with the service (``results.satisfaction``) and the
attrition of the follow-up surveys (``results.attrition``).

Counts: situation — per wave and cohort the four answers add up to the respondents, and the
printed sums (working = 1 + 3, studying = 2 + 3, working or studying = 1 + 2 + 3) tie the
answers together, so each sum and its parts form a group; the cohorts add up to all.
Satisfaction — per item the agreeing and the rest (implicit) add up to the respondents; the
cohorts add up to all. Attrition — a characteristic's levels add up to the clients with it
known, and those to the group's clients (the unknown implicit); an SMD is hidden when a count of
its characteristic is. Shares and means over fewer than 5 persons are hidden.
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
from ips_eval.publish.tables.disclosure import CountCells, shown, too_few
from ips_eval.publish.tables.labels import term_label
from ips_eval.publish.tables.numbers import (
    fmt_int,
    fmt_interval,
    fmt_mean_sd,
    fmt_n_pct,
    fmt_number,
    fmt_pct,
)
from schemas.codebook import ASIAKASKYSELY, Lang
from schemas.study import COHORTS as STUDY_COHORTS
from schemas.table_text import text

COHORTS = ("all", *STUDY_COHORTS)
# THL's news of 15.1.2024 (docs/methods.md §The study): at the one-year follow-up 55 % were working
# or studying
THL_WORKING_OR_STUDYING_PCT = 55.0
NEITHER = "answer_4"  # the answer that is none of the sums' parts
SUMS = {"working_or_studying": ("answer_1", "answer_2", "answer_3"),
        "working": ("answer_1", "answer_3"), "studying": ("answer_2", "answer_3")}


def _cohorts(frame: pl.DataFrame) -> list[str]:
    present = set(frame["cohort"].to_list())
    return [c for c in COHORTS if c in present]


def _category_key(category: str) -> str:
    """``answer_1_working`` → ``answer_1``; the sums keep their names."""
    return "_".join(category.split("_")[:2]) if category.startswith("answer_") else category


def build_situation(situation: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    cohorts = _cohorts(situation)
    waves = sorted(situation["wave"].unique().to_list())
    rows = {(r["wave"], _category_key(r["category"]), r["cohort"]): r
            for r in situation.iter_rows(named=True)}
    answered = {(w, c): r["n_answered"] for (w, _, c), r in rows.items()}
    cells = CountCells()
    for (wave, category, cohort), r in rows.items():
        cells.add((wave, category, cohort), r["n"])
    for (wave, cohort), n in answered.items():
        cells.add((wave, "answered", cohort), n)
        answers = [k for k in rows if k[0] == wave and k[2] == cohort
                   and k[1].startswith("answer_")]
        cells.group(answers, total=n, remainder_key=(wave, "unanswered_rest", cohort))
        for total, parts in SUMS.items():
            cells.group([(wave, p, cohort) for p in parts] + [(wave, total, cohort)])
            # a sum row is hidden beside a hidden part (rule 4): the three sums together would
            # solve working, studying and both (issue 30). Working or studying is also the
            # respondents less those answering neither (and those not answering the question):
            # it gives nothing away while those are printed, so it is computed from them
            combines = ([(wave, "answered", cohort), (wave, NEITHER, cohort),
                         (wave, "unanswered_rest", cohort)] if total == "working_or_studying"
                        else [(wave, p, cohort) for p in parts])
            cells.derived((wave, total, cohort), combines)
    for wave in waves:
        parts = [c for c in cohorts if c != "all"]
        if "all" not in cohorts or not parts:
            continue
        for category in {k[1] for k in rows if k[0] == wave} | {"answered"}:
            whole = (answered.get((wave, "all")) if category == "answered"
                     else rows.get((wave, category, "all"), {}).get("n"))
            cells.group([(wave, category, c) for c in parts], total=whole,
                        remainder_key=(wave, category, "rest"))
            cells.group([*((wave, category, c) for c in parts), (wave, category, "all")])
    hidden = cells.hidden()

    order = ["working_or_studying", "working", "studying",
             *sorted(k for k in {k[1] for k in rows} if k.startswith("answer_"))]
    out = []
    for wave in waves:
        group = text("wave_months", lang, n=wave)
        line = {"group": group, "stub": text("respondents_row", lang)}
        for c in cohorts:
            line[f"n_{c}"] = shown(fmt_int(answered.get((wave, c)), lang),
                                   (wave, "answered", c) in hidden)
            line[f"ci_{c}"] = ""
        line["published"] = ""
        out.append(line)
        for category in order:
            if category.startswith("answer_"):
                code = int(category.split("_")[1])
                stub = text("situation_answer", lang, label=value_label("situation", code, lang))
            else:
                stub = text(f"situation_{category}", lang)
            line = {"group": group, "stub": stub}
            for c in cohorts:
                r = rows.get((wave, category, c))
                if r is None:
                    line[f"n_{c}"] = line[f"ci_{c}"] = ""
                    continue
                hide = (too_few(r["n_answered"]) or (wave, category, c) in hidden
                        or (wave, "answered", c) in hidden)
                line[f"n_{c}"] = shown(fmt_n_pct(r["n"], r["pct"], lang), hide)
                line[f"ci_{c}"] = shown(fmt_interval(r["ci_lower"], r["ci_upper"], 1, lang,
                                                     pct=True), hide)
            line["published"] = (fmt_pct(THL_WORKING_OR_STUDYING_PCT, lang, 0)
                                 if wave == 12 and category == "working_or_studying" else "")
            out.append(line)
    labels, spanners = {"published": text("published_pct", lang)}, []
    for c in cohorts:
        labels |= {f"n_{c}": text("n_pct", lang), f"ci_{c}": text("pct_ci", lang)}
        spanners.append((cohort_label(c, lang), [f"n_{c}", f"ci_{c}"]))
    return PublishedTable(
        name="situation", lang=lang, title=text("situation_title", lang),
        data=as_strings(pl.DataFrame(out)), labels=labels, stub="stub",
        stubhead=text("situation_category", lang), group="group",
        group_header=text("wave", lang), spanners=spanners,
        notes=[text("situation_note", lang), text("waves_note", lang)],
        source=source.note(lang))


def build_satisfaction(satisfaction: pl.DataFrame, lang: Lang,
                       source: DeliverySet) -> PublishedTable:
    cohorts = _cohorts(satisfaction)
    rows = {(r["wave"], r["item"], r["cohort"]): r for r in satisfaction.iter_rows(named=True)}
    cells = CountCells()
    for key, r in rows.items():
        cells.add(("n", *key), r["n"])
        cells.add(("agree", *key), r["n_agree"])
        cells.group([("agree", *key)], total=r["n"])
    for wave, item in {(k[0], k[1]) for k in rows}:
        parts = [c for c in cohorts if c != "all" and (wave, item, c) in rows]
        whole = rows.get((wave, item, "all"))
        if whole is None or not parts:
            continue
        for what, count in (("n", "n"), ("agree", "n_agree")):
            cells.group([(what, wave, item, c) for c in parts], total=whole[count],
                        remainder_key=(what, wave, item, "rest"))
            cells.group([*((what, wave, item, c) for c in parts), (what, wave, item, "all")])
    hidden = cells.hidden()

    out = []
    for wave, item in sorted({(k[0], k[1]) for k in rows}):
        line = {"group": text("wave_months", lang, n=wave),
                "stub": ASIAKASKYSELY.column(item).label(lang)}
        for c in cohorts:
            r = rows.get((wave, item, c))
            if r is None:
                line |= {f"n_{c}": "", f"agree_{c}": "", f"mean_{c}": ""}
                continue
            few = too_few(r["n"]) or ("n", wave, item, c) in hidden
            line[f"n_{c}"] = shown(fmt_int(r["n"], lang), ("n", wave, item, c) in hidden)
            line[f"agree_{c}"] = shown(fmt_n_pct(r["n_agree"], r["pct_agree"], lang),
                                       few or ("agree", wave, item, c) in hidden)
            line[f"mean_{c}"] = shown(fmt_mean_sd(r["mean"], r["sd"], 1, lang), few)
        out.append(line)
    labels, spanners = {}, []
    for c in cohorts:
        labels |= {f"n_{c}": text("respondents_n", lang), f"agree_{c}": text("agree_pct", lang),
                   f"mean_{c}": text("item_mean", lang)}
        spanners.append((cohort_label(c, lang), [f"n_{c}", f"agree_{c}", f"mean_{c}"]))
    return PublishedTable(
        name="satisfaction", lang=lang, title=text("satisfaction_title", lang),
        data=as_strings(pl.DataFrame(out)), labels=labels, stub="stub",
        stubhead=text("item", lang), group="group", group_header=text("wave", lang),
        spanners=spanners, notes=[text("satisfaction_note", lang), text("waves_note", lang)],
        source=source.note(lang))


# ---------------------------------------------------------------------------------------------
# Attrition
# ---------------------------------------------------------------------------------------------
SIDES = ("answered", "not_answered")


def _variable_label(variable: str, lang: Lang) -> str:
    if variable.startswith("score_"):
        instrument = value_label("instrument", variable.removeprefix("score_"), lang)
        return text("baseline_score", lang, instrument=instrument)
    return term_label(variable, lang)


def build_attrition(attrition: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    """Everyone's attrition per follow-up wave (the cohort is one of the characteristics)."""
    frame = attrition.filter(pl.col("cohort") == "all")
    cells = CountCells()
    clients = {}
    for r in frame.filter(pl.col("statistic") == "n").iter_rows(named=True):
        for side in SIDES:
            clients[(r["followup_wave"], side)] = r[f"{side}_n"]
            cells.add(("clients", r["followup_wave"], side), r[f"{side}_n"])
    levels = frame.filter(pl.col("statistic") == "pct")
    for (wave, variable), part in levels.group_by("followup_wave", "variable",
                                                  maintain_order=True):
        for side in SIDES:
            keys = [cells.add(("level", wave, variable, r["level"], side), r[f"{side}_count"])
                    for r in part.iter_rows(named=True)]
            known = part[f"{side}_n"][0]
            # the known are not printed but follow from n and % of any level
            cells.add(("known", wave, variable, side), known)
            cells.group(keys, total=known, remainder_key=("unknown_level", wave, variable, side))
            cells.group([("known", wave, variable, side)], total=clients.get((wave, side)),
                        remainder_key=("unknown", wave, variable, side))
    hidden = cells.hidden()
    hidden_variables = {(k[1], k[2]) for k in hidden if k[0] == "level"}

    out = []
    for wave in sorted(frame["followup_wave"].unique().to_list()):
        group = text("followup_wave", lang, n=wave)
        part = frame.filter(pl.col("followup_wave") == wave)
        line = {"group": group, "stub": text("clients_row", lang)}
        for side in SIDES:
            line[side] = shown(fmt_int(clients.get((wave, side)), lang),
                               ("clients", wave, side) in hidden)
        line["smd"] = ""
        out.append(line)
        for r in part.filter(pl.col("statistic") != "n").iter_rows(named=True):
            variable, statistic = r["variable"], r["statistic"]
            label = _variable_label(variable, lang)
            hide_smd = ((wave, variable) in hidden_variables or too_few(r["answered_n"])
                        or too_few(r["not_answered_n"]))
            if statistic == "mean_sd":
                line = {"group": group, "stub": label}
                for side in SIDES:
                    line[side] = shown(fmt_mean_sd(r[f"{side}_value"], r[f"{side}_sd"], 1, lang),
                                       too_few(r[f"{side}_n"]))
            elif statistic == "pct":
                line = {"group": group, "stub": term_label(f"{variable}[{r['level']}]", lang)}
                for side in SIDES:
                    key = ("level", wave, variable, r["level"], side)
                    line[side] = shown(fmt_n_pct(r[f"{side}_count"], r[f"{side}_value"], lang),
                                       key in hidden or too_few(r[f"{side}_n"]))
            else:  # the whole characteristic's SMD (Yang & Dalton)
                line = {"group": group, "stub": f"{label}: {text('overall_smd', lang)}",
                        "answered": "", "not_answered": ""}
            line["smd"] = shown(fmt_number(r["smd"], 2, lang), hide_smd)
            out.append(line)
    labels = {"answered": text("answered", lang), "not_answered": text("not_answered", lang),
              "smd": text("smd", lang)}
    return PublishedTable(
        name="attrition", lang=lang, title=text("attrition_title", lang),
        data=as_strings(pl.DataFrame(out)), labels=labels, stub="stub",
        stubhead=text("baseline_stubhead", lang), group="group",
        group_header=text("wave", lang), notes=[text("attrition_note", lang)],
        source=source.note(lang))
