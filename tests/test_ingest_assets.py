"""The ingest as Dagster assets on a temporary warehouse, the run manifest and the validate
summary the CLI prints."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
from support.deliveries import (
    ENROLMENT,
    H1,
    H2,
    JOBS,
    client,
    job,
    mark_as_synthetic,
    write_csv,
)

from assets.defs.ingest import (
    RAW_ASSETS,
    STAGING_ASSETS,
    STAGING_CHECKS,
    identity_leak_scan,
    meta_manifest,
    quarantine_defects,
)
from assets.defs.resources import Pseudonymiser, Study, Warehouse
from ips_eval.config import Settings
from ips_eval.ingest.validate import validate_deliveries


def _deliveries(root: Path) -> Path:
    d = root / "deliveries"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT,
              [client("HEL-0001", H1), client("HEL-0002", H2), client("HEL-0003", "",
                                                                      consent="0",
                                                                      region="PKA")])
    write_csv(d / "tyosuhteet/2023-07-05_HEL.csv", JOBS,
              [job("HEL-0001", "1"), job("HEL-0001", "1"), job("HEL-0002", "1", hours="99")])
    (d / "kontaktit").mkdir()
    (d / "kontaktit/2023-07-05_HEL.csv").write_bytes(b"")
    return mark_as_synthetic(d)  # the materialise test runs it with the demo key


def test_materialize_ingest_assets_with_checks_and_manifest(tmp_path: Path) -> None:
    d, out = _deliveries(tmp_path), tmp_path / "out"
    resources = {
        "warehouse": Warehouse(path=str(out / "ips_eval.duckdb"), memory_limit="1GB"),
        "study": Study(deliveries_dir=str(d), out_dir=str(out)),
        "pseudonymiser": Pseudonymiser(),
    }
    result = dg.materialize([*RAW_ASSETS, *STAGING_ASSETS, *STAGING_CHECKS, quarantine_defects,
                             identity_leak_scan, meta_manifest], resources=resources)
    assert result.success
    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed
              for e in result.get_asset_check_evaluations()}
    assert checks[("staging/asiakkaat", "reconciliation")] is True
    assert checks[("staging/tyosuhteet", "reconciliation")] is True
    assert checks[("quarantine/defects", "identity_leak_scan")] is True
    assert checks[("staging/asiakkaat", "schema_pass_rate")] is False  # 1 of 3 rows rejected
    assert checks[("staging/kontaktit", "schema_pass_rate")] is False  # a file rejected
    meta = result.asset_materializations_for_node("staging__tyosuhteet")[0].metadata
    assert (meta["rows_read"].value, meta["rows_staged"].value,
            meta["exact_duplicates"].value, meta["field_defects"].value) == (3, 2, 1, 1)

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["uses_demo_key"] is True
    assert manifest["cutoffs"] == {"pilot": "2023-06-30", "rrp": "2024-12-31"}
    assert {"duckdb", "polars", "pandera", "python-stdnum"} <= set(manifest["package_versions"])
    assert len(manifest["git_commit"]) == 40 or manifest["git_commit"] == "unknown"
    files = {f["file"]: f for f in manifest["files"]}
    assert files["kontaktit/2023-07-05_HEL.csv"]["outcome"].startswith("rejected: ")
    jobs = files["tyosuhteet/2023-07-05_HEL.csv"]
    assert (jobs["outcome"], jobs["rows_read"], jobs["staged"], jobs["exact_duplicates"],
            len(jobs["content_hash"])) == ("loaded", 3, 2, 1, 64)
    assert manifest["sources"]["asiakkaat"]["by_rule"] == {"region_prefix_mismatch": 1}

    # a second run: every file already loaded, the same content apart from generated_at
    again = dg.materialize([*RAW_ASSETS, *STAGING_ASSETS, quarantine_defects, meta_manifest],
                           resources=resources)
    assert again.success
    second = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {f["outcome"] for f in second["files"]} == {"already loaded",
                                                       files["kontaktit/2023-07-05_HEL.csv"][
                                                           "outcome"]}
    for key in ("sources", "cutoffs", "package_versions", "git_commit"):
        assert second[key] == manifest[key]


def test_validate_summary_counts_rejected_files_and_renders_rules(tmp_path: Path) -> None:
    d = _deliveries(tmp_path)
    settings = Settings(deliveries_dir=d, out_dir=tmp_path / "out")
    summary = validate_deliveries(settings)
    assert summary.files_rejected == 1
    assert summary.balanced and not summary.leaks and not summary.ok
    text = summary.render()
    assert "region_prefix_mismatch" in text and "out_of_range" in text
    assert "REJECTED kontaktit/2023-07-05_HEL.csv: the file is empty (0 bytes)" in text
    assert H1 not in text
    assert not (tmp_path / "out").exists()  # a throw-away warehouse by default
