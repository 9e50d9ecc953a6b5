"""No hidden cell of a published table can be solved from what the table prints (docs/methods.md
§Disclosure control; issue 30: a hidden count recovered by subtraction).

For each English CSV of ``tables/`` — the default run's and each small delivery's — the relations
the table publishes are written down from its text alone (support.differencing): the categories
add up to N, the cohorts to all and the teams to their region, a percentage × N is its count, a
mean × N the total it averages, a sum row (working or studying) its parts. Every hidden cell is
then minimised and maximised over the integers those relations allow; a cell whose least and
greatest value agree is given back, and must not be a count of 1–4 (``_recoverable``). The
relations are written per table kind below; a table with a hidden count in a count column and
no relations written here fails the coverage test, so a new table cannot slip past. Relations
between tables (the same clients in two tables) are not modelled.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from support.differencing import Cell, Expr, Relations, read_table, total

from ips_eval.publish.tables.common import cohort_label, value_label
from ips_eval.publish.tables.disclosure import is_small
from schemas.codebook import COHORT_OF_REGION, REGIONS
from schemas.table_text import text

COHORTS = ("pilot", "rrp")
ALL = cohort_label("all", "en")
COHORT_OF_LABEL = {cohort_label(c, "en"): c for c in COHORTS}
REGION_OF_LABEL = {value_label("region", r, "en"): r for r in REGIONS}


def _n(r: Relations, label, text_: str) -> Expr | None:  # noqa: ANN001
    return r.count(label, Cell.read(text_))


def _sum_rule(r: Relations, whole: Expr | None, parts: list[Expr | None]) -> None:
    if whole is not None and parts and all(p is not None for p in parts):
        r.equal(total(parts), whole)


# -- the table kinds ---------------------------------------------------------------------------
def jobs_per_client(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("jobs_per_client")
    by_stub = {row[1]: row for row in rows}
    levels = {"0": text("jobs_count_level", "en", level="0"), "1": text("jobs_count_one", "en"),
              "2": text("jobs_count_level", "en", level="2"),
              "3+": text("jobs_count_level", "en", level="3+")}
    cells: dict[tuple[str, str], Expr | None] = {}
    for j, column in enumerate(header[2:], start=2):
        n = cells["n", column] = _n(r, ("n", column), by_stub[text("n", "en")][j])
        for level, stub in levels.items():
            cell = Cell.read(by_stub[stub][j])
            cells[level, column] = r.count((level, column), cell)
            r.percentage(cells[level, column], cell, n)
        _sum_rule(r, n, [cells[level, column] for level in levels])
        mean = by_stub[text("mean_jobs", "en")][j]
        if n is not None and not Cell.read(mean).hidden and mean:
            # the 3+ clients hold 3 jobs each plus some more (none when there are none)
            more = r.unknown(("jobs beyond 3", column))
            r.at_most(more, cells["3+", column] * 1000)
            jobs = cells["1", column] + cells["2", column] * 2 + cells["3+", column] * 3 + more
            r.rounded(jobs, n, float(mean), 2)
    cohorts = [c for c in header[2:] if c != ALL]
    if ALL in header[2:]:
        for what in ("n", *levels):
            _sum_rule(r, cells[what, ALL], [cells[what, c] for c in cohorts])
    return r


ATTACHMENT = ("n", "any", "end", "days", "any_excl", "end_excl", "days_excl")


def attachment(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("attachment")
    counts: dict[tuple[str, str, str], Expr | None] = {}
    for row in rows:
        window, group = row[0], row[1]
        cells = dict(zip(ATTACHMENT, row[2:], strict=True))
        n = counts[window, group, "n"] = _n(r, (window, group, "n"), cells["n"])
        for what in ("any", "end", "any_excl", "end_excl"):
            cell = Cell.read(cells[what])
            counts[window, group, what] = r.count((window, group, what), cell)
            r.percentage(counts[window, group, what], cell, n)
        e = {w: counts[window, group, w] for w in ("n", "any", "end", "any_excl", "end_excl")}
        for small, big in (("any", "n"), ("end", "any"), ("any_excl", "any"),
                           ("end_excl", "any_excl"), ("end_excl", "end")):
            if e[small] is not None and e[big] is not None:
                r.at_most(e[small], e[big])
    _hierarchy(r, counts, ("n", "any", "end", "any_excl", "end_excl"))
    return r


def _hierarchy(r: Relations, counts: dict, whats: tuple[str, ...]) -> None:
    """The cohorts add up to all, a cohort's regions to the cohort (per first key)."""
    firsts = {k[0] for k in counts}
    groups = {k[1] for k in counts}
    for first in firsts:
        for what in whats:
            def get(g: str, first=first, what=what) -> Expr | None:
                return counts.get((first, g, what))
            present = [c for c in COHORT_OF_LABEL if c in groups and get(c) is not None]
            if ALL in groups and present:
                _sum_rule(r, get(ALL), [get(c) for c in present])
            for label, cohort in COHORT_OF_LABEL.items():
                regions = [g for g, code in REGION_OF_LABEL.items()
                           if COHORT_OF_REGION[code] == cohort and g in groups
                           and get(g) is not None]
                if label in groups and regions:
                    _sum_rule(r, get(label), [get(g) for g in regions])
                elif ALL in groups and regions and len(present) == 0 and len(
                        {COHORT_OF_REGION[REGION_OF_LABEL[g]] for g in groups
                         if g in REGION_OF_LABEL}) == 1:
                    _sum_rule(r, get(ALL), [get(g) for g in regions])


def quarterly(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("quarterly")
    counts: dict[tuple[str, str, str], Expr | None] = {}
    for region, quarter, *cells in rows:
        active = counts[quarter, region, "active"] = _n(r, (region, quarter, "active"), cells[0])
        previous = active
        for what, text_ in (("working", cells[1]), ("working_excl", cells[2])):
            cell = Cell.read(text_)
            counts[quarter, region, what] = e = r.count((region, quarter, what), cell)
            r.percentage(e, cell, active)
            if e is not None and previous is not None:
                r.at_most(e, previous)
            previous = e
    by_quarter = defaultdict(list)
    for quarter, region, _ in counts:
        if region != ALL and (quarter, region) not in by_quarter[quarter]:
            by_quarter[quarter].append((quarter, region))
    for quarter, regions in by_quarter.items():
        for what in ("active", "working", "working_excl"):
            whole = counts.get((quarter, ALL, what))
            _sum_rule(r, whole, [counts[q, g, what] for q, g in regions])
    return r


def regions(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("regions")
    teams: dict[str, list[dict]] = defaultdict(list)
    totals: dict[str, dict] = {}
    for row in rows:
        region, team = row[0], row[1]
        e = {"started": _n(r, (team, "started"), row[2]),
             "window": _n(r, (team, "window"), row[3])}
        cell = Cell.read(row[4])
        e["employed"] = r.count((team, "employed"), cell)
        r.percentage(e["employed"], cell, e["window"])
        for small, big in (("employed", "window"), ("window", "started")):
            if e[small] is not None and e[big] is not None:
                r.at_most(e[small], e[big])
        if team == text("region_total", "en", region=region):
            totals[region] = e
        else:
            teams[region].append(e)
    for region, whole in totals.items():
        for what in ("started", "window", "employed"):
            _sum_rule(r, whole[what], [t[what] for t in teams[region]])
    return r


def row_shares(name: str, first_count: int, count_columns: int | None = None,
               n_column: int | None = None) -> Callable[[list[str], list[list[str]]], Relations]:
    """Rows whose count cells (from ``first_count``) add up to the row's N: printed in
    ``n_column``, or never printed (an unknown; the percentages still tell it)."""
    def relations(header: list[str], rows: list[list[str]]) -> Relations:
        r = Relations(name)
        for i, row in enumerate(rows):
            n = (_n(r, (i, "n"), row[n_column]) if n_column is not None
                 else r.unknown((i, "row total")))
            end = len(row) if count_columns is None else first_count + count_columns
            parts = []
            for j in range(first_count, end):
                cell = Cell.read(row[j])
                if not cell.is_count:
                    continue
                e = r.count((row[0], row[1], header[j]), cell)
                r.percentage(e, cell, n)
                parts.append(e)
            _sum_rule(r, n, parts)
        return r
    return relations


def _category_blocks(r: Relations, name_rows: list[tuple[str, list[str]]],
                     columns: list[int], n_of: dict[int, Expr | None],
                     missing_shown: bool = True) -> None:
    """Blocks of category rows (one characteristic) whose every row is a count in every
    column: they add up to the column's N — or, without a row for the missing
    (``missing_shown`` False), to the persons with a known value (never printed; the
    percentages are over them), at most N."""
    blocks: dict[str, list[list[str]]] = defaultdict(list)
    for block, row in name_rows:
        blocks[block].append(row)
    for block, members in blocks.items():
        if not all(Cell.read(m[j]).is_count for m in members for j in columns):
            continue
        for j in columns:
            whole = n_of[j]
            if not missing_shown:
                whole = r.unknown((block, "known", j))
                if n_of[j] is not None:
                    r.at_most(whole, n_of[j])
            parts = []
            for k, m in enumerate(members):
                cell = Cell.read(m[j])
                e = r.count((block, k, j), cell)
                r.percentage(e, cell, whole)
                parts.append(e)
            _sum_rule(r, whole, parts)


def baseline(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("baseline")
    columns = [j for j, h in enumerate(header) if re.search(r"\(n = [^)]*\)$", h)]
    n_of = {j: _n(r, ("n", j), re.search(r"\(n = ([^)]*)\)$", header[j])[1]) for j in columns}
    _category_blocks(r, [(row[0], row) for row in rows], columns, n_of)
    return r


def attrition(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("attrition")
    by_wave: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        by_wave[row[0]].append(row)
    for wave, members in by_wave.items():
        n_row = next((m for m in members if m[1] == text("clients_n", "en")), None)
        n_of = {j: None if n_row is None else _n(r, (wave, "n", j), n_row[j]) for j in (2, 3)}
        named = [(f"{wave}: {m[1].split(': ', 1)[0]}", m) for m in members
                 if ": " in m[1] and not m[1].endswith("(SMD)")]
        _category_blocks(r, named, [2, 3], n_of, missing_shown=False)
    return r


def situation(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("situation")
    count_columns = [j for j, h in enumerate(header) if h.endswith(text("n_pct", "en"))]
    answers = {code: text("situation_answer", "en", label=value_label("situation", code, "en"))
               for code in (1, 2, 3, 4)}
    sums = {text("situation_working_or_studying", "en"): (1, 2, 3),
            text("situation_working", "en"): (1, 3), text("situation_studying", "en"): (2, 3)}
    by_wave: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for row in rows:
        by_wave[row[0]][row[1]] = row
    for wave, stubs in by_wave.items():
        cells: dict[tuple[str, int], Expr | None] = {}
        for j in count_columns:
            n = cells["n", j] = _n(r, (wave, "respondents", j),
                                   stubs[text("respondents_row", "en")][j])
            for stub in (*answers.values(), *sums):
                if stub in stubs:
                    cell = Cell.read(stubs[stub][j])
                    cells[stub, j] = r.count((wave, stub, j), cell)
                    r.percentage(cells[stub, j], cell, n)
            present = [a for a in answers.values() if a in stubs]
            _sum_rule(r, n, [cells[a, j] for a in present])
            for stub, codes in sums.items():
                if stub in stubs and all(answers[c] in stubs for c in codes):
                    _sum_rule(r, cells[stub, j], [cells[answers[c], j] for c in codes])
        if len(count_columns) > 1 and header[count_columns[0]].startswith(ALL):
            for stub in {s for s, _ in cells}:
                _sum_rule(r, cells[stub, count_columns[0]],
                          [cells[stub, j] for j in count_columns[1:]])
    return r


def employment(header: list[str], rows: list[list[str]]) -> Relations:
    r = Relations("employment")
    for i, row in enumerate(rows):
        started = _n(r, (i, "started"), row[3])
        previous = started
        for j in (4, 5):
            cell = Cell.read(row[j])
            e = r.count((row[0], header[j]), cell)
            r.percentage(e, cell, started)
            if e is not None and previous is not None:
                r.at_most(e, previous)
            previous = e
    return r


def employer_survey(header: list[str], rows: list[list[str]]) -> Relations:
    """Per group (all, cohorts) three columns: respondents, agreeing n (%), mean. The answers
    to a question other than the agreement items (would hire again: yes, maybe, no) add up to
    its respondents; the cohorts add up to all."""
    r = Relations("employer_survey")
    groups = [j for j, h in enumerate(header) if h.endswith(text("respondents_n", "en"))]
    cells: dict[tuple[int, int, str], Expr | None] = {}
    for i, row in enumerate(rows):
        for j in groups:
            n = cells[i, j, "n"] = _n(r, (i, j, "n"), row[j])
            cell = Cell.read(row[j + 1])
            e = cells[i, j, "count"] = r.count((row[1], header[j + 1]), cell)
            r.percentage(e, cell, n)
            if e is not None and n is not None:
                r.at_most(e, n)
    agree = text("agree_group", "en")
    for question in {row[0] for row in rows if row[0] != agree}:
        members = [i for i, row in enumerate(rows) if row[0] == question]
        for j in groups:
            _sum_rule(r, cells[members[0], j, "n"], [cells[i, j, "count"] for i in members])
    if len(groups) > 1 and header[groups[0]].startswith(ALL):
        for i in range(len(rows)):
            for what in ("n", "count"):
                _sum_rule(r, cells[i, groups[0], what], [cells[i, j, what] for j in groups[1:]])
    return r


RELATIONS: dict[str, Callable[[list[str], list[list[str]]], Relations]] = {
    "jobs_per_client": jobs_per_client,
    "attachment": attachment,
    "quarterly": quarterly,
    "regions": regions,
    "register": row_shares("register", 3, count_columns=6, n_column=2),
    "transitions": row_shares("transitions", 2),
    "baseline": baseline,
    "attrition": attrition,
    "situation": situation,
    "employment": employment,
    "employer_survey": employer_survey,
}


def _count_column(header: str) -> bool:
    return header.endswith((", n", "n (%)")) or header == "n"


def _hidden_count_tables(tables: Path) -> dict[str, list[str]]:
    """Tables with a hidden cell in a count column: name → those columns."""
    out = {}
    for path in sorted(tables.glob("*_en.csv")):
        header, rows = read_table(path)
        columns = {header[j] for row in rows for j, v in enumerate(row)
                   if v.strip() == ".." and _count_column(header[j])}
        if columns:
            out[path.name.removesuffix("_en.csv")] = sorted(columns)
    return out


def _recoverable(tables: Path) -> dict[str, list]:
    """Per table the hidden cells given back with a count of 1–4 — what the rule protects.
    A hidden cell given back as 0 or as 5 or more is left out: such a count may be printed
    (zero is printed, and so is any count of 5 or more), and a cell hidden beside a small one
    being known tells nothing more, since every relation is in the programme at once — were
    the small one given back by it, the small one would be listed itself. Two cases in the
    default run: no one of a region working in a quarter when the whole quarter's working
    are 0; studying (working too or not) = respondents − neither − working alone, which are
    printed, while studying alone and both stay unknown."""
    found = {}
    for path in sorted(tables.glob("*_en.csv")):
        name = path.name.removesuffix("_en.csv")
        header, rows = read_table(path)
        if name not in RELATIONS or len(header) < 2:  # a "no data yet" note
            continue
        solved = [(k, v) for k, v in RELATIONS[name](header, rows).recoverable()
                  if is_small(v)]
        if solved:
            found[name] = solved
    return found


SMALL = ("forty_clients_without_12_month_answers", "no_client_survey",
         "ten_clients_with_enrolment_forms_only")


def test_no_hidden_cell_of_the_default_run_can_be_solved(pipeline_run) -> None:  # noqa: ANN001
    out, _ = pipeline_run
    assert _recoverable(out / "tables") == {}


@pytest.mark.parametrize("case", SMALL)
def test_no_hidden_cell_of_a_small_delivery_can_be_solved(small_run, case: str) -> None:  # noqa: ANN001
    _, out, _ = small_run(case)
    assert _recoverable(out / "tables") == {}


def test_every_table_with_a_hidden_count_has_its_relations_written(pipeline_run,  # noqa: ANN001
                                                                    small_run) -> None:  # noqa: ANN001
    outs = [pipeline_run[0], *(small_run(c)[1] for c in SMALL)]
    missing = {name: columns for out in outs
               for name, columns in _hidden_count_tables(out / "tables").items()
               if name not in RELATIONS and name not in NO_COUNT_RELATIONS}
    assert missing == {}


# tables whose hidden counts take part in no relation the table prints (each cell stands alone:
# a hidden count there is its own primary cell, or the estimate beside it)
NO_COUNT_RELATIONS = {"mixed"}  # the observations of a model, beside its clients


def test_the_solver_finds_what_the_audit_found() -> None:
    """The audit's table (issue 30): 99 clients, 0 jobs 58, 1 and 2 jobs hidden, 3+ 0, mean
    0.45 — the hidden cells are 37 and 4, and the solver says so."""
    header = ["Characteristic", "Statistic", ALL]
    levels = [text("jobs_count_level", "en", level="0"), text("jobs_count_one", "en"),
              text("jobs_count_level", "en", level="2"),
              text("jobs_count_level", "en", level="3+")]
    rows = [["", text("n", "en"), "99"], ["", levels[0], "58 (58.6%)"], ["", levels[1], ".."],
            ["", levels[2], ".."], ["", levels[3], "0 (0.0%)"],
            ["", text("mean_jobs", "en"), "0.45"]]
    assert sorted(v for _, v in jobs_per_client(header, rows).recoverable()) == [4, 37]
    rows[-1][2] = ".."
    assert jobs_per_client(header, rows).recoverable() == []


def test_the_reports_file_counts_cannot_be_solved_from_the_source_totals() -> None:
    """The report prints each delivery file's counts and each source's, which are their sums:
    a file's hidden 2 quarantined rows beside another file's 5 and the source's 7 would be
    7 − 5. Both sections' counts are protected together (report_run.operational_hidden)."""
    import re

    from ips_eval.publish.report_run import RunInputs, deliveries_section, validation_section
    from ips_eval.publish.tables.disclosure import SUPPRESSED

    def counts(read: int, staged: int, quarantined: int) -> dict:
        return {"rows_read": read, "staged": staged, "superseded": 0, "exact_duplicates": 0,
                "quarantined_rows": quarantined}
    files = [{"source": "asiakkaat", "file": f"2023-07-0{i}_HEL.csv", "content_hash": h * 64,
              "size_bytes": 100, "outcome": "loaded", **c}
             for i, h, c in ((5, "f", counts(40, 38, 2)), (6, "e", counts(60, 55, 5)))]
    manifest = {"sources": {"asiakkaat": {**counts(100, 93, 7), "field_defects": 0}},
                "files": files}
    page = deliveries_section(RunInputs(manifest, None)) + validation_section(
        RunInputs(manifest, None))
    rows = [re.findall(r'<td class="num">([^<]*)</td>', row)
            for row in re.findall(r"<tr>(.*?)</tr>", page)]
    first, second = rows[1][-5:], rows[2][-5:]  # the two files: read, staged, …, quarantined
    source = rows[4][:5]
    assert first[-1] == SUPPRESSED and first[1] == SUPPRESSED
    # the other file's quarantined or the source's is hidden too, and so on along the columns
    assert SUPPRESSED in (second[-1], source[-1]) and SUPPRESSED in (second[1], source[1])
