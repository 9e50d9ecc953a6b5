"""The product-limit estimators against hand-worked cases and against R's survival package
(survival 3.5-3, ``survfit(..., conf.type = "log-log")``; the R calls are quoted beside the
numbers, so anyone can re-run them)."""

from __future__ import annotations

import numpy as np
import pytest

from ips_eval.employment.survival import (
    aalen_johansen,
    estimate_at,
    kaplan_meier,
    loglog_ci,
    median_time,
    restricted_mean,
)

# Ties between events, between events and censorings (a censoring at t is at risk at t)
TA = np.array([3, 3, 3, 5, 5, 7, 8, 8, 8, 10, 12, 12, 15, 15, 20])
EA = np.array([1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0])


def test_km_by_hand_with_tied_events_and_censorings():
    # t=3: 15 at risk, 2 events → 13/15; t=5: 12 at risk, 1 event → ·11/12;
    # t=7: 10 at risk, 1 event → ·9/10; t=8: 9 at risk, 2 events → ·7/9
    curve = kaplan_meier(TA, EA)
    assert estimate_at(curve, 4).estimate == pytest.approx(13 / 15)
    assert estimate_at(curve, 8).estimate == pytest.approx(13 / 15 * 11 / 12 * 9 / 10 * 7 / 9)
    greenwood = 2 / (15 * 13) + 1 / (12 * 11) + 1 / (10 * 9) + 2 / (9 * 7)
    s8 = 13 / 15 * 11 / 12 * 9 / 10 * 7 / 9
    assert estimate_at(curve, 8).se == pytest.approx(s8 * np.sqrt(greenwood))
    point = estimate_at(curve, 8)
    assert (point.n_at_risk, point.n_events) == (9, 6)  # at risk at 8; events up to 8


# R: k <- survfit(Surv(ta, ea) ~ 1, conf.type="log-log"); summary(k, times=c(2,4,8,12.5,16))
R_KM = [  # t, n.risk, surv, std.err, lower, upper
    (2.0, 15, 1.0, 0.0, 1.0, 1.0),
    (4.0, 12, 0.866666666666667, 0.0877707451472511, 0.56391200570895161, 0.964884495916472),
    (8.0, 9, 0.556111111111111, 0.1369990875882026, 0.26286622899662221, 0.772824947757045),
    (12.5, 3, 0.444888888888889, 0.1480145471662820, 0.16336615753348643, 0.696232332753306),
    (16.0, 1, 0.148296296296296, 0.1307495719746692, 0.00891669794094403, 0.462202728768935),
]


@pytest.mark.parametrize(("t", "risk", "surv", "se", "lower", "upper"), R_KM)
def test_km_equals_r_survfit_loglog(t, risk, surv, se, lower, upper):
    point = estimate_at(kaplan_meier(TA, EA), t)
    assert point.n_at_risk == risk
    assert point.estimate == pytest.approx(surv, abs=1e-12)
    assert point.se == pytest.approx(se, abs=1e-12)
    assert (point.ci_lower, point.ci_upper) == pytest.approx((lower, upper), abs=1e-12)


def test_km_median_and_rmst_equal_r():
    curve = kaplan_meier(TA, EA)
    # R: summary(k)$table → median 12, 0.95LCL 5, 0.95UCL 15
    assert median_time(curve) == (12.0, 5.0, 15.0)
    # R: survival:::survmean(k, rmean=12.5)$matrix → rmean 9.484111111, se 0.951751646656616
    rmst, se, _, _ = restricted_mean(curve, 12.5)
    assert rmst == pytest.approx(9.484111111111112, abs=1e-12)
    assert se == pytest.approx(0.951751646656616, abs=1e-12)


@pytest.mark.parametrize(("time", "event", "median"), [
    # S reaches exactly 0.5 at t=3 and stays there until 5: R takes the midpoint, 4
    ([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 1], 4.0),
    ([1, 2, 3, 4], [1, 1, 0, 1], 3.0),
])
def test_median_on_a_flat_half_takes_the_midpoint_as_r(time, event, median):
    assert median_time(kaplan_meier(np.array(time), np.array(event)))[0] == median


# Competing events, events on day 0 (a job starting on the index day) and ties of the two causes
TB = np.array([0, 0, 2, 2, 2, 3, 5, 5, 6, 6, 9, 9, 9, 11, 14])
EB = np.array([1, 2, 1, 1, 2, 0, 1, 0, 2, 1, 1, 0, 2, 0, 1])


def test_aj_by_hand_with_competing_ties():
    # t=0: 15 at risk, one of each cause: F1 = 1/15, S = 13/15
    # t=2: 13 at risk, 2 jobs + 1 exit: F1 += 13/15 · 2/13 = 2/15 → 3/15; S = 13/15 · 10/13
    curve = aalen_johansen(TB, EB, cause=1)
    assert estimate_at(curve, 0).estimate == pytest.approx(1 / 15)
    assert estimate_at(curve, 2).estimate == pytest.approx(3 / 15)
    assert estimate_at(curve, 2).n_events == 3
    # the exits are not jobs: KM treating them as censored overestimates (sensitivity line)
    km = kaplan_meier(TB, (EB == 1).astype(int))
    # KM: t=0 14/15 (the exit at 0 censored, still at risk at 0), t=2 13 at risk, 2 jobs
    assert 1 - estimate_at(km, 2).estimate == pytest.approx(1 - (14 / 15) * (11 / 13))
    assert 1 - estimate_at(km, 9).estimate > estimate_at(curve, 9).estimate


# R: f <- survfit(Surv(tb, factor(eb, 0:2)) ~ 1, conf.type="log-log");
#    summary(f, times=c(0,1,5,9,12)) → pstate[,2], std.err[,2], lower[,2], upper[,2]
R_AJ = [  # t, n.risk, cif, std.err, lower, upper, cif of the competing cause, its std.err
    (0, 15, 0.0666666666666667, 0.0644061188719531, 0.00430036344937563, 0.260321963072145,
     0.0666666666666667, 0.0644061188719531),
    (5, 9, 0.2740740740740741, 0.1172670553132904, 0.08423282870456800, 0.508068020927803,
     0.1333333333333333, 0.0877707451472511),
    (9, 5, 0.4433862433862434, 0.1373951428045117, 0.17974606378062591, 0.680157794270808,
     0.3026455026455026, 0.1276145990245995),
    (12, 1, 0.4433862433862434, 0.1373951428045117, 0.17974606378062591, 0.680157794270808,
     0.3026455026455026, 0.1276145990245995),
]


@pytest.mark.parametrize(("t", "risk", "cif", "se", "lower", "upper", "cif2", "se2"), R_AJ)
def test_aj_equals_r_survfit_multistate_ij_variance(t, risk, cif, se, lower, upper, cif2, se2):
    point = estimate_at(aalen_johansen(TB, EB, cause=1), t)
    assert point.n_at_risk == risk
    assert point.estimate == pytest.approx(cif, abs=1e-12)
    assert point.se == pytest.approx(se, abs=1e-12)
    assert (point.ci_lower, point.ci_upper) == pytest.approx((lower, upper), abs=1e-12)
    competing = estimate_at(aalen_johansen(TB, EB, cause=2), t)
    assert (competing.estimate, competing.se) == pytest.approx((cif2, se2), abs=1e-12)


def test_aj_without_competing_events_is_one_minus_km():
    curve = aalen_johansen(TA, EA, cause=1)
    km = kaplan_meier(TA, EA)
    for t in (4, 8, 12.5):
        assert estimate_at(curve, t).estimate == pytest.approx(1 - estimate_at(km, t).estimate)


def test_km_agrees_with_lifelines_on_random_tied_data():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(7)
    time = rng.integers(0, 40, 300)
    event = rng.integers(0, 2, 300)
    ours = kaplan_meier(time, event)
    theirs = KaplanMeierFitter().fit(time, event).survival_function_["KM_estimate"]
    for t in (5, 12.5, 30):
        assert estimate_at(ours, t).estimate == pytest.approx(theirs.loc[:t].iloc[-1], abs=1e-12)


def test_estimate_past_the_last_follow_up_is_missing_not_carried():
    curve = kaplan_meier(np.array([1, 2, 3]), np.array([1, 0, 0]))
    assert np.isnan(estimate_at(curve, 365.25).estimate)
    assert estimate_at(curve, 365.25).n_at_risk == 0
    everyone_ended = kaplan_meier(np.array([1, 2]), np.array([1, 1]))
    assert estimate_at(everyone_ended, 365.25).estimate == 0.0


def test_loglog_ci_is_na_at_zero_and_one_as_r():
    # R's survfit_confint: xx <- ifelse(p == 0 | p == 1, NA, p) for conf.type = "log-log"
    assert all(np.isnan(loglog_ci(1.0, 0.0)))
    assert all(np.isnan(loglog_ci(0.0, 0.0)))


@pytest.mark.parametrize(("time", "event", "r_quantiles"), [
    # R 4.x, survival: quantile(survfit(Surv(time, event) ~ 1, conf.type = "log-log"),
    #   c(.25, .5, .75)) → quantile, lower, upper; NA where the band never crosses
    ([2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 0, 1, 1, 0, 1, 1],
     {0.5: (6.0, 2.0, None)}),
    ([1, 2, 3, 4, 5], [1, 1, 1, 0, 1],
     {0.5: (3.0, 1.0, None)}),
])
def test_median_ci_is_na_where_the_curve_reaches_zero_with_one_at_risk(time, event,
                                                                        r_quantiles):
    curve = kaplan_meier(np.array(time, dtype=float), np.array(event))
    # the last row: S = 0 with one person at risk; R: lower 95% CI NA, upper 95% CI NA
    assert curve.n_at_risk[-1] == 1 and curve.estimate[-1] == 0.0
    assert all(np.isnan(loglog_ci(curve.estimate[-1], curve.se[-1])))
    median, lower, upper = median_time(curve)
    r_median, r_lower, r_upper = r_quantiles[0.5]
    assert (median, lower) == (r_median, r_lower)
    assert np.isnan(upper) and r_upper is None  # was 9 and 5: one event set the bound


def test_other_event_codes_are_refused_by_km():
    with pytest.raises(ValueError, match="competing"):
        kaplan_meier(np.array([1, 2]), np.array([1, 2]))
