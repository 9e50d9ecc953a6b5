"""costs.csv on a hand-made study: cost per client started, per client-year in service and per
client employed within 12 months, and the register returns from a hand-made
results.register_effect (contract columns)."""

from __future__ import annotations

from datetime import date as d

import duckdb
import polars as pl
import pytest
from support.employment import client, job, make_staging

from ips_eval.employment.derive import build_clients_and_jobs, build_tte
from ips_eval.fidelity.costs import build_service_years, costs_table, register_returns
from schemas.study import STUDY

CUTOFFS = STUDY.default_cutoffs
CLIENTS = [
    client("KAI-0001", d(2023, 7, 1)),                    # 2023: 184 days, 2024: 366
    client("KAI-0002", d(2023, 7, 1), d(2023, 12, 31)),   # 2023: 184 days
    client("KAI-0003", d(2024, 7, 1)),                    # 2024: 184 days, no 12-month window
]
JOBS = [job("KAI-0001", 1, d(2024, 3, 1))]  # day 244: within 12 months
COSTS = pl.DataFrame({
    "region": ["KAI", "KAI"], "cohort": ["rrp", "rrp"], "year": [2023, 2024],
    "coach_fte": [0.5, 1.0], "personnel_eur": [30_000.0, 60_000.0],
    "other_eur": [3_000.0, 7_000.0], "funding_eur": [30_000.0, 60_000.0]})


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> pl.DataFrame:
    con = duckdb.connect(str(tmp_path_factory.mktemp("costs") / "w.duckdb"))
    con.execute("CREATE SCHEMA analysis")
    make_staging(con, CLIENTS, JOBS)
    build_clients_and_jobs(con, CUTOFFS)
    build_tte(con)
    build_service_years(con)
    frame = con.sql("FROM analysis.client_service_years").pl()
    con.close()
    return frame


def _row(table: pl.DataFrame, region: str, year: str, cohort: str = "rrp") -> dict:
    rows = table.filter((pl.col("region") == region) & (pl.col("year") == year)
                        & (pl.col("cohort") == cohort))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_cost_per_client_client_year_and_employed(service):
    table = costs_table(service, COSTS)
    y2023 = _row(table, "KAI", "2023")
    assert y2023["cost_eur"] == 33_000
    assert y2023["clients_started"] == 2
    assert y2023["client_years"] == pytest.approx((184 + 184) / 365.25)
    assert y2023["cost_per_client"] == 16_500
    assert y2023["cost_per_client_year"] == pytest.approx(33_000 / (368 / 365.25))
    # both 2023 starters have the 12-month window; KAI-0001 found a job on day 244
    assert (y2023["clients_window_12m"], y2023["clients_employed_12m"]) == (2, 1)
    assert y2023["cost_per_employed"] == pytest.approx(16_500 / 0.5)
    whole = _row(table, "KAI", "all")
    assert whole["cost_eur"] == 100_000 and whole["clients_started"] == 3
    assert whole["client_years"] == pytest.approx((184 + 366 + 184 + 184) / 365.25)
    assert whole["clients_per_fte"] == pytest.approx(whole["client_years"] / 1.5)
    assert whole["benefits_saved_per_client"] is None  # no register effect yet


def test_a_year_in_service_without_its_cost_row_gives_no_ratio(service):
    table = costs_table(service, COSTS.filter(pl.col("year") == 2023))
    assert _row(table, "KAI", "2024")["cost_per_client"] is None
    assert _row(table, "KAI", "all")["cost_complete"] is False
    assert _row(table, "KAI", "2023")["cost_per_client"] == 16_500


def _effect(months: range) -> pl.DataFrame:
    rows = []
    for r in months:
        for outcome, est in (("earnings_eur", 150.0), ("benefits_eur", -80.0),
                             ("employed", 0.1)):
            for method in ("matched", "naive"):
                rows.append({"outcome": outcome, "rel_month": r, "method": method,
                             "n_clients": 100 - max(r, 0), "n_comparison": 500,
                             "estimate": est if method == "matched" else 9_999.0,
                             "ci_lower": None, "ci_upper": None, "p": None,
                             "method_note": "hand-made"})
    return pl.DataFrame(rows)


def test_register_returns_sum_the_matched_att_over_months_1_to_12(service):
    effect = _effect(range(-24, 25))
    returns = register_returns(effect)
    assert returns["benefits_saved_per_client"] == pytest.approx(12 * 80)
    assert returns["earnings_gained_per_client"] == pytest.approx(12 * 150)
    assert returns["effect_clients"] == 88  # the clients observed at +12
    overall = _row(costs_table(service, COSTS, effect), "all", "all", "all")
    assert overall["earnings_gained_per_client"] == pytest.approx(1800)
    for region, cohort in (("KAI", "rrp"), ("all", "rrp")):
        assert _row(costs_table(service, COSTS, effect), region, "all", cohort)[
            "earnings_gained_per_client"] is None
    assert register_returns(_effect(range(1, 12)))["benefits_saved_per_client"] is None


def test_the_costs_table_hides_a_region_with_fewer_than_5_clients(service):
    from ips_eval.publish.tables.common import DeliverySet
    from ips_eval.publish.tables.costs import build_costs

    table = costs_table(service, COSTS, _effect(range(1, 13)))
    for lang in ("fi", "sv", "en"):
        published = build_costs(table, lang, DeliverySet(CUTOFFS))
        assert published.small_counts() == []
        kainuu = published.data.row(0, named=True)
        assert kainuu["clients_started"] == ".." and kainuu["cost_per_client"] == ".."
        assert kainuu["cost_eur"] != ""  # the region's cost is no count of persons
        assert kainuu["earnings_gained_per_client"] == ""  # only on the overall row


def test_a_quarantined_funding_value_leaves_the_funding_sum_empty_not_zero(service):
    spoiled = COSTS.with_columns(funding_eur=pl.Series([30_000.0, None]))
    table = costs_table(service, spoiled)
    assert _row(table, "KAI", "2024")["funding_eur"] is None
    assert _row(table, "KAI", "all")["funding_eur"] is None
    assert _row(table, "KAI", "2023")["funding_eur"] == 30_000
    assert _row(table, "KAI", "all")["cost_eur"] == 100_000  # the costs themselves are whole


def test_the_cost_per_employed_client_is_hidden_when_1_to_4_were_employed(service):
    """Cost per employed = cost per client / the share employed within 12 months: with the
    window's clients (printed in the regions table) it gives the employed back (issue 30)."""
    from ips_eval.publish.tables.common import DeliverySet
    from ips_eval.publish.tables.costs import build_costs

    table = costs_table(service, COSTS, _effect(range(1, 13)))
    for employed, hidden in ((3, True), (0, True), (7, False)):
        changed = table.with_columns(clients_employed_12m=pl.lit(employed),
                                     clients_window_12m=pl.lit(20),
                                     clients_started=pl.lit(40))
        row = build_costs(changed, "en", DeliverySet(CUTOFFS)).data.row(0, named=True)
        assert (row["cost_per_employed"] == "..") is hidden, (employed, row)
        assert row["cost_per_client"] != ".."
