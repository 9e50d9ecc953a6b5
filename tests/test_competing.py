"""Competing risks of time to first job against R (tests/r/competing.R: survival 3.5-3,
cmprsk 2.2-11): the pilot − RRP difference in the cumulative incidence, Gray's test, the
cause-specific Cox and the Fine–Gray model, to 1e-6; the difference in Table 2; and the
attrition sensitivity of the change scores (inverse-probability-of-response weights)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from support.tables import CUTOFFS, sample_frames

from ips_eval.employment.competing import (
    cif_difference,
    competing_models,
    competing_table,
    gray_test,
)
from ips_eval.employment.finegray import finegray_rows
from ips_eval.publish.tables.catalog import table_spec
from ips_eval.publish.tables.common import DeliverySet
from ips_eval.publish.tables.employment import FEW_AT_RISK_MARK
from ips_eval.scores.attrition import ipw_change
from schemas.instruments import INSTRUMENTS
from schemas.table_text import text


def r_data(shift: int = 0) -> pl.DataFrame:
    # R: i <- 1:80; cohort = rrp for even i; x2 = (i*7) %% 11; time = (i*13) %% 23 + 1;
    #    event = 0 if i %% 5 == 0, 1 if i %% 5 in 1:2, else 2
    i = np.arange(1, 81)
    return pl.DataFrame({
        "cohort": np.where(i % 2 == 0, "rrp", "pilot"), "x2": (i * 7) % 11,
        "time_days": (i * 13) % 23 + 1 - shift,
        "event": np.where(i % 5 == 0, 0, np.where(i % 5 < 3, 1, 2))})


def by_term(rows: list[dict], model: str, column: str) -> list[float]:
    return [r[column] for r in rows if r["model"] == model]


def test_gray_test_equals_cmprsk_cuminc():
    d = r_data()
    time, event = d["time_days"].to_numpy(), d["event"].to_numpy()
    stat, df, p = gray_test(time, event, d["cohort"].to_numpy())
    assert (stat, df, p) == pytest.approx((0.00623725326878505, 1, 0.937051487590860), abs=1e-9)
    stat, _, p = gray_test(time, event, d["cohort"].to_numpy(), cause=2)
    assert (stat, p) == pytest.approx((0.02346595808725076, 0.878251578466384), abs=1e-9)
    three = np.array(["a", "b", "c"])[np.arange(1, 81) % 3]
    stat, df, p = gray_test(time, event, three)
    assert (stat, df, p) == pytest.approx((0.318079894768900, 2, 0.852962284676239), abs=1e-9)


def test_cif_difference_is_the_difference_of_r_aalen_johansen_with_summed_variances():
    rows = cif_difference(r_data(), times=(10, 15.5))
    pilot = [0.131688311688312, 0.312325855962220]
    rrp = [0.235498084291188, 0.263390804597701]
    se_pilot, se_rrp = [0.0548774093201132, 0.0783656401189772], \
        [0.0689266198690578, 0.0718015163381872]
    for row, fp, fr, sp, sr in zip(rows, pilot, rrp, se_pilot, se_rrp, strict=True):
        se = np.hypot(sp, sr)
        assert row["coef"] == pytest.approx(fp - fr, abs=1e-9)
        assert row["se"] == pytest.approx(se, abs=1e-9)
        assert row["ci_lower"] == pytest.approx(fp - fr - 1.959963984540054 * se, abs=1e-9)
        assert row["ci_upper"] == pytest.approx(fp - fr + 1.959963984540054 * se, abs=1e-9)
        assert row["term"] == "pilot - rrp" and row["model"] == "cif_difference"


@pytest.mark.parametrize("shift", [0, 1])  # shift 1: jobs on the index day (time 0)
def test_cause_specific_and_fine_gray_equal_r(shift):
    rows = competing_models(r_data(shift), covariates=("cohort", "x2"))
    assert by_term(rows, "cause_specific", "term") == ["cohort[rrp]", "x2"]
    assert by_term(rows, "cause_specific", "coef") == pytest.approx(
        [-0.000130029294829277, -0.005671235604261925], abs=1e-8)
    assert by_term(rows, "cause_specific", "se") == pytest.approx(
        [0.3542943894560298, 0.0568470351400262], abs=1e-8)
    assert by_term(rows, "fine_gray", "coef") == pytest.approx(
        [0.0328858940248677, -0.0238110408197461], abs=1e-8)
    # coxph's default under non-integer weights: the robust variance over finegray's rows
    assert by_term(rows, "fine_gray", "se") == pytest.approx(
        [0.3111963923237914, 0.0560021408002845], abs=1e-8)
    assert by_term(rows, "fine_gray", "p") == pytest.approx(
        [0.915839667520543, 0.670704804148152], abs=1e-8)
    assert by_term(rows, "fine_gray", "hr") == pytest.approx(
        np.exp(by_term(rows, "fine_gray", "coef")).tolist())
    assert {r["events"] for r in rows} == {32} and {r["n"] for r in rows} == {80}


def test_finegray_rows_are_r_finegray_rows():
    d = r_data()
    rows = finegray_rows(d["time_days"].to_numpy(), d["event"].to_numpy())
    assert rows.row.size == 348  # nrow(finegray(...)) in R
    # subject 3 (a competing exit at 18): R's rows and weights
    three = rows.row == 2
    assert rows.start[three].tolist() == [0, 18, 19, 20, 22]
    assert rows.stop[three].tolist() == [18, 19, 20, 22, 23]
    assert rows.weight[three] == pytest.approx(
        [1.0, 0.9444444444, 0.8814814815, 0.8013468013, 0.6410774411], abs=1e-9)
    assert rows.status[three].sum() == 0


def test_competing_table_has_the_contract_rows():
    table = competing_table(r_data().with_columns(
        age=pl.Series(np.arange(80) % 37 + 20.0), sex=pl.lit("female"),
        dx_group=pl.lit("psychotic"), work_history=pl.Series((np.arange(80) // 3) % 2)))
    assert set(table["model"]) == {"cif_difference", "gray_test", "cause_specific", "fine_gray"}
    gray = table.filter(pl.col("model") == "gray_test")
    assert gray["p"][0] == pytest.approx(0.937051487590860, abs=1e-9)
    assert table.filter(pl.col("model") == "cif_difference")["time_days"].to_list() == [
        182.625, 365.25]
    models = table.filter(pl.col("model") == "fine_gray")
    # constant sex and dx_group give no term; the covariates are the Cox model's client ones
    assert models["term"].to_list() == ["cohort[rrp]", "age", "work_history[1]"]
    assert table.filter(pl.col("model") == "cif_difference")["hr"].is_null().all()


def _two_age_groups_change() -> tuple[dict, dict]:
    """(complete-case row, IPW row) of ipw_change for mhi5, all cohorts: 20 eligible aged 30
    (10 answer, changes 1 and 3) and 20 aged 50 (5 answer, changes 8, 12, 10, 10, 10)."""
    ages = [30] * 20 + [50] * 20
    answered = [k < 10 for k in range(20)] + [k < 5 for k in range(20)]
    frame = pl.DataFrame({
        "client_id": [f"C{k}" for k in range(40)], "followup_wave": 6, "cohort": "pilot",
        "age": ages, "sex": "female", "dx_group": "psychotic", "work_history": 0,
        **{f"score_{i.name}": [50.0 if i.name == "mhi5" else None] * 40 for i in INSTRUMENTS}})
    changes = pl.DataFrame({
        "client_id": [f"C{k}" for k in range(40) if answered[k]], "instrument": "mhi5",
        "followup_wave": 6,
        "change": [1.0, 3.0] * 5 + [8.0, 12.0, 10.0, 10.0, 10.0]})
    rows = ipw_change(frame, changes).filter(
        (pl.col("instrument") == "mhi5") & (pl.col("cohort") == "all"))
    return (rows.filter(pl.col("method") == "complete_case").row(0, named=True),
            rows.filter(pl.col("method") == "ipw").row(0, named=True))


def test_ipw_change_reweights_responders_to_the_eligible_clients():
    # 20 eligible aged 30 (10 answer, mean change 2) and 20 aged 50 (5 answer, mean 10): the
    # response model is saturated in age, so the weights are 2 and 4 and the weighted mean is
    # the eligible clients' mean, (2 + 10) / 2 = 6; complete case (10·2 + 5·10) / 15
    cc, ipw = _two_age_groups_change()
    assert (cc["n"], cc["n_eligible"]) == (15, 40)
    assert cc["mean_change"] == pytest.approx(70 / 15)
    assert ipw["mean_change"] == pytest.approx(6.0, abs=1e-6)
    assert ipw["max_weight"] == pytest.approx(4.0, abs=1e-6)
    assert ipw["ci_lower"] < 6.0 < ipw["ci_upper"]


def test_ipw_and_complete_case_ses_and_cis_equal_r_survey_and_t_test():
    # the data of the test above; weights 2 (age 30) and 4 (age 50). R:
    #   d <- data.frame(change = c(rep(c(1, 3), 5), 8, 12, 10, 10, 10),
    #                   w = c(rep(2, 10), rep(4, 5)))
    #   m <- svymean(~change, svydesign(ids = ~1, weights = ~w, data = d)); SE(m); confint(m)
    #   t.test(d$change)  # $stderr, $conf.int
    cc, ipw = _two_age_groups_change()
    assert ipw["se"] == pytest.approx(1.1824611138275483, rel=1e-8)
    assert (ipw["ci_lower"], ipw["ci_upper"]) == pytest.approx(
        (3.6824188037788885, 8.317581196221111), rel=1e-8)
    assert cc["se"] == pytest.approx(1.0495652917219118, rel=1e-12)
    assert (cc["ci_lower"], cc["ci_upper"]) == pytest.approx(
        (2.4155730008809440, 6.9177603324523904), rel=1e-12)


def test_employment_table_shows_the_cohort_difference_and_few_at_risk_marks():
    table = table_spec("employment").build(sample_frames(), "en", DeliverySet(CUTOFFS))
    diff = table.data.filter(pl.col("stub") == text("difference_row", "en")).row(0, named=True)
    assert diff["months_12"] == "12.4 (-7.6, 32.4)"  # percentage points from results.competing
    assert any("Gray's test" in n and "p = 0.168" in n for n in table.notes)
    # RRP has 8 still at risk at 12 months: the estimate carries the mark and its note
    rrp = table.data.filter(pl.col("stub") == "RRP 2023–2024").row(0, named=True)
    assert rrp["months_12"].endswith(FEW_AT_RISK_MARK) and rrp["at_risk"] == "8"
    assert not rrp["months_6"].endswith(FEW_AT_RISK_MARK)
    assert any(n.startswith(FEW_AT_RISK_MARK) for n in table.notes)
