"""Background work and client-like comparison persons: the registers of people like the
clients who got no IPS (docs/methods.md §Register effect, "the built-in study").

The built-in study's register comparison group has two parts: the general population
(comparison.py: far more often in work before any index month, so a naive comparison with the
clients is biased) and, drawn here, ``SHADOWS_PER_CLIENT`` persons per register-linked client
who share the client's birth date, sex, income source and background work, but live without
IPS.

Background work: every register-linked client finds work on their own at a constant rate
(``BACKGROUND_STARTS_PER_MONTH`` while out of work; spells as jobs.py draws them), all through
the register span, with or without IPS, independent of the index date. It is the clients' only
work in the registers before the index date (the coach form's jobs from before the start are not
in the registers). With IPS, the jobs that start on or after the index date (the coach form's)
come on top of it; without IPS none of them happen.

Why so (the design's assumption, selection on the observed history): the register effect
compares a client at its index month with persons whose register history looks alike. A
client-like person lives a client's life without IPS; were that life anchored to the client's
index date (a search that starts at the index, a side job that ends just before it), a
client-like person seen at another month would be in another phase of it that no register
history shows — with the jobs of the form thinned by half for the counterfactual, the matched
persons whose own client started later worked 7 % at +6 against 20 % for those whose client
started the same month, and the estimate overshot the truth by 0.04–0.06. With background work
stationary in calendar time, what happens next to a client without IPS depends on their history
only, as the design assumes.

The planted effect (``planted_effect`` in the manifest): on ``employed`` (any pay in the month)
at relative month r, the mean over the linked clients observed in that month of 1{any job runs}
− 1{a background job runs}: exact, no simulation noise. On earnings and benefits, realised: the
clients' euros minus the mean of their own client-like persons'.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from ips_eval.synth import identity
from ips_eval.synth.employers import Employer
from ips_eval.synth.jobs import WORLD_END, Job, _spell
from ips_eval.synth.plan import REGISTER_EXTRACTS, REGISTER_START
from ips_eval.synth.population import Client
from ips_eval.synth.registers import (
    DAYS_PER_MONTH,
    BenefitPeriod,
    MonthlyPay,
    _job_months,
    client_registers,
    month_end,
    month_index,
    month_start,
)
from schemas.windows import DEFAULT_CUTOFFS

SHADOWS_PER_CLIENT = 8
BACKGROUND_STARTS_PER_MONTH = 0.005  # about 5 % of the clients in work at any time
BACKGROUND_EMPLOYERS = 400
SHADOW_INDIVIDUALS = (500, 599)  # individual numbers of client-like persons (identity.py)
EFFECT_REL_MONTHS = range(-24, 25)


def _shadow_hetus(clients: list[Client], rng: np.random.Generator) -> dict[tuple[str, int], str]:
    """Distinct HETUs with each client's birth date and sex, individual numbers 500–599."""
    used: dict[date, int] = {}
    out = {}
    for c in clients:
        for s in range(SHADOWS_PER_CLIENT):
            slot = used.get(c.birth, 0)
            used[c.birth] = slot + 1
            individual = SHADOW_INDIVIDUALS[0] + 2 * slot + int(c.male)
            if individual > SHADOW_INDIVIDUALS[1]:
                raise ValueError(f"more than {slot} client-like persons born on {c.birth}")
            out[(c.code, s)] = identity.hetu(c.birth, individual,
                                             identity.century_sign(c.birth.year, rng))
    return out


def background_jobs(rng: np.random.Generator, clients: list[Client], linkable: set[str],
                    taken: set[str]) -> dict[str, list[Job]]:
    """Each linked client's background work over the register span (see the module
    docstring), with employers of their own (Y-tunnus codes none of the regions' pools use)."""
    employers = [Employer(y, "", 1, "G", 1.0)
                 for y in identity.ytunnus_pool(rng, BACKGROUND_EMPLOYERS, set(taken))]
    rate = BACKGROUND_STARTS_PER_MONTH * 12 / 365.25  # per day
    out: dict[str, list[Job]] = {}
    for c in sorted((c for c in clients if c.code in linkable), key=lambda c: c.code):
        jobs: list[Job] = []
        day = REGISTER_START
        while True:
            day = day + timedelta(days=int(rng.exponential(1 / rate)))
            if day > WORLD_END:
                break
            job = _spell(rng, c, day, employers[int(rng.integers(len(employers)))])
            jobs.append(job)
            if job.end is None:
                break
            day = job.end + timedelta(days=1)
        out[c.code] = jobs
    return out


def client_like_registers(rng: np.random.Generator, clients: list[Client],
                          background: dict[str, list[Job]], linkable: set[str]
                          ) -> tuple[list[BenefitPeriod], list[MonthlyPay], dict[str, str]]:
    """Register histories of the client-like persons: each lives its client's background work
    and nothing else (the third item: each one's HETU → the code of its client)."""
    linked = sorted((c for c in clients if c.code in linkable), key=lambda c: c.code)
    hetus = _shadow_hetus(linked, rng)
    shadows: list[Client] = []
    shadow_jobs: list[Job] = []
    for c in linked:
        for s in range(SHADOWS_PER_CLIENT):
            code = f"{c.code}~{s}"
            shadows.append(replace(c, code=code, hetu=hetus[(c.code, s)]))
            shadow_jobs += [replace(j, client=code) for j in background.get(c.code, [])]
    periods, pay = client_registers(rng, shadows, shadow_jobs, {s.code for s in shadows})
    return periods, pay, {s.hetu: s.code.split("~")[0] for s in shadows}


def register_jobs(clients: list[Client], jobs: list[Job], background: dict[str, list[Job]]
                  ) -> list[Job]:
    """The jobs the registers show for the clients: those that start on or after the index
    date (found with IPS) and the background work."""
    index = {c.code: c.index for c in clients}
    return ([j for j in jobs if j.start >= index[j.client]]
            + [j for code in sorted(background) for j in background[code]])


def _euros_by_month(periods: list[BenefitPeriod], pay: list[MonthlyPay]
                    ) -> tuple[dict[tuple[str, int], float], dict[tuple[str, int], float]]:
    """Each person's pay and Kela benefits by month (HETU, month index), as the pipeline's
    register months count them: all pay in the month; a period's amount shared by its days."""
    earnings: dict[tuple[str, int], float] = {}
    for p in pay:
        key = (p.hetu, month_index(p.month))
        earnings[key] = earnings.get(key, 0.0) + p.eur
    benefits: dict[tuple[str, int], float] = {}
    for b in periods:
        for m in range(month_index(b.start), month_index(b.end) + 1):
            lo, hi = max(month_start(m), b.start), min(month_end(m), b.end)
            key = (b.hetu, m)
            benefits[key] = (benefits.get(key, 0.0)
                             + b.monthly_eur * ((hi - lo).days + 1) / DAYS_PER_MONTH)
    return earnings, benefits


def planted_effect(clients: list[Client], jobs: list[Job], linkable: set[str],
                   background: dict[str, list[Job]] | None = None,
                   periods: list[BenefitPeriod] | None = None,
                   pay: list[MonthlyPay] | None = None,
                   client_like: dict[str, str] | None = None) -> dict[str, object]:
    """The true ATT on ``employed`` by relative month (see the module docstring; ``jobs``: the
    clients' jobs from the index date on), and, given the registers and the client-like
    persons, the realised ATT on earnings and benefits: the mean over the clients observed at
    m + r of their euros minus the mean of their own client-like persons' euros."""
    last_pay = month_index(REGISTER_EXTRACTS[-1]) - 1
    by_client: dict[str, list[Job]] = {}
    for j in jobs:
        by_client.setdefault(j.client, []).append(j)
    sums = {r: [0.0, 0] for r in EFFECT_REL_MONTHS}
    euro_sums = {o: {r: 0.0 for r in EFFECT_REL_MONTHS} for o in ("earnings_eur", "benefits_eur")}
    earnings, benefits = _euros_by_month(periods or [], pay or [])
    likes: dict[str, list[str]] = {}
    for hetu, code in (client_like or {}).items():
        likes.setdefault(code, []).append(hetu)
    for c in clients:
        if c.code not in linkable:
            continue
        m0 = month_index(c.index)
        last = min(last_pay, month_index(DEFAULT_CUTOFFS[c.cohort]))
        first, final = m0 + EFFECT_REL_MONTHS.start, min(last, m0 + EFFECT_REL_MONTHS.stop - 1)
        with_ips = np.zeros(final - first + 1, dtype=bool)
        without = np.zeros(final - first + 1, dtype=bool)
        for j in by_client.get(c.code, []):
            for m, _days in _job_months(j, first, final):
                with_ips[m - first] = True
        for j in (background or {}).get(c.code, []):
            for m, _days in _job_months(j, first, final):
                with_ips[m - first] = without[m - first] = True
        mine = likes.get(c.code, [])
        for i, m in enumerate(range(first, final + 1)):
            acc = sums[m - m0]
            acc[0] += float(with_ips[i]) - float(without[i])
            acc[1] += 1
            for name, table in (("earnings_eur", earnings), ("benefits_eur", benefits)):
                if mine:
                    euro_sums[name][m - m0] += (
                        table.get((c.hetu, m), 0.0)
                        - sum(table.get((h, m), 0.0) for h in mine) / len(mine))
    out: dict[str, object] = {
        "outcome": "employed",
        "background_starts_per_month": BACKGROUND_STARTS_PER_MONTH,
        "client_like_persons_per_client": SHADOWS_PER_CLIENT,
        "att_by_rel_month": {str(r): (s / n if n else None) for r, (s, n) in sums.items()},
        "clients_by_rel_month": {str(r): n for r, (_s, n) in sums.items()}}
    if client_like:
        out["realised_att_by_rel_month"] = {
            name: {str(r): (v / sums[r][1] if sums[r][1] else None) for r, v in by_r.items()}
            for name, by_r in euro_sums.items()}
    return out
