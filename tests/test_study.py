"""The study defined once (schemas/study.py, docs/methods.md §The study): its facts hold
together, the one cut-off reader reads what the command line and the environment give, the
``meta`` tables carry them to SQL, and no other module or SQL file spells a cohort code or a
default cut-off date."""

from __future__ import annotations

import ast
import re
from datetime import date

import pytest

from ips_eval.config import PROJECT_ROOT
from ips_eval.warehouse import connect, write_study_meta
from schemas.codebook import COHORT_OF_REGION, VALUE_LABELS
from schemas.study import COHORTS, STUDY, parse_cutoff, parse_cutoffs
from schemas.windows import DEFAULT_CUTOFFS, HEADLINE_CUTOFFS

STUDY_MODULE = PROJECT_ROOT / "schemas" / "study.py"
SEARCHED = ("ips_eval", "assets", "schemas", "sql", "benchmarks", "scripts", "notebooks")


def test_the_study_holds_together() -> None:
    assert len(set(COHORTS)) == len(COHORTS) >= 2
    assert len(set(STUDY.region_codes)) == len(STUDY.regions)
    assert {r.cohort for r in STUDY.regions} == set(COHORTS)
    for cohort in STUDY.cohorts:
        first, last = cohort.period
        assert first <= cohort.enrolment[0] <= cohort.enrolment[1] <= last
        assert cohort.enrolment[0] <= cohort.headline.cutoff <= cohort.default_cutoff
        assert 0 < cohort.headline.employed < cohort.headline.started
        assert all((cohort.name.fi, cohort.name.sv, cohort.name.en))
    assert all(r.name.fi and r.name.sv and r.name.en for r in STUDY.regions)


def test_the_codebook_and_the_windows_are_the_study_s() -> None:
    assert {r.code: r.cohort for r in STUDY.regions} == COHORT_OF_REGION
    assert VALUE_LABELS["cohort"] == {c.code: c.name for c in STUDY.cohorts}
    assert VALUE_LABELS["region"] == {r.code: r.name for r in STUDY.regions}
    assert {c.code: c.default_cutoff for c in STUDY.cohorts} == DEFAULT_CUTOFFS
    # each cohort at its published figure's cut-off and at its default, once when they agree
    for cohort in STUDY.cohorts:
        dates = [d for c, d in HEADLINE_CUTOFFS if c == cohort.code]
        assert dates == sorted({cohort.headline.cutoff, cohort.default_cutoff})


def test_one_reader_of_a_cohort_s_cut_off() -> None:
    cohort = STUDY.cohorts[-1].code
    assert parse_cutoff(f"{cohort}=2024-04-30") == (cohort, date(2024, 4, 30))
    assert parse_cutoffs(f" {cohort}=2024-04-30 ,") == {**DEFAULT_CUTOFFS,
                                                        cohort: date(2024, 4, 30)}
    assert parse_cutoffs("") == DEFAULT_CUTOFFS
    with pytest.raises(ValueError, match="expected .*=YYYY-MM-DD"):
        parse_cutoff("nosuchcohort=2024-04-30")
    with pytest.raises(ValueError, match=f"e.g. {cohort}=2024-04-30"):
        parse_cutoff(f"{cohort}=30.4.2024")


def test_the_meta_tables_carry_the_study_to_sql(tmp_path) -> None:
    cutoffs = {**DEFAULT_CUTOFFS, COHORTS[0]: date(2022, 1, 31)}
    with connect(tmp_path / "w.duckdb") as con:
        write_study_meta(con, cutoffs)
        assert dict(con.execute("SELECT cohort, cutoff_date FROM meta.cutoffs").fetchall()) \
            == cutoffs
        assert dict(con.execute("SELECT region, cohort FROM meta.regions").fetchall()) \
            == COHORT_OF_REGION
        rows = con.execute("SELECT cohort, name_en, default_cutoff, headline_cutoff, "
                           "headline_started, headline_employed FROM meta.cohorts").fetchall()
    assert rows == [(c.code, c.name.en, c.default_cutoff, c.headline.cutoff,
                     c.headline.started, c.headline.employed) for c in STUDY.cohorts]


# a cohort code as a word of a text ('rrp', "cohort[rrp]", "estimate_rrp", SQL's 'pilot'),
# underscores counting as a word's edge
COHORT_WORD = re.compile("|".join(rf"(?<![A-Za-z0-9]){re.escape(c)}(?![A-Za-z0-9])"
                                  for c in COHORTS))


def _python_spellings(path) -> list[str]:  # noqa: ANN001 — a Path
    """A cohort code as a word of a string constant (a docstring's prose aside), a default
    cut-off as ``date(y, m, d)`` or in an ISO string."""
    found = []
    iso = [d.isoformat() for d in DEFAULT_CUTOFFS.values()]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            if COHORT_WORD.search(node.value) or any(d in node.value for d in iso):
                found.append(f"{node.lineno}: {node.value[:40]!r}")
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("date", "d")
              and len(node.args) == 3
              and all(isinstance(a, ast.Constant) for a in node.args)
              and date(*(a.value for a in node.args)) in DEFAULT_CUTOFFS.values()):
            found.append(f"{node.lineno}: date{tuple(a.value for a in node.args)}")
    return found


def _sql_spellings(path) -> list[str]:  # noqa: ANN001
    text = path.read_text(encoding="utf-8")
    words = [re.escape(f"'{c}'") for c in COHORTS]
    words += [re.escape(d.isoformat()) for d in DEFAULT_CUTOFFS.values()]
    return [f"{text.count(chr(10), 0, m.start()) + 1}: {m.group()}"
            for m in re.finditer("|".join(words), text)]


def _quoted_spellings(path) -> list[str]:  # noqa: ANN001
    """A cohort code or a default cut-off in quotes (R, a notebook's JSON-quoted code)."""
    text = path.read_text(encoding="utf-8")
    codes = "|".join(re.escape(c) for c in COHORTS)
    dates = "|".join(re.escape(d.isoformat()) for d in DEFAULT_CUTOFFS.values())
    return [f"{text.count(chr(10), 0, m.start()) + 1}: {m.group()}"
            for m in re.finditer(rf"""\\?["']({codes})\\?["']|{dates}""", text)]


SPELLINGS = {".py": _python_spellings, ".sql": _sql_spellings, ".R": _quoted_spellings,
             ".ipynb": _quoted_spellings}


def test_the_check_finds_a_spelled_cohort_and_cut_off(tmp_path) -> None:
    cohort, cutoff = COHORTS[0], DEFAULT_CUTOFFS[COHORTS[0]]
    py = tmp_path / "x.py"
    py.write_text(f"A = {cohort!r}\nB = date({cutoff.year}, {cutoff.month}, {cutoff.day})\n"
                  "C = 'cohorts'\n")
    assert [f.split(":")[0] for f in _python_spellings(py)] == ["1", "2"]
    in_text = tmp_path / "y.py"
    in_text.write_text(f'"""Prose may say {cohort}."""\nT = "cohort[{cohort}]"\n'
                       f"Q = \"WHERE cohort = '{cohort}'\"\n")
    assert [f.split(":")[0] for f in _python_spellings(in_text)] == ["2", "3"]
    r = tmp_path / "x.R"
    r.write_text(f'# {cohort} in a comment\nd$x <- d$cohort == "{cohort}"\n')
    assert [f.split(":")[0] for f in _quoted_spellings(r)] == ["2"]
    sql = tmp_path / "x.sql"
    sql.write_text(f"SELECT 1\nWHERE cohort = '{cohort}' OR d = DATE '{cutoff}'\n")
    assert len(_sql_spellings(sql)) == 2


def test_no_module_but_the_study_spells_a_cohort_or_a_default_cut_off() -> None:
    found = []
    for folder in SEARCHED:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path == STUDY_MODULE or path.suffix not in SPELLINGS:
                continue
            spell = SPELLINGS[path.suffix]
            found += [f"{path.relative_to(PROJECT_ROOT)}:{hit}" for hit in spell(path)]
    assert found == []
