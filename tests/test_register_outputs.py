"""results/register, results/register_comparison, the register figure and the Dagster assets,
on the hand-made study of test_register_monthly (worked by hand there):

- pilot clients: pA (index 2022-03) and pE (index 2021-05); at rel_month 0 pA is employed
  (1 234.50 €) and pE is in "other" with no earnings → 2 persons, 50 % / 50 %, mean earnings
  617.25 €, median 617.25 €; rel_month −24 is 2020-03 for pA and 2019-05 for pE, both before
  the registers begin (2020-06), so it is left out.
- rrp client pB (index 2024-02): rel_month −24 is 2022-02, covered; SPR share 100 €.
- comparison person pX: 2023-01 employed (50 €), 2020-06 student (OPT 110 €).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from support.register import CUTOFFS, hand_made_study

from ips_eval.publish.figures.register import write_register_states_figure
from ips_eval.register.monthly import (
    build_register_monthly,
    client_states_by_rel_month,
    comparison_states_by_month,
    write_register_results,
)
from ips_eval.warehouse import connect
from schemas.register_states import STATE_NAMES


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    with connect(tmp_path_factory.mktemp("register") / "w.duckdb", memory_limit="1GB") as con:
        hand_made_study(con)
        build_register_monthly(con, CUTOFFS)
        yield con


def rows_at(df: pl.DataFrame, **where) -> dict[str, dict]:
    sub = df.filter(*(pl.col(k) == v for k, v in where.items()))
    return {r["state"]: r for r in sub.iter_rows(named=True)}


def test_client_states_at_the_index_month(built):
    at = rows_at(client_states_by_rel_month(built), cohort="pilot", rel_month=0)
    assert set(at) == {"all", *STATE_NAMES}  # every state, n = 0 included
    assert (at["all"]["n"], at["all"]["pct"]) == (2, 100.0)
    assert (at["employed"]["n"], at["employed"]["pct"]) == (1, 50.0)
    assert (at["other"]["n"], at["other"]["pct"]) == (1, 50.0)
    assert (at["unemployed"]["n"], at["unemployed"]["pct"]) == (0, 0.0)
    assert at["all"]["mean_earnings_eur"] == pytest.approx(617.25)
    assert at["all"]["median_earnings_eur"] == pytest.approx(617.25)
    assert at["employed"]["mean_earnings_eur"] == pytest.approx(1234.5)
    assert at["all"]["mean_benefits_eur"] == pytest.approx(300.0)  # (600 + 0) / 2


def test_months_before_the_registers_begin_are_left_out_of_the_results(built):
    states = client_states_by_rel_month(built)
    assert states.filter((pl.col("cohort") == "pilot") & (pl.col("rel_month") == -24)).is_empty()
    first = rows_at(states, cohort="rrp", rel_month=-24)
    assert (first["all"]["n"], first["sickness_rehabilitation"]["n"]) == (1, 1)
    assert first["all"]["mean_benefits_eur"] == pytest.approx(100.0)


def test_results_hold_clients_only(built):
    states = client_states_by_rel_month(built)
    assert set(states["cohort"]) == {"pilot", "rrp"}
    # pE alone reaches rel_month 25 (2023-06); pA ends at 15, pB at 3
    assert states["rel_month"].max() == 25


def test_comparison_persons_by_calendar_month(built):
    comparison = comparison_states_by_month(built)
    january = rows_at(comparison, month=date(2023, 1, 1))
    assert (january["all"]["n"], january["employed"]["n"], january["employed"]["pct"]) == (
        1, 1, 100.0)
    june = rows_at(comparison, month=date(2020, 6, 1))
    assert (june["student"]["n"], june["all"]["mean_benefits_eur"]) == (1, pytest.approx(110.0))
    assert comparison["month"].n_unique() == 48


def test_results_files_are_written(built, tmp_path: Path):
    write_register_results(built, tmp_path)
    register = pl.read_csv(tmp_path / "results" / "register.csv")
    assert register.columns[:5] == ["cohort", "rel_month", "state", "state_order", "n"]
    assert {"pct", "mean_earnings_eur", "median_earnings_eur"} <= set(register.columns)
    assert (tmp_path / "results" / "register_comparison.csv").is_file()
    assert built.execute("SELECT count(*) FROM results.register").fetchall()[0][0] == (
        register.height)


def test_figure_is_written_as_png_and_svg(built, tmp_path: Path):
    paths = write_register_states_figure(client_states_by_rel_month(built), tmp_path)
    assert sorted(p.name for p in paths) == [f"register_states_by_rel_month_{lang}.{ext}"
                                              for lang in ("en", "fi", "sv")
                                              for ext in ("png", "svg")]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_register_assets_materialise_with_their_checks(tmp_path: Path):
    from assets.defs import register as assets
    from assets.defs.resources import Study, Warehouse

    with connect(tmp_path / "ips_eval.duckdb", memory_limit="1GB") as con:
        hand_made_study(con)
    resources = {"warehouse": Warehouse(path=str(tmp_path / "ips_eval.duckdb"),
                                        memory_limit="1GB"),
                 "study": Study(deliveries_dir=str(tmp_path), out_dir=str(tmp_path))}
    result = dg.materialize(
        [assets.analysis_register_monthly, assets.results_register,
         assets.figure_register_states, assets.register_monthly_one_row_per_person_month,
         assets.register_monthly_kela_shares_add_up,
         assets.register_monthly_main_state_never_null, assets.register_monthly_clients_linked],
        resources=resources)
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert len(evaluations) == 4
    # pE (HEL-0002 and LAP-0001) has no benefit and no pay: linkable, but no register row
    linked = evaluations.pop("register_monthly_clients_linked")
    assert not linked.passed and linked.metadata["clients_unlinked"].value == 2
    assert all(e.passed for e in evaluations.values())
    metadata = result.asset_materializations_for_node("analysis__register_monthly")[0].metadata
    assert metadata["rows"].value == 40 + 28 + 50 + 48
    assert metadata["comparison_persons"].value == 1
    parquet = pl.read_parquet(tmp_path / "analysis" / "register_monthly.parquet")
    assert parquet.schema["benefits"] == pl.List(pl.String)
    assert parquet.select("pid", "month").is_duplicated().sum() == 0
    assert (tmp_path / "analysis" / "register_monthly.dta").is_file()
    assert (tmp_path / "results" / "register.csv").is_file()
    assert (tmp_path / "figures" / "register_states_by_rel_month_fi.png").is_file()
