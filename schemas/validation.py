"""pandera schemas (polars backend), built from the codebook — never written by hand.

A schema checks one source's *typed* frame (analysis names, parsed values) for the per-value
rules the codebook declares: allowed range (``min``/``max``), code list (``codes``) and text
pattern (``pattern``). Identity columns carry pseudonyms by then and are checked with stdnum at
pseudonymisation instead. Cross-field rules (``Source.row_rules``) are SQL, run over the whole
source at once; see ``ips_eval/ingest/checks.py``.

``value_failures`` turns pandera's lazy failure cases into one row per failing value, with the
rule id from ``schemas/rules.py`` it breaks: a failure on a key column rejects the row
(``key_malformed``), elsewhere it nulls the field (``out_of_range`` / ``invalid_value``).
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl

from schemas.codebook import Column, Source, source

POLARS_DTYPE: dict[str, type[pl.DataType]] = {
    "str": pl.String, "int": pl.Int32, "float": pl.Float64, "date": pl.Date, "month": pl.Date,
}

# pandera names its built-in checks after the function ("str_matches(...)"); the pattern check
# is a shape rule (invalid_value), every other check is a range / code-list rule (out_of_range).
PATTERN_CHECK_PREFIX = "str_matches"


def _checks(col: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.codes is not None:
        checks.append(pa.Check.isin(list(col.codes)))
    if col.min is not None and col.max is not None:
        checks.append(pa.Check.in_range(col.min, col.max))
    elif col.min is not None:
        checks.append(pa.Check.ge(col.min))
    elif col.max is not None:
        checks.append(pa.Check.le(col.max))
    if col.pattern is not None:
        checks.append(pa.Check.str_matches(col.pattern))
    return checks


def checked_columns(src: Source) -> tuple[Column, ...]:
    """The columns with at least one per-value rule (identity columns excluded)."""
    return tuple(c for c in src.columns if c.identity is None and _checks(c))


@cache
def schema_for(source_name: str) -> pa.DataFrameSchema:
    """The pandera schema of one source's typed frame (every column nullable: a missing value
    is not a defect here; missing keys are found by the key rules)."""
    src = source(source_name)
    return pa.DataFrameSchema(
        {c.name: pa.Column(POLARS_DTYPE[c.dtype], checks=_checks(c), nullable=True)
         for c in src.columns if c.identity is None},
        name=src.table,
        strict=False,  # bookkeeping columns (_hash, _row, …) ride along
        coerce=False,  # the typed SQL already parsed; a dtype mismatch here is a bug
    )


FAILURE_SCHEMA = {"_index": pl.Int64, "column": pl.String, "value": pl.String, "rule": pl.String}


def value_failures(src: Source, frame: pl.DataFrame) -> pl.DataFrame:
    """Every value of ``frame`` that breaks a per-value rule: ``_index`` (row position in the
    frame), ``column`` (analysis name), ``value`` (as text) and ``rule``. Empty when all pass.

    A dtype or missing-column failure is a programming error (the typed SQL is built from the
    same codebook) and is raised, not reported as data."""
    try:
        schema_for(src.name).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return pl.DataFrame(schema=FAILURE_SCHEMA)
    structural = cases.filter(pl.col("index").is_null())
    if structural.height:
        raise TypeError(f"typed frame of {src.name} does not match its schema:\n{structural}")
    keys = [c.name for c in src.columns if c.key]
    return cases.select(
        pl.col("index").cast(pl.Int64).alias("_index"),
        pl.col("column"),
        pl.col("failure_case").cast(pl.String).alias("value"),
        pl.when(pl.col("column").is_in(keys)).then(pl.lit("key_malformed"))
        .when(pl.col("check").str.starts_with(PATTERN_CHECK_PREFIX)).then(pl.lit("invalid_value"))
        .otherwise(pl.lit("out_of_range")).alias("rule"),
    ).unique(["_index", "column"], keep="first", maintain_order=True)
