"""The parse macros (sql/ingest/parsing_macros.sql) where a faster form replaced a regular
expression: the number text's space removal (translate) equals the regular expression it replaced on
every whitespace and space-like character there is, in every position."""

from __future__ import annotations

import sys

import duckdb
import numpy as np
import pytest

from ips_eval.warehouse import run_sql

REGEX_FORM = r"regexp_replace(s, '[\s\x{00A0}\x{202F}\x{2009}]', '', 'g')"


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    run_sql(con, "ingest/parsing_macros")
    return con


def _spaces() -> list[str]:
    """Every character Python or Unicode counts as a space or separator, and the controls."""
    found = [chr(c) for c in range(sys.maxunicode + 1)
             if chr(c).isspace() or chr(c) in "\u200b\u2060\ufeff"]
    return sorted(set(found) | {chr(c) for c in range(32)} | {"\x7f"})


def test_space_removal_equals_the_regular_expression(con) -> None:
    rng = np.random.default_rng(3)
    spaces = _spaces()
    parts = ["1", "234", ",", ".", "-", "+", "50", "e", "ä", "", "0"]
    texts = [f"{a}{s}{b}" for s in spaces for a in ("", "1", "12 ") for b in ("", "234,5", " ")]
    for _ in range(20_000):
        n = int(rng.integers(1, 8))
        texts.append("".join(str(rng.choice(spaces if rng.random() < 0.4 else parts))
                             for _ in range(n)))
    texts.append(None)
    rows = con.execute(f"SELECT s, ingest_number_text(s), replace({REGEX_FORM}, ',', '.') "
                       "FROM unnest($t::VARCHAR[]) AS t(s)", {"t": texts}).fetchall()
    assert len(rows) == len(texts)
    differ = [(s, a, b) for s, a, b in rows if a != b]
    assert differ == []


def test_numbers_parse_with_every_kind_of_thousands_space(con) -> None:
    got = con.execute("SELECT ingest_parse_number(s) FROM unnest($t::VARCHAR[]) "
                      "WITH ORDINALITY AS t(s, i) ORDER BY i",
                      {"t": ["1 234,50", "1\u00a0234,5", "1\u202f234", "1\u2009234", "\t12\n",
                             "\x0b12", "1,2,3", "1e5", "-0,5"]}).fetchall()
    assert [g[0] for g in got] == [1234.5, 1234.5, 1234.0, 1234.0, 12.0, None, None, None, -0.5]


@pytest.mark.parametrize(("fast", "general"), [("ingest_parse_number", "ingest_parse_number_any"),
                                               ("ingest_parse_int", "ingest_parse_int_any")])
def test_the_fast_number_forms_equal_the_general_ones(con, fast, general) -> None:
    """The cast without space removal is taken only where removing spaces changes nothing:
    on any text, spaces or not, the two forms give the same value."""
    rng = np.random.default_rng(11)
    parts = ["0", "1", "7", "234", "99999999999", ",", ".", "-", "+", " ", "\u00a0", "\t",
             "e", "5e3", "inf", "nan", "x", "", "00", ",0", ".5"]
    texts = ["2723,56", "1031.32", "-5", "+3,0", "3,00", "2,5", ",5", "5,", ".", ",", "-",
             "1 234,50", "0x10", "1_000", "NaN", "Infinity", "", None]
    texts += ["".join(str(rng.choice(parts)) for _ in range(int(rng.integers(1, 6))))
              for _ in range(50_000)]
    rows = con.execute(f"SELECT s, {fast}(s), {general}(s) FROM unnest($t::VARCHAR[]) t(s)",
                       {"t": texts}).fetchall()
    assert len(rows) == len(texts)
    assert [(s, a, b) for s, a, b in rows if a != b and not (a is None and b is None)] == []
    parsed = sum(a is not None for _, a, _ in rows)
    assert 0 < parsed < len(rows)  # both kinds of text were there
