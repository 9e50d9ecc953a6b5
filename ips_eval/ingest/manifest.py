"""The run manifest ``out/manifest.json``: what went in and with what software.

Every delivery file present (content hash, size, delivery date, outcome — loaded, already
loaded, rejected with its reason — and its rows read / staged / superseded / exact duplicates /
quarantined), the cut-offs, the versions of the core packages, the project's git commit and
whether the public demo pseudonym key was used. The content is deterministic for the same
deliveries and warehouse state; the one exception is the explicit ``generated_at`` field (the
manifest therefore lives beside, not in, ``out/results``).
"""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ips_eval.config import PROJECT_ROOT
from ips_eval.ingest.audit import all_reconciliations, reconciliation_totals
from ips_eval.outputs import write_text

CORE_PACKAGES = ("ips-eval", "dagster", "duckdb", "polars", "pyarrow", "pandas", "pandera",
                 "statsmodels", "lifelines", "great-tables", "pyreadstat", "python-stdnum",
                 "fastexcel", "openpyxl", "xlsxwriter", "matplotlib", "numpy", "scipy")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in CORE_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit(root: Path = PROJECT_ROOT) -> str:
    """The project's commit, or "unknown" outside a git checkout."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def delivery_files(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One entry per delivery file present, sorted by source and file."""
    scan = con.sql("SELECT source, file, content_hash, size_bytes, delivery_date, outcome, rule, "
                   "message FROM meta.ingest_scan").pl()
    counts = all_reconciliations(con).drop("outcome")
    rows = scan.join(counts, on=["source", "file"], how="left").sort("source", "file")
    entries = []
    for r in rows.iter_rows(named=True):
        outcome = r["outcome"]
        if outcome == "rejected":
            outcome = f"rejected: {r['message']}"
        elif outcome == "loaded" and r["message"]:
            outcome = f"loaded ({r['message']})"
        elif outcome == "already_loaded":
            outcome = "already loaded" + (f" ({r['message']})" if r["message"] else "")
        entries.append({
            "source": r["source"], "file": r["file"], "content_hash": r["content_hash"],
            "size_bytes": r["size_bytes"],
            "delivery_date": r["delivery_date"].isoformat() if r["delivery_date"] else None,
            "outcome": outcome, "rule": r["rule"],
            **{k: int(r[k] or 0) for k in ("rows_read", "staged", "superseded",
                                           "exact_duplicates", "quarantined_rows",
                                           "field_defects")},
        })
    return entries


def source_totals(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    per_file = all_reconciliations(con)
    totals = {}
    for (name,), frame in per_file.group_by("source", maintain_order=True):
        totals[name] = reconciliation_totals(frame)
    rules = con.sql("SELECT source, rule, count(*) AS n FROM quarantine.defects "
                    "GROUP BY ALL ORDER BY source, rule").pl()
    for (name,), frame in rules.group_by("source", maintain_order=True):
        totals.setdefault(name, {})["by_rule"] = dict(zip(frame["rule"], frame["n"],
                                                          strict=True))
    return dict(sorted(totals.items()))


def build_manifest(con: duckdb.DuckDBPyConnection, cutoffs: dict[str, date],
                   uses_demo_key: bool, run_id: str | None = None) -> dict[str, Any]:
    return {
        "run_id": run_id,  # the run that wrote it (the report names its run the same way)
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "git_commit": git_commit(),
        "uses_demo_key": uses_demo_key,
        "cutoffs": {cohort: d.isoformat() for cohort, d in sorted(cutoffs.items())},
        "package_versions": package_versions(),
        "sources": source_totals(con),
        "files": delivery_files(con),
    }


def write_manifest(con: duckdb.DuckDBPyConnection, out_dir: Path, cutoffs: dict[str, date],
                   uses_demo_key: bool, run_id: str | None = None) -> Path:
    """Write ``<out_dir>/manifest.json`` atomically; returns its path."""
    path = Path(out_dir) / "manifest.json"
    manifest = build_manifest(con, cutoffs, uses_demo_key, run_id)
    return write_text(path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def manifest_frame(manifest: dict[str, Any]) -> pl.DataFrame:
    """The manifest's files as a table (for Dagster metadata and the report)."""
    return pl.DataFrame(manifest["files"]) if manifest["files"] else pl.DataFrame()
