"""IPS-25 fidelity reviews in the warehouse: ``analysis.fidelity`` (team × review: total, band,
k01 … k25). The SQL (``sql/fidelity/fidelity.sql``) holds no rule of its own: item range and
bands are bound from ``schemas/instruments.py`` here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import duckdb

from ips_eval.warehouse import require_columns, run_sql, write_study_meta
from schemas.codebook import LAATUARVIOT
from schemas.instruments import FIDELITY_ITEMS, fidelity_bands


def build_fidelity(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date]) -> int:
    """Build ``analysis.fidelity`` (team × review: total, band, k01 … k25); returns its rows."""
    require_columns(con, "staging", "laatuarviot",
                    ["team", "region", "review_date", *FIDELITY_ITEMS])
    item = LAATUARVIOT.column(FIDELITY_ITEMS[0])
    write_study_meta(con, cutoffs)
    run_sql(con, "fidelity/fidelity", {
        "fidelity_items": list(FIDELITY_ITEMS),
        "fidelity_item_min": item.min,
        "fidelity_item_max": item.max,
        "fidelity_bands": fidelity_bands(),
    })
    return con.execute("SELECT count(*) FROM analysis.fidelity").fetchall()[0][0]
