"""Ingest domain: every delivery into DuckDB, per source raw → staging, plus the quarantine and
the run manifest. Each asset wires the resources to one plain function of ``ips_eval.ingest``.

    deliveries/<source>  the source's delivery folder, observed: its data version is a digest
                     of its files (assets/versions.py), so a new file makes raw/<table> stale
    raw/<table>      new delivery files of the source read into raw (pseudonymised)
    staging/<table>  validated, newest version per key (checks: reconciliation, pass rate)
    quarantine/defects  every rejected file, row and field (check: identity-leak scan)
    meta/manifest    out/manifest.json
"""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg
import polars as pl

from assets.defs import keys
from assets.defs.resources import Pseudonymiser, Study, Warehouse
from assets.metadata import md
from assets.versions import delivery_digest, outcomes_version, table_version
from ips_eval import keyguard
from ips_eval.config import is_demo_key
from ips_eval.ingest.audit import identity_leaks, reconciliation, reconciliation_totals
from ips_eval.ingest.manifest import manifest_frame, write_manifest
from ips_eval.ingest.pipeline import load_source, note_demo_key, stage_source
from schemas.codebook import SOURCES, Source

GROUP = "ingest"
# Below this share of rows passing every row-level rule a source is worth a look (WARN only:
# the rows are in quarantine, nothing is lost).
PASS_RATE_WARN_BELOW = 0.95


ENROLMENT = SOURCES["asiakkaat"]


def _delivery_source(src: Source) -> dg.SourceAsset:
    with warnings.catch_warnings():  # beta in Dagster 1.13, and the one way to observe a folder
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _observable(src)


def _observable(src: Source) -> dg.SourceAsset:
    @dg.observable_source_asset(
        key=keys.delivery(src.table), group_name=GROUP, required_resource_keys={"study"},
        description=f"{src.label('en')}: the delivery folder `{src.name}/`. Observing it "
                    "records a digest of its files' names and contents as its data version; "
                    f"a changed digest makes raw/{src.table} stale.")
    def _observe(context) -> dg.DataVersion:  # noqa: ANN001 — Dagster's observe context
        return dg.DataVersion(delivery_digest(context.resources.study.deliveries, src.name))
    return _observe


def _raw_asset(src: Source) -> dg.AssetsDefinition:
    @dg.asset(key=keys.raw(src.table), group_name=GROUP, kinds={"duckdb"},
              deps=[keys.delivery(src.table)],
              description=f"{src.label('en')}: new delivery files in `{src.name}/` read into "
                          f"raw.{src.table} (identity codes pseudonymised).")
    def _load(warehouse: Warehouse, study: Study,
              pseudonymiser: dg.ResourceParam[Pseudonymiser]) -> dg.MaterializeResult:
        key = pseudonymiser.key_for(study.deliveries)  # refused before any row is read
        note_demo_key(is_demo_key(key))
        with warehouse.connect() as con:
            # the key the warehouse was built with, also when the run did not come through
            # `ips-eval run` (the Dagster UI): KeyChanged before a row is read
            keyguard.check_connection(con, key.decode("utf-8"), Path(warehouse.path))
            outcomes = load_source(con, study.deliveries, src, key)
        files = pl.DataFrame([{"file": o.file, "outcome": o.outcome, "rows_read": o.rows_read,
                               "reason": o.message or ""} for o in outcomes])
        counts = {o: sum(f.outcome == o for f in outcomes)
                  for o in ("loaded", "already_loaded", "rejected")}
        return dg.MaterializeResult(data_version=outcomes_version(outcomes), metadata={
            **{f"files_{k}": v for k, v in counts.items()},
            "rows_read_new": sum(o.rows_read for o in outcomes if o.outcome == "loaded"),
            "files": md(files, 40)})
    return _load


def _staging_deps(src: Source) -> list[dg.AssetKey]:
    deps = [keys.raw(src.table)]
    if any(r.rule == "unknown_client" for r in src.row_rules) and src is not ENROLMENT:
        deps.append(keys.raw(ENROLMENT.table))  # the known clients
    if src.register:
        deps.append(keys.staging(ENROLMENT.table))  # client_id by pid
    return deps


def _staging_asset(src: Source) -> dg.AssetsDefinition:
    @dg.asset(key=keys.staging(src.table), group_name=GROUP, kinds={"duckdb"},
              deps=_staging_deps(src),
              description=f"{src.label('en')}: validated, newest delivery per key "
                          f"({', '.join(src.key)}); invalid field values NULL.")
    def _stage(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            summary = stage_source(con, src)
            per_file = reconciliation(con, src)
            preview = con.sql(f"SELECT * FROM staging.{src.table} LIMIT 5").pl()
            version = table_version(con, keys.staging(src.table))
        by_rule = pl.DataFrame({"rule": list(summary.by_rule),
                                "records": list(summary.by_rule.values())})
        return dg.MaterializeResult(data_version=version, metadata={
            "rows_read": summary.rows_read, "rows_staged": summary.staged,
            "rows_superseded": summary.superseded,
            "exact_duplicates": summary.exact_duplicates,
            "rows_quarantined": summary.quarantined_rows,
            "field_defects": summary.field_defects,
            "pass_rate": dg.MetadataValue.float(round(summary.pass_rate, 4)),
            "quarantined_by_rule": md(by_rule, 40),
            "per_file": md(per_file.drop("balanced"), 40),
            "preview": md(preview, 5), "dagster/row_count": summary.staged})
    return _stage


def _reconciliation_check(src: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=keys.staging(src.table), name="reconciliation", blocking=True,
                    description="Per source and per file: rows read = staged + superseded + "
                                "exact duplicates + quarantined rows.")
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            per_file = reconciliation(con, src)
        totals = reconciliation_totals(per_file)
        return dg.AssetCheckResult(
            passed=totals["unbalanced_files"] == 0, severity=dg.AssetCheckSeverity.ERROR,
            metadata={**totals, "unbalanced": md(per_file.filter(~pl.col("balanced")), 40)})
    return _check


def _pass_rate_check(src: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=keys.staging(src.table), name="schema_pass_rate",
                    description=f"At least {PASS_RATE_WARN_BELOW:.0%} of rows read pass every "
                                "row-level rule (files rejected whole are listed too).")
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            per_file = reconciliation(con, src)
        read = int(per_file["rows_read"].sum()) if per_file.height else 0
        bad = int(per_file["quarantined_rows"].sum()) if per_file.height else 0
        rejected = per_file.filter(pl.col("outcome") == "rejected")["file"].to_list()
        rate = 1.0 if not read else 1 - bad / read
        return dg.AssetCheckResult(
            passed=rate >= PASS_RATE_WARN_BELOW and not rejected,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"pass_rate": dg.MetadataValue.float(round(rate, 4)),
                      "rows_quarantined": bad, "files_rejected": ", ".join(rejected) or "none"})
    return _check


DELIVERY_SOURCES = [_delivery_source(s) for s in SOURCES.values()]
RAW_ASSETS = [_raw_asset(s) for s in SOURCES.values()]
RAW_KEYS = [keys.raw(s.table) for s in SOURCES.values()]
STAGING_ASSETS = [_staging_asset(s) for s in SOURCES.values()]
STAGING_CHECKS = [make(s) for s in SOURCES.values()
                  for make in (_reconciliation_check, _pass_rate_check)]
STAGING_KEYS = [keys.staging(s.table) for s in SOURCES.values()]


# The quarantine and the manifest read what each raw load found (meta.ingest_scan: rejected
# files) and what the staging steps wrote besides their tables (the quarantined rows, the
# row outcomes), all a function of the raw loads' outcomes: they depend on every raw asset
# too, so that a delivery that changes no staging table still makes them stale.
@dg.asset(key=keys.QUARANTINE, group_name=GROUP, kinds={"duckdb"},
          deps=[*RAW_KEYS, *STAGING_KEYS],
          description="Every rejected file, row and field of every source, with rule and "
                      "(masked) value: quarantine.defects.")
def quarantine_defects(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        by_rule = con.sql("SELECT source, level, rule, count(*) AS records FROM "
                          "quarantine.defects GROUP BY ALL ORDER BY source, level, rule").pl()
        total = con.sql("SELECT count(*) AS n FROM quarantine.defects").pl()["n"][0]
    return dg.MaterializeResult(metadata={"records": int(total), "by_source_and_rule":
                                          md(by_rule, 200), "dagster/row_count": int(total)})


@dg.asset_check(asset=quarantine_defects, name="identity_leak_scan", blocking=True,
                description="No text in any warehouse table is a valid personal identity code.")
def identity_leak_scan(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        leaks = identity_leaks(con)
    found = pl.DataFrame([{"table": x.table, "column": x.column, "values": x.values}
                          for x in leaks])
    return dg.AssetCheckResult(passed=not leaks, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"columns_with_hetu": len(leaks), "where": md(found, 40)})


@dg.asset(key=keys.MANIFEST, group_name=GROUP, kinds={"json"},
          deps=[*RAW_KEYS, *STAGING_KEYS, quarantine_defects],
          description="out/manifest.json: every delivery file with hash and outcome, cut-offs, "
                      "package versions, git commit, demo-key use.")
def meta_manifest(context, warehouse: Warehouse, study: Study,
                  pseudonymiser: dg.ResourceParam[Pseudonymiser]) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        path = write_manifest(con, study.out, study.cutoffs,
                              pseudonymiser.uses_demo_key_for(study.deliveries),
                              study.run_id or context.run_id)
    import json

    manifest = json.loads(path.read_text(encoding="utf-8"))
    files = manifest_frame(manifest)
    shown = files.select("source", "file", "outcome", "rows_read", "staged", "quarantined_rows") \
        if files.height else files
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)), "files": len(manifest["files"]),
        "git_commit": manifest["git_commit"], "uses_demo_key": manifest["uses_demo_key"],
        "deliveries": md(shown, 200)})


@dg.definitions
def ingest() -> dg.Definitions:
    return dg.Definitions(
        # the delivery folders (DELIVERY_SOURCES) join in assets/definitions.py: source assets
        # have no code version to be given
        assets=[*RAW_ASSETS, *STAGING_ASSETS, quarantine_defects, meta_manifest],
        asset_checks=[*STAGING_CHECKS, identity_leak_scan],
    )
