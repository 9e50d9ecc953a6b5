"""Identity codes: validation (python-stdnum), pseudonyms (HMAC-SHA-256), masks.

docs/methods.md §Identity and pseudonyms: the HETU is validated (check character, century sign incl.
the 2023 signs ``Y X W V U`` / ``B C D E F`` — the locked python-stdnum 2.2 accepts them, pinned by
tests/test_ingest_identity.py; no work-around needed), age and sex are derived from it, and
it is replaced by a keyed pseudonym. The HETU never reaches a warehouse table, a log or an
output: the functions here work on the *distinct* values of a column (a register extract has
a million persons but tens of millions of rows) and return a lookup from value to pseudonym
that the loading SQL joins in; the lookup lives in Python memory
only, registered with DuckDB as a view for the one INSERT.

The same HETU gives the same ``pid`` in every source and run with the same key: the pseudonym is
HMAC-SHA-256(key, compact HETU) in hex, the compact form being upper case without spaces (stdnum's
``compact``). Business IDs (Y-tunnus) are pseudonymised the same way over their canonical
``1234567-8`` form, so ``tyosuhteet.employer_pid`` matches ``tulorekisteri.payer_pid``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.fi import hetu as stdnum_hetu
from stdnum.fi import ytunnus as stdnum_ytunnus
from stdnum.util import clean as stdnum_clean

from ips_eval.warehouse import run_sql

# -- the one identity-code finder ---------------------------------------------------------------
# Every place that looks for a HETU in text (the mask of raw's free-text fields and column
# names, the file-name rule, the warehouse and output scans, the pseudonym's normalisation)
# goes through ``normalise`` and ``find_hetus`` here (issue 30: a code joined to letters or
# ``_``, or written with an en dash or a minus sign, slipped past a ``\b``-bounded ASCII pattern).
#
# ``normalise``: NFKC (full-width digits, compatibility spaces), then python-stdnum's own
# character clean-up (every dash stdnum accepts → ``-``, other digit forms → ASCII), any other
# Unicode dash (category Pd) → ``-``, invisible format characters (zero-width space, soft hyphen)
# dropped. A code is then ``ddmmyy`` ``C`` ``nnn`` ``X`` with optional whitespace between its
# characters (``compact_code`` drops whitespace, so a field that validates with inner spaces is
# found in free text too), any case, its edges *digit*-bounded: a letter or ``_`` beside it does
# not hide it, a longer number is not a code. A match inside a run of 32 or more lower-case hex
# digits is a digest (a pid, a file hash), not a code. stdnum then judges each candidate.
_FINDER = re.compile(r"(?<!\d)\d(?:\s*\d){5}\s*[-+A-FYXWVU]\s*\d(?:\s*\d){2}\s*"
                     r"(?:[A-Y]|\d(?!\d))", re.IGNORECASE | re.ASCII)
_DIGEST_RUN = re.compile(r"[0-9a-f]{32,}")
# The same in DuckDB's RE2, looser (no look-around): a prefilter only, which every value the
# finder can match also matches — six "digits", one separator, three "digits", gaps between them
# — where a "digit" is an ASCII digit or any non-ASCII character (a superset of every script's
# digits), a gap any run of whitespace or non-ASCII characters (a superset of Unicode spaces and
# invisible format characters) and the separator anything but an ASCII digit or whitespace. Not
# Unicode's own classes (\p{N}, \p{Z}, \p{Cf}): RE2 compiles a pattern once per expression, the
# raw loader masks every text column of every file with it, and with those classes the compile
# took 15 ms a column — 0.45 s for a 30-column file of three rows, about a minute of the default
# run; this one compiles in under 1 ms. What it lets through in excess (a run of non-ASCII letters
# that looks like a code) the finder above turns away. Where pids are scanned, runs of hex digits
# are blanked first (``HEX_RUN_PATTERN``) so that a pid is not a candidate.
_DIGIT = r"[0-9\x{80}-\x{10FFFF}]"
_GAP = r"[\s\x0b\x{80}-\x{10FFFF}]*"  # \v too: RE2's \s lacks it
HETU_PATTERN = (rf"{_DIGIT}(?:{_GAP}{_DIGIT}){{5}}{_GAP}[^0-9\s]{_GAP}{_DIGIT}"
                rf"(?:{_GAP}{_DIGIT}){{2}}")
HEX_RUN_PATTERN = r"[0-9a-f]{32,}"
HETU_CHARS = 11  # a HETU's length: a shorter text cannot hold one (in characters or bytes)


def _normal_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if unicodedata.category(ch) == "Cf":
        return ""  # invisible: a zero-width space must not split a code
    out = stdnum_clean(unicodedata.normalize("NFKC", ch))
    return "".join("-" if unicodedata.category(c) == "Pd" else c for c in out)


class _NormalTable(dict):
    """``str.translate``'s table for ``normalise``, each character worked out once."""

    def __missing__(self, code: int) -> str:
        self[code] = _normal_char(chr(code))
        return self[code]


_NORMAL = _NormalTable()


def normalise(text: str) -> str:
    """The text as the finder reads it (see above); ASCII text is returned as it is."""
    return text if text.isascii() else text.translate(_NORMAL)


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalise(text)`` and, for each of its characters, the index of the character of
    ``text`` it came from."""
    chars, origin = [], []
    for i, ch in enumerate(text):
        for c in _NORMAL[ord(ch)]:
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


def _spans(norm: str) -> list[tuple[int, int, bool]]:
    """(start, end, valid) of every HETU-shaped token in normalised text."""
    # blank digests (same length, so offsets stay): a pid is not a code
    searched = _DIGEST_RUN.sub(lambda m: "x" * len(m.group(0)), norm)
    return [(m.start(), m.end(), hetu_problem(compact_code(m.group(0))) is None)
            for m in _FINDER.finditer(searched)]


def _hetu_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, valid) in ``text`` itself of every HETU-shaped token the finder sees."""
    if text.isascii():
        return _spans(text)
    norm, origin = _normalised_with_offsets(text)
    return [(origin[a], origin[b - 1] + 1, valid) for a, b, valid in _spans(norm)]


def find_hetus(text: str) -> list[str]:
    """Every valid HETU in the text, in its compact form (what its pseudonym is made of)."""
    norm = normalise(text)
    return [compact_code(norm[a:b]) for a, b, valid in _spans(norm) if valid]


_CENTURY = {"+": 1800} | dict.fromkeys("-YXWVU", 1900) | dict.fromkeys("ABCDEF", 2000)

HETU_MASK = "******-****"  # what a HETU-shaped value becomes wherever it is shown

# status of an identity value, kept in raw so that quarantine can say what was wrong
VALID, MISSING = "valid", "missing"
HETU_INVALID = {InvalidChecksum: "invalid check character", InvalidComponent: "invalid date or "
                "individual number"}


def pseudonym(key: bytes, value: str) -> str:
    """HMAC-SHA-256 of the value under the study key, hex."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _pseudonymiser(key: bytes):
    """``pseudonym`` for many values: the keyed state is set up once and copied per value."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)

    def one(value: str) -> str:
        h = keyed.copy()
        h.update(value.encode("utf-8"))
        return h.hexdigest()
    return one


def compact_code(value: str) -> str:
    """The form a code is validated and hashed in: ``normalise``d (so an en dash, a minus sign
    or full-width digits give the code's one pseudonym), upper case, without any whitespace.
    For a valid code this is python-stdnum's ``compact`` form (which keeps no inner space)."""
    return "".join(normalise(value).split()).upper()


def hetu_problem(value: str) -> str | None:
    """None for a valid HETU, else why it is not one (never echoing the value)."""
    try:
        stdnum_hetu.validate(value)
    except ValidationError as error:
        return HETU_INVALID.get(type(error), "malformed (not ddmmyyCnnnX)")
    return None


def is_valid_hetu(value: str) -> bool:
    return hetu_problem(value) is None


def birth_date_and_sex(valid_hetu: str) -> tuple[date, str]:
    """Birth date from ddmmyy + century sign; sex from the individual number (odd = male).
    In stdnum's compact form, which is what it validated: a dash stdnum accepts as '-' (an en
    dash, say) must read as '-' here too."""
    h = stdnum_hetu.compact(valid_hetu)
    born = date(_CENTURY[h[6]] + int(h[4:6]), int(h[2:4]), int(h[0:2]))
    return born, "male" if int(h[7:10]) % 2 else "female"


def contains_valid_hetu(text: str) -> bool:
    """Whether a free-text value holds a valid HETU anywhere."""
    return any(valid for _a, _b, valid in _hetu_spans(text))


def mask_hetus(text: str) -> str:
    """Every HETU-shaped token replaced by the mask (valid or not: the result never is one)."""
    spans = _hetu_spans(text)
    for start, end, _valid in reversed(spans):
        text = text[:start] + HETU_MASK + text[end:]
    return text


def mask_identity(value: str | None) -> str | None:
    """How an identity code is shown in quarantine: its shape, none of its characters."""
    if value is None:
        return None
    return re.sub(r"[0-9A-Za-z]", "*", value.strip())


HETU_LOOKUP = pa.schema([("value", pa.string()), ("pid", pa.string()), ("status", pa.string()),
                         ("birth_date", pa.date32()), ("sex", pa.string())])
YTUNNUS_LOOKUP = pa.schema([("value", pa.string()), ("pid", pa.string()),
                            ("status", pa.string()), ("invalid", pa.string())])


def hetu_lookup(values: Iterable[str | None], key: bytes,
                with_birth: bool = True) -> pa.Table:
    """value → (pid, status[, birth_date, sex]) for each distinct raw HETU value.

    ``pid`` is set for every non-empty value (HMAC of its compact form) so that two different
    invalid codes stay different rows; staging uses it only where ``status`` is ``valid``.
    ``status``: ``valid``, ``missing``, or why it is invalid. Birth date and sex only
    ``with_birth`` (the enrolment form; register rows need neither)."""
    names = HETU_LOOKUP.names if with_birth else HETU_LOOKUP.names[:3]
    rows: dict[str, list] = {name: [] for name in names}
    hmac_of = _pseudonymiser(key)
    for value in values:
        if value is None:
            continue
        compact = compact_code(value)
        problem = hetu_problem(compact) if compact else None
        rows["value"].append(value)
        rows["pid"].append(hmac_of(compact) if compact else None)
        rows["status"].append(MISSING if not compact else problem or VALID)
        if with_birth:
            born, sex = (birth_date_and_sex(compact) if compact and problem is None
                         else (None, None))
            rows["birth_date"].append(born)
            rows["sex"].append(sex)
    return pa.table(rows, schema=pa.schema([HETU_LOOKUP.field(n) for n in names]))


def ytunnus_lookup(values: Iterable[str | None], key: bytes) -> pa.Table:
    """value → (pid, status, invalid) for each distinct raw Y-tunnus value. A valid HETU standing
    in a Y-tunnus column gets status ``hetu`` and no pseudonym of it is kept (the row is
    rejected). ``invalid`` keeps a malformed business ID as delivered, for quarantine (a
    business ID is not personal data; a HETU-shaped one is masked)."""
    rows: dict[str, list] = {name: [] for name in YTUNNUS_LOOKUP.names}
    hmac_of = _pseudonymiser(key)
    for value in values:
        if value is None:
            continue
        text, invalid = value.strip(), None
        if not text:
            status, pid = MISSING, None
        elif stdnum_ytunnus.is_valid(text):
            status, pid = VALID, hmac_of(stdnum_ytunnus.format(text))
        elif contains_valid_hetu(text):
            status, pid = "hetu", None
        else:
            # keep the malformed ID apart from others (keys, duplicates) without trusting it
            status, pid = "invalid business ID", hmac_of(text.upper())
            invalid = mask_hetus(text)
        rows["value"].append(value)
        rows["pid"].append(pid)
        rows["status"].append(status)
        rows["invalid"].append(invalid)
    return pa.table(rows, schema=YTUNNUS_LOOKUP)


# -- the same lookup in SQL, for register extracts ----------------------------------------------
# stdnum takes 15–40 µs a code in Python: a million distinct codes were most of a register
# load. sql/ingest/hetu_macros.sql checks printable-ASCII codes in DuckDB by the same rules (the
# tests hold it to stdnum over a million generated codes); a value with any other character
# (a tab, a non-ASCII dash or letter) goes through ``hetu_lookup`` so that stdnum's own
# clean-up and Python's case and whitespace rules decide it exactly as before.
_ASCII_PRINTABLE = r"^[ -~]*$"
# hetu_rule_broken's codes → the status texts (None: valid)
_RULE_STATUS = (VALID, "malformed (not ddmmyyCnnnX)", HETU_INVALID[InvalidComponent],
                HETU_INVALID[InvalidChecksum])


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA-256's inner and outer key pads (RFC 2104), for ``hmac_sha256_hex`` in SQL."""
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in padded), bytes(b ^ 0x5C for b in padded)


def hetu_params(key: bytes) -> dict[str, object]:
    """The query parameters :func:`hetu_columns_sql`'s expressions use (the key as its HMAC
    pads, never as text in a statement)."""
    ipad, opad = hmac_pads(key)
    return {"ipad": ipad, "opad": opad, "missing": MISSING, "statuses": list(_RULE_STATUS),
            "ascii": _ASCII_PRINTABLE, "valid": VALID}


def used_params(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters a statement names (DuckDB refuses any it does not)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


def hetu_columns_sql(value: str, tag: str) -> tuple[str, str, dict[str, str]]:
    """A HETU column checked and pseudonymised row by row in SQL, in three steps over a query
    that has the column ``value`` (an SQL expression): the first two give helper columns
    (``__c<tag>`` the compact printable-ASCII code, ``__o<tag>`` any other value, ``__s<tag>``
    its status) to add with ``SELECT *, …``, the third the parts (pid, status, birth_date,
    sex → SQL) from them. Printable-ASCII values by ``sql/ingest/hetu_macros.sql``; any other
    (a non-ASCII dash, a full-width digit) by python-stdnum through ``ingest_hetu_other``
    (:func:`register_hetu_other`), so every spelling of a code gets its one pid. Parameters:
    :func:`hetu_params`. Nothing here stores the value: the caller materialises only the
    parts."""
    c, o, st = (f'"__{x}{tag}"' for x in "cos")
    helpers = (f"CASE WHEN regexp_matches({value}, $ascii) THEN upper(replace({value}, ' ', ''))"
               f" END AS {c}, CASE WHEN NOT regexp_matches({value}, $ascii) THEN {value} "
               f"END AS {o}")
    status = (f"CASE WHEN {c} IS NOT NULL THEN (CASE WHEN {c} = '' THEN $missing "
              f"ELSE $statuses[hetu_rule_broken({c}) + 1] END) "
              f"WHEN {o} IS NOT NULL THEN ingest_hetu_other({o}, 'status') END AS {st}")
    parts = {
        "pid": (f"CASE WHEN {c} IS NOT NULL THEN (CASE WHEN {c} <> '' THEN "
                f"hmac_sha256_hex($ipad, $opad, {c}) END) "
                f"WHEN {o} IS NOT NULL THEN ingest_hetu_other({o}, 'pid') END"),
        "status": st,
        "birth_date": (f"CASE WHEN {c} IS NOT NULL THEN (CASE WHEN {st} = $valid THEN "
                       f"hetu_birth_date({c}) END) WHEN {o} IS NOT NULL THEN "
                       f"CAST(ingest_hetu_other({o}, 'birth_date') AS DATE) END"),
        "sex": (f"CASE WHEN {c} IS NOT NULL THEN (CASE WHEN {st} = $valid THEN hetu_sex({c}) "
                f"END) WHEN {o} IS NOT NULL THEN ingest_hetu_other({o}, 'sex') END"),
    }
    return helpers, status, parts


def register_hetu_other(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """``ingest_hetu_other(value, part)``: :func:`hetu_lookup`'s part (pid, status,
    birth_date as ISO text, sex) of one value, for the values the SQL path leaves to stdnum
    (called only for those: a handful). Registered anew for each key."""
    cache: dict[str, dict] = {}

    def part(value: str | None, name: str) -> str | None:
        if value is None:
            return None
        if value not in cache:
            cache[value] = hetu_lookup([value], key).to_pylist()[0]
        got = cache[value].get(name)
        return None if got is None else str(got)

    with contextlib.suppress(duckdb.Error, ValueError):
        con.remove_function("ingest_hetu_other")
    con.create_function("ingest_hetu_other", part, ["VARCHAR", "VARCHAR"], "VARCHAR",
                        side_effects=False, null_handling="special")


def create_hetu_lookup(con: duckdb.DuckDBPyConnection, name: str, values_query: str,
                       key: bytes, with_birth: bool = True, salt: str | None = None,
                       distinct: bool = True) -> None:
    """Temp table ``name`` holding ``hetu_lookup``'s rows for the distinct non-NULL values that
    ``values_query`` (one VARCHAR column) gives, computed in DuckDB (:func:`hetu_columns_sql`;
    needs ``register_identity_macros``). With ``salt`` the table keeps no value: its key is
    ``token`` = :func:`token_sql` of the value, which the loader computes for each row to join
    it — so the lookup, which DuckDB may spill to disk, holds no code in clear. ``distinct``
    False: the values are distinct already (no aggregate over them, which could spill)."""
    register_hetu_other(con, key)
    helpers, status, parts = hetu_columns_sql("value", "")
    fields = ["pid", "status", *(["birth_date", "sex"] if with_birth else [])]
    first = "value" if salt is None else f"{token_sql('value')} AS token"
    sql = (f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {first}, "
           + ", ".join(f"{parts[f]} AS {f}" for f in fields)
           + f" FROM (SELECT *, {status} FROM (SELECT *, {helpers} FROM (SELECT "
           f"{'DISTINCT ' if distinct else ''}v AS value FROM ({values_query}) q(v) "
           "WHERE v IS NOT NULL) d) h1) h2")
    con.execute(sql, used_params(sql, hetu_params(key) | {"salt": salt}))


def distinct_values(con: duckdb.DuckDBPyConnection, query: str) -> pa.Array:
    """The distinct values of ``query``'s one column, gathered in this process as the rows
    stream by (Arrow batches), not by an aggregate in DuckDB, whose hash table spills to disk
    when memory runs short: for identity codes in clear, which must never be on a disk."""
    reader = con.sql(query).to_arrow_reader(1 << 20)
    parts = [pc.unique(batch.column(0)) for batch in reader]
    if not parts:
        return pa.array([], pa.string())
    return pc.unique(pa.chunked_array(parts, pa.string()))


def token_sql(value: str) -> str:
    """A value's join key in a lookup that must not hold it: a 128-bit keyed digest (MD5 over
    the parameter ``$salt`` — a random secret of the load, never stored — and the value), one
    per row at a fraction of a HMAC's cost."""
    return f"md5_number($salt || {value})"


def register_identity_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The SQL HETU check and HMAC (``sql/ingest/hetu_macros.sql``) on this connection."""
    run_sql(con, "ingest/hetu_macros")

