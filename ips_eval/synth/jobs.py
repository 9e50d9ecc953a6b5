"""Careers: job spells, service exits, and the calibration to the published headline figures.

How the calibration works: in each cohort, exactly K clients among those who started by the
headline cut-off (K = 348 pilot, 86 RRP) are chosen to find a competitive job by then, with
probability proportional to the chance of a job within their own follow-up under their personal
hazard (1 - exp(-hazard x days available)). A chosen client's first job time is then drawn from
that hazard truncated to the days available; everyone else's first competitive job falls after
the cut-off (or never). So the survival curve is a real one, and the count is exact by
construction, not by copying: `calibration.py` recounts it from the delivery tables.

Spells continue past the service exit and past the last coach-form delivery: the coach form
shows only what the coach knew, the Incomes Register shows every month with pay (registers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from ips_eval.synth.draws import Categorical
from ips_eval.synth.employers import Employer, pick_employer
from ips_eval.synth.plan import (
    HEADLINE_CUTOFF,
    HEADLINE_EMPLOYED,
    REGISTER_EXTRACTS,
    final_delivery,
)
from ips_eval.synth.population import Client
from schemas.study import STUDY

WORLD_END = REGISTER_EXTRACTS[-1] - timedelta(days=1)
EARLIEST_JOB = date(2019, 3, 1)
HOURS = [10.0, 15.0, 18.5, 20.0, 24.0, 25.0, 30.0, 37.5]
HOURS_P = [0.08, 0.14, 0.08, 0.22, 0.12, 0.10, 0.10, 0.16]
# ISCO-08 codes as coaches write them: mostly 4 digits, sometimes only the major group.
OCCUPATIONS = ["9112", "5223", "9333", "5120", "9412", "4110", "5322", "8322", "9621", "7126",
               "5131", "4321", "2512", "3341", "9", "5", "52", "91"]
OCCUPATION_P = [0.14, 0.14, 0.09, 0.07, 0.08, 0.07, 0.07, 0.04, 0.05, 0.03, 0.05, 0.05, 0.02,
                0.03, 0.02, 0.02, 0.02, 0.01]
EXIT_REASON_NO_JOB = Categorical([2, 3, 4, 5, 6], [0.30, 0.27, 0.08, 0.22, 0.13])
HOURS_DRAW = Categorical(HOURS, HOURS_P)
OCCUPATION_DRAW = Categorical(OCCUPATIONS, OCCUPATION_P)
JOB_END_REASON = Categorical([2, 3, 4, 5], [0.45, 0.2, 0.25, 0.1])


@dataclass
class Job:
    client: str
    start: date
    end: date | None  # true last day; None = still running at the last register extract
    employer: Employer
    hours: float
    occupation: str
    competitive: bool
    pay_subsidy: bool
    permanent: bool
    end_reason: int | None
    hourly_wage: float
    on_form: bool = False
    form_end: date | None = None  # the end date once the coach form is complete; None = open
    job_no: int | None = None


def _truncated_exponential(rng: np.random.Generator, hazard: float, limit: int) -> int:
    u = rng.random()
    t = -np.log(1.0 - u * (1.0 - np.exp(-hazard * (limit + 1)))) / hazard
    return min(int(t), limit)


def _spell(rng: np.random.Generator, client: Client, start: date, employer: Employer,
           competitive: bool = True, short: bool | None = None) -> Job:
    fixed_term = bool(rng.random() < 0.35) if short is None else short
    days = rng.exponential(110.0) if fixed_term else rng.exponential(520.0)
    days = max(int(days), 6)
    end: date | None = start + timedelta(days=days)
    if end > WORLD_END:
        end = None
    if end is None:
        reason = None
    elif fixed_term:
        reason = 1
    else:
        reason = JOB_END_REASON.draw(rng)
    return Job(
        client=client.code, start=start, end=end, employer=employer,
        hours=HOURS_DRAW.draw(rng),
        occupation=OCCUPATION_DRAW.draw(rng),
        competitive=competitive,
        pay_subsidy=bool(rng.random() < (0.16 if competitive else 0.5)),
        permanent=not fixed_term, end_reason=reason,
        hourly_wage=float(rng.uniform(12.5, 19.0)),
    )


def _job_chain(rng: np.random.Generator, client: Client, first_start: date,
               pool: list[Employer]) -> list[Job]:
    """The first competitive job and the ones that follow it, up to the world's end."""
    jobs: list[Job] = []
    start = first_start
    while start <= WORLD_END:
        job = _spell(rng, client, start, pick_employer(rng, pool))
        jobs.append(job)
        # A few part-timers take a second part-time job on the side (overlapping spells).
        if job.hours <= 25 and rng.random() < 0.05:
            side_start = start + timedelta(days=int(rng.integers(10, 120)))
            if (job.end is None or side_start < job.end) and side_start <= WORLD_END:
                side = _spell(rng, client, side_start, pick_employer(rng, pool), short=True)
                side.hours = float(rng.choice([8.0, 10.0, 12.0, 15.0]))
                jobs.append(side)
        if job.end is None or rng.random() > 0.55:
            break
        start = job.end + timedelta(days=1 + int(rng.exponential(100.0)))
    return jobs


def _first_job_offsets(rng: np.random.Generator, clients: list[Client]) -> dict[str, float]:
    """Days from index to the first competitive job, calibrated per cohort (module docstring)."""
    offsets: dict[str, float] = {}
    for cohort, cutoff in sorted(HEADLINE_CUTOFF.items()):
        members = [c for c in clients if c.cohort == cohort]
        eligible = [c for c in members if c.index <= cutoff]
        available = np.array([min(c.dropout_days, (cutoff - c.index).days) for c in eligible])
        hazard = np.array([c.employability for c in eligible])
        weight = 1.0 - np.exp(-hazard * (np.floor(available) + 1))
        chosen_idx = rng.choice(len(eligible), size=HEADLINE_EMPLOYED[cohort], replace=False,
                                p=weight / weight.sum())
        chosen = {eligible[i].code for i in chosen_idx}
        for c, a in zip(eligible, available, strict=True):
            if c.code in chosen:
                offsets[c.code] = _truncated_exponential(rng, c.employability, int(a))
            else:
                offsets[c.code] = (cutoff - c.index).days + 1 + rng.exponential(
                    1.0 / c.employability)
        for c in members:
            if c.index > cutoff:
                offsets[c.code] = rng.exponential(1.0 / c.employability)
    return offsets


def _exit(rng: np.random.Generator, client: Client, first_job_offset: float) -> None:
    if first_job_offset < client.dropout_days:
        follow_along = float(rng.uniform(60, 450))
        offset = min(client.dropout_days, first_job_offset + follow_along)
    else:
        offset = client.dropout_days
    exit_date = client.index + timedelta(days=int(offset))
    if exit_date <= final_delivery(client.region):
        client.exit_date = exit_date


def _exit_reason(rng: np.random.Generator, client: Client, jobs: list[Job]) -> None:
    if client.exit_date is None:
        return
    working = any(j.on_form and j.competitive and j.start <= client.exit_date
                  and (j.end is None or j.end >= client.exit_date) for j in jobs)
    client.exit_reason = 1 if working else EXIT_REASON_NO_JOB.draw(rng)


def _side_jobs(rng: np.random.Generator, client: Client, pool: list[Employer]) -> list[Job]:
    """Jobs before the index date, and non-competitive jobs (sheltered or work-trial pay)."""
    jobs: list[Job] = []
    if rng.random() < 0.13:
        start = max(EARLIEST_JOB, client.index - timedelta(days=int(rng.integers(60, 600))))
        job = _spell(rng, client, start, pick_employer(rng, pool), competitive=True)
        if rng.random() < 0.8:  # most ended before the client came to IPS
            gap = (client.index - start).days
            job.end = start + timedelta(days=int(rng.integers(5, max(gap - 3, 6))))
            job.end_reason = job.end_reason or 2
        jobs.append(job)
    if rng.random() < 0.10:
        start = client.index + timedelta(days=int(rng.integers(20, 500)))
        if start <= WORLD_END:
            job = _spell(rng, client, start, pick_employer(rng, pool), competitive=False)
            job.pay_subsidy = bool(rng.random() < 0.5)
            jobs.append(job)
    return jobs


def _end_some_on_cutoffs(rng: np.random.Generator, clients: dict[str, Client],
                         jobs: list[Job]) -> None:
    """A job that ends on the cut-off day has ended (docs/methods.md §Job tenure): make sure a few
    do."""
    for cohort, cutoff in STUDY.headline_cutoffs:
        running = [
            j for j in jobs
            if j.on_form and j.competitive and clients[j.client].cohort == cohort
            and j.start < cutoff and (j.end is None or j.end > cutoff)
            and (clients[j.client].exit_date is None or clients[j.client].exit_date > cutoff)
        ]
        for i in sorted(rng.choice(len(running), size=min(3, len(running)), replace=False)):
            running[i].end = cutoff
            running[i].end_reason = 1
            running[i].permanent = False


def _settle_form(clients: dict[str, Client], jobs: list[Job]) -> None:
    """What the coach form records: jobs that started while the client was in service, with
    the end date only when the coach still followed the client then."""
    for job in jobs:
        client = clients[job.client]
        last_known = client.exit_date or final_delivery(client.region)
        job.on_form = job.start <= last_known
        job.form_end = job.end if job.end is not None and job.end <= last_known else None
    by_client: dict[str, list[Job]] = {}
    for job in jobs:
        if job.on_form:
            by_client.setdefault(job.client, []).append(job)
    for client_jobs in by_client.values():
        for n, job in enumerate(sorted(client_jobs, key=lambda j: (j.start, j.hours)), 1):
            job.job_no = n


def simulate_careers(rng: np.random.Generator, clients: list[Client],
                     pools: dict[str, list[Employer]]) -> list[Job]:
    """Every job spell of every client (on the coach form or not), and each client's exit."""
    offsets = _first_job_offsets(rng, clients)
    by_code = {c.code: c for c in clients}
    jobs: list[Job] = []
    for client in clients:
        pool = pools[client.region]
        offset = offsets[client.code]
        _exit(rng, client, offset)
        jobs += _side_jobs(rng, client, pool)
        first = client.index + timedelta(days=int(offset)) if offset < 3000 else None
        if first is not None and first <= WORLD_END:
            jobs += _job_chain(rng, client, first, pool)
    _settle_form(by_code, jobs)
    _end_some_on_cutoffs(rng, by_code, jobs)
    _settle_form(by_code, jobs)
    by_client: dict[str, list[Job]] = {}
    for job in jobs:
        by_client.setdefault(job.client, []).append(job)
    for client in clients:
        _exit_reason(rng, client, by_client.get(client.code, []))
    return jobs
