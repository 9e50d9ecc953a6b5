"""The employment assets materialised by Dagster on a temporary warehouse whose staging tables
were made here (no ingest): every asset and check runs, and the outputs agree with an
independent recomputation from ``out/analysis/tte.parquet``."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg
import numpy as np
import polars as pl
import pytest
from support.employment import client, job, make_staging, pay

from assets.defs import employment as employment_assets
from assets.defs.resources import Study, Warehouse
from ips_eval.warehouse import connect

REGIONS = ("HEL", "PKA", "KAI", "VSU")
DX = ("F20.1", "F31", "F33.2", "F41.1", "F60.3")


def generated_staging() -> tuple[list[dict], list[dict], list[dict]]:
    """240 clients over two pilot and two RRP regions, deterministic (seed 11)."""
    rng = np.random.default_rng(11)
    clients, jobs, pays = [], [], []
    for i in range(240):
        region = REGIONS[i % 4]
        pilot = region in ("HEL", "PKA")
        start = date(2020, 9, 1) if pilot else date(2023, 6, 1)
        index = start + timedelta(days=int(rng.integers(0, 700 if pilot else 500)))
        cid = f"{region}-{i:04d}"
        exit_date = index + timedelta(days=int(rng.integers(20, 600))) \
            if rng.random() < 0.5 else None
        clients.append(client(cid, index, exit_date=exit_date, age_at_index=int(
            rng.integers(18, 60)), sex=("female", "male")[i % 2], diagnosis=DX[i % 5],
            work_history=int(rng.integers(0, 4))))
        begin = index + timedelta(days=int(rng.integers(0, 300)))
        for no in (1, 2):
            if rng.random() < 0.55:
                length = int(rng.integers(10, 500))
                end = begin + timedelta(days=length) if rng.random() < 0.6 else None
                jobs.append(job(cid, no, begin, end, pay_subsidy=int(rng.random() < 0.2),
                                hours_week=float(rng.integers(8, 38)),
                                competitive=int(rng.random() < 0.9)))
                for m in range(0, length // 30):
                    month = (begin + timedelta(days=30 * m)).replace(day=1)
                    pays.append(pay(f"pid-{cid}", month, f"emp-{cid}-{no}"))
                begin = begin + timedelta(days=int(rng.integers(30, 400)))
    unique_pay = {(p["pid"], p["month"], p["payer_pid"]): p for p in pays}
    return clients, jobs, list(unique_pay.values())


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    warehouse = out / "ips_eval.duckdb"
    with connect(warehouse) as con:
        make_staging(con, *generated_staging())
    resources = {
        "warehouse": Warehouse(path=str(warehouse)),
        "study": Study(deliveries_dir=str(out / "none"), out_dir=str(out)),
    }
    definitions = [v for v in vars(employment_assets).values()
                   if isinstance(v, dg.AssetsDefinition | dg.AssetChecksDefinition)]
    result = dg.materialize(definitions, resources=resources, raise_on_error=False)
    return out, result


def test_every_asset_and_check_succeeds(run):
    _, result = run
    assert result.success
    checks = result.get_asset_check_evaluations()
    failed = [c.check_name for c in checks if not c.passed
              and c.check_name != "headline_matches_published"]
    assert failed == []
    assert {c.check_name for c in checks} >= {"tte_is_sound", "clients_unique",
                                              "km_estimates_are_probabilities"}


def test_every_output_file_is_written(run):
    out, _ = run
    for name in ("headline", "km", "rmst", "cox", "logit", "attachment", "quarterly",
                 "employment_comparison", "survival_curves"):
        assert (out / "results" / f"{name}.csv").is_file(), name
    for name in ("clients", "jobs", "tte"):
        for ext in ("parquet", "dta", "sav"):
            assert (out / "analysis" / f"{name}.{ext}").is_file()
    for name in ("km_tenure_by_cohort", "cif_first_job_by_cohort"):
        for lang in ("fi", "sv", "en"):
            assert (out / "figures" / f"{name}_{lang}.png").is_file()
            assert (out / "figures" / f"{name}_{lang}.svg").is_file()


def _km_by_hand(time: np.ndarray, event: np.ndarray, t: float) -> float:
    """Product-limit written out plainly, independent of ips_eval.employment.survival."""
    s = 1.0
    for u in sorted(set(time[(event == 1) & (time <= t)])):
        s *= 1 - ((time == u) & (event == 1)).sum() / (time >= u).sum()
    return s


def _cif_by_hand(time: np.ndarray, event: np.ndarray, t: float) -> float:
    s, f = 1.0, 0.0
    for u in sorted(set(time[(event > 0) & (time <= t)])):
        at_risk = (time >= u).sum()
        f += s * ((time == u) & (event == 1)).sum() / at_risk
        s *= 1 - ((time == u) & (event > 0)).sum() / at_risk
    return f


def test_km_csv_agrees_with_a_recomputation_from_the_exported_tte(run):
    out, _ = run
    tte = pl.read_parquet(out / "analysis" / "tte.parquet")
    km = pl.read_csv(out / "results" / "km.csv")
    checked = 0
    for row in km.filter(pl.col("method").is_in(["KM", "AJ"])).iter_rows(named=True):
        rows = tte.filter(pl.col("param") == row["param"])
        if row["group_var"] != "all":
            rows = rows.filter(pl.col(row["group_var"]) == row["group"])
        time, event = rows["time_days"].to_numpy(), rows["event"].to_numpy()
        if row["estimate"] is None:
            assert (time >= row["time_days"]).sum() == 0
            continue
        expected = (_km_by_hand if row["method"] == "KM" else _cif_by_hand)(
            time, event, row["time_days"])
        assert row["estimate"] == pytest.approx(expected, abs=1e-9), row
        assert row["n_at_risk"] == (time >= row["time_days"]).sum()
        checked += 1
    assert checked > 40


def test_cox_csv_has_both_models_with_ph_tests(run):
    out, _ = run
    cox = pl.read_csv(out / "results" / "cox.csv")
    assert set(cox["param"]) == {"TENURE1_REG", "TENURE1", "TENURE"}
    assert cox["ph_test_p_km"].is_between(0, 1).all()
    assert {"cohort[rrp]", "age", "sex[male]", "hours_week", "pay_subsidy"} <= set(cox["term"])
    assert cox["ph_test_p"].is_between(0, 1).all()
    tte = pl.read_parquet(out / "analysis" / "tte.parquet")
    tenure1 = cox.filter(pl.col("param") == "TENURE1")
    # complete-case n never exceeds the rows of the param; events are the rows' events
    assert tenure1["n"][0] <= tte.filter(pl.col("param") == "TENURE1").height
    assert (tenure1["n"][0] + tenure1["n_excluded"][0]
            == tte.filter(pl.col("param") == "TENURE1").height)


def test_competing_csv_has_the_contract_columns_and_models(run):
    out, _ = run
    competing = pl.read_csv(out / "results" / "competing.csv")
    assert competing.columns[:11] == ["param", "model", "term", "time_days", "coef", "hr",
                                      "ci_lower", "ci_upper", "p", "n", "events"]
    assert set(competing["model"]) == {"cif_difference", "gray_test", "cause_specific",
                                       "fine_gray"}
    diff = competing.filter(pl.col("model") == "cif_difference")
    assert diff["time_days"].to_list() == [182.625, 365.25]
    assert (diff["ci_lower"] < diff["coef"]).all() and (diff["coef"] < diff["ci_upper"]).all()
    fine_gray = competing.filter(pl.col("model") == "fine_gray")
    assert "cohort[rrp]" in fine_gray["term"].to_list()
    assert not {"hours_week", "pay_subsidy"} & set(fine_gray["term"])


def test_employment_comparison_shows_crude_and_cumulative_incidence(run):
    out, _ = run
    comparison = pl.read_csv(out / "results" / "employment_comparison.csv")
    assert set(comparison["cohort"]) == {"pilot", "rrp"}
    assert set(comparison["measure"]) == {"crude_ever_employed",
                                          "crude_ever_employed_excl_pay_subsidy",
                                          "crude_ever_employed_published", "cif_first_job"}
    assert comparison["median_followup_days"].is_not_null().all()
