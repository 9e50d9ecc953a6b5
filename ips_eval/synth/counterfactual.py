"""Client-like comparison persons: the registers of people like the clients who got no IPS.

The built-in study's register comparison group has two parts: the general population
(comparison.py: far more often in work before any index month, so a naive comparison with the
clients is biased) and, drawn here, ``SHADOWS_PER_CLIENT`` persons per register-linked client
who share the client's birth date, sex, income source at start, jobs before the index date and
register history generator, but live without IPS after it.

The planted effect of IPS (documented in the manifest as ``planted_effect``): without IPS, each
job a client started on or after the index date would not have happened with probability
``JOB_LOST_WITHOUT_IPS``; every other job (one that started before the index date) runs as it
did. A client-like person's benefits follow their own work as the clients' do (registers.py).
The true ATT on ``employed`` (any pay in the month) at relative month r is therefore the mean
over the clients of P(in work at m + r with IPS) − P(in work at m + r without it), where without
IPS a month is worked when a kept job runs in it: 1 − Π (lost probability) over the post-index
jobs running in that month, or 1 when a pre-index job runs. ``planted_effect`` computes it
exactly (no simulation noise) over the linked clients observed in that month (up to the
earlier of their cohort's default cut-off month and the month before the last extract's).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from ips_eval.synth import identity
from ips_eval.synth.jobs import Job
from ips_eval.synth.plan import REGISTER_EXTRACTS
from ips_eval.synth.population import Client
from ips_eval.synth.registers import (
    BenefitPeriod,
    MonthlyPay,
    _job_months,
    client_registers,
    month_index,
)
from schemas.windows import DEFAULT_CUTOFFS

SHADOWS_PER_CLIENT = 8
JOB_LOST_WITHOUT_IPS = 0.5
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


def client_like_registers(rng: np.random.Generator, clients: list[Client], jobs: list[Job],
                          linkable: set[str]
                          ) -> tuple[list[BenefitPeriod], list[MonthlyPay], set[str]]:
    """Register histories of the client-like persons (their HETUs as the third item)."""
    linked = sorted((c for c in clients if c.code in linkable), key=lambda c: c.code)
    hetus = _shadow_hetus(linked, rng)
    by_client: dict[str, list[Job]] = {}
    for j in jobs:
        by_client.setdefault(j.client, []).append(j)
    shadows: list[Client] = []
    shadow_jobs: list[Job] = []
    for c in linked:
        mine = sorted(by_client.get(c.code, []), key=lambda j: (j.start, j.employer.ytunnus))
        for s in range(SHADOWS_PER_CLIENT):
            code = f"{c.code}~{s}"
            shadows.append(replace(c, code=code, hetu=hetus[(c.code, s)]))
            lost = rng.random(len(mine)) < JOB_LOST_WITHOUT_IPS
            shadow_jobs += [replace(j, client=code) for j, gone in zip(mine, lost, strict=True)
                            if j.start < c.index or not gone]
    periods, pay = client_registers(rng, shadows, shadow_jobs, {s.code for s in shadows})
    return periods, pay, {s.hetu for s in shadows}


def planted_effect(clients: list[Client], jobs: list[Job], linkable: set[str]
                   ) -> dict[str, object]:
    """The true ATT on ``employed`` by relative month (see the module docstring)."""
    last_pay = month_index(REGISTER_EXTRACTS[-1]) - 1
    by_client: dict[str, list[Job]] = {}
    for j in jobs:
        by_client.setdefault(j.client, []).append(j)
    sums = {r: [0.0, 0] for r in EFFECT_REL_MONTHS}
    for c in clients:
        if c.code not in linkable:
            continue
        m0 = month_index(c.index)
        last = min(last_pay, month_index(DEFAULT_CUTOFFS[c.cohort]))
        first, final = m0 + EFFECT_REL_MONTHS.start, min(last, m0 + EFFECT_REL_MONTHS.stop - 1)
        with_ips = np.zeros(final - first + 1, dtype=bool)
        kept = np.zeros(final - first + 1, dtype=bool)
        all_lost = np.ones(final - first + 1)
        for j in by_client.get(c.code, []):
            for m, _days in _job_months(j, first, final):
                with_ips[m - first] = True
                if j.start < c.index:
                    kept[m - first] = True
                else:
                    all_lost[m - first] *= JOB_LOST_WITHOUT_IPS
        without = np.where(kept, 1.0, 1.0 - all_lost) * with_ips
        for i, m in enumerate(range(first, final + 1)):
            acc = sums[m - m0]
            acc[0] += float(with_ips[i]) - float(without[i])
            acc[1] += 1
    return {"outcome": "employed", "job_lost_without_ips": JOB_LOST_WITHOUT_IPS,
            "client_like_persons_per_client": SHADOWS_PER_CLIENT,
            "att_by_rel_month": {str(r): (s / n if n else None) for r, (s, n) in sums.items()},
            "clients_by_rel_month": {str(r): n for r, (_s, n) in sums.items()}}
