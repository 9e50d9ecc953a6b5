"""A small hand-made warehouse for the table, report and notebook tests: ``analysis`` and
``results`` tables with the contract's columns, built so that some cells are small on purpose
(a team of 3 clients, a register state of 2 persons, one employer answering "no", a change
group of 4 clients, a Cox model with 3 events) — the disclosure tests look for exactly those.

``tests/test_tables_fixtures.py`` pins the sample's own small cells so the other tests cannot
pass by the sample losing them.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from schemas.study import STUDY

CUTOFFS = STUDY.default_cutoffs

# (region, team, clients, employed-within-a-year pattern) — HEL-T3 has 3 clients (small team)
TEAMS = (
    ("HEL", "HEL-T1", 24), ("HEL", "HEL-T3", 3), ("PKA", "PKA-T1", 17),
    ("KAI", "KAI-T1", 14), ("KSU", "KSU-T1", 12),
)


def sample_clients() -> pl.DataFrame:
    rows = []
    for region, team, n in TEAMS:
        cohort = "pilot" if region in ("HEL", "PKA") else "rrp"
        start = date(2020, 9, 1) if cohort == "pilot" else date(2023, 7, 1)
        for i in range(n):
            index = start + timedelta(days=23 * i)
            cutoff = CUTOFFS[cohort]
            rows.append({
                "client_id": f"{region}-{int(team[-1]) * 100 + i:04d}",
                "pid": f"pid{region}{team[-1]}{i:03d}",
                "region": region, "cohort": cohort, "team": team, "index_date": index,
                "age": None if i % 11 == 5 else 20 + (i * 7) % 40,
                "sex": "female" if i % 3 else "male",
                "dx_group": ("psychotic", "depressive", "anxiety", "bipolar")[i % 4]
                if not (cohort == "rrp" and i % 4 == 3) else "psychotic",
                "education": (1, 2, 2, 3, 4)[i % 5], "work_history": (0, 1, 2, 3)[i % 4],
                "income_source": (1, 2, 3, 4)[i % 4], "language": "sv" if i % 7 == 0 else "fi",
                "exit_date": None, "exit_reason": None, "cutoff_date": cutoff,
                "followup_days": (cutoff - index).days,
            })
    return pl.DataFrame(rows)


def sample_tte(clients: pl.DataFrame) -> pl.DataFrame:
    """TTFJ: every second client gets a job after 30 + 10·i days; TENURE1 for them."""
    rows = []
    for i, c in enumerate(clients.iter_rows(named=True)):
        follow = (c["cutoff_date"] - c["index_date"]).days
        got_job = i % 2 == 0 and 30 + 10 * (i % 30) <= follow
        if got_job:
            t = 30 + 10 * (i % 30)
            rows.append({"client_id": c["client_id"], "cohort": c["cohort"],
                         "region": c["region"], "param": "TTFJ", "job_no": 1, "time_days": t,
                         "event": 1, "censor_reason": None})
            tenure = 60 + 37 * (i % 13)
            ended = tenure <= follow - t
            rows.append({"client_id": c["client_id"], "cohort": c["cohort"],
                         "region": c["region"], "param": "TENURE1", "job_no": 1,
                         "time_days": tenure if ended else follow - t + 1,
                         "event": int(ended), "censor_reason": None if ended else "cutoff"})
        else:
            rows.append({"client_id": c["client_id"], "cohort": c["cohort"],
                         "region": c["region"], "param": "TTFJ", "job_no": None,
                         "time_days": follow, "event": 0, "censor_reason": "cutoff"})
    return pl.DataFrame(rows)


def sample_results(clients: pl.DataFrame, tte: pl.DataFrame) -> dict[str, pl.DataFrame]:
    from ips_eval.employment.survival import aalen_johansen, estimate_at, kaplan_meier

    headline = []
    for cohort in ("pilot", "rrp"):
        part = clients.filter(pl.col("cohort") == cohort)
        employed = tte.filter((pl.col("cohort") == cohort) & (pl.col("param") == "TTFJ")
                              & (pl.col("event") == 1)).height
        headline.append({"cohort": cohort, "cutoff_date": CUTOFFS[cohort],
                         "clients_started": part.height, "clients_employed": employed,
                         "pct_employed": 100 * employed / part.height,
                         "clients_employed_excl_pay_subsidy": employed - 1,
                         "pct_employed_excl_pay_subsidy": 100 * (employed - 1) / part.height,
                         "median_followup_days": float(part["followup_days"].median())})
    km = []
    for param, method in (("TTFJ", "AJ"), ("TENURE1", "KM")):
        for group_var, group in (("cohort", "pilot"), ("cohort", "rrp"), ("all", "all")):
            part = tte.filter(pl.col("param") == param)
            if group_var == "cohort":
                part = part.filter(pl.col("cohort") == group)
            time, event = part["time_days"].to_numpy(), part["event"].to_numpy()
            curve = aalen_johansen(time, event) if method == "AJ" else kaplan_meier(time, event)
            for t in (182.625, 365.25):
                e = estimate_at(curve, t)
                km.append({"param": param, "group_var": group_var, "group": group,
                           "time_days": t, "n_at_risk": int((time >= t).sum()),
                           "n_events": int(((event == 1) & (time <= t)).sum()),
                           "estimate": e.estimate, "ci_lower": e.ci_lower,
                           "ci_upper": e.ci_upper, "method": method})
    cox = pl.DataFrame([
        {"param": "TENURE1", "term": "cohort_rrp", "coef": 0.2, "hr": 1.2214, "ci_lower": 0.8,
         "ci_upper": 1.9, "p": 0.31, "n": 40, "events": 25, "ph_test_p": 0.5,
         "ph_test_p_km": 0.45, "ph_test_p_term": 0.21},
        {"param": "TENURE1", "term": "age", "coef": -0.01, "hr": 0.99, "ci_lower": 0.97,
         "ci_upper": 1.01, "p": 0.0004, "n": 40, "events": 25, "ph_test_p": 0.5,
         "ph_test_p_km": 0.45, "ph_test_p_term": 0.73},
        # a model with 3 events: everything but n hidden
        {"param": "TENURE", "term": "age", "coef": 0.1, "hr": 1.105, "ci_lower": 0.5,
         "ci_upper": 2.4, "p": 0.8, "n": 12, "events": 3, "ph_test_p": 0.9,
         "ph_test_p_km": 0.85, "ph_test_p_term": 0.9},
    ])
    change = pl.DataFrame([
        _change("mhi5", "all", "all", "all", 30, 10, 6),
        _change("mhi5", "pilot", "all", "all", 22, 8, 4),  # 4 deteriorated: hidden
        _change("mhi5", "rrp", "all", "all", 8, 2, 2),
        _change("mhi5", "all", "competitive_job", "yes", 26, 9, 5),
        _change("mhi5", "all", "competitive_job", "no", 4, 1, 1),  # n = 4: all hidden
        _change("was", "all", "all", "all", 30, None, None),
    ])
    mixed = pl.DataFrame([
        {"instrument": "mhi5", "term": t, "estimate": e, "ci_lower": e - 1, "ci_upper": e + 1,
         "p": p, "n_clients": 40, "n_obs": 95, "converged": True}
        for t, e, p in (("intercept", 60.0, 0.0001), ("wave6", 3.1, 0.02),
                        ("wave12:rrp", -1.2, 0.4), ("var(client)", 80.0, None))
    ])
    register = []
    for cohort, persons in (("pilot", 30), ("rrp", 20)):
        for month in (-24, -12, -6, 0, 6, 12, 18, 24):
            states = {"employed": 6, "disability_pension": 2, "unemployed": persons - 14,
                      "other": 6, "student": 0, "sickness_rehabilitation": 0}
            register.append({"cohort": cohort, "rel_month": month, "state": "all",
                             "n": persons, "pct": 100.0, "mean_earnings_eur": 410.5})
            for s, n in states.items():
                register.append({"cohort": cohort, "rel_month": month, "state": s, "n": n,
                                 "pct": 100 * n / persons, "mean_earnings_eur": None})
    employer = []
    for cohort, n in (("all", 21), ("pilot", 12), ("rrp", 9)):
        for item in ("ta1", "ta2"):
            agree = n - 6
            employer.append({"cohort": cohort, "item": item, "label": item, "category": "agree",
                             "n": agree, "n_answered": n, "pct": 100 * agree / n,
                             "mean": 3.9, "sd": 0.8})
        hire = {"all": {"yes": 8, "maybe": 12, "no": 1}, "pilot": {"yes": 5, "maybe": 6, "no": 1},
                "rrp": {"yes": 3, "maybe": 6, "no": 0}}[cohort]
        for cat, k in hire.items():
            employer.append({"cohort": cohort, "item": "would_hire", "label": "would hire",
                             "category": cat, "n": k, "n_answered": n, "pct": 100 * k / n,
                             "mean": None, "sd": None})
    fidelity = pl.DataFrame([
        {"team": "HEL-T1", "region": "HEL", "cohort": "pilot", "review_date": date(2021, 5, 1),
         "total": 98, "band": "fair"},
        {"team": "HEL-T1", "region": "HEL", "cohort": "pilot", "review_date": date(2022, 5, 1),
         "total": 108, "band": "good"},
        {"team": "HEL-T3", "region": "HEL", "cohort": "pilot", "review_date": date(2022, 6, 1),
         "total": 72, "band": "not_ips"},
        {"team": "PKA-T1", "region": "PKA", "cohort": "pilot", "review_date": date(2022, 3, 1),
         "total": 117, "band": "exemplary"},
        {"team": "KAI-T1", "region": "KAI", "cohort": "rrp", "review_date": date(2024, 3, 1),
         "total": 90, "band": "fair"},
        {"team": "KSU-T1", "region": "KSU", "cohort": "rrp", "review_date": date(2024, 4, 1),
         "total": None, "band": None},
    ])
    quarterly = pl.DataFrame([
        {"region": r, "quarter": q, "active": a, "working": w, "rate": w / a}
        for r, q, a, w in (("HEL", "2021Q1", 20, 6), ("HEL", "2021Q2", 22, 8),
                           ("PKA", "2021Q1", 15, 3), ("KAI", "2024Q1", 12, 4),
                           ("KSU", "2024Q1", 3, 1))
    ])
    competing = pl.DataFrame([
        {"param": "TTFJ", "model": "cif_difference", "term": "pilot - rrp", "time_days": t,
         "coef": d, "hr": None, "ci_lower": d - 0.2, "ci_upper": d + 0.2, "p": 0.4, "n": 80,
         "events": 30} for t, d in ((182.625, 0.051), (365.25, 0.124))
    ] + [
        {"param": "TTFJ", "model": "gray_test", "term": "cohort", "time_days": None,
         "coef": 1.9, "hr": None, "ci_lower": None, "ci_upper": None, "p": 0.168, "n": 80,
         "events": 30},
    ] + [
        {"param": "TTFJ", "model": m, "term": term, "time_days": None, "coef": c,
         "hr": math.exp(c), "ci_lower": math.exp(c - 0.5), "ci_upper": math.exp(c + 0.5),
         "p": 0.2, "n": 80, "events": 30}
        for m in ("cause_specific", "fine_gray") for term, c in (("cohort[rrp]", -0.3),
                                                                  ("age", 0.01))
    ])
    return {"results.headline": pl.DataFrame(headline), "results.km": pl.DataFrame(km),
            "results.competing": competing,
            "results.cox": cox, "results.change": change, "results.mixed": mixed,
            "results.register": pl.DataFrame(register),
            "results.employer_survey": pl.DataFrame(employer),
            "analysis.fidelity": fidelity, "results.quarterly": quarterly}


def sample_outcome_results() -> dict[str, pl.DataFrame]:
    """Hand-made results of the outcome tables, each with a small cell on purpose: KAI's
    clients employed only with pay subsidy (2 of 12), a satisfaction item with 3 disagreeing,
    2 answering "studying", a logit model of 40 clients, 3 without a diagnosis group level."""
    attachment = []
    for window, groups in ((6, (("all", "all", 40, 20, 10, 16), ("cohort", "pilot", 28, 14, 7, 12),
                                ("cohort", "rrp", 12, 6, 3, 4), ("region", "KAI", 12, 6, 3, 4),
                                ("region", "HEL", 28, 14, 7, 12))),
                           (12, (("all", "all", 30, 18, 9, 14),))):
        for group_var, group, n, any_job, end, any_excl in groups:
            attachment.append({
                "window_months": window, "window_days": 182.625 * window / 6,
                "group_var": group_var, "group": group, "n_clients": n,
                "n_any_job": any_job, "pct_any_job": 100 * any_job / n,
                "n_employed_at_end": end, "pct_employed_at_end": 100 * end / n,
                "mean_days_worked": 30.5, "median_days_worked": 0.0,
                "n_any_job_excl_pay_subsidy": any_excl,
                "pct_any_job_excl_pay_subsidy": 100 * any_excl / n,
                "n_employed_at_end_excl_pay_subsidy": min(end, any_excl),
                "pct_employed_at_end_excl_pay_subsidy": 100 * min(end, any_excl) / n,
                "mean_days_worked_excl_pay_subsidy": 25.0})
    situation = []
    for wave in (6, 12):
        answers = {1: 20, 2: 2, 3: 6, 4: 22}
        answered = sum(answers.values())
        sums = {"working_or_studying": (1, 2, 3), "working": (1, 3), "studying": (2, 3),
                **{f"answer_{c}_{w}": (c,) for c, w in
                   ((1, "working"), (2, "studying"), (3, "both"), (4, "neither"))}}
        for category, codes in sums.items():
            n = sum(answers[c] for c in codes)
            situation.append({"cohort": "all", "wave": wave, "category": category,
                              "codes": ",".join(map(str, codes)), "n": n,
                              "n_answered": answered, "pct": 100 * n / answered,
                              "ci_lower": 100 * n / answered - 5,
                              "ci_upper": 100 * n / answered + 5})
    satisfaction = []
    for cohort, n, agree in (("all", 30, 24), ("pilot", 20, 17), ("rrp", 10, 7)):
        for item in ("tyyt1", "tyyt2", "tyyt3"):
            a = agree if item != "tyyt3" else n - 3  # 3 not agreeing: hidden
            satisfaction.append({"cohort": cohort, "wave": 6, "item": item, "label": item,
                                 "n": n, "mean": 4.1, "sd": 0.7, "n_agree": a,
                                 "pct_agree": 100 * a / n})
    logit = pl.DataFrame([
        {"term": t, "coef": c, "or": math.exp(c), "ci_lower": math.exp(c - 0.5),
         "ci_upper": math.exp(c + 0.5), "p": 0.2, "n": 40, "events": 22, "se": 0.25,
         "n_excluded": 3, "converged": True,
         "pooled_levels": "dx_group: non_f, other_f joined the reference (psychotic)"}
        for t, c in (("intercept", -0.2), ("cohort[rrp]", 0.1), ("age", -0.01),
                     ("sex[male]", 0.3))])
    attrition = []
    for variable, level, statistic, a, a_count, a_value, na, na_count, na_value, smd in (
            ("clients", None, "n", 30, None, None, 25, None, None, None),
            ("age", None, "mean_sd", 29, None, 34.2, 25, None, 36.0, -0.2),
            ("sex", "female", "pct", 30, 27, 90.0, 25, 13, 52.0, 0.9),
            ("sex", "male", "pct", 30, 3, 10.0, 25, 12, 48.0, -0.9),
            ("sex", "(overall)", "smd_yang_dalton", 30, None, None, 25, None, None, 0.9)):
        attrition.append({"followup_wave": 6, "cohort": "all", "variable": variable,
                          "level": level, "statistic": statistic, "answered_n": a,
                          "answered_count": a_count, "answered_value": a_value,
                          "answered_sd": 8.0 if statistic == "mean_sd" else None,
                          "not_answered_n": na, "not_answered_count": na_count,
                          "not_answered_value": na_value,
                          "not_answered_sd": 9.0 if statistic == "mean_sd" else None,
                          "smd": smd})
    return {"results.attachment": pl.DataFrame(attachment),
            "results.situation": pl.DataFrame(situation),
            "results.satisfaction": pl.DataFrame(satisfaction), "results.logit": logit,
            "results.attrition": pl.DataFrame(attrition)}


def _change(instrument: str, cohort: str, group_var: str, group: str, n: int,
            improved: int | None, deteriorated: int | None) -> dict:
    return {"instrument": instrument, "cohort": cohort, "contrast": "T0-T12",
            "group_var": group_var, "group": group, "n": n, "baseline_mean": 52.3,
            "followup_mean": 58.1, "mean_change": 5.8, "ci_lower": 1.2, "ci_upper": 10.4,
            "effect_size": 0.42,
            "n_improved": improved, "n_deteriorated": deteriorated,
            "pct_improved": None if improved is None else 100 * improved / n,
            "pct_deteriorated": None if deteriorated is None else 100 * deteriorated / n}


def _process_row(indicator: str, level: str, unit: str, n: int, value: float,
                 share: float | None, share_n: int | None, region: str | None = None) -> dict:
    standard = {"contacts_per_week": 6.0, "first_meeting_days": 30.0, "caseload": 20.0}
    return {"indicator": indicator, "level": level, "unit": unit, "n": n, "value": value,
            "standard": standard.get(indicator), "share_meeting_standard": share,
            "share_n": share_n, "q1": value / 2 if indicator == "referral_days" else None,
            "q3": value * 1.5 if indicator == "referral_days" else None, "ci_lower": None,
            "ci_upper": None, "region": region, "cohort": "pilot"}


def sample_implementation_results() -> dict[str, pl.DataFrame]:
    """results.process, fidelity_items and costs with small cells: team HEL-T3 has 3 clients,
    KSU 3 clients started."""
    process = []
    for level, unit, n, region in (("all", "all", 40, None), ("cohort", "pilot", 40, None),
                                   ("region", "HEL", 40, "HEL"), ("team", "HEL-T1", 37, "HEL"),
                                   ("team", "HEL-T3", 3, "HEL")):
        process += [
            _process_row("contacts_per_week", level, unit, 10 * n, 2.5, 0.1, 10 * n, region),
            _process_row("first_meeting_days", level, unit, n, 45.0, 0.3, n, region),
            _process_row("caseload", level, unit, 2 * n, 9.5, 0.95, 2 * n, region),
            _process_row("referral_days", level, unit, n, 40.0, None, None, region)]
    from ips_eval.fidelity.outcomes import item_profile
    from schemas.instruments import FIDELITY_ITEMS

    reviews = pl.DataFrame([
        {"team": t, "region": t[:3], "cohort": c, "review_date": date(2022, 5, 1),
         "total": 25 * base + 3, "band": "fair",
         **{k: base + (i < 3) for i, k in enumerate(FIDELITY_ITEMS)}}
        for t, c, base in (("HEL-T1", "pilot", 4), ("KAI-T1", "rrp", 3))])
    costs = pl.DataFrame([
        {"region": r, "cohort": c, "year": "all", "cost_eur": cost, "clients_started": n,
         "client_years": n * 0.8, "clients_employed_12m": e, "cost_per_client": cost / n,
         "cost_per_client_year": cost / (n * 0.8), "cost_per_employed": cost / max(e, 1),
         "clients_window_12m": n, "share_employed_12m": e / n, "cost_complete": True,
         "funding_eur": cost, "coach_fte": 2.0, "clients_per_fte": n * 0.4,
         "benefits_saved_per_client": 900.0 if r == "all" and c == "all" else None,
         "earnings_gained_per_client": 1500.0 if r == "all" and c == "all" else None,
         "effect_clients": 300 if r == "all" and c == "all" else None}
        for r, c, n, e, cost in (("KAI", "rrp", 30, 10, 150_000.0),
                                 ("KSU", "rrp", 3, 1, 40_000.0),
                                 ("all", "rrp", 33, 11, 190_000.0),
                                 ("all", "all", 33, 11, 190_000.0))])
    return {"results.process": pl.DataFrame(process),
            "results.fidelity_items": item_profile(reviews), "results.costs": costs}


def derived_results(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The results the pipeline computes from the sample's analysis tables, by the pipeline's
    own functions (so the tables read what a run would give them)."""
    from ips_eval.employment.baseline import baseline_results
    from ips_eval.employment.per_client import jobs_per_client
    from ips_eval.employment.results import employment_comparison, rmst_table
    from ips_eval.fidelity.teams import team_outcomes

    clients, tte = frames["analysis.clients"], frames["analysis.tte"]
    # the per-client job summary of sql/employment/client_employment.sql: the sample's one job
    # per client
    tenure = tte.filter(pl.col("param") == "TENURE1").select(
        "client_id", n_competitive_jobs=pl.lit(1), days_employed=pl.col("time_days"))
    clients = clients.join(tenure, on="client_id", how="left").with_columns(
        pl.col("n_competitive_jobs", "days_employed").fill_null(0))
    jobs = pl.DataFrame({"client_id": tte["client_id"], "job_no": tte["job_no"],
                         "pay_subsidy": [0] * tte.height})
    return {
        "results.baseline": baseline_results(clients),
        "results.jobs_per_client": jobs_per_client(clients),
        "results.employment_comparison": employment_comparison(
            tte, clients, jobs, frames["results.headline"]),
        "results.rmst": rmst_table(tte.filter(pl.col("param") != "TTFJ")),
        "results.team_outcomes": team_outcomes(clients, tte, frames["analysis.fidelity"]),
    }


def sample_register_effect_results() -> dict[str, pl.DataFrame]:
    """Hand-made register-effect results: +24 months over 3 clients (hidden), 3 unmatched
    clients, a transition cell of 3."""
    effect = pl.DataFrame([
        {"outcome": outcome, "rel_month": r, "method": method,
         "n_clients": 3 if r == 24 else 40, "n_comparison": 15 if r == 24 else 200,
         "estimate": 0.2 if r >= 0 else 0.0, "ci_lower": 0.1 if r >= 0 else -0.05,
         "ci_upper": 0.3 if r >= 0 else 0.05, "p": 0.01, "method_note": "sample",
         "placebo": r < 0}
        for outcome in ("employed", "earnings_eur", "benefits_eur")
        for method in ("matched", "matched_did", "naive") for r in range(-24, 25)])
    balance = pl.DataFrame({
        "covariate": ["age", "state_m1_unemployed", "n_clients_matched", "n_clients_unmatched",
                      "n_comparison_matched"],
        "mean_clients": [40.0, 0.5, 120.0, 3.0, 400.0],
        "mean_clients_all": [40.1, 0.5, None, None, None],
        "mean_comparison_before": [45.0, 0.3, None, None, None],
        "mean_comparison_after": [40.2, 0.5, None, None, None],
        "smd_before": [-0.5, 0.4, None, None, None],
        "smd_after": [-0.02, 0.0, None, None, None]})
    transitions = pl.DataFrame(
        [("all", "clients", 6, "unemployed", "employed", 3, 10.0),
         ("all", "clients", 6, "unemployed", "unemployed", 27, 90.0)],
        schema=["cohort", "group", "horizon", "state_from", "state_to", "n", "pct"],
        orient="row")
    tests = pl.DataFrame({
        "outcome": ["employed", "employed", "employed", "employed"],
        "test": ["pre_joint_wald", "holdout_joint_wald", "pre_equivalence", "e_value"],
        "statistic": [20.0, 9.0, 0.01, 2.5], "df": [24, 12, None, None],
        "p": [0.7, 0.7, None, None], "bound": [None, None, 0.02, 1.9],
        "max_abs": [None, None, 0.01, None], "passed": [True, True, True, None]})
    subgroups = pl.DataFrame(
        [("sex", sex, m, "employed", n, 0.2, 0.1, 0.3, 0.5)
         for m in (6, 12) for sex, n in (("female", 22), ("male", 18))],
        schema=["subgroup_var", "subgroup", "rel_month", "outcome", "n_clients", "estimate",
                "ci_lower", "ci_upper", "interaction_p"], orient="row")
    return {"results.register_effect": effect, "results.register_balance": balance,
            "results.transitions": transitions, "results.register_effect_tests": tests,
            "results.register_effect_subgroups": subgroups,
            "results.transition_model": sample_transition_model()}


def sample_transition_model() -> pl.DataFrame:
    """The model of transitions at +6 (a state of 3 clients: hidden) and +12, and a state not
    fitted at +12."""
    from ips_eval.register.transition_model import COLUMNS

    rows = []
    for horizon, n_employed in ((6, 3), (12, 30)):
        for state, n_state in (("unemployed", 40 - n_employed), ("employed", n_employed)):
            for term, coef, ame in (("intercept", -0.5, None), ("sex[male]", 0.4, 0.08)):
                ref = state == "unemployed"
                rows.append({
                    "horizon": horizon, "state_to": state, "term": term,
                    "coef": None if ref else coef, "rrr": None if ref else 1.49,
                    "ci_lower": None if ref else 0.9, "ci_upper": None if ref else 2.4,
                    "p": None if ref else 0.1,
                    "ame": None if ame is None else (-ame if ref else ame),
                    "ame_ci_lower": None if ame is None else -0.1,
                    "ame_ci_upper": None if ame is None else 0.1, "n": 40, "n_state": n_state,
                    "se": None if ref else 0.25, "ame_se": None if ame is None else 0.05,
                    "n_excluded": 0, "merged_states": "", "pooled_levels": "",
                    "converged": True, "not_fitted": None, "note": None})
    rows.append({**dict.fromkeys(COLUMNS), "horizon": 12, "state_to": "student",
                 "not_fitted": "few_rows", "note": "4 clients in student at +12"})
    return pl.DataFrame(rows, schema_overrides={
        "coef": pl.Float64, "rrr": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64,
        "p": pl.Float64, "ame": pl.Float64, "ame_ci_lower": pl.Float64,
        "ame_ci_upper": pl.Float64, "se": pl.Float64, "ame_se": pl.Float64,
        "n": pl.Int64, "n_state": pl.Int64, "n_excluded": pl.Int64, "converged": pl.Boolean,
        "not_fitted": pl.String, "note": pl.String, "merged_states": pl.String,
        "pooled_levels": pl.String, "state_to": pl.String, "term": pl.String,
        "horizon": pl.Int64})


def sample_frames() -> dict[str, pl.DataFrame]:
    clients = sample_clients()
    tte = sample_tte(clients)
    frames = {"analysis.clients": clients, "analysis.tte": tte, **sample_results(clients, tte),
              **sample_outcome_results(), **sample_register_effect_results(),
              **sample_implementation_results()}
    return frames | derived_results(frames)


def write_sample_warehouse(path: Path) -> dict[str, pl.DataFrame]:
    """The sample's tables in a DuckDB file at ``path`` (schemas analysis and results)."""
    frames = sample_frames()
    con = duckdb.connect(str(path))
    try:
        for qualified, frame in frames.items():
            schema, name = qualified.split(".")
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.register("_frame", frame.to_arrow())
            con.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS SELECT * FROM _frame")
            con.unregister("_frame")
    finally:
        con.close()
    return frames
