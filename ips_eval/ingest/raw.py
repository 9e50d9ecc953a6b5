"""The raw layer: every delivery file, every row, as delivered — except identity codes.

``raw.<table>`` is append-only per file version (content hash): a new delivery is read once and
never re-read; a file already loaded (same hash, under any name) is a no-op. Each row keeps its
file, delivery date, data row number and file hash, plus ``_row_hash`` (a 64-bit hash of its
content, ``content_columns``: rows of one file whose hashes agree are then compared in full for
exact duplicates, sql/ingest/row_outcomes.sql) and every delivered column as text. Identity
columns are pseudonymised on the way in (``<column>_pid``, ``<column>_status``, birth date and
sex); a valid HETU found in any other column is masked in raw and the column listed in
``_hetu_in``. Columns the codebook does not know are kept as a JSON object in ``_extra``. Rows
the CSV parser rejected are kept as empty rows with ``_unparseable`` so that raw rows = rows
read.

``meta.ingest_files`` records every file version loaded or rejected.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ips_eval.ingest import identity
from ips_eval.ingest.audit import file_rows_leak
from ips_eval.ingest.files import DeliveryFile
from ips_eval.ingest.identity import HETU_CHARS
from ips_eval.ingest.readers import (
    PLAIN_VIEW,
    SRC_VIEW,
    FileRejected,
    OpenedDelivery,
    materialise,
    quote_ident,
)
from schemas.codebook import Column, Source

BOOKKEEPING = (("_hash", "VARCHAR"), ("_file", "VARCHAR"), ("_delivery_date", "DATE"),
               ("_row", "INTEGER"), ("_row_hash", "UHUGEINT"), ("_unparseable", "BOOLEAN"),
               ("_hetu_in", "VARCHAR[]"), ("_extra", "VARCHAR"))


def raw_table(src: Source) -> str:
    return f"raw.{src.table}"


def identity_parts(src: Source, col: Column) -> list[tuple[str, str]]:
    """The raw columns an identity column becomes (name, SQL type)."""
    parts = [(f"{col.raw}_pid", "VARCHAR"), (f"{col.raw}_status", "VARCHAR")]
    if col.identity == "hetu":
        parts += [(f"{col.raw}_birth_date", "DATE"), (f"{col.raw}_sex", "VARCHAR")]
    if col.identity == "ytunnus":
        parts.append((f"{col.raw}_invalid", "VARCHAR"))  # a malformed ID as delivered
    return parts


def raw_columns(src: Source) -> list[tuple[str, str]]:
    cols = list(BOOKKEEPING)
    for c in src.columns:
        cols += identity_parts(src, c) if c.identity else [(c.raw, "VARCHAR")]
    return cols


def content_columns(src: Source) -> list[str]:
    """The raw columns that make a row's content: what an exact duplicate repeats (the
    pseudonym stands for an identity code; unknown columns are in ``_extra``)."""
    return [f"{c.raw}_pid" if c.identity else c.raw for c in src.columns] + ["_extra"]


def create_raw_tables(con: duckdb.DuckDBPyConnection, sources: tuple[Source, ...]) -> None:
    for src in sources:
        cols = ", ".join(f"{quote_ident(n)} {t}" for n, t in raw_columns(src))
        con.execute(f"CREATE TABLE IF NOT EXISTS {raw_table(src)} ({cols})")
    con.execute("""
        CREATE TABLE IF NOT EXISTS meta.ingest_files (
            content_hash VARCHAR PRIMARY KEY, source VARCHAR, file VARCHAR,
            delivery_date DATE, size_bytes BIGINT, format VARCHAR, encoding VARCHAR,
            rows_read BIGINT, columns VARCHAR[], unknown_columns VARCHAR[])""")


def is_loaded(con: duckdb.DuckDBPyConnection, content_hash: str) -> str | None:
    """The file name under which this content was loaded, or None."""
    row = con.execute("SELECT file FROM meta.ingest_files WHERE content_hash = $h",
                      {"h": content_hash}).fetchall()
    return row[0][0] if row else None


@dataclass(frozen=True)
class LoadedFile:
    rows_read: int
    unparseable: int
    unknown_columns: tuple[str, ...]
    note: str | None = None  # how it was read (which sheet), for the run's output


def _mask_if_hetu(text: str | None) -> str | None:
    if text is None or not identity.contains_valid_hetu(text):
        return text
    return identity.mask_hetus(text)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """The one scalar Python function the loader needs; it is called only on values the SQL
    regex prefilter already found HETU-shaped, so it runs on a handful of rows, not millions."""
    try:
        con.create_function("ingest_mask_hetus", _mask_if_hetu, ["VARCHAR"], "VARCHAR",
                            side_effects=False)
    except duckdb.NotImplementedException as error:  # DuckDB's "already created"
        if "already created" not in str(error):
            raise


def load_file(con: duckdb.DuckDBPyConnection, f: DeliveryFile, opened: OpenedDelivery,
              key: bytes) -> LoadedFile:
    """Append one opened delivery (the ``_src`` view) to ``raw.<table>``; one transaction."""
    src = f.source
    missing = [c.raw for c in src.columns if c.must_exist and c.raw not in opened.columns]
    if missing:
        found = ", ".join(opened.columns[:20]) + (" …" if len(opened.columns) > 20 else "")
        raise FileRejected("missing_required_column", "required column(s) missing: "
                           + ", ".join(missing)
                           + (f" — {opened.hint}" if opened.hint else f" (found: {found})"),
                           column=", ".join(missing))
    known = {c.raw for c in src.columns}
    unknown = tuple(c for c in opened.columns if c not in known)
    present = [c for c in src.columns if c.raw in opened.columns]
    register_functions(con)
    identity.register_identity_macros(con)
    identity.register_hetu_other(con, key)
    lookups = _protect(con, src, opened, present, unknown, key)
    lookups += _ytunnus_lookups(con, present, key)

    outer, joins, content = [], [], []
    for c in present:
        q = quote_ident(c.raw)
        if c.identity == "hetu":  # stored as its digest: the lookup gives its parts
            alias = quote_ident(f"_lkh_{c.raw}")
            joins.append(f"LEFT JOIN {alias} ON {alias}.token = s.{q}")
            for name, _type in identity_parts(src, c):
                expr = f"{alias}.{name.removeprefix(c.raw + '_')}"
                if name.endswith("_status"):
                    expr = f"coalesce({expr}, '{identity.MISSING}')"
                outer.append(f"{expr} AS {quote_ident(name)}")
            content.append(f"{alias}.pid")
        elif c.identity:  # a business ID; a personal code found in it was masked
            alias, hetu = f"_lk_{c.raw}", f"s.{quote_ident(c.raw + FLAG)}"
            joins.append(f"LEFT JOIN {alias} ON {alias}.value = s.{q}")
            for name, _type in identity_parts(src, c):
                field = name.removeprefix(f"{c.raw}_")
                expr = {"pid": f"CASE WHEN NOT {hetu} THEN {alias}.pid END",
                        "status": f"CASE WHEN {hetu} THEN 'hetu' ELSE "
                                  f"coalesce({alias}.status, '{identity.MISSING}') END",
                        "invalid": f"CASE WHEN NOT {hetu} THEN {alias}.invalid END"}[field]
                outer.append(f"{expr} AS {quote_ident(name)}")
            content.append(f"CASE WHEN NOT {hetu} THEN {alias}.pid END")
        else:
            outer.append(f"s.{q}")
            content.append(f"s.{q}")
    # a column whose value changed under the mask held a valid HETU: flag it by name
    texts = [*(c.raw for c in present if not c.identity), *unknown]
    hetu_flags = [f"CASE WHEN s.{quote_ident(c + FLAG)} THEN {_literal(c)} END" for c in texts]
    extra = ("json_object(" + ", ".join(f"{_literal(n)}, s.{quote_ident(n)}" for n in unknown)
             + ")") if unknown else "NULL"
    # a fast 64-bit hash, not a digest: it only sorts rows into candidates, and candidates
    # are compared value by value (an MD5 of every row was a sixth of a register's load)
    row_hash = f"hash({', '.join([*content, extra])})"
    flags = ("list_filter([" + ", ".join(hetu_flags) + "]::VARCHAR[], lambda x: x IS NOT NULL)"
             if hetu_flags else "[]::VARCHAR[]")
    target = ["_hash", "_file", "_delivery_date", "_row", "_row_hash", "_unparseable",
              "_hetu_in", "_extra"]
    target += [n for c in present for n, _ in (identity_parts(src, c) if c.identity
                                                else [(c.raw, "")])]
    select = (
        f"SELECT $hash, $file, $delivery_date, s._row, {row_hash}, false, "
        f"{flags}, "
        f"{extra}, {', '.join(outer)} "
        f"FROM {SRC_VIEW} s {' '.join(joins)}"
    )
    params = {"hash": f.content_hash, "file": f.file, "delivery_date": f.delivery_date}
    columns_sql = ", ".join(quote_ident(t) for t in target)
    con.execute("BEGIN TRANSACTION")
    try:
        # rows carry their data row number (readers.py numbered them in file order): raw
        # need not store them in that order, and an unordered INSERT writes in parallel
        con.execute(f"INSERT INTO {raw_table(src)} ({columns_sql}) {select}", params)
        if opened.unparseable_rows:
            con.execute(
                f"INSERT INTO {raw_table(src)} (_hash, _file, _delivery_date, _row, "
                "_unparseable, _hetu_in) SELECT $hash, $file, $delivery_date, r, true, []"
                " FROM unnest($rows::INTEGER[]) t(r)",
                {"hash": f.content_hash, "file": f.file, "delivery_date": f.delivery_date,
                 "rows": opened.unparseable_rows})
        rows = con.execute(f"SELECT count(*) FROM {raw_table(src)} WHERE _hash = $h",
                           {"h": f.content_hash}).fetchall()[0][0]
        # the last look before commit, by the scan's own rules: raw is append-only, so a code
        # the mask missed would be kept for good; such a file keeps nothing
        leaked = file_rows_leak(con, raw_table(src), f.content_hash)
        if leaked:
            raise FileRejected("file_identity_code_unmasked", "a personal identity code "
                               "survived the mask in column(s) " + ", ".join(leaked)
                               + ": nothing of the file is kept", column=", ".join(leaked))
        con.execute(
            "INSERT INTO meta.ingest_files VALUES ($hash, $source, $file, $delivery_date, "
            "$size, $format, $encoding, $rows, $columns, $unknown)",
            {"hash": f.content_hash, "source": src.name, "file": f.file,
             "delivery_date": f.delivery_date, "size": f.size_bytes,
             "format": opened.format + (f" ({opened.note})" if opened.note else ""),
             "encoding": opened.encoding, "rows": rows, "columns": opened.columns,
             "unknown": list(unknown)})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in lookups:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return LoadedFile(rows, len(opened.unparseable_rows), unknown, opened.note)


FLAG = "__hetu"  # suffix of a materialised column's flag: the mask changed its value


def _masked(q: str) -> str:
    # a text shorter than a HETU cannot hold one: most register fields (dates, months,
    # amounts, codes) skip the regular expression
    return (f"CASE WHEN strlen({q}) >= {HETU_CHARS} AND regexp_matches({q}, $pattern) "
            f"THEN ingest_mask_hetus({q}) ELSE {q} END")


def _literal(text: str) -> str:
    # a delivered column *name* used as a JSON key / flag: quoted as a SQL string literal
    return "'" + text.replace("'", "''") + "'"


def _protect(con: duckdb.DuckDBPyConnection, src: Source, opened: OpenedDelivery,
             present: list[Column], unknown: tuple[str, ...], key: bytes) -> list[str]:
    """Read the opened file through into ``_src_rows`` (readers.materialise) with no identity
    code in clear. A HETU column's pseudonym lookup ``_lkh_<column>`` is built first from that
    column alone: its distinct values gathered in this process as the column streams by
    (``identity.distinct_values``: an aggregate in DuckDB could spill them), checked and
    pseudonymised in SQL (``identity.create_hetu_lookup``) and keyed not by the code but by a
    keyed digest of it under a secret of this load (``identity.token_sql``). The rows are then
    stored with that digest in the code's place; every other column, a business ID's included,
    masked where it holds a valid HETU, with a flag ``<column>__hetu`` saying so. The INSERT
    joins the lookups by digest. Temp tables may spill to disk under memory pressure, and a
    killed run leaves its spill files: they hold digests, pseudonyms and masks only, and no
    join or aggregate ever sees a code (issue 30; docs/methods.md §Identity and pseudonyms).
    Returns the lookups' names."""
    salt = secrets.token_hex(16)
    lookups, inner, outer = [], [], []
    for c in present:
        q = quote_ident(c.raw)
        if c.identity == "hetu":
            lookup = quote_ident(f"_lkh_{c.raw}")
            lookups.append(lookup)
            values = identity.distinct_values(con, f"SELECT {q} FROM {PLAIN_VIEW} "
                                                   f"WHERE {q} IS NOT NULL")
            con.register("_hetu_values", pa.table({"v": values}))
            try:
                identity.create_hetu_lookup(con, lookup, "SELECT v FROM _hetu_values", key,
                                            salt=salt, distinct=False)
            finally:
                con.unregister("_hetu_values")
            inner.append(f"{identity.token_sql(q)} AS {q}")
            outer.append(q)
    texts = [quote_ident(c.raw) for c in present if c.identity != "hetu"]
    texts += [quote_ident(name) for name in unknown]
    for i, q in enumerate(texts):
        inner += [f'{q} AS "__o{i}"', f'{_masked(q)} AS "__m{i}"']
        outer += [f'"__m{i}" AS {q}',
                  f'coalesce("__m{i}" IS DISTINCT FROM "__o{i}", false) AS '
                  + quote_ident(q[1:-1].replace('""', '"') + FLAG)]
    # the inner projection's originals (__o) never leave the outer one: only digests, masks
    # and flags are stored
    sql = (f"SELECT _k{''.join(', ' + o for o in outer)} FROM (SELECT _k"
           f"{''.join(', ' + i for i in inner)} FROM {PLAIN_VIEW}) p")
    params = {"salt": salt, "pattern": identity.HETU_PATTERN}
    materialise(con, opened, sql, identity.used_params(sql, params))
    return lookups


def _ytunnus_lookups(con: duckdb.DuckDBPyConnection, present: list[Column],
                     key: bytes) -> list[str]:
    """Pseudonyms for the distinct values of each business-ID column (a few thousand payers:
    by stdnum), in temp tables ``_lk_<column>`` for the INSERT's join, dropped after it.
    The values are read from ``_src``, where a personal code in such a column is masked
    already (its rows get the status ``hetu`` from the flag). Returns their names."""
    names = []
    for c in (c for c in present if c.identity and c.identity != "hetu"):
        name = f"_lk_{c.raw}"
        names.append(quote_ident(name))
        distinct = [r[0] for r in con.execute(
            f"SELECT DISTINCT {quote_ident(c.raw)} FROM {SRC_VIEW}").fetchall()]
        con.register("_lk_arrow", identity.ytunnus_lookup(distinct, key))
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS "
                        "SELECT * FROM _lk_arrow")
        finally:
            con.unregister("_lk_arrow")
    return names
