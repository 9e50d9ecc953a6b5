"""Attachment to work at 6 and 12 months (``results.attachment``, the coaches' forms; a group of
rows per horizon, so a run with ``--horizons 6,12,24`` gains the 24-month rows) and jobs and
employed days per client (``results.jobs_per_client``).

Counts in the attachment table, per window: in each row the clients with a job in the window
and the rest (implicit) add up to the clients with the full window; so do the clients employed
on the last day, who are also part of those with a job (the rest of them implicit); the same
for the counts without pay-subsidised jobs, which are part of the counts with them. Across rows
the cohorts add up to all, and a cohort's regions to the cohort. A mean of days worked is hidden
when its clients number under 5 or the clients with a job 1–4 (the mean times n would give one
person's days back).

Jobs per client: the clients by number of jobs (0, 1, 2, 3+) add up to the clients; the cohorts
add up to all. Means and medians over fewer than 5 clients (for "per employed client": fewer
than 5 employed) are hidden.
"""

from __future__ import annotations

import polars as pl

from ips_eval.employment.per_client import JOB_COUNT_LEVELS
from ips_eval.publish.tables.common import (
    DeliverySet,
    PublishedTable,
    as_strings,
    cohort_label,
    value_label,
)
from ips_eval.publish.tables.disclosure import CountCells, is_small, shown, too_few
from ips_eval.publish.tables.horizons import (
    horizon_label,
    horizons_title,
    longer_followup_notes,
)
from ips_eval.publish.tables.numbers import fmt_int, fmt_n_pct, fmt_number
from schemas.codebook import COHORT_OF_REGION, REGIONS, Lang
from schemas.study import COHORTS
from schemas.table_text import text
from schemas.windows import DAYS_PER_MONTH

# (column in the table, count in results.attachment, share, the count it is part of)
ATTACHMENT_COUNTS = (
    ("any", "n_any_job", "pct_any_job", "n_clients"),
    ("end", "n_employed_at_end", "pct_employed_at_end", "n_any_job"),
    ("any_excl", "n_any_job_excl_pay_subsidy", "pct_any_job_excl_pay_subsidy", "n_any_job"),
    ("end_excl", "n_employed_at_end_excl_pay_subsidy", "pct_employed_at_end_excl_pay_subsidy",
     "n_any_job_excl_pay_subsidy"),
)


def _group_order(group_var: str, group: str) -> tuple[int, int]:
    if group_var == "all":
        return (0, 0)
    if group_var == "cohort":
        return (1, COHORTS.index(group) if group in COHORTS else 9)
    return (2, REGIONS.index(group) if group in REGIONS else 99)


def _group_label(group_var: str, group: str, lang: Lang) -> str:
    if group_var == "region":
        return value_label("region", group, lang)
    return cohort_label(group, lang)


def _attachment_hidden(rows: list[dict]) -> set:
    cells = CountCells()
    for r in rows:
        key = (r["window_months"], r["group_var"], r["group"])
        cells.add(("n", *key), r["n_clients"])
        for column, count, _, _ in ATTACHMENT_COUNTS:
            cells.add((column, *key), r[count])
        for column, _, _, part_of in ATTACHMENT_COUNTS:
            cells.group([(column, *key)], total=r["n_clients"])
            if part_of != "n_clients":
                cells.group([(column, *key)], total=r[part_of],
                            remainder_key=(column, "rest_of", part_of, *key))
    # the cohorts add up to all, a cohort's regions to the cohort
    by_key = {(r["window_months"], r["group_var"], r["group"]): r for r in rows}
    for window in {r["window_months"] for r in rows}:
        parents = [(("all", "all"), [("cohort", c) for c in COHORTS])]
        parents += [(("cohort", c), [("region", g) for g in REGIONS
                                     if COHORT_OF_REGION[g] == c]) for c in COHORTS]
        for parent, children in parents:
            top = by_key.get((window, *parent))
            present = [k for k in children if (window, *k) in by_key]
            if top is None or not present:
                continue
            for column, count in (("n", "n_clients"),
                                  *((c, n) for c, n, _, _ in ATTACHMENT_COUNTS)):
                parts = [(column, window, *k) for k in present]
                cells.group(parts, total=top[count],
                            remainder_key=(column, window, "rest", *parent))
                # the whole may be hidden itself: then the parts must not give it back
                cells.group([*parts, (column, window, *parent)])
    return cells.hidden()


def build_attachment(attachment: pl.DataFrame, lang: Lang,
                     source: DeliverySet) -> PublishedTable:
    rows = sorted(attachment.iter_rows(named=True),
                  key=lambda r: (r["window_months"], *_group_order(r["group_var"], r["group"])))
    hidden = _attachment_hidden(rows)
    out = []
    for r in rows:
        key = (r["window_months"], r["group_var"], r["group"])
        few = too_few(r["n_clients"]) or ("n", *key) in hidden
        row = {"group": horizon_label(r["window_months"], lang),
               "stub": _group_label(r["group_var"], r["group"], lang),
               "n": shown(fmt_int(r["n_clients"], lang), ("n", *key) in hidden)}
        for column, count, pct, _ in ATTACHMENT_COUNTS:
            row[column] = shown(fmt_n_pct(r[count], r[pct], lang),
                                few or (column, *key) in hidden)
        for column, mean, jobs in (("days", "mean_days_worked", "any"),
                                   ("days_excl", "mean_days_worked_excl_pay_subsidy",
                                    "any_excl")):
            count = r[dict((c, n) for c, n, _, _ in ATTACHMENT_COUNTS)[jobs]]
            row[column] = shown(fmt_number(r[mean], 1, lang),
                                few or is_small(count) or (jobs, *key) in hidden)
        out.append(row)
    with_subsidy = ["any", "end", "days"]
    without = ["any_excl", "end_excl", "days_excl"]
    labels = {"n": text("clients_window", lang), "any": text("any_job", lang),
              "end": text("employed_at_end", lang), "days": text("mean_days_worked", lang),
              "any_excl": text("any_job", lang), "end_excl": text("employed_at_end", lang),
              "days_excl": text("mean_days_worked", lang)}
    data = as_strings(pl.DataFrame(out)).select("group", "stub", "n", *with_subsidy, *without)
    title = horizons_title("attachment_title", "attachment_title_horizons", source, lang)
    return PublishedTable(
        name="attachment", lang=lang, title=title, data=data,
        labels=labels, stub="stub", stubhead=text("group", lang), group="group",
        group_header=text("window", lang),
        spanners=[(text("all_jobs_spanner", lang), with_subsidy),
                  (text("excl_subsidy_spanner", lang), without)],
        notes=[text("attachment_note", lang), text("competitive_note", lang),
               text("months_note", lang), *longer_followup_notes(source.horizons, lang)],
        source=source.note(lang))


# ---------------------------------------------------------------------------------------------
# Jobs and employed days per client
# ---------------------------------------------------------------------------------------------
JOB_COUNT_COLUMNS = dict(zip(JOB_COUNT_LEVELS, ("n_jobs_0", "n_jobs_1", "n_jobs_2",
                                                "n_jobs_3plus"), strict=True))


# the rows on days employed: (text key, column of results.jobs_per_client, over the employed only)
DAYS_ROWS = (("days_mean", "mean_days_employed", False),
             ("days_median", "median_days_employed", False),
             ("days_mean_employed", "mean_days_employed_if_employed", True),
             ("days_median_employed", "median_days_employed_if_employed", True),
             ("days_per_year", "days_employed_per_year", False))


def _job_level_label(level: str, lang: Lang) -> str:
    return text("jobs_count_one", lang) if level == "1" else text("jobs_count_level", lang,
                                                                   level=level)


def build_jobs_per_client(jobs: pl.DataFrame, lang: Lang, source: DeliverySet) -> PublishedTable:
    groups = [g for g in ("all", *COHORTS) if g in set(jobs["group"].to_list())]
    by_group = {r["group"]: r for r in jobs.iter_rows(named=True)}
    cells = CountCells()
    for g in groups:
        r = by_group[g]
        cells.add(("n", g), r["n_clients"])
        for level, column in JOB_COUNT_COLUMNS.items():
            cells.add((level, g), r[column])
        cells.group([(level, g) for level in JOB_COUNT_LEVELS], total=r["n_clients"])
    cohorts = [g for g in groups if g != "all"]
    if "all" in by_group and cohorts:
        for what, column in (("n", "n_clients"), *JOB_COUNT_COLUMNS.items()):
            cells.group([(what, g) for g in cohorts], total=by_group["all"][column],
                        remainder_key=(what, "rest"))
            cells.group([*((what, g) for g in cohorts), (what, "all")])
    for g in groups:  # what each group's column derives from its counts (rule 4)
        n = by_group[g]["n_clients"]
        cells.derived(("followup", g), [("n", g)], over=n)
        for level in JOB_COUNT_LEVELS:
            cells.derived(("pct", level, g), [(level, g), ("n", g)], over=n)
        # mean × N = the jobs = 1 × one-job clients + 2 × two-job clients + …: beside a hidden
        # job-count cell it would give that cell back by subtraction (issue 30)
        cells.derived(("mean_jobs", g), [("n", g), *((level, g) for level in JOB_COUNT_LEVELS)],
                      over=n)
        for key, _column, employed_only in DAYS_ROWS:
            cells.derived((key, g), [("n", g)],
                          over=by_group[g]["n_employed"] if employed_only else n)
    hidden = cells.hidden()

    lines: list[tuple[str, str, dict[str, str]]] = []
    clients_label = text("clients_group", lang)
    lines.append((clients_label, text("n", lang),
                  {g: shown(fmt_int(by_group[g]["n_clients"], lang), ("n", g) in hidden)
                   for g in groups}))
    lines.append((clients_label, text("followup_months", lang), {
        g: shown(fmt_number(_months(by_group[g]["median_followup_days"]), 1, lang),
                 ("followup", g) in hidden)
        for g in groups}))
    jobs_group = text("jobs_count_group", lang)
    for level, column in JOB_COUNT_COLUMNS.items():
        values = {}
        for g in groups:
            r = by_group[g]
            pct = 100 * r[column] / r["n_clients"] if r["n_clients"] else None
            values[g] = shown(fmt_n_pct(r[column], pct, lang),
                              (level, g) in hidden or ("pct", level, g) in hidden)
        lines.append((jobs_group, _job_level_label(level, lang), values))
    lines.append((jobs_group, text("mean_jobs", lang), {
        g: shown(fmt_number(by_group[g]["mean_jobs"], 2, lang), ("mean_jobs", g) in hidden)
        for g in groups}))
    days_group = text("days_group", lang)
    for key, column, _employed_only in DAYS_ROWS:
        lines.append((days_group, text(key, lang), {
            g: shown(fmt_number(by_group[g][column], 1, lang), (key, g) in hidden)
            for g in groups}))

    data = as_strings(pl.DataFrame([{"group": grp, "stub": stub,
                                     **{f"c_{g}": v[g] for g in groups}}
                                    for grp, stub, v in lines]))
    labels = {f"c_{g}": cohort_label(g, lang) for g in groups}
    return PublishedTable(
        name="jobs_per_client", lang=lang, title=text("jobs_title", lang), data=data,
        labels=labels, stub="stub", stubhead=text("statistic", lang), group="group",
        group_header=text("baseline_stubhead", lang),
        notes=[text("jobs_note", lang)], source=source.note(lang))


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH
