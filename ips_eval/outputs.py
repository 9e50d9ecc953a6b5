"""Writing outputs: results tables, analysis datasets' Parquet, figures. One place for the
rules every output follows: atomic replacement (a killed run never leaves half a file), stable
row order and formatting (two runs on the same deliveries give byte-identical files), and the
results copy inside the warehouse's ``results`` schema.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl


@contextmanager
def atomic_path(path: Path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix,
                               dir=path.parent)
    os.close(fd)
    # mkstemp makes the file private (0600); published outputs follow the umask like any
    # other file the team writes
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _stable(df: pl.DataFrame, sort_by: Sequence[str] | None) -> pl.DataFrame:
    keys = list(sort_by) if sort_by else list(df.columns)
    return df.sort(keys, nulls_last=True, maintain_order=True) if df.height else df


def write_result(
    con: duckdb.DuckDBPyConnection | None,
    name: str,
    df: pl.DataFrame,
    out_dir: Path,
    sort_by: Sequence[str] | None = None,
    float_precision: int | None = 10,
) -> dict[str, Any]:
    """Write a tidy results table to ``out/results/<name>.csv`` and ``.parquet`` and, when a
    connection is given, to ``results.<name>`` in the warehouse. Returns Dagster metadata.

    Floats are rounded to ``float_precision`` significant decimals in the CSV only, so that a
    last-bit difference in a BLAS reduction never makes two runs' CSVs differ."""
    df = _stable(df, sort_by)
    results = Path(out_dir) / "results"
    with atomic_path(results / f"{name}.csv") as tmp:
        df.write_csv(tmp, float_precision=float_precision, date_format="%Y-%m-%d")
    with atomic_path(results / f"{name}.parquet") as tmp:
        df.write_parquet(tmp, statistics=False)
    if con is not None:
        con.register("_result_df", df.to_arrow())
        try:
            con.execute(f'CREATE OR REPLACE TABLE results."{name}" AS SELECT * FROM _result_df')
        finally:
            con.unregister("_result_df")
    return {"rows": df.height, "path": str(results / f"{name}.csv"),
            "preview": markdown_preview(df)}


def write_parquet(df: pl.DataFrame, path: Path, sort_by: Sequence[str] | None = None) -> Path:
    with atomic_path(path) as tmp:
        _stable(df, sort_by).write_parquet(tmp, statistics=False)
    return path


def copy_table_to_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path,
                          order_by: str) -> Path:
    """Stream a (possibly huge) warehouse table to Parquet without loading it in Python."""
    with atomic_path(path) as tmp:
        con.execute(f"COPY (SELECT * FROM {table} ORDER BY {order_by}) TO '{tmp}' "
                    "(FORMAT parquet, COMPRESSION zstd)")
    return path


def write_figure(save: Callable[[Path, str], None] | Any, out_dir: Path, name: str) -> list[Path]:
    """Save a matplotlib figure as ``out/figures/<name>.png`` and ``.svg``, reproducibly
    (no timestamps, a fixed SVG id salt)."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "ips-eval"
    figures = Path(out_dir) / "figures"
    written = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        target = figures / f"{name}.{ext}"
        with atomic_path(target) as tmp:
            save.savefig(tmp, format=ext, metadata=meta, dpi=150, bbox_inches="tight")
        written.append(target)
    return written


def markdown_preview(df: pl.DataFrame, rows: int = 8) -> str:
    """A small markdown table for Dagster metadata (``dg.MetadataValue.md``)."""
    head = df.head(rows)
    if not head.columns:
        return ""
    cells = [[("" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v))
              for v in row] for row in head.iter_rows()]
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines)

