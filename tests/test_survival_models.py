"""Cox and logistic models against R (survival 3.5-3 coxph with Efron ties, cox.zph; glm
binomial), and complete-case handling and sparse levels."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ips_eval.employment.cox import cox_tenure, design, logit_job_within


def r_data() -> pl.DataFrame:
    # R: i <- 1:60; x1 = i %% 2, x2 = (i*7) %% 11, time = (i*13) %% 17 + 1,
    #    event = as.integer(i %% 3 != 0), id = (i - 1) %/% 2
    i = np.arange(1, 61)
    return pl.DataFrame({"client_id": [f"C{k}" for k in (i - 1) // 2], "x1": i % 2,
                         "x2": (i * 7) % 11, "time_days": (i * 13) % 17 + 1,
                         "event": (i % 3 != 0).astype(int)})


def test_cox_equals_r_coxph_efron():
    # R: coxph(Surv(time, event) ~ x1 + x2, ties="efron")
    rows = cox_tenure(r_data(), "TENURE1", covariates=("x1", "x2"))
    coef = dict(zip(rows["term"], rows["coef"], strict=True))
    se = dict(zip(rows["term"], rows["se"], strict=True))
    assert coef["x1"] == pytest.approx(-0.0445585710362087, abs=1e-6)
    assert coef["x2"] == pytest.approx(-0.0025170384429795, abs=1e-6)
    assert se["x1"] == pytest.approx(0.322574261515305, abs=1e-6)
    assert se["x2"] == pytest.approx(0.050483569541512, abs=1e-6)
    assert rows["n"][0] == 60 and rows["events"][0] == 40
    assert rows["hr"].to_list() == pytest.approx(np.exp(rows["coef"].to_numpy()).tolist())


def test_cox_tenure_all_jobs_uses_variance_clustered_by_client_as_r():
    # R: coxph(..., cluster=id) → robust se 0.3478752197148144, 0.0487187918002605
    rows = cox_tenure(r_data(), "TENURE", covariates=("x1", "x2"))
    se = dict(zip(rows["term"], rows["se"], strict=True))
    assert se["x1"] == pytest.approx(0.3478752197148144, abs=1e-6)
    assert se["x2"] == pytest.approx(0.0487187918002605, abs=1e-6)
    assert rows["variance"][0] == "robust_clustered_by_client"
    assert rows["n_clients"][0] == 30


@pytest.mark.parametrize("param", ["TENURE1", "TENURE"])
def test_ph_test_equals_r_cox_zph_rank(param):
    # R: cox.zph(fit, transform="rank", terms=FALSE)$table — the same with cluster=id
    rows = cox_tenure(r_data(), param, covariates=("x1", "x2"))
    assert rows["ph_test_p"][0] == pytest.approx(0.941766178653535, abs=1e-9)
    assert rows["ph_test_p_term"].to_list() == pytest.approx(
        [0.755403225482671, 0.954451376210614], abs=1e-9)
    assert rows["ph_test_p_term_lifelines"].is_between(0, 1).all()


@pytest.mark.parametrize("param", ["TENURE1", "TENURE"])
def test_ph_test_km_transform_equals_r_cox_zph_km(param):
    # R: cox.zph(fit, transform="km", terms=FALSE)$table["GLOBAL", "p"] (tests/r/cox_zph.R)
    rows = cox_tenure(r_data(), param, covariates=("x1", "x2"))
    assert rows["ph_test_p_km"][0] == pytest.approx(0.941798051002933, abs=1e-9)


def test_logit_equals_r_glm():
    # R: glm(event ~ x1 + x2, family=binomial, control=glm.control(epsilon=1e-14)) — run to
    # convergence; R's default epsilon 1e-8 stops after 4 iterations with p(x2) 0.4870460038
    frame = r_data().with_columns(
        followup_days=pl.lit(400), event=pl.col("event"), time_days=pl.lit(100))
    rows = logit_job_within(frame, 12, covariates=("x1", "x2"))
    coef = dict(zip(rows["term"], rows["coef"], strict=True))
    assert coef["intercept"] == pytest.approx(1.00862476377165078, abs=1e-8)
    assert coef["x1"] == pytest.approx(-0.00198625178148341, abs=1e-8)
    assert coef["x2"] == pytest.approx(-0.06106119769669130, abs=1e-8)
    assert rows["p"].to_list()[2] == pytest.approx(0.487046153639452695, rel=1e-8)
    assert rows["events"][0] == 40


def test_logit_counts_only_clients_with_a_full_year_and_jobs_within_it():
    frame = pl.DataFrame({
        "followup_days": [400, 400, 400, 400, 300, 400],
        "event": [1, 1, 0, 2, 1, 1],
        "time_days": [10, 366, 400, 50, 20, 365],
        "x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
    })
    rows = logit_job_within(frame, 12, covariates=("x",))
    # the 300-day client is out; jobs at 10 and 365 days count, the one at 366 does not
    assert (rows["n"][0], rows["events"][0]) == (5, 2)


def test_design_is_complete_case_with_fixed_reference_levels():
    frame = pl.DataFrame({
        "cohort": ["pilot"] * 25 + ["rrp"] * 25 + [None],
        "dx_group": ["psychotic", "bipolar"] * 25 + ["bipolar"],
        "age": [30.0] * 49 + [None, 50.0], "y": [0, 1] * 25 + [1]})
    data, dropped, note = design(frame, ("cohort", "dx_group", "age"))
    assert dropped == 2  # a missing cohort, a missing age: complete cases only
    assert sorted(data.columns) == ["cohort[rrp]", "dx_group[bipolar]", "y"]  # age constant
    assert data["cohort[rrp]"].sum() == 24
    assert note == ""


def test_sparse_or_separated_levels_are_pooled_not_estimated_to_infinity():
    frame = pl.DataFrame({
        "dx_group": ["psychotic"] * 40 + ["bipolar"] * 30 + ["substance"] * 12
        + ["other_f"] * 12,
        # bipolar: the outcome never happens (separation); substance/other_f: under 20 rows
        "y": [0, 1] * 20 + [0] * 30 + [0, 1] * 6 + [1, 0] * 6})
    data, _, note = design(frame, ("dx_group",), outcome="y")
    assert sorted(data.columns) == ["dx_group[other]", "y"]
    assert data["dx_group[other]"].sum() == 54
    assert note == "dx_group: bipolar, other_f, substance pooled as other"
    tiny = frame.head(45)  # psychotic + 5 bipolar: the pooled group is sparse too
    data, _, note = design(tiny, ("dx_group",), outcome="y")
    assert list(data.columns) == ["y"]
    assert note == "dx_group: bipolar joined the reference (psychotic)"


def test_logit_is_converged_and_equals_r_glm_to_1e8():
    # R: i <- 0:59; x1 <- ((i*19) %% 60)/10 - 3; x2 <- i %% 3
    #    y <- as.numeric(((i*19) %% 60) > 25); y[c(4, 11, 41, 51)] <- 1 - y[c(4, 11, 41, 51)]
    #    summary(glm(y ~ x1 + x2, family=binomial,
    #                control=glm.control(epsilon=1e-14, maxit=100)))$coefficients
    # (R's default epsilon = 1e-8 stops here after 5 iterations, its SEs off by 1e-5 and the
    # x1 p-value by 1.8e-4 relative; statsmodels' default stopped at the same place)
    i = np.arange(60)
    y = (((i * 19) % 60) > 25).astype(int)
    y[[3, 10, 40, 50]] = 1 - y[[3, 10, 40, 50]]
    frame = pl.DataFrame({"followup_days": 400, "time_days": 100, "event": y,
                          "x1": ((i * 19) % 60) / 10 - 3, "x2": (i % 3).astype(float)})
    rows = logit_job_within(frame, 12, covariates=("x1", "x2"))
    assert rows["term"].to_list() == ["intercept", "x1", "x2"]
    r = {"coef": [0.265487827789932518, 1.314894504047654511, 0.073823198517066313],
         "se": [0.58776896904106546, 0.31404136056889581, 0.45334722607832156],
         "p": [6.5149420839714223e-01, 2.8265263582086046e-05, 8.7064417654646720e-01]}
    for column, expected in r.items():
        assert rows[column].to_list() == pytest.approx(expected, rel=1e-8), column
    assert rows["converged"].all()
