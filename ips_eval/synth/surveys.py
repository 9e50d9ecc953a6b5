"""Client survey (waves 0/6/12) and employer survey.

Items of one scale share a latent trait, so they correlate and Cronbach's alpha is realistic;
the trait improves modestly over the follow-up, more for clients who got work. Fewer answer
later, fewer still among those without work or out of the service. A few answers fall outside
every analysis window, and a few clients answer their 12-month form early, inside the 6-month
window (two responses in one window; docs/methods.md §Survey waves says which one the analysis
uses).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ips_eval.synth.jobs import Job
from ips_eval.synth.plan import final_delivery
from ips_eval.synth.population import Client

DONT_KNOW = 99
ITEMS = (
    [f"mhi{i}" for i in range(1, 6)] + [f"qol{i}" for i in range(1, 9)]
    + [f"osal{i}" for i in range(1, 11)] + ["was", "tyovalmius", "terveys", "tilanne"]
    + [f"tyyt{i}" for i in range(1, 4)]
)
SURVEY_COLUMNS = ["asiakastunnus", "aalto", "vastauspvm", *ITEMS]
EMPLOYER_ITEMS = [f"ta{i}" for i in range(1, 7)]
EMPLOYER_COLUMNS = ["tyonantaja", "alue", "vastauspvm", "koko", "toimiala", *EMPLOYER_ITEMS,
                    "palkkaisi"]
FOLLOW_UP_ONLY = {"tilanne", "tyyt1", "tyyt2", "tyyt3"}

Record = dict[str, object]


def _likert(rng: np.random.Generator, centre: float, lo: int, hi: int, sd: float) -> int:
    return min(hi, max(lo, round(centre + sd * rng.standard_normal())))


def _items(rng: np.random.Generator, trait: float, working: bool, wave: int) -> Record:
    out: Record = {}
    for i in range(1, 6):
        good = _likert(rng, 3.4 + 0.9 * trait, 1, 6, 0.7)
        out[f"mhi{i}"] = 7 - good if i in (3, 5) else good  # items 3 and 5 run the other way
    for i in range(1, 9):
        out[f"qol{i}"] = _likert(rng, 3.0 + 0.7 * trait, 1, 5, 0.65)
    for i in range(1, 11):
        out[f"osal{i}"] = _likert(rng, 3.2 + 0.6 * trait, 1, 5, 0.7)
    out["was"] = _likert(rng, 4.2 + 1.5 * trait + 1.2 * working, 0, 10, 1.2)
    out["tyovalmius"] = _likert(rng, 3.2 + 0.6 * trait + 0.4 * working, 1, 5, 0.8)
    out["terveys"] = _likert(rng, 3.0 - 0.6 * trait, 1, 5, 0.7)  # 1 = very good
    if wave > 0:
        studying = rng.random() < 0.12
        out["tilanne"] = (3 if studying else 1) if working else (2 if studying else 4)
        for i in range(1, 4):
            out[f"tyyt{i}"] = _likert(rng, 4.0 + 0.3 * trait, 1, 5, 0.7)
    else:
        out.update({k: None for k in FOLLOW_UP_ONLY})
    # Unanswered items, and "don't know" (99, read as missing, never a defect).
    for key in ITEMS:
        if out[key] is None:
            continue
        unanswered = 0.025 if working else 0.04
        u = rng.random()
        if u < unanswered:
            out[key] = None
        elif u < unanswered + 0.012:
            out[key] = DONT_KNOW
    return out


def _worked_by(jobs: list[Job], index: date, day: date) -> bool:
    return any(j.competitive and index <= j.start <= day for j in jobs)


def _in_service(client: Client, day: date) -> bool:
    return client.exit_date is None or client.exit_date >= day


def simulate_client_survey(rng: np.random.Generator, clients: list[Client],
                           jobs: list[Job]) -> list[Record]:
    by_client: dict[str, list[Job]] = {}
    for j in jobs:
        by_client.setdefault(j.client, []).append(j)
    rows: list[Record] = []
    for c in clients:
        mine = by_client.get(c.code, [])
        last = final_delivery(c.region)
        baseline = rng.normal(0.0, 1.0)
        answered: dict[int, date] = {}
        for wave in (0, 6, 12):
            if wave == 0:
                day = max(c.referral, c.index + timedelta(days=int(rng.integers(-14, 22))))
                if rng.random() < 0.01:  # outside every window
                    day = c.index + timedelta(days=int(rng.integers(35, 80)))
                p = 0.93
            else:
                target = 182 if wave == 6 else 365
                spread, lo, hi = (18, 125, 238) if wave == 6 else (25, 305, 445)
                offset = int(np.clip(target + rng.normal(0, spread), lo, hi))
                u = rng.random()
                if u < 0.02:  # answered between or after the windows
                    offset = int(rng.integers(250, 290) if wave == 6 else rng.integers(460, 520))
                elif wave == 12 and u < 0.07 and 6 in answered and (
                        120 <= (answered[6] - c.index).days <= 200):
                    offset = int(rng.integers(205, 236))  # the 12-month form filled in early
                day = c.index + timedelta(days=offset)
                working = _worked_by(mine, c.index, day)
                if _in_service(c, day):
                    p = (0.80 if working else 0.64) if wave == 6 else (0.72 if working else 0.55)
                else:
                    p = 0.35 if wave == 6 else 0.28
            if day > last or rng.random() >= p:
                continue
            answered[wave] = day
            working = _worked_by(mine, c.index, day)
            gain = {0: 0.0, 6: 0.12 + 0.30 * working, 12: 0.20 + 0.40 * working}[wave]
            trait = baseline + gain + (rng.normal(0.0, 0.45) if wave else 0.0)
            rows.append({"asiakastunnus": c.code, "aalto": wave, "vastauspvm": day,
                         **_items(rng, trait, working, wave)})
    return rows


def simulate_employer_survey(rng: np.random.Generator, clients: list[Client],
                             jobs: list[Job]) -> list[Record]:
    """Employers who hired through IPS answer a few months after the start, some of them."""
    by_code = {c.code: c for c in clients}
    rows: dict[tuple[str, date], Record] = {}
    for job in jobs:
        client = by_code[job.client]
        if not (job.on_form and job.competitive and job.start >= client.index):
            continue
        if rng.random() >= 0.4:
            continue
        day = job.start + timedelta(days=int(rng.integers(60, 150)))
        if day > final_delivery(client.region):
            continue
        mood = rng.normal(0.0, 0.6)
        items = {k: _likert(rng, 3.9 + mood, 1, 5, 0.7) for k in EMPLOYER_ITEMS}
        mean = float(np.mean(list(items.values())))
        again = 1 if mean >= 3.8 else (2 if mean >= 2.8 else 3)
        rows[(job.employer.ytunnus, day)] = {
            "tyonantaja": job.employer.ytunnus, "alue": client.region, "vastauspvm": day,
            "koko": job.employer.size, "toimiala": job.employer.industry, **items,
            "palkkaisi": again,
        }
    return [rows[k] for k in sorted(rows)]
