"""Dagster's own versions of every asset, from which Dagster tells which assets are stale
("unsynced" in the UI) and ``ips-eval run`` re-runs only those (docs/operations.md §Incremental
runs):

- the **code version** of every asset: one digest of the package's code (every .py and .sql
  file of ``ips_eval``, ``assets``, ``schemas`` and ``sql``). An asset calls into the shared
  library, so a digest of its own module would miss a change in what it runs; the package's
  digest never does, and any change of code makes every asset stale;
- the **data version** of a delivery source (``deliveries/<source>``, observed): a digest of
  the names and contents of the source's delivery files;
- the data version of a ``raw/<source>`` asset: a digest of what the load found — each
  present file's name, content hash and outcome (loaded, already loaded, rejected and why);
  that and the pseudonym key are all that its dependants read from it;
- the data version of every other asset that writes a warehouse table: a content fingerprint
  of that table (row count and an order-free sum of row hashes), with the helper tables the
  same step writes and a later asset reads (``HELPER_TABLES``): a step whose tables come out
  identical to the last run's does not make its dependants stale;
- every other asset (files, the manifest, the report): Dagster's own, a hash of its code
  version and its inputs' data versions.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import dagster as dg
import duckdb

from assets.defs import keys
from ips_eval.config import PROJECT_ROOT

CODE_FOLDERS = ("ips_eval", "assets", "schemas", "sql")
TABLE_SCHEMAS = ("raw", "staging", "analysis", "results")

# Tables a step writes besides its asset's own and that another asset reads: part of that
# asset's data version. (Scratch tables that each reader rebuilds first — client_quarters,
# score_attrition — are not.) tests/test_staleness.py checks that every table of the
# analysis schema belongs to an asset here or by its key.
HELPER_TABLES: dict[dg.AssetKey, tuple[str, ...]] = {
    keys.JOBS: ("analysis.employment_spells",),
    keys.SCORES: ("analysis.survey_responses", "analysis.score_items",
                  "analysis.survey_followup"),
    keys.SCORE_PANEL: ("analysis.score_changes",),
    keys.REGISTER_MATCHES: ("analysis.register_transitions",),
    keys.results("register"): ("results.register_comparison",),
}
SCRATCH_TABLES = ("analysis.client_quarters", "analysis.score_attrition")


def digest_files(paths: Iterable[Path], root: Path) -> str:
    """One digest of the files' names and contents, each file streamed (never read whole). A
    symbolic link is not followed: its target's name is digested instead, so a link out of
    the folder reads nothing outside it (ingest rejects such a link anyway)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape"))
        if path.is_symlink():
            h.update(b"link:" + os.fsencode(os.readlink(path)))
            continue
        with path.open("rb") as handle:
            h.update(hashlib.file_digest(handle, "sha256").digest())
    return h.hexdigest()


def code_digest(root: Path = PROJECT_ROOT) -> str:
    """The package's code: every .py and .sql file under ``CODE_FOLDERS``, by path relative to
    the project and content (the same in every clone and process; compiled files are not
    code)."""
    files = sorted(p for folder in CODE_FOLDERS for p in (root / folder).rglob("*")
                   if p.suffix in (".py", ".sql") and p.is_file())
    return digest_files(files, root)


CODE_VERSION = code_digest()


def with_code_version(spec: dg.AssetSpec) -> dg.AssetSpec:
    return spec.replace_attributes(code_version=CODE_VERSION)


def delivery_digest(deliveries: Path, source: str) -> str:
    """The delivery source's files (the folder ``<deliveries>/<source>``), names and contents."""
    folder = deliveries / source
    files = (sorted(p for p in folder.iterdir() if p.is_symlink() or p.is_file())
             if folder.is_dir() else [])
    return digest_files(files, deliveries)


def outcomes_version(outcomes: Iterable[object]) -> dg.DataVersion:
    """What a raw load found (``ips_eval.ingest.pipeline.FileOutcome`` each): every present
    file's name, content hash, outcome and reason, in the order of the names."""
    fields = ("file", "content_hash", "outcome", "rule", "message", "column", "rows_read")
    rows = sorted("\x1f".join(str(getattr(o, f)) for f in fields) for o in outcomes)
    return dg.DataVersion(hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest())


def table_of(key: dg.AssetKey) -> str | None:
    """The warehouse table an asset writes, when its key names one (``results/cox``)."""
    path = key.path
    return f'{path[0]}."{path[1]}"' if len(path) == 2 and path[0] in TABLE_SCHEMAS else None


def table_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Row count and an order-free sum of row hashes: equal for equal contents."""
    n, total = con.execute(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {table} t").fetchall()[0]
    return f"{n}:{total}"


def table_version(con: duckdb.DuckDBPyConnection, key: dg.AssetKey) -> dg.DataVersion:
    """The data version of an asset that writes a warehouse table: its table's fingerprint,
    with its helper tables'."""
    tables = (table_of(key), *HELPER_TABLES.get(key, ()))
    return dg.DataVersion("|".join(table_fingerprint(con, t) for t in tables))


def stale_status(instance: dg.DagsterInstance, graph) -> dict[dg.AssetKey, str]:  # noqa: ANN001
    """Every materialisable asset Dagster finds not in sync with its last materialisation —
    what the UI marks "unsynced" and its "Materialize unsynced" would run — with why: "code"
    (a new code version), "data" (an input's data version changed since) or "missing" (never
    materialised). Dagster's stale status looks one step up: an asset whose input is itself
    stale is not stale until that input has run and come out different."""
    # the resolver the UI's stale status comes from (Dagster 1.13 has no public face for it)
    from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
    from dagster._core.definitions.data_version import (
        CachingStaleStatusResolver,
        StaleCauseCategory,
        StaleStatus,
    )
    from dagster._time import get_current_datetime

    view = AssetGraphView(temporal_context=TemporalContext(effective_dt=get_current_datetime(),
                                                           last_event_id=None),
                          instance=instance, asset_graph=graph)
    resolver = CachingStaleStatusResolver(instance, graph, view)
    found: dict[dg.AssetKey, str] = {}
    for key in graph.materializable_asset_keys:
        status = resolver.get_status(key)
        if status == StaleStatus.MISSING:
            found[key] = "missing"
        elif status == StaleStatus.STALE:
            causes = resolver.get_stale_causes(key)
            found[key] = ("code" if any(c.category == StaleCauseCategory.CODE for c in causes)
                          else "data")
    return found
