"""Survey waves and instrument scores in the warehouse.

The SQL (``sql/scores/survey_responses.sql``, ``sql/scores/scores.sql``) holds no rule
of its own: windows, items, reversals, ranges, minimum answered items and transforms
are bound from ``schemas/instruments.py`` here, in this one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
from scipy import stats

from ips_eval.export import export_dataset
from ips_eval.warehouse import require_columns, run_sql, write_study_meta
from schemas.analysis import dataset
from schemas.codebook import Lang
from schemas.instruments import (
    FOLLOWUP_ITEMS,
    INSTRUMENTS,
    instrument_rules,
    item_names,
    item_rules,
    wave_windows,
)


def build_scores(con: duckdb.DuckDBPyConnection, cutoffs: Mapping[str, date]) -> dict[str, int]:
    """Build ``analysis.survey_responses`` (every response, its wave by answer date and whether it
    is used), ``analysis.score_items`` (used items after range check and reversal),
    ``analysis.scores`` (client × wave × instrument) and ``analysis.survey_followup`` (the
    situation and satisfaction items of used follow-up responses). Returns counts for the
    asset's metadata."""
    require_columns(con, "staging", "asiakaskysely",
                    ["client_id", "wave_intended", "response_date", "_file", "_delivery_date",
                     "_row", *item_names(), *FOLLOWUP_ITEMS])
    require_columns(con, "staging", "asiakkaat", ["client_id", "cohort", "index_date"])
    write_study_meta(con, cutoffs)
    run_sql(con, "scores/survey_responses", {"wave_windows": wave_windows()})
    run_sql(con, "scores/scores", {"item_columns": item_names(), "item_rules": item_rules(),
                            "instrument_rules": instrument_rules()})
    run_sql(con, "scores/survey_followup", {"followup_items": list(FOLLOWUP_ITEMS)})
    return response_counts(con)


def response_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Responses by use: used, and each reason a response is not used; and scored rows."""
    counts = dict(con.execute(
        "SELECT coalesce(not_used_reason, 'used'), count(*) FROM analysis.survey_responses "
        "GROUP BY ALL ORDER BY 1").fetchall())
    scored, rows = con.execute(
        "SELECT count(score), count(*) FROM analysis.scores").fetchall()[0]
    return {"responses": sum(counts.values()), **counts, "score_rows": rows,
            "scored": scored, "not_scored_too_few_items": rows - scored}


def score_range_violations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Scores outside their instrument's range (must be none; the asset check's ERROR)."""
    ranges = pl.DataFrame(
        [{"instrument": i.name, "lo": i.score_range[0], "hi": i.score_range[1]}
         for i in INSTRUMENTS])
    scores = con.sql(
        "SELECT client_id, wave, instrument, score FROM analysis.scores "
        "WHERE score IS NOT NULL").pl()
    return (scores.join(ranges, on="instrument", how="left")
            .filter(pl.col("lo").is_null() | (pl.col("score") < pl.col("lo") - 1e-9)
                    | (pl.col("score") > pl.col("hi") + 1e-9))
            .select("instrument", "wave", "score"))  # no client codes in check metadata


def score_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """n scored and mean score per instrument × cohort × wave (for metadata and the figure)."""
    return con.sql(
        "SELECT instrument, cohort, wave, count(score) AS n, avg(score) AS mean, "
        "stddev_samp(score) AS sd FROM analysis.scores GROUP BY ALL "
        "ORDER BY instrument, cohort, wave").pl()


def score_means(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """score_means.csv: per instrument × cohort × wave the scored responses' n, mean, SD and
    t-based 95 % CI of the mean (all responses of the wave, not only clients with both waves:
    it describes who answered; change.csv and mixed.csv describe change within clients)."""
    df = con.sql(
        "SELECT instrument, cohort, wave, count(score) AS n, avg(score) AS mean, "
        "stddev_samp(score) AS sd FROM analysis.scores WHERE score IS NOT NULL "
        "GROUP BY ALL").pl()
    half = [stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) if n >= 2 and sd is not None else None
            for n, sd in zip(df["n"], df["sd"], strict=True)]
    return df.with_columns(half=pl.Series(half, dtype=pl.Float64)).with_columns(
        ci_lower=pl.col("mean") - pl.col("half"), ci_upper=pl.col("mean") + pl.col("half"),
    ).drop("half").sort("instrument", "cohort", "wave")


def export_analysis_dataset(con: duckdb.DuckDBPyConnection, name: str, out_dir: Path,
                            lang: Lang) -> list[Path]:
    """``out/analysis/<name>.parquet``, ``.dta`` and ``.sav`` of ``analysis.<name>`` with the
    labels of ``schemas/analysis.py`` in ``lang``."""
    return export_dataset(con, f"analysis.{name}", out_dir, dataset(name), lang=lang)
