"""Kela benefit periods and Incomes Register monthly pay for the clients who gave consent.

Both follow the job spells: every month a job runs, its employer (same Y-tunnus) pays, also
after the service ended and the coach form went quiet, which is what register-augmented tenure
(docs/methods.md §Register-augmented tenure) relies on. Benefits follow the income source at start
and give way to pay: unemployment and sickness benefits stop in full-time work and shrink to an
adjusted labour market subsidy in part-time work; disability pensions continue (pensioners may
earn).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np

from ips_eval.synth.jobs import WORLD_END, Job
from ips_eval.synth.plan import REGISTER_START
from ips_eval.synth.population import Client

MONTHLY_RATE = {"TMT": 760.0, "PPR": 760.0, "SPR": 950.0, "KUNTR": 900.0, "KUNTT": 1150.0,
                "TKE": 900.0, "ASUMT": 330.0, "TTT": 520.0, "OPT": 280.0}
# How many months one Kela decision period spans for each benefit.
PERIOD_MONTHS = {"TMT": 2, "PPR": 2, "TTT": 1, "OPT": 4, "SPR": 2, "KUNTR": 3, "KUNTT": 6,
                 "TKE": 12, "ASUMT": 12}
ADJUSTED_SHARE = 0.45  # adjusted labour market subsidy while working part-time
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class BenefitPeriod:
    hetu: str
    benefit: str
    start: date
    end: date
    monthly_eur: float  # the period's rate; the amount follows its days (see amount_for)

    def amount_for(self, end: date) -> float:
        days = (end - self.start).days + 1
        return round(self.monthly_eur * days / DAYS_PER_MONTH, 2)


@dataclass(frozen=True)
class MonthlyPay:
    hetu: str
    month: date  # first day of the payment month
    payer: str
    eur: float
    earlier_eur: float | None = None  # a later extract corrected this amount


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


@cache
def month_start(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


@cache
def month_end(m: int) -> date:
    y, mo = m // 12, m % 12 + 1
    return date(y, mo, calendar.monthrange(y, mo)[1])


def _job_months(job: Job, first: int, last: int) -> list[tuple[int, int]]:
    """(month, days worked in it) for every month of [first, last] the job runs in."""
    end = job.end or WORLD_END
    out = []
    for m in range(max(first, month_index(job.start)), min(last, month_index(end)) + 1):
        lo, hi = max(month_start(m), job.start), min(month_end(m), end)
        out.append((m, (hi - lo).days + 1))
    return out


def _base_benefit(client: Client, m: int, choice: float) -> str | None:
    source = client.income_source
    if source == 2:
        return "PPR" if choice < 0.15 else "TMT"
    if source == 3:
        # sickness allowance or rehabilitation benefit, not tied to the index date (a benefit
        # that turned at a fixed month before the start would mark the client's phase in a
        # way the comparison group's history cannot: counterfactual.py)
        return "SPR" if choice < 0.5 else "KUNTR"
    if source == 4:
        return "TKE" if choice < 0.55 else "KUNTT"
    if source == 5:
        return "TTT"
    if source == 6:
        return None if m % 12 + 1 in (6, 7, 8) else "OPT"
    if source == 7:
        return None
    return "TMT"  # wages at start: between jobs on labour market subsidy


def _benefit_in_month(base: str | None, full_time: bool, part_time: bool
                      ) -> tuple[str | None, bool]:
    """(benefit, adjusted) in a month given the work done in it."""
    if base is None or base in ("TKE", "KUNTT", "OPT"):
        return base, False
    if full_time:
        return None, False
    if part_time:
        if base in ("TMT", "PPR"):
            return base, True
        return None, False
    return base, False


def _periods(hetu: str, months: list[int], states: list[tuple[str | None, bool]],
             factor: float) -> list[BenefitPeriod]:
    out: list[BenefitPeriod] = []
    run: list[int] = []

    def close() -> None:
        if not run:
            return
        benefit, adjusted = states[run[0]]
        assert benefit is not None
        size = PERIOD_MONTHS[benefit]
        for k in range(0, len(run), size):
            chunk = run[k:k + size]
            rate = MONTHLY_RATE[benefit] * factor * (ADJUSTED_SHARE if adjusted else 1.0)
            out.append(BenefitPeriod(hetu, benefit, month_start(months[chunk[0]]),
                                     month_end(months[chunk[-1]]), round(rate, 2)))
        run.clear()

    for i in range(len(months)):
        if states[i][0] is None:
            close()
        elif run and states[run[-1]] == states[i]:
            run.append(i)
        else:
            close()
            run.append(i)
    close()
    return out


def client_registers(rng: np.random.Generator, clients: list[Client], jobs: list[Job],
                     linkable: set[str]) -> tuple[list[BenefitPeriod], list[MonthlyPay]]:
    """Full register history of every linkable client (consent and a valid HETU on the form),
    up to the last extract; extracts.py cuts each extract out of it."""
    by_client: dict[str, list[Job]] = {}
    for j in jobs:
        by_client.setdefault(j.client, []).append(j)
    last_month = month_index(WORLD_END)
    periods: list[BenefitPeriod] = []
    pay: list[MonthlyPay] = []
    for client in clients:
        if client.code not in linkable:
            continue
        mine = sorted(by_client.get(client.code, []), key=lambda j: (j.start, j.employer.ytunnus))
        # from the extract's first month: the delivery contract promises 24 months before the
        # index month, and the built-in study's extracts reach back to their start, as a
        # register study's extract from 2017 on does, so that the register effect's 36-month
        # history and its hold-out placebo (docs/methods.md §Register effect) have data
        first_month = month_index(REGISTER_START)
        months = list(range(first_month, last_month + 1))
        choice = rng.random()
        factor = float(rng.uniform(0.85, 1.15))
        full_time = [False] * len(months)
        part_time = [False] * len(months)
        for job in mine:
            wage = job.hourly_wage * job.hours * 4.345
            for m, days in _job_months(job, first_month, last_month):
                eur = max(round(wage * days / month_end(m).day * rng.normal(1.0, 0.04), 2), 5.0)
                earlier = round(eur * rng.uniform(0.6, 0.95), 2) if rng.random() < 0.005 else None
                pay.append(MonthlyPay(client.hetu, month_start(m), job.employer.ytunnus, eur,
                                      earlier))
                if job.hours >= 30 and days >= 15:
                    full_time[m - first_month] = True
                else:
                    part_time[m - first_month] = True
        states = [_benefit_in_month(_base_benefit(client, m, choice), full_time[i], part_time[i])
                  for i, m in enumerate(months)]
        periods += _periods(client.hetu, months, states, factor)
        if rng.random() < (0.9 if client.income_source == 5 else 0.33):
            periods += _periods(client.hetu, months, [("ASUMT", False)] * len(months), factor)
    return periods, _merge_same_payer(pay)


def _merge_same_payer(pay: list[MonthlyPay]) -> list[MonthlyPay]:
    """One row per person, month and payer (two spells with one employer in a month add up)."""
    merged: dict[tuple[str, date, str], MonthlyPay] = {}
    for p in pay:
        key = (p.hetu, p.month, p.payer)
        if key in merged:
            old = merged[key]
            merged[key] = MonthlyPay(p.hetu, p.month, p.payer, round(old.eur + p.eur, 2),
                                     old.earlier_eur)
        else:
            merged[key] = p
    return list(merged.values())


def extract_periods(periods: list[BenefitPeriod], extract: date, clients_in: set[str]
                    ) -> list[dict[str, object]]:
    """Kela rows of one extract: periods begun before the extract date, cut at the day before
    (a running period shows the days paid so far; the next extract shows it longer)."""
    last = extract - timedelta(days=1)
    rows = []
    for p in periods:
        if p.hetu not in clients_in or p.start > last:
            continue
        end = min(p.end, last)
        rows.append({"hetu": p.hetu, "etuus": p.benefit, "alkupvm": p.start, "loppupvm": end,
                     "maksettu_eur": p.amount_for(end)})
    return rows


def extract_pay(pay: list[MonthlyPay], extract: date, clients_in: set[str], final: bool
                ) -> list[dict[str, object]]:
    """Incomes Register rows of one extract: every month before the extract's month."""
    first_month = date(extract.year, extract.month, 1)
    rows = []
    for p in pay:
        if p.hetu not in clients_in or p.month >= first_month:
            continue
        eur = p.eur if final or p.earlier_eur is None else p.earlier_eur
        rows.append({"hetu": p.hetu, "kuukausi": f"{p.month:%Y-%m}", "maksaja": p.payer,
                     "palkka_eur": eur, "_corrected_later": (not final
                                                            and p.earlier_eur is not None)})
    return rows
