"""What an asset tells a person in the Dagster UI, the same way in every domain: a markdown
preview of a frame, and a results table's row count, path and preview (with the table's data
version, assets/versions.py)."""

from __future__ import annotations

from typing import Any

import dagster as dg
import duckdb
import polars as pl

from assets.defs import keys
from assets.defs.resources import Study
from assets.versions import table_version
from ips_eval.outputs import markdown_preview, write_result


def md(df: pl.DataFrame, rows: int = 12) -> dg.MetadataValue:
    """A small markdown table for materialisation or check metadata."""
    return dg.MetadataValue.md(markdown_preview(df, rows))


def result(con: duckdb.DuckDBPyConnection, study: Study, name: str, df: pl.DataFrame,
           sort_by: list[str], **extra: Any) -> dg.MaterializeResult:
    """Write a tidy results table (``out/results/<name>`` and ``results.<name>``) and say so."""
    meta = write_result(con, name, df, study.out, sort_by=sort_by)
    return dg.MaterializeResult(data_version=table_version(con, keys.results(name)), metadata={
        "rows": meta["rows"], "path": dg.MetadataValue.path(meta["path"]),
        "preview": dg.MetadataValue.md(meta["preview"]), **extra})
