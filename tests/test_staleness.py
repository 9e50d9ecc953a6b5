"""Dagster's own versions carry what re-runs (assets/versions.py, docs/operations.md
§Incremental runs): every asset has the package's code version, every delivery folder a data
version from its files, every table asset its table's fingerprint; after a new delivery file
Dagster reports exactly the assets whose inputs changed as stale, and an unchanged table stops
the change. On a copy of the shared small run (tests/conftest.py ``small_run``): no run of its
own but two small steps."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from assets.definitions import RUN_JOB, build_defs
from assets.defs import keys
from assets.runner import observe_deliveries
from assets.versions import (
    CODE_VERSION,
    HELPER_TABLES,
    SCRATCH_TABLES,
    code_digest,
    stale_status,
    table_of,
    table_version,
)
from ips_eval.config import Settings

CASE = "no_client_survey"  # the incremental test's small run: built once for both


@pytest.fixture
def copied_run(small_run, tmp_path: Path):
    """A copy of the small run's deliveries and output folder (the Dagster instance in it)."""
    deliveries, out, done = small_run(CASE)
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.copytree(deliveries, tmp_path / "d")
    shutil.copytree(out, tmp_path / "out", ignore=shutil.ignore_patterns(".ips_eval.lock"))
    settings = Settings(deliveries_dir=tmp_path / "d", out_dir=tmp_path / "out")
    defs = build_defs(settings)
    with dg.DagsterInstance.from_config(str(tmp_path / "out" / ".dagster")) as instance:
        yield settings, defs, instance


def materialise(defs: dg.Definitions, instance: dg.DagsterInstance, keys_: set) -> None:
    """What the UI's "Materialize unsynced" launches: a run of exactly these assets."""
    result = defs.resolve_job_def(RUN_JOB).get_subset(asset_selection=keys_).execute_in_process(
        instance=instance, raise_on_error=False)
    assert result.success


def test_a_new_delivery_file_makes_only_its_dependants_stale(copied_run):
    """In sync after the run (versions are of contents, not paths: the copy is in sync too);
    a new file in kontaktit/ makes raw/kontaktit, and nothing else, stale. Run as the UI's
    "Materialize unsynced" would, the change goes one step at a time: then the staging table,
    the quarantine and the manifest are stale; the file repeats an earlier one, so the staging
    table comes out the same and no analysis dataset becomes stale — the tables that name the
    delivery set from the manifest, and the report, do."""
    settings, defs, instance = copied_run
    graph = defs.resolve_asset_graph()
    assert observe_deliveries(instance, settings) == []
    assert stale_status(instance, graph) == {}

    folder = settings.deliveries_dir / "kontaktit"
    first = sorted(folder.iterdir())[0]
    shutil.copy(first, folder / f"2099-01-01_{first.name.split('_', 1)[1]}")
    assert observe_deliveries(instance, settings) == []
    stale = stale_status(instance, graph)
    assert stale == {keys.raw("kontaktit"): "data"}

    materialise(defs, instance, set(stale))
    stale = stale_status(instance, graph)
    assert set(stale) == {keys.staging("kontaktit"), keys.QUARANTINE, keys.MANIFEST}
    assert set(stale) == {k for k in graph.get(keys.raw("kontaktit")).child_keys}

    materialise(defs, instance, set(stale))
    stale = stale_status(instance, graph)
    assert set(stale) == set(graph.get(keys.MANIFEST).child_keys) | set(
        graph.get(keys.QUARANTINE).child_keys) - {keys.MANIFEST}
    assert {k.path[0] for k in stale} == {"tables", "report"}  # no analysis, no results


def test_every_table_asset_records_its_tables_fingerprint(small_run, tmp_path: Path):
    """The data version the run recorded for each analysis and results asset is its table's
    fingerprint (with its helper tables'), and every table of those schemas belongs to an asset
    — a helper table nobody declared would change unseen by the assets that read it."""
    from ips_eval.warehouse import connect

    _, out, _ = small_run(CASE)
    shutil.copytree(out / ".dagster", tmp_path / ".dagster")
    graph = build_defs(Settings(deliveries_dir=tmp_path, out_dir=out)).resolve_asset_graph()
    table_keys = [k for k in graph.materializable_asset_keys
                  if table_of(k) and k.path[0] in ("staging", "analysis", "results")]
    claimed = {table_of(k).replace('"', "") for k in graph.materializable_asset_keys
               if table_of(k)}
    claimed |= {t for helpers in HELPER_TABLES.values() for t in helpers} | set(SCRATCH_TABLES)
    with dg.DagsterInstance.from_config(str(tmp_path / ".dagster")) as instance, \
            connect(out / "ips_eval.duckdb", memory_limit="1GB", read_only=True) as con:
        for key in table_keys:
            entry = instance.get_latest_materialization_event(key)
            assert entry is not None, key
            assert entry.tags["dagster/data_version"] == table_version(con, key).value, key
        tables = {f"{s}.{t}" for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN "
            "('analysis', 'results')").fetchall()}
    assert tables - claimed == set()


def test_the_code_version_is_the_packages_code(tmp_path: Path):
    """Every asset has the one code version; it is the same computed again (another process or
    clone computes the same), and a changed .sql file changes it."""
    graph = build_defs(Settings(deliveries_dir=tmp_path, out_dir=tmp_path)).resolve_asset_graph()
    assert {graph.get(k).code_version for k in graph.materializable_asset_keys} == {CODE_VERSION}
    assert code_digest() == CODE_VERSION
    from ips_eval.config import PROJECT_ROOT

    for folder in ("ips_eval", "assets", "schemas", "sql"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    assert code_digest(tmp_path) == CODE_VERSION
    sql = next((tmp_path / "sql").rglob("*.sql"))
    sql.write_text(sql.read_text(encoding="utf-8") + "\n-- changed\n", encoding="utf-8")
    assert code_digest(tmp_path) != CODE_VERSION
