"""Employment tables: outcomes by cohort (crude as published beside equal follow-up, with the
pilot − RRP difference and Gray's test), job tenure (Kaplan–Meier at 6/12 months, median, RMST)
and the Cox model of tenure (the competing-risks models: ``competing.py``).

Horizons: a column per follow-up horizon of the run (``DeliverySet.horizons``): 6 and 12 months,
and a 24-month column (cumulative incidence, still in the job, number at risk, RMST) only when
the run asked for it (``--horizons 6,12,24``; docs/methods.md §Windows and cut-offs).

Inputs are the survival results only (``results.headline``, ``results.km``,
``results.employment_comparison``, ``results.rmst``, ``results.cox``, ``results.competing``),
which carry the counts behind each estimate. A Kaplan–Meier or Aalen–Johansen estimate at time t
is hidden when its group has fewer than 5 members or when the events by t, or the members
without an event by t, number 1–4: with little censoring the estimate times the group size
would give that count back. An estimate with fewer than ``MIN_AT_RISK`` still at risk at t is
shown with a footnote mark (``FEW_AT_RISK_MARK``): it rests on a handful of people.

Tenure: ``TENURE1_REG`` (register-augmented) is the primary analysis and ``TENURE1``
(censored at service exit) its sensitivity line (docs/methods.md §Register-augmented tenure); the
tables say which is which.
"""

from __future__ import annotations

import polars as pl

from ips_eval.employment.cox import CLIENT_COVARIATES, JOB_COVARIATES
from ips_eval.employment.cox import REFERENCE as COX_REFERENCE
from ips_eval.publish.tables.common import (
    DeliverySet,
    PublishedTable,
    as_strings,
    cohort_label,
    value_label,
)
from ips_eval.publish.tables.disclosure import SUPPRESSED, CountCells, is_small, shown, too_few
from ips_eval.publish.tables.horizons import horizon_label, longer_followup_notes
from ips_eval.publish.tables.labels import term_label
from ips_eval.publish.tables.numbers import (
    fmt_date,
    fmt_estimate_ci,
    fmt_int,
    fmt_n_pct,
    fmt_number,
    fmt_p,
)
from schemas.codebook import Lang
from schemas.study import COHORTS
from schemas.table_text import text
from schemas.windows import DAYS_PER_MONTH, summary_horizons, window_days

TENURE_PARAMS = ("TENURE1_REG", "TENURE1", "TENURE")
TENURE_ROLES = {"TENURE1_REG": "primary_analysis", "TENURE1": "sensitivity_analysis"}
MIN_AT_RISK = 10
FEW_AT_RISK_MARK = "†"


def param_label(param: str, lang: Lang) -> str:
    """The tenure analysis' label with its role (primary / sensitivity) where it has one."""
    label = value_label("param", param, lang)
    role = TENURE_ROLES.get(param)
    return text("analysis_role", lang, analysis=label, role=text(role, lang)) if role else label


def windows(horizons: tuple[int, ...]) -> list[tuple[str, int, float]]:
    """(column, months, days) of an estimate per horizon: ``months_6``, ``months_12`` and, when
    asked, ``months_24``."""
    return [(f"months_{m}", m, window_days(m)) for m in horizons]


def summary_columns(prefix: str, horizons: tuple[int, ...]) -> list[tuple[str, int, float]]:
    """(column, months, days) of a 12-month summary (the number at risk, the RMST): ``prefix``
    at 12 months, as the default run has it, and ``prefix_24`` at each longer horizon asked
    (``schemas.windows.summary_horizons``)."""
    return [(prefix if i == 0 else f"{prefix}_{m}", m, window_days(m))
            for i, m in enumerate(summary_horizons(horizons))]


def _at(km: pl.DataFrame, param: str, method: str, group_var: str, group: str,
        t: float) -> dict | None:
    rows = km.filter((pl.col("param") == param) & (pl.col("method") == method)
                     & (pl.col("group_var") == group_var) & (pl.col("group") == group)
                     & ((pl.col("time_days") - t).abs() < 1e-6))
    return rows.row(0, named=True) if rows.height else None


def _close(column: str, t: float) -> pl.Expr:
    return (pl.col(column) - t).abs() < 1e-6


def _estimate_hidden(n: int | None, events_t: int | None) -> bool:
    if too_few(n) or events_t is None:
        return True
    return is_small(events_t) or is_small(n - events_t)


def _pct_ci(row: dict | None, hidden: bool, lang: Lang) -> str:
    if row is None:
        return ""
    cell = fmt_estimate_ci(_x100(row["estimate"]), _x100(row["ci_lower"]),
                           _x100(row["ci_upper"]), 1, lang)
    if cell and row.get("n_at_risk") is not None and row["n_at_risk"] < MIN_AT_RISK:
        cell = f"{cell} {FEW_AT_RISK_MARK}"
    return shown(cell, hidden)


def _flagged(data: dict[str, str] | list[dict[str, str]]) -> bool:
    rows = data if isinstance(data, list) else [data]
    return any(FEW_AT_RISK_MARK in str(v) for r in rows for v in r.values())


def _x100(x: float | None) -> float | None:
    return None if x is None else 100 * x


# ---------------------------------------------------------------------------------------------
# Employment outcomes by cohort
# ---------------------------------------------------------------------------------------------


def build_employment(headline: pl.DataFrame, km: pl.DataFrame, comparison: pl.DataFrame,
                     lang: Lang, source: DeliverySet,
                     competing: pl.DataFrame | None = None) -> PublishedTable:
    """Crude "% ever employed" per published cut-off beside the Aalen–Johansen cumulative
    incidence of a first job at each horizon (6 and 12 months, 24 when asked) and the number
    at risk at 12 (and 24) months (docs/methods.md §The follow-up trap: the crude shares compare
    unequal follow-up; the table says so in a footnote). With ``competing`` (results.competing):
    a last row with the pilot − RRP difference in percentage points (95 % CI), hidden where
    either cohort's estimate is, and Gray's test in a note."""
    estimates = windows(source.horizons)
    at_risk_columns = summary_columns("at_risk", source.horizons)
    headline = headline.sort(["cohort", "cutoff_date"])
    cells = CountCells()
    for i, r in enumerate(headline.iter_rows(named=True)):
        cells.add(("started", i), r["clients_started"])
        cells.add(("employed", i), r["clients_employed"])
        cells.add(("excl", i), r["clients_employed_excl_pay_subsidy"])
        # not employed = started − employed; employed only with pay subsidy = employed − excl
        cells.group([("employed", i)], total=r["clients_started"])
        cells.group([("excl", i)], total=r["clients_employed"])
        cells.group([("excl", i)], total=r["clients_started"], remainder_key=("not_excl", i))
    analysis_rows: dict[int, str] = {}
    for i, r in enumerate(headline.iter_rows(named=True)):
        if r["cutoff_date"] == source.cutoffs.get(r["cohort"]):
            analysis_rows[i] = r["cohort"]
            for key, _, t in at_risk_columns:
                at_risk = _at(km, "TTFJ", "AJ", "cohort", r["cohort"], t)
                if at_risk is None:
                    continue
                cells.add((key, i), at_risk["n_at_risk"])
                # the analysis may hold fewer clients than staging (index after the cut-off)
                if at_risk["n_at_risk"] <= r["clients_started"]:
                    cells.group([(key, i)], total=r["clients_started"])
    hidden = cells.hidden()
    cif = comparison.filter(pl.col("measure") == "cif_first_job")
    published = comparison.filter(pl.col("measure") == "crude_ever_employed_published")

    rows = []
    for i, r in enumerate(headline.iter_rows(named=True)):
        cohort = r["cohort"]
        # the follow-up of the clients started by this row's cut-off
        follow = published.filter((pl.col("cohort") == cohort)
                                  & (pl.col("cutoff_date") == r["cutoff_date"]))
        days, started = ((follow["median_followup_days"][0], follow["n_clients"][0])
                         if follow.height else (None, None))
        stub = cohort_label(cohort, lang)
        if i not in analysis_rows:  # a published figure at another cut-off (RRP 30.4.2024)
            stub = text("published_row", lang, cohort=stub, date=fmt_date(r["cutoff_date"], lang))
        row = {
            "stub": stub,
            "cutoff": fmt_date(r["cutoff_date"], lang),
            "followup": shown(fmt_number(None if days is None else days / DAYS_PER_MONTH,
                                         1, lang), too_few(started)),
            "started": shown(fmt_int(r["clients_started"], lang), ("started", i) in hidden),
            "employed": shown(fmt_n_pct(r["clients_employed"], r["pct_employed"], lang),
                              ("employed", i) in hidden),
            "excl": shown(fmt_n_pct(r["clients_employed_excl_pay_subsidy"],
                                    r["pct_employed_excl_pay_subsidy"], lang),
                          ("excl", i) in hidden),
        }
        for key, _, t in estimates:
            estimate = _at(km, "TTFJ", "AJ", "cohort", cohort, t) if i in analysis_rows else None
            c = cif.filter((pl.col("cohort") == cohort) & _close("time_days", t))
            n, ev = (c["n_clients"][0], c["n_events"][0]) if c.height else (None, None)
            row[key] = _pct_ci(estimate, _estimate_hidden(n, ev), lang)
        for key, _, t in at_risk_columns:
            at_risk = _at(km, "TTFJ", "AJ", "cohort", cohort, t) if i in analysis_rows else None
            row[key] = "" if at_risk is None else shown(fmt_int(at_risk["n_at_risk"], lang),
                                                        (key, i) in hidden)
        rows.append(row)
    notes = [text("competitive_note", lang), text("months_note", lang),
             *longer_followup_notes(source.horizons, lang),
             text("published_row_note", lang), text("ci_note", lang)]
    if competing is not None and not competing.is_empty():
        cohort_rows = [rows[i] for i in analysis_rows]
        rows.append(_difference_row(competing, cohort_rows, lang, estimates))
        gray = competing.filter(pl.col("model") == "gray_test")
        if gray.height:
            notes.append(text("difference_note", lang, p=fmt_p(gray["p"][0], lang)))
    if _flagged(rows):
        notes.append(text("few_at_risk_note", lang, mark=FEW_AT_RISK_MARK, n=MIN_AT_RISK))

    crude = ["started", "employed", "excl"]
    cif = [key for key, _, _ in (*estimates, *at_risk_columns)]
    labels = {"cutoff": text("cutoff_date", lang), "followup": text("followup_median", lang),
              "started": text("started", lang), "employed": text("employed", lang),
              "excl": text("employed_excl_subsidy", lang),
              **{key: horizon_label(m, lang) for key, m, _ in estimates},
              **{key: text("at_risk_months", lang, n=m) for key, m, _ in at_risk_columns}}
    return PublishedTable(
        name="employment", lang=lang, title=text("employment_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("cohort", lang),
        spanners=[(text("crude_spanner", lang), crude), (text("cif_spanner", lang), cif)],
        column_notes=[("employed", text("trap_note", lang))],
        notes=notes, source=source.note(lang))


def _difference_row(competing: pl.DataFrame, cohort_rows: list[dict], lang: Lang,
                    estimates: list[tuple[str, int, float]]) -> dict[str, str]:
    """Pilot − RRP in percentage points at each horizon (results.competing's
    ``cif_difference`` rows); hidden when a cohort's own estimate is hidden."""
    row = {"stub": text("difference_row", lang)}
    for key, _, t in estimates:
        hit = competing.filter((pl.col("model") == "cif_difference")
                               & ((pl.col("time_days") - t).abs() < 1e-6))
        hidden = any(r.get(key) == SUPPRESSED for r in cohort_rows)
        row[key] = "" if hit.is_empty() else shown(fmt_estimate_ci(
            _x100(hit["coef"][0]), _x100(hit["ci_lower"][0]), _x100(hit["ci_upper"][0]), 1,
            lang), hidden)
    return row


# ---------------------------------------------------------------------------------------------
# Job tenure
# ---------------------------------------------------------------------------------------------


def build_tenure(km: pl.DataFrame, rmst: pl.DataFrame, lang: Lang,
                 source: DeliverySet) -> PublishedTable:
    """Kaplan–Meier share still in the job at each horizon (6 and 12 months, 24 when asked),
    median tenure and the restricted mean tenure to 12 months (and to 24 when asked; empty
    where the group's curve does not reach τ), per tenure analysis and cohort (and all). The
    jobs and ended jobs per group are ``results.rmst``'s ``n`` and ``events``; the jobs ended by
    each horizon ``results.km``'s ``n_events``."""
    estimates = windows(source.horizons)
    rmst_columns = summary_columns("rmst", source.horizons)
    rmst = rmst.filter(pl.col("method") == "KM")
    present = set(rmst["param"].to_list())
    params = [p for p in TENURE_PARAMS if p in present]
    cohorts = set(rmst.filter(pl.col("group_var") == "cohort")["group"].to_list())
    groups = [("cohort", c) for c in COHORTS if c in cohorts]
    groups.append(("all", "all"))

    cells = CountCells()
    sizes: dict[tuple[str, str], dict] = {}
    for param in params:
        for group_var, group in groups:
            found = rmst.filter((pl.col("param") == param) & (pl.col("group_var") == group_var)
                                & (pl.col("group") == group))
            if found.is_empty():
                continue
            c = found.row(0, named=True)  # n, events and the median: the same at every τ
            sizes[(param, group)] = c
            cells.add(("jobs", param, group), c["n"])
            cells.add(("ended", param, group), c["events"])
            cells.group([("ended", param, group)], total=c["n"])
        # the cohorts add up to "all"
        cohort_keys = [g for _, g in groups if g != "all" and (param, g) in sizes]
        if (param, "all") in sizes and cohort_keys:
            for what in ("jobs", "ended"):
                cells.group([(what, param, g) for g in cohort_keys],
                            total=sizes[(param, "all")]["n" if what == "jobs" else "events"],
                            remainder_key=(what, param, "unassigned"))
    hidden = cells.hidden()

    rows = []
    for param in params:
        for group_var, group in groups:
            if (param, group) not in sizes:
                continue
            c = sizes[(param, group)]
            row = {"group": param_label(param, lang),
                   "stub": cohort_label(group, lang),
                   "jobs": shown(fmt_int(c["n"], lang), ("jobs", param, group) in hidden),
                   "ended": shown(fmt_int(c["events"], lang), ("ended", param, group) in hidden)}
            for key, _, t in estimates:
                estimate = _at(km, param, "KM", group_var, group, t)
                events_t = None if estimate is None else estimate["n_events"]
                row[key] = _pct_ci(estimate, _estimate_hidden(c["n"], events_t), lang)
            hide_summary = too_few(c["n"]) or is_small(c["events"])
            median = c["median_days"]
            row["median"] = shown(fmt_estimate_ci(
                *(None if v is None else v / DAYS_PER_MONTH
                  for v in (median, c["median_ci_lower"], c["median_ci_upper"])),
                1, lang), hide_summary) if median is not None else ""
            for key, _, tau in rmst_columns:
                value = _rmst_at(rmst, param, group_var, group, tau)
                # past the group's follow-up the restricted mean carries the curve's last value
                # to τ (R's survmean): not shown, as the share still in the job there is not
                reached = _at(km, param, "KM", group_var, group, tau)
                if reached is None or reached["estimate"] is None:
                    value = None
                row[key] = "" if value is None else shown(
                    fmt_number(value / DAYS_PER_MONTH, 1, lang), hide_summary)
            rows.append(row)

    labels = {"jobs": text("jobs_n", lang), "ended": text("ended_n", lang),
              **{key: horizon_label(m, lang) for key, m, _ in estimates},
              "median": text("median_months", lang),
              **{key: text("rmst_months", lang, n=m) for key, m, _ in rmst_columns}}
    return PublishedTable(
        name="tenure", lang=lang, title=text("tenure_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("cohort", lang), group="group", group_header=text("analysis", lang),
        spanners=[(text("still_spanner", lang), [key for key, _, _ in estimates])],
        column_notes=[("rmst", text("rmst_note", lang))],
        notes=[text("tenure_note", lang), text("tenure_roles_note", lang),
               text("months_note", lang), *longer_followup_notes(source.horizons, lang),
               text("ci_note", lang),
               *([text("few_at_risk_note", lang, mark=FEW_AT_RISK_MARK, n=MIN_AT_RISK)]
                 if _flagged(rows) else [])],
        source=source.note(lang))


def _rmst_at(rmst: pl.DataFrame, param: str, group_var: str, group: str,
             tau: float) -> float | None:
    """The restricted mean (days) of one param × group to ``tau`` (results.rmst)."""
    found = rmst.filter((pl.col("param") == param) & (pl.col("group_var") == group_var)
                        & (pl.col("group") == group) & _close("tau_days", tau))
    return found["rmst_days"][0] if found.height else None


# ---------------------------------------------------------------------------------------------
# Cox model
# ---------------------------------------------------------------------------------------------


def _term_order(term: str) -> int:
    """Covariates in the order the model lists them (``ips_eval.employment.cox``), unknown terms
    last."""
    order = [*CLIENT_COVARIATES, *JOB_COVARIATES]
    for i, var in enumerate(order):
        if term == var or term.startswith(f"{var}["):
            return i
    return len(order)


def build_cox(cox: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    """Hazard ratios of a job ending (95 % CI, p), per model, with its n, events and the global
    proportional-hazards test. A model with fewer than 5 jobs or 1–4 events is hidden."""
    rows = []
    cox = cox.with_columns(
        _p=pl.col("param").replace_strict({p: i for i, p in enumerate(TENURE_PARAMS)},
                                          default=99, return_dtype=pl.Int64),
        _t=pl.col("term").map_elements(_term_order, return_dtype=pl.Int64),
    ).sort("_p", "_t", "term", maintain_order=True)
    reference = "; ".join(term_label(f"{var}[{level}]", lang)
                          for var, level in COX_REFERENCE.items())
    global_tests: dict[str, str] = {}  # one global PH test per model: a note, not a column
    for r in cox.iter_rows(named=True):
        hide = too_few(r["n"]) or is_small(r["events"])
        analysis = param_label(r["param"], lang)
        rows.append({
            "group": analysis,
            "stub": term_label(r["term"], lang),
            "hr": shown(fmt_estimate_ci(r["hr"], r["ci_lower"], r["ci_upper"], 2, lang), hide),
            "p": shown(fmt_p(r["p"], lang), hide),
            "n": shown(fmt_int(r["n"], lang), is_small(r["n"])),
            "events": shown(fmt_int(r["events"], lang), hide),
            "ph": shown(fmt_p(r.get("ph_test_p_term"), lang), hide),
        })
        if analysis not in global_tests and r.get("ph_test_p") is not None:
            global_tests[analysis] = text(
                "ph_global_model", lang, analysis=analysis,
                rank=shown(fmt_p(r["ph_test_p"], lang), hide),
                km=shown(fmt_p(r.get("ph_test_p_km"), lang), hide) or "–")
    labels = {"hr": text("hr_ci", lang), "p": text("p", lang), "n": text("n", lang),
              "events": text("events_n", lang), "ph": text("ph_test", lang)}
    ph_note = ([text("ph_global_note", lang, tests="; ".join(global_tests.values()))]
               if global_tests else [])
    return PublishedTable(
        name="cox", lang=lang, title=text("cox_title", lang),
        data=as_strings(pl.DataFrame(rows)), labels=labels, stub="stub",
        stubhead=text("term", lang), group="group", group_header=text("analysis", lang),
        notes=[text("cox_note", lang), *ph_note, text("tenure_roles_note", lang),
               text("reference_levels", lang, levels=reference), text("ci_note", lang)],
        source=source.note(lang))

