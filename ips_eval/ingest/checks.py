"""Validation of one source's raw rows: typed values, then every defect, each with its level and
rule (schemas/rules.py) exactly as docs/methods.md §Defects and quarantine says.

All set work over the source's rows of the *active* delivery files (the files present in the
delivery folder now), in DuckDB:
- ``_raw``: view of ``raw.<table>`` restricted to active files; ``_content``: each row's
  delivered content as one value;
- ``_typed``: text parsed into the codebook's types (``sql/ingest/parsing_macros.sql``), ``_key``;
- ``_defects``: one row per defect found — ``(_rid, column, level, rule, value, message)``,
  ``column`` the delivered (raw) column name.

Rows are identified by ``_rid`` = file number (in ``_active``) × 2³² + data row: one BIGINT to
join on instead of a 64-character file hash and a row number (joins over tens of millions of
register rows are what the time goes to).

Per-value rules (ranges, code lists, patterns) are checked by the pandera schema built from the
codebook (``schemas/validation.py``), run lazily over Arrow batches streamed from DuckDB; only
the failures come back. Cross-field rules are the codebook's ``RowRule`` SQL predicates.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from ips_eval.ingest import identity
from ips_eval.ingest.raw import content_columns, identity_parts, raw_table
from ips_eval.ingest.readers import quote_ident
from ips_eval.outputs import FORMULA_START, PLAIN_NUMBERS
from schemas.codebook import EARLIEST_DATE, REGISTER_EARLIEST_DATE, Column, Source
from schemas.rules import rule
from schemas.validation import checked_columns, value_failures

PARSE = {"str": "ingest_parse_text", "int": "ingest_parse_int", "float": "ingest_parse_number",
         "date": "ingest_parse_date", "month": "ingest_parse_month"}
SQL_TYPE = {"str": "VARCHAR", "int": "INTEGER", "float": "DOUBLE", "date": "DATE",
            "month": "DATE"}
BATCH_ROWS = 1_000_000

_DEFECTS_DDL = """CREATE OR REPLACE TEMP TABLE _defects (_rid BIGINT,
    "column" VARCHAR, level VARCHAR, rule VARCHAR, value VARCHAR, message VARCHAR)"""


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parsed(col: Column) -> str:
    """The column's delivered text parsed once (``prepare_source``'s inner projection): the
    typed value and the parse defect both read it, so no value is parsed twice."""
    return quote_ident("_p_" + col.raw)


def _typed_expr(col: Column) -> str:
    if col.identity:
        return f"{quote_ident(col.raw + '_pid')}"
    expr = _parsed(col)
    if col.max_chars is not None:  # never stage more than the codebook allows (issue 16)
        expr = f"CASE WHEN length({expr}) <= {int(col.max_chars)} THEN {expr} END"
    if col.missing_codes:
        codes = ", ".join(str(int(c)) for c in col.missing_codes)  # codebook constants
        expr = f"CASE WHEN {expr} IN ({codes}) THEN NULL ELSE {expr} END"
    # a value masked because a HETU stood there is no delivered value: only that rule applies
    return (f"CAST(CASE WHEN NOT list_contains(_hetu_in, {_lit(col.raw)}) THEN {expr} END "
            f"AS {SQL_TYPE[col.dtype]})")


def _empty(col: Column) -> str:
    return f"nullif(trim({quote_ident(col.raw)}), '') IS NULL"


def _flags(col: Column) -> list[str]:
    """What ``_parse_defects`` reports, worked out in the same pass as the typed value:
    ``_empty_<raw>`` (a key left empty), ``_long_<raw>`` / ``_bad_<raw>`` (the delivered text
    when it is longer than the codebook allows / does not parse, else NULL)."""
    raw = quote_ident(col.raw)
    flags = []
    if col.key and not col.empty_key_allowed:
        flags.append(f"{_empty(col)} AS {quote_ident('_empty_' + col.raw)}")
    # a value masked because a HETU stood there was not delivered as such: that rule only
    empty = f"({_empty(col)} OR list_contains(_hetu_in, {_lit(col.raw)}))"
    if col.max_chars is not None:
        flags.append(f"CASE WHEN NOT {empty} AND length(trim({raw})) > {int(col.max_chars)} "
                     f"THEN {raw} END AS {quote_ident('_long_' + col.raw)}")
    if col.dtype != "str":
        flags.append(f"CASE WHEN NOT {empty} AND {_parsed(col)} IS NULL THEN {raw} END "
                     f"AS {quote_ident('_bad_' + col.raw)}")
    return flags


def prepare_source(con: duckdb.DuckDBPyConnection, src: Source, active: list[str]) -> int:
    """Create ``_raw`` and ``_typed`` for the source's active files; returns the row count."""
    # files numbered in delivery order (delivery date, then name): the newest version of a
    # key is then simply the one with the largest _rid (sql/ingest/row_outcomes.sql)
    con.execute("CREATE OR REPLACE TEMP TABLE _active AS SELECT content_hash, "
                "CAST(row_number() OVER (ORDER BY delivery_date, file, content_hash) AS BIGINT) "
                "AS file_no FROM meta.ingest_files "
                "WHERE content_hash IN (SELECT unnest($h::VARCHAR[]))", {"h": active})
    con.execute(f"CREATE OR REPLACE TEMP VIEW _raw AS SELECT (a.file_no << 32) + r._row AS _rid,"
                f" a.file_no AS _file_no, r.* FROM {raw_table(src)} r "
                "JOIN _active a ON a.content_hash = r._hash")
    # a row's delivered content, for the exact comparison of rows whose _row_hash agrees
    content = ", ".join(quote_ident(c) for c in content_columns(src))
    con.execute(f"CREATE OR REPLACE TEMP VIEW _content AS SELECT _rid, _file_no, "
                f"row({content}) AS content FROM _raw")
    plain = [c for c in src.columns if not c.identity]
    parsed = [f"{PARSE[c.dtype]}({quote_ident(c.raw)}) AS {_parsed(c)}" for c in plain]
    typed = [f"{_typed_expr(c)} AS {quote_ident(c.name)}" for c in src.columns]
    typed += [flag for c in plain for flag in _flags(c)]
    extra = []
    for c in src.columns:
        if c.identity:
            extra += [f"{quote_ident(n)} AS {quote_ident('_' + n)}"
                      for n, _ in identity_parts(src, c) if not n.endswith("_pid")]
    key_parts = [c for c in src.columns if c.key]
    complete = " AND ".join(f"{quote_ident(c.name)} IS NOT NULL" for c in key_parts
                            if not c.empty_key_allowed)
    # _key: the key parts as one value (a 128-bit hash), NULL when a required part is missing
    key_text = ", ".join(f"CAST({quote_ident(c.name)} AS VARCHAR)" for c in key_parts)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _typed AS SELECT *, CASE WHEN {complete} THEN "
        f"md5_number(to_json([{key_text}])) END AS _key FROM (SELECT _rid, _file_no, "
        f"_file, _delivery_date, _row, _row_hash, _unparseable, _hetu_in, "
        f"{', '.join(typed + extra)} FROM (SELECT {', '.join(['*', *parsed])} FROM _raw))")
    return con.execute("SELECT count(*) FROM _typed").fetchall()[0][0]


def collect_defects(con: duckdb.DuckDBPyConnection, src: Source, empty: bool = False) -> None:
    """Fill ``_defects`` with every row and field defect of ``_typed`` (duplicates and key
    conflicts come later, in ``sql/ingest/row_outcomes.sql``). ``empty``: no rows, skip."""
    con.execute(_DEFECTS_DDL)
    if empty:
        return
    add = _DefectQueries()
    add("SELECT _rid, NULL, 'row', 'row_unparseable', NULL, $msg FROM _typed "
        "WHERE _unparseable", msg="the row cannot be parsed: fields missing or extra, or an "
        "unterminated quote (e.g. a truncated last line)")
    add("SELECT _rid, c, 'row', 'hetu_in_wrong_column', $mask, 'a valid personal identity"
        " code stands in column ' || c || ' (masked in raw)' FROM (SELECT _rid, "
        "unnest(_hetu_in) AS c FROM _typed)", mask=identity.HETU_MASK)
    for c in src.columns:
        if c.identity:
            _identity_defects(add, src, c)
        else:
            _parse_defects(add, c)
    for r in src.all_row_rules:
        col = src.column(r.column)
        value = f"CAST({quote_ident(col.name)} AS VARCHAR)"
        add(f"SELECT _rid, $col, 'row', $rule, {value}, $msg FROM _typed t "
            f"WHERE NOT _unparseable AND ({r.broken_when})", col=col.raw, rule=r.rule,
            msg=rule(r.rule).en, earliest_date=EARLIEST_DATE,
            register_earliest_date=REGISTER_EARLIEST_DATE)
    for c in src.columns:
        if c.required_with:
            # the row keeps its data: the value is already missing, the defect is recorded
            when = quote_ident(src.column(c.required_with).name)
            add(f"SELECT _rid, $col, 'field', 'missing_required_value', NULL, $msg FROM _typed "
                f"WHERE NOT _unparseable AND {when} IS NOT NULL AND {quote_ident(c.name)} "
                "IS NULL", col=c.raw, msg=f"{rule('missing_required_value').en}: "
                f"{c.raw} is required when {src.column(c.required_with).raw} is set")
    if src.table == "asiakkaat":
        add("SELECT _rid, 'hetu', 'field', 'hetu_missing_with_consent', NULL, $msg "
            "FROM _typed WHERE _hetu_status = 'missing' AND register_consent = 1",
            msg=rule("hetu_missing_with_consent").en)
    add.run(con)
    _value_defects(con, src)


class _DefectQueries:
    """Collects the defect SELECTs of one source and runs them as one INSERT … UNION ALL: one
    statement (one scan plan) instead of a hundred small ones. Each SELECT's parameters are
    renamed apart (``$col`` → ``$col_7``)."""

    def __init__(self) -> None:
        self.selects: list[str] = []
        self.params: dict[str, object] = {}

    def __call__(self, select: str, **params) -> None:
        n = len(self.selects)
        for name, value in params.items():
            pattern = re.compile(rf"\${name}\b")
            if pattern.search(select):
                select = pattern.sub(f"${name}_{n}", select)
                self.params[f"{name}_{n}"] = value
        self.selects.append(f"({select})")

    def run(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.selects:
            con.execute("INSERT INTO _defects " + "\nUNION ALL\n".join(self.selects),
                        self.params or None)


def _identity_defects(add, src: Source, c: Column) -> None:
    status = quote_ident(f"_{c.raw}_status")
    # raw keeps only the pseudonym and the status of a HETU, so quarantine shows its mask (the
    # message says what was wrong); a malformed business ID is shown as delivered
    value = (_lit(identity.HETU_MASK) if c.identity == "hetu"
             else quote_ident(f"_{c.raw}_invalid"))
    if c.key:
        if not c.empty_key_allowed:
            add(f"SELECT _rid, $col, 'row', 'key_missing', NULL, $msg FROM _typed "
                f"WHERE NOT _unparseable AND {status} = 'missing'", col=c.raw,
                msg=f"key column {c.raw} is empty")
        bad_rule = "invalid_hetu" if c.identity == "hetu" else "key_malformed"
    else:
        bad_rule = "invalid_hetu_field" if c.identity == "hetu" else "invalid_ytunnus"
    level = "row" if c.key else "field"
    what = "personal identity code" if c.identity == "hetu" else "business ID (Y-tunnus)"
    add(f"SELECT _rid, $col, $level, $rule, {value}, $what || ': ' || {status} FROM _typed "
        f"WHERE NOT _unparseable AND {status} NOT IN ('valid', 'missing', 'hetu')",
        col=c.raw, level=level, rule=bad_rule, what=what)
    if c.identity == "ytunnus":
        add(f"SELECT _rid, $col, 'row', 'hetu_in_wrong_column', $mask, $msg FROM _typed "
            f"WHERE {status} = 'hetu'", col=c.raw, mask=identity.HETU_MASK,
            msg=f"a personal identity code stands in {c.raw}, a business ID column")


def _parse_defects(add, c: Column) -> None:
    """Text that does not parse as the column's type: a malformed key rejects the row, any
    other value is set to missing (contract). Read from the flags ``prepare_source`` set."""
    if c.key and not c.empty_key_allowed:
        add(f"SELECT _rid, $col, 'row', 'key_missing', NULL, $msg FROM _typed "
            f"WHERE NOT _unparseable AND {quote_ident('_empty_' + c.raw)}", col=c.raw,
            msg=f"key column {c.raw} is empty")
    if c.max_chars is not None:
        long = quote_ident("_long_" + c.raw)
        # a spreadsheet formula says more about the value than its length does
        rule_sql = ("'key_malformed'" if c.key else
                    f"CASE WHEN {_formula_like(long)} THEN 'formula_like_value' "
                    "ELSE 'value_too_long' END")
        add(f"SELECT _rid, $col, $level, {rule_sql}, {long}, $msg FROM _typed "
            f"WHERE NOT _unparseable AND {long} IS NOT NULL",
            col=c.raw, level="row" if c.key else "field",
            formula=FORMULA_START, plain=PLAIN_NUMBERS,
            msg=f"{c.raw}: longer than the {c.max_chars} characters the codebook allows")
    if c.dtype == "str":
        return
    bad = quote_ident("_bad_" + c.raw)
    level, rule_id = ("row", "key_malformed") if c.key else ("field", "invalid_value")
    add(f"SELECT _rid, $col, $level, $rule, {bad}, $msg FROM _typed "
        f"WHERE NOT _unparseable AND {bad} IS NOT NULL",
        col=c.raw, level=level, rule=rule_id,
        msg=f"{c.raw}: not a valid {_TYPE_WORDS[c.dtype]}")


def _formula_like(expr: str) -> str:
    """SQL: the value would run as a spreadsheet formula (parameters $formula, $plain)."""
    return f"(regexp_matches({expr}, $formula) AND NOT regexp_matches({expr}, $plain))"


_TYPE_WORDS = {"int": "whole number", "float": "number", "date": "date (d.m.yyyy)",
               "month": "month (yyyy-mm)"}


def _value_defects(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Ranges, code lists and patterns: the pandera schema over Arrow batches from DuckDB."""
    cols = checked_columns(src)
    if not cols:
        return
    # every typed column goes through the schema, so its dtypes are checked too
    select = ", ".join(quote_ident(c.name) for c in src.columns if c.identity is None)
    reader = con.sql(f"SELECT _rid, {select} FROM _typed WHERE NOT _unparseable"
                     ).to_arrow_reader(BATCH_ROWS)
    found = []
    for batch in reader:
        frame = pl.from_arrow(batch)
        failures = value_failures(src, frame)
        if failures.height:
            where = frame.select("_rid").with_row_index("_index")
            found.append(failures.join(where.with_columns(pl.col("_index").cast(pl.Int64)),
                                       on="_index").drop("_index"))
    if not found:
        return
    failures = pl.concat(found)
    raw_of = {c.name: c.raw for c in src.columns}
    failures = failures.with_columns(
        pl.col("column").replace_strict(raw_of).alias("raw_column"),
        pl.when(pl.col("rule") == "key_malformed").then(pl.lit("row"))
        .otherwise(pl.lit("field")).alias("level"))
    con.register("_value_failures", failures.to_arrow())
    try:
        raw_value = "CASE f.raw_column " + " ".join(
            f"WHEN {_lit(c.raw)} THEN r.{quote_ident(c.raw)}" for c in cols) + " END"
        # a field that fails its pattern because it is a spreadsheet formula gets its own rule
        # (the outputs defuse formulas anyway; this says where one came in)
        rule_of = (f"CASE WHEN f.rule = 'invalid_value' AND {_formula_like(raw_value)} THEN "
                   "'formula_like_value' ELSE f.rule END")
        con.execute(
            f"INSERT INTO _defects SELECT f._rid, f.raw_column, f.level, {rule_of}, "
            f"{raw_value}, f.raw_column || ': ' || CASE {rule_of} WHEN 'formula_like_value' "
            "THEN 'a spreadsheet formula where a code belongs' WHEN 'invalid_value' THEN "
            "'does not match the expected form' ELSE 'outside the allowed range or codes' END "
            "FROM _value_failures f JOIN _raw r ON r._rid = f._rid",
            {"formula": FORMULA_START, "plain": PLAIN_NUMBERS})
    finally:
        con.unregister("_value_failures")
