"""The HETU check and pseudonym in SQL (sql/ingest/hetu_macros.sql) equal python-stdnum and
Python's hmac, value for value, over a million generated codes: every century sign, every
wrong check character, impossible dates, individual numbers out of range, lower case,
spaces and non-ASCII characters (those take the Python path)."""

from __future__ import annotations

import hashlib
import hmac
import os

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from ips_eval.ingest import identity

ALPHABET = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SIGNS = "+-YXWVUABCDEF"
KEY = b"test-key"


def generated_codes(n: int, seed: int = 7) -> list[str]:
    """``n`` HETU-like codes. Code i's check character is the right one shifted by i mod 31
    places in the alphabet: every wrong check character comes up for every kind of base.
    Dates are mostly real (day 1–31, month 1–12, so 30 February and 31 April come up) with
    some out of range; the individual number spans 000–999 (000, 001 and 900–999 invalid)."""
    rng = np.random.default_rng(seed)
    day = np.where(rng.random(n) < 0.95, rng.integers(1, 32, n), rng.integers(0, 40, n))
    month = np.where(rng.random(n) < 0.95, rng.integers(1, 13, n), rng.integers(0, 20, n))
    year = rng.integers(0, 100, n)
    sign = rng.integers(0, len(SIGNS), n)
    individual = rng.integers(0, 1000, n)
    codes = []
    for i in range(n):
        digits = f"{day[i]:02d}{month[i]:02d}{year[i]:02d}"
        number = f"{individual[i]:03d}"
        right = int(digits + number) % 31
        code = digits + SIGNS[sign[i]] + number + ALPHABET[(right + i) % 31]
        codes.append(code)
    # variants that compact() and the fallback must handle like stdnum: lower case, spaces,
    # a wrong sign or check letter outside the alphabet, other lengths, non-ASCII, empty
    picked = rng.choice(n, size=max(n // 50, 31), replace=False)
    for j, i in enumerate(picked):
        code = codes[i]
        codes[i] = [code.lower(), f" {code[:6]} {code[6:]} ", code[:6] + "Z" + code[7:],
                    code[:10] + "G", code[:10] + "I", code + "0", code[:9],
                    code[:6] + "\u2013" + code[7:], code.replace("0", "\u0660"),
                    f"\t{code}", "", "   ", code[:6] + "\u00e4" + code[7:]][j % 13]
    return codes


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    identity.register_identity_macros(con)
    yield con
    con.close()


def sql_lookup(con: duckdb.DuckDBPyConnection, values: list[str | None],
               with_birth: bool = True) -> list[tuple]:
    con.register("_values", pa.table({"v": pa.array(values, pa.string())}))
    try:
        identity.create_hetu_lookup(con, "_lk", "SELECT v FROM _values", KEY, with_birth)
        return con.execute("SELECT * FROM _lk ORDER BY value").fetchall()
    finally:
        con.unregister("_values")


def python_lookup(values: list[str | None], with_birth: bool = True) -> list[tuple]:
    table = identity.hetu_lookup(sorted(set(v for v in values if v is not None)), KEY,
                                 with_birth)
    return sorted(zip(*(table.column(c).to_pylist() for c in table.column_names),
                      strict=True), key=lambda row: row[0])


@pytest.mark.slow
def test_sql_hetu_lookup_equals_stdnum_on_a_million_codes(con) -> None:
    # stdnum takes 15–40 µs a code: CI checks 200,000 codes, IPS_EVAL_SCALE=full a million
    n = 1_000_000 if os.environ.get("IPS_EVAL_SCALE") == "full" else 200_000
    codes = generated_codes(n)
    got, expected = sql_lookup(con, codes), python_lookup(codes)
    statuses = {row[2] for row in expected}
    assert statuses == {"valid", "missing", "malformed (not ddmmyyCnnnX)",
                        "invalid date or individual number", "invalid check character"}
    assert sum(row[2] == "valid" for row in expected) > n // 100
    mismatched = [(e, g) for e, g in zip(expected, got, strict=False) if e != g]
    assert len(got) == len(expected) and not mismatched[:5]


def test_every_century_sign_and_every_wrong_check_character(con) -> None:
    codes = []
    for sign in SIGNS:
        base = "290200" if sign in "ABCDEF" else "131052"  # 29 Feb 2000; a 1900s/1800s day
        right = int(base + "308") % 31
        codes += [base + sign + "308" + ALPHABET[(right + k) % 31] for k in range(31)]
    got = {row[0]: row[1:] for row in sql_lookup(con, codes)}
    for code in codes:
        problem = identity.hetu_problem(code)
        pid, status, born, sex = got[code]
        assert status == (problem or "valid")
        assert pid == hmac.new(KEY, code.encode(), hashlib.sha256).hexdigest()
        if problem is None:
            assert (born, sex) == identity.birth_date_and_sex(code)
        else:
            assert (born, sex) == (None, None)
    assert sum(got[c][1] == "valid" for c in codes) == len(SIGNS)  # one right check each


def test_leap_days_and_century_boundaries(con) -> None:
    codes = []
    for ddmmyy, sign in [("290200", "-"), ("290200", "A"), ("290200", "Y"), ("290200", "+"),
                         ("290204", "F"), ("310499", "U"), ("000199", "-"), ("011399", "-"),
                         ("311299", "+"), ("010100", "B")]:
        for number in ("001", "002", "899", "900", "999"):
            right = int(ddmmyy + number) % 31
            codes.append(ddmmyy + sign + number + ALPHABET[right])
    assert sql_lookup(con, codes) == python_lookup(codes)


def test_register_lookup_without_birth_and_the_key_longer_than_a_block(con) -> None:
    codes = ["131052-308T", "131052-308t", None, "", " 131052-308T", "131052–308T"]
    assert sql_lookup(con, codes, with_birth=False) == python_lookup(codes, with_birth=False)
    long_key = bytes(range(100))
    ipad, opad = identity.hmac_pads(long_key)
    got = con.execute("SELECT hmac_sha256_hex($i, $o, 'abc')", {"i": ipad, "o": opad}
                      ).fetchall()[0][0]
    assert got == hmac.new(long_key, b"abc", hashlib.sha256).hexdigest()
