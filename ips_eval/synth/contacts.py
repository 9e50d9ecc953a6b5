"""The coaches' employer contact log (kontaktit).

Job development contacts every week (IPS asks for six a week; real coaches log fewer), a first
meeting of client and employer shortly before each job the coach found, and follow-along visits
at the workplace while the coach still supports the client.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ips_eval.synth.employers import Employer, pick_employer
from ips_eval.synth.jobs import Job
from ips_eval.synth.plan import REGIONS, final_delivery
from ips_eval.synth.population import Client

WEEKLY_CONTACTS = 1.4

Contact = dict[str, object]


def _weekday(d: date) -> date:
    return d - timedelta(days=max(d.weekday() - 4, 0))


def simulate_contacts(rng: np.random.Generator, clients: list[Client], jobs: list[Job],
                      coaches: dict[str, dict[str, list[str]]],
                      pools: dict[str, list[Employer]]) -> list[Contact]:
    rows: dict[tuple, Contact] = {}

    def add(coach: str, day: date, employer: str, kind: int, client: str) -> None:
        row = {"valmentaja": coach, "asiakastunnus": client, "pvm": day,
               "tyonantaja": employer, "tyyppi": kind}
        rows[(coach, day, employer, kind, client)] = row

    by_coach: dict[str, list[Client]] = {}
    for c in clients:
        by_coach.setdefault(c.coach, []).append(c)
    for region in REGIONS:
        region_clients = [c for c in clients if c.region == region]
        opened = min(c.index for c in region_clients) - timedelta(days=21)
        closed = final_delivery(region) - timedelta(days=1)
        for team in sorted(coaches[region]):
            for coach in coaches[region][team]:
                mine = by_coach.get(coach, [])
                week = opened - timedelta(days=opened.weekday())
                while week <= closed:
                    for _ in range(int(rng.poisson(WEEKLY_CONTACTS))):
                        day = week + timedelta(days=int(rng.integers(0, 5)))
                        if not opened <= day <= closed:
                            continue
                        searching = [c.code for c in mine if c.index <= day
                                     and (c.exit_date is None or c.exit_date >= day)]
                        about = (searching[int(rng.integers(len(searching)))]
                                 if searching and rng.random() < 0.4 else "")
                        add(coach, day, pick_employer(rng, pools[region]).ytunnus, 2, about)
                    week += timedelta(days=7)
    by_code = {c.code: c for c in clients}
    for job in jobs:
        client = by_code[job.client]
        if not job.on_form or job.start < client.index:
            continue
        first = job.start - timedelta(days=int(rng.integers(2, 30)))
        add(client.coach, _weekday(max(first, client.index)), job.employer.ytunnus, 1,
            client.code)
        last = min(d for d in (job.form_end, client.exit_date, final_delivery(client.region))
                   if d is not None)
        visit = job.start + timedelta(days=int(rng.integers(10, 30)))
        while visit <= last:
            if rng.random() < 0.6:
                add(client.coach, _weekday(visit), job.employer.ytunnus, 3, client.code)
            visit += timedelta(days=int(rng.integers(21, 45)))
    return [rows[k] for k in sorted(rows, key=lambda k: (k[1], k[0], k[2], k[3], k[4]))]
