"""Mixed models: equal to lme4 (tests/r/mixed.R), recovering known effects, dropping what
cannot be estimated, primary and secondary models, and the singular-fit warning."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import ips_eval.scores.mixed as mixed
from ips_eval.scores.mixed import SINGULAR, design, estimable_terms, fit_instrument, unconverged


def simulated_panel(n_clients: int = 240, seed: int = 7, rrp_at_12: bool = True) -> pl.DataFrame:
    """Scores with known fixed effects: +4 at 6 months, +6 at 12, +5 more at 12 for the
    employed, −0.1 per year of age; client intercept SD 8, residual SD 4; a third of the
    follow-up answers missing (the model must still use those clients)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_clients):
        cohort = "rrp" if i % 3 == 0 else "pilot"
        employed = rng.random() < 0.4
        age = float(rng.integers(20, 60))
        u = rng.normal(0, 8)
        for wave in (0, 6, 12):
            if wave and rng.random() < 0.33:
                continue
            if wave == 12 and cohort == "rrp" and not rrp_at_12:
                continue
            mean = (50 + {0: 0, 6: 4, 12: 6}[wave] + (5 if employed and wave == 12 else 0)
                    - 0.1 * (age - 40))
            rows.append({"instrument": "mhi5", "client_id": f"C{i:04d}", "wave": wave,
                         "score": mean + u + rng.normal(0, 4), "cohort": cohort,
                         "employed": employed, "age": age,
                         "sex": "female" if i % 2 else "male", "work_history": i % 4})
    return pl.DataFrame(rows)


def lme4_panel() -> pl.DataFrame:
    """The data of tests/r/mixed.R, by the same formulas."""
    rows = []
    for i in range(1, 91):
        for w in (0, 6, 12):
            if w > 0 and (i + w) % 5 == 0:
                continue
            age = 20 + i % 40
            score = (50 + {0: 0, 6: 3, 12: 5}[w] + (i * 37) % 19 - 9
                     + ((i * 13 + w * 7) % 11 - 5) * 1.5 + 0.1 * age
                     + 2 * (i % 3 == 0) * (w == 12))
            rows.append({"instrument": "mhi5", "client_id": f"C{i:03d}", "wave": w,
                         "score": float(score), "cohort": "rrp" if i % 3 == 0 else "pilot",
                         "age": age, "sex": "female" if i % 2 == 1 else "male",
                         "work_history": i % 4, "employed": w > 0 and (i + w) % 5 < 2})
    return pl.DataFrame(rows)


# lme4 1.1-31, REML, θ polished to the root of the criterion's derivative (tests/r/mixed.R)
LME4 = {
    "primary": {
        "intercept": (55.82201441161037536, 2.3066024732021142),
        "wave6": (3.40549039487430338, 0.9854951356049975),
        "wave12": (5.01432022159478041, 0.9854743112580648),
        "rrp": (-0.00540843247294005, 1.5794156108578272),
        "age": (-0.04735163202014578, 0.0529339848270466),
        "female": (0.34032909815869444, 1.3747893042302768),
        "work_history": (-0.05131874177103095, 0.6235144847287525),
        "wave6:rrp": (-0.77872376804332499, 1.7070226279773004),
        "wave12:rrp": (1.51752239368438469, 1.7070095467728303),
        "var(client)": (24.8341068522170, None), "var(residual)": (24.9478559734734, None),
    },
    "secondary": {
        "intercept": (55.81770042255924125, 2.3094716290499022),
        "wave6": (3.48153060591836727, 1.0503643885152891),
        "wave12": (5.06865389742745354, 1.0201631134070077),
        "rrp": (-0.00525514206087238, 1.5819633776940114),
        "age": (-0.04714846869196034, 0.0530019081154653),
        "female": (0.34311483897615241, 1.3763861696210702),
        "work_history": (-0.05454467362508091, 0.6243842321013227),
        "employed": (-0.24147197631171149, 1.1319225251345981),
        "wave6:rrp": (-0.77905421334320690, 1.7116456574544481),
        "wave12:rrp": (1.51727782717928639, 1.7116324791300457),
        "var(client)": (24.8582137929605, None), "var(residual)": (25.0845821979182, None),
    },
}
REML_CRITERION = {"primary": 1511.27355166546, "secondary": 1509.14463986286}


@pytest.mark.parametrize("model", ["primary", "secondary"])
def test_mixed_model_equals_lme4_estimates_and_standard_errors(model):
    rows = fit_instrument("mhi5", lme4_panel()).filter(pl.col("model") == model)
    assert set(rows["term"]) == set(LME4[model])
    assert rows["n_obs"][0] == 234 and rows["n_clients"][0] == 90
    for r in rows.iter_rows(named=True):
        estimate, se = LME4[model][r["term"]]
        assert r["estimate"] == pytest.approx(estimate, abs=1e-6), r["term"]
        if se is None:  # a variance component
            continue
        # SEs from (X'V⁻¹X)⁻¹ at the REML estimates, as lme4's vcov
        assert r["se"] == pytest.approx(se, abs=1e-6), r["term"]
    assert rows["reml_criterion"][0] == pytest.approx(REML_CRITERION[model], abs=1e-8)
    assert rows["warnings"].is_null().all()  # not singular: no warning


def test_primary_model_leaves_employment_out_and_secondary_has_it_time_varying():
    rows = fit_instrument("mhi5", lme4_panel())
    assert set(rows["model"]) == {"primary", "secondary"}
    assert "employed" not in rows.filter(pl.col("model") == "primary")["term"].to_list()
    assert "employed" in rows.filter(pl.col("model") == "secondary")["term"].to_list()


def test_singular_fit_is_warned_only_when_the_client_variance_is_zero():
    # scores with no client effect at all, and fewer high than low within-client values:
    # the REML optimum of the client variance is on the boundary 0
    panel = lme4_panel().with_columns(
        score=pl.Series([float((k * 7919) % 23) for k in range(234)]))
    rows = fit_instrument("mhi5", panel)
    var_client = rows.filter(pl.col("term") == "var(client)")["estimate"].to_list()
    assert var_client == [0.0, 0.0]
    assert set(rows["warnings"]) == {SINGULAR}
    assert rows["converged"].all()


def test_mixed_model_recovers_known_effects():
    rows = fit_instrument("mhi5", simulated_panel()).filter(pl.col("model") == "primary")
    est = {r["term"]: r for r in rows.iter_rows(named=True)}
    assert rows["converged"].all()
    assert est["wave6"]["estimate"] == pytest.approx(4, abs=1.5)
    assert est["wave12"]["estimate"] == pytest.approx(8, abs=1.5)  # +6, and +5 × 40 % employed
    assert est["age"]["estimate"] == pytest.approx(-0.1, abs=0.15)
    assert est["var(client)"]["estimate"] == pytest.approx(64, rel=0.35)
    assert est["var(residual)"]["estimate"] == pytest.approx(16, rel=0.25)
    assert est["wave6"]["ci_lower"] < est["wave6"]["estimate"] < est["wave6"]["ci_upper"]
    assert rows["n_clients"][0] == 240
    assert rows["n_obs"][0] == simulated_panel().height  # every available wave is used


def test_a_term_without_data_is_dropped_and_named():
    rows = fit_instrument("mhi5", simulated_panel(rrp_at_12=False))
    assert "wave12:rrp" not in rows["term"].to_list()
    assert set(rows["dropped_terms"]) == {"wave12:rrp"}
    assert rows["converged"].all()


def test_estimable_terms_keeps_the_rank():
    x = design(simulated_panel(n_clients=30, rrp_at_12=False))
    kept, dropped = estimable_terms(x)
    assert dropped == ["wave12:rrp"]
    assert kept[0] == "intercept" and len(kept) == len(mixed.TERMS) - 1


def test_too_few_clients_is_reported_not_fitted():
    rows = fit_instrument("mhi5", simulated_panel(n_clients=1))
    assert not rows["converged"].any()
    assert unconverged(rows) == ["mhi5"]
    assert set(rows["term"]) == {"(not fitted)"}
