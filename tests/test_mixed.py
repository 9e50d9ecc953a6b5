"""Mixed models: recovering known effects, dropping what cannot be estimated, and reporting
which optimiser converged."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import ips_eval.scores.mixed as mixed
from ips_eval.scores.mixed import design, estimable_terms, fit_instrument, unconverged


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


def test_mixed_model_recovers_known_effects_and_reports_convergence():
    rows = fit_instrument("mhi5", simulated_panel())
    est = {r["term"]: r for r in rows.iter_rows(named=True)}
    assert rows["converged"].all()
    assert rows["optimizer"][0] == "lbfgs"
    assert est["wave6"]["estimate"] == pytest.approx(4, abs=1.5)
    assert est["wave12"]["estimate"] == pytest.approx(6, abs=1.5)
    assert est["wave12:employed"]["estimate"] == pytest.approx(5, abs=2.0)
    assert est["age"]["estimate"] == pytest.approx(-0.1, abs=0.15)
    assert est["var(client)"]["estimate"] == pytest.approx(64, rel=0.35)
    assert est["var(residual)"]["estimate"] == pytest.approx(16, rel=0.25)
    assert est["wave6"]["ci_lower"] < est["wave6"]["estimate"] < est["wave6"]["ci_upper"]
    assert rows["n_clients"][0] == 240
    assert rows["n_obs"][0] == simulated_panel().height  # every available wave is used


def test_a_term_without_data_is_dropped_and_named():
    rows = fit_instrument("mhi5", simulated_panel(rrp_at_12=False))
    assert "wave12:rrp" not in rows["term"].to_list()
    assert rows["dropped_terms"][0] == "wave12:rrp"
    assert rows["converged"].all()


def test_estimable_terms_keeps_the_rank():
    x = design(simulated_panel(n_clients=30, rrp_at_12=False))
    kept, dropped = estimable_terms(x)
    assert dropped == ["wave12:rrp"]
    assert kept[0] == "intercept" and len(kept) == len(mixed.TERMS) - 1


def test_a_failing_optimiser_falls_back_to_the_next_and_says_which(monkeypatch):
    # "newton" is refused by MixedLM (ValueError): the next optimiser is used and recorded
    monkeypatch.setattr(mixed, "OPTIMISERS", ("newton", "bfgs"))
    rows = fit_instrument("mhi5", simulated_panel(n_clients=60))
    assert rows["optimizer"][0] == "bfgs"
    assert rows["converged"].all()
    attempts = rows["optimizer_attempts"][0].split(" | ")
    assert attempts[0].startswith("newton: failed") and attempts[1] == "bfgs: converged"


def test_no_optimiser_converging_is_reported_not_hidden(monkeypatch):
    monkeypatch.setattr(mixed, "OPTIMISERS", ("newton",))
    rows = fit_instrument("mhi5", simulated_panel(n_clients=60))
    assert not rows["converged"].any()
    assert unconverged(rows) == ["mhi5"]
    assert "newton" in rows["warnings"][0]
    assert rows["optimizer_attempts"][0].startswith("newton: failed")
