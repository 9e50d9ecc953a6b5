"""Summaries of the survey items that are not scored: the client's situation and satisfaction
with the service at 6 and 12 months, and the employer survey.

- ``situation.csv``: per cohort (``all``, ``pilot``, ``rrp``) and wave, the share working
  (`tilanne` 1 or 3), studying (2 or 3), working or studying (1–3), and each answer, over the
  used follow-up responses with the item answered; Wilson 95 % CIs. (THL's news of 15.1.2024:
  55 % working or studying at the one-year follow-up.)
- ``satisfaction.csv``: `tyyt1` … `tyyt3` per cohort and wave: n, mean (SD) on the 1–5 scale and
  the share agreeing (4–5).
- ``employer_survey.csv``: `ta1` … `ta6` per cohort (via the employer's region; NULL region →
  cohort ``unknown``): n, mean (SD), share agreeing (4–5); and `would_hire` (yes / maybe / no)
  as counts and shares. Answers after the cohort's cut-off are not used.
Values outside an item's codebook range are treated as unanswered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import duckdb
import polars as pl

from ips_eval.warehouse import require_columns
from schemas.codebook import ASIAKASKYSELY, COHORT_OF_REGION, TYONANTAJAKYSELY, VALUE_LABELS
from schemas.instruments import (
    AGREE_CODES,
    EMPLOYER_ITEMS,
    FOLLOWUP_ITEMS,
    SATISFACTION_ITEMS,
    SITUATION_ITEM,
    SITUATION_STUDYING,
    SITUATION_WORKING,
)

Z95 = 1.959963984540054


def wilson_ci(successes: int, n: int) -> tuple[float | None, float | None]:
    """Wilson score 95 % interval for a proportion, in per cent."""
    if n == 0:
        return None, None
    p = successes / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def _in_range(column: str, codebook_column) -> pl.Expr:  # noqa: ANN001 — codebook Column
    c = pl.col(column)
    if codebook_column.codes is not None:
        return pl.when(c.is_in(list(codebook_column.codes))).then(c)
    return pl.when(c.is_between(codebook_column.min, codebook_column.max)).then(c)


def followup_items(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """analysis.survey_followup (built with the scores): situation and satisfaction items of each
    used follow-up response, out-of-range values set to null."""
    # a fixed row order: means and SDs are then bit-identical between runs
    frame = con.sql("SELECT * FROM analysis.survey_followup ORDER BY wave, client_id").pl()
    return frame.with_columns(
        [_in_range(i, ASIAKASKYSELY.column(i)).alias(i) for i in FOLLOWUP_ITEMS])


def _by_cohort(frame: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    cohorts = sorted(frame["cohort"].unique().drop_nulls().to_list())
    return [("all", frame), *((c, frame.filter(pl.col("cohort") == c)) for c in cohorts)]


SITUATION_CATEGORIES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("working_or_studying", tuple(sorted(set(SITUATION_WORKING) | set(SITUATION_STUDYING)))),
    ("working", SITUATION_WORKING),
    ("studying", SITUATION_STUDYING),
    *((f"answer_{code}_{VALUE_LABELS['situation'][code].en.lower()}", (code,))
      for code in sorted(VALUE_LABELS["situation"])),
)


def situation_summary(frame: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for wave in sorted(frame["wave"].unique().to_list()):
        for cohort, g in _by_cohort(frame.filter(pl.col("wave") == wave)):
            answered = g[SITUATION_ITEM].drop_nulls()
            for category, codes in SITUATION_CATEGORIES:
                n = int(answered.is_in(list(codes)).sum())
                lo, hi = wilson_ci(n, len(answered))
                rows.append({"cohort": cohort, "wave": wave, "category": category,
                             "codes": ",".join(map(str, codes)), "n": n,
                             "n_answered": len(answered),
                             "pct": 100 * n / len(answered) if len(answered) else None,
                             "ci_lower": lo, "ci_upper": hi})
    return pl.DataFrame(rows, schema={
        "cohort": pl.String, "wave": pl.Int64, "category": pl.String, "codes": pl.String,
        "n": pl.Int64, "n_answered": pl.Int64, "pct": pl.Float64, "ci_lower": pl.Float64,
        "ci_upper": pl.Float64})


LIKERT_SCHEMA = {
    "cohort": pl.String, "wave": pl.Int64, "item": pl.String, "label": pl.String,
    "n": pl.Int64, "mean": pl.Float64, "sd": pl.Float64, "n_agree": pl.Int64,
    "pct_agree": pl.Float64,
}


def _likert_row(values: pl.Series) -> dict:
    v = values.drop_nulls()
    agree = int(v.is_in(list(AGREE_CODES)).sum())
    return {"n": len(v), "mean": v.mean() if len(v) else None,
            "sd": v.std() if len(v) >= 2 else None, "n_agree": agree,
            "pct_agree": 100 * agree / len(v) if len(v) else None}


def satisfaction_summary(frame: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for wave in sorted(frame["wave"].unique().to_list()):
        for cohort, g in _by_cohort(frame.filter(pl.col("wave") == wave)):
            for item in SATISFACTION_ITEMS:
                rows.append({"cohort": cohort, "wave": wave, "item": item,
                             "label": ASIAKASKYSELY.column(item).label("en"),
                             **_likert_row(g[item])})
    return pl.DataFrame(rows, schema=LIKERT_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Employer survey
# ---------------------------------------------------------------------------------------------
def employer_answers(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date]) -> pl.DataFrame:
    items = [*EMPLOYER_ITEMS, "would_hire"]
    require_columns(con, "staging", "tyonantajakysely", ["region", "response_date", *items])
    frame = con.sql(
        "SELECT region, response_date, COLUMNS(lambda c: list_contains($items, c)) "
        "FROM staging.tyonantajakysely ORDER BY ALL", params={"items": items}).pl()
    cutoff = pl.col("cohort").replace_strict(
        {k: v for k, v in cutoffs.items()}, default=None, return_dtype=pl.Date)
    frame = frame.with_columns(
        cohort=pl.col("region").replace_strict(COHORT_OF_REGION, default="unknown",
                                               return_dtype=pl.String))
    frame = frame.filter(cutoff.is_null() | (pl.col("response_date") <= cutoff))
    return frame.with_columns(
        [_in_range(i, TYONANTAJAKYSELY.column(i)).alias(i) for i in items])


EMPLOYER_SCHEMA = {
    "cohort": pl.String, "item": pl.String, "label": pl.String, "category": pl.String,
    "n": pl.Int64, "n_answered": pl.Int64, "pct": pl.Float64, "mean": pl.Float64,
    "sd": pl.Float64,
}


def employer_survey_summary(frame: pl.DataFrame) -> pl.DataFrame:
    rows = []
    hire = TYONANTAJAKYSELY.column("would_hire")
    for cohort, g in _by_cohort(frame):
        for item in EMPLOYER_ITEMS:
            r = _likert_row(g[item])
            rows.append({"cohort": cohort, "item": item,
                         "label": TYONANTAJAKYSELY.column(item).label("en"),
                         "category": "agree", "n": r["n_agree"], "n_answered": r["n"],
                         "pct": r["pct_agree"], "mean": r["mean"], "sd": r["sd"]})
        answered = g["would_hire"].drop_nulls()
        for code, label in VALUE_LABELS[hire.value_labels].items():
            n = int((answered == code).sum())
            rows.append({"cohort": cohort, "item": "would_hire", "label": hire.label("en"),
                         "category": label.en.lower(), "n": n, "n_answered": len(answered),
                         "pct": 100 * n / len(answered) if len(answered) else None})
    return pl.DataFrame(rows, schema=EMPLOYER_SCHEMA)
