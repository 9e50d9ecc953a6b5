"""Small and early deliveries, as a new region's first exports look (builders only, no tests):
a few clients, few or no jobs, no 12-month answers yet, no surveys, no registers, a corrected
enrolment file. Written by hand in the contract's Finnish CSV style, deterministic for a
seed."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from support.deliveries import ENROLMENT, JOBS, Y1, Y2, hetu, write_csv
from support.planted import plant

ITEMS = ([f"mhi{i}" for i in range(1, 6)] + [f"qol{i}" for i in range(1, 9)]
         + [f"osal{i}" for i in range(1, 11)] + ["was", "tyovalmius", "terveys", "tilanne",
                                                  "tyyt1", "tyyt2", "tyyt3"])
SURVEY = ["asiakastunnus", "aalto", "vastauspvm", *ITEMS]
CONTACTS = ["valmentaja", "asiakastunnus", "pvm", "tyonantaja", "tyyppi"]
RANGES = {"mhi": 6, "qol": 5, "osa": 5, "was": 10, "tyo": 5, "ter": 5, "til": 4, "tyy": 5}


def _fi(d: date) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def _item(rng: random.Random, name: str, wave: int) -> str:
    if name.startswith(("tilanne", "tyyt")) and wave == 0:
        return ""
    top = RANGES[name[:3]]
    return str(rng.randint(0 if name == "was" else 1, top))


def early_region(dst: Path, clients: int = 40, region: str = "KAI", waves: tuple[int, ...] = (0, 6),
                 jobs: bool = True, contacts: bool = True, first: date = date(2023, 9, 1),
                 last: date = date(2024, 6, 30), seed: int = 1, messy: bool = False) -> Path:
    """One region's first deliveries: ``clients`` enrolment forms with index dates between
    ``first`` and ``last``; with ``jobs``, a competitive job for every third client; survey
    answers at ``waves`` (months) only, each on its target day; with ``contacts``, employer
    contacts of the coach. Delivered on 2025-01-10 (after the default RRP cut-off). With
    ``messy``, the defects real early deliveries carry: an invalid HETU, a duplicated row, a
    job of an unknown client, an out-of-range answer and "don't know" (99) codes."""
    rng = random.Random(seed)
    delivered = "2025-01-10"
    span = (last - first).days
    rows, job_rows, survey_rows, contact_rows = [], [], [], []
    for i in range(1, clients + 1):
        code = f"{region}-{i:04d}"
        start = first + timedelta(days=rng.randint(0, span))
        born = date(1965 + rng.randint(0, 35), rng.randint(1, 12), rng.randint(1, 28))
        person = hetu(f"{born.day:02d}{born.month:02d}{born.year % 100:02d}",
                      "-" if born.year < 2000 else "A", f"{100 + i:03d}")
        rows.append([code, person, "1", region, f"{region}-T1", f"{region}-C0{1 + i % 2}",
                     _fi(start - timedelta(days=rng.randint(3, 40))), _fi(start),
                     rng.choice(["F20.0", "F32.1", "F41.1", "F31", "F60.3"]),
                     str(rng.randint(1, 4)), str(rng.randint(0, 3)), str(rng.randint(1, 7)),
                     "fi", "", ""])
        if jobs and i % 3 == 0:
            job_start = start + timedelta(days=rng.randint(20, 120))
            ended = i % 2 == 0
            job_rows.append([code, "1", Y1 if i % 2 else Y2, _fi(job_start),
                             _fi(job_start + timedelta(days=rng.randint(30, 90))) if ended
                             else "", "20", "5223", "1", "0", "2" if ended else "1",
                             "1" if ended else ""])
        for wave in waves:
            answered = start + timedelta(days=round(wave * 30.4375))
            if answered <= date(2025, 1, 1):
                survey_rows.append([code, str(wave), _fi(answered),
                                    *(_item(rng, name, wave) for name in ITEMS)])
        if contacts:
            contact_rows.append([f"{region}-C0{1 + i % 2}", code,
                                 _fi(start + timedelta(days=rng.randint(5, 40))),
                                 Y1 if i % 2 else Y2, str(1 + i % 3)])
    if messy:
        rows[0][1] = rows[0][1][:-1] + ("X" if rows[0][1][-1] != "X" else "Y")  # bad check
        rows.append(list(rows[1]))  # an exact duplicate
        job_rows.append([f"{region}-9999", "1", Y1, "1.3.2024", "", "20", "5223", "1", "0",
                         "1", ""])  # a job of an unknown client
        for row in survey_rows[:3]:
            row[3] = "7"  # mhi1 is 1–6
            row[4] = "99"  # don't know
    write_csv(dst / "asiakkaat" / f"{delivered}_{region}.csv", ENROLMENT, rows)
    if job_rows:
        write_csv(dst / "tyosuhteet" / f"{delivered}_{region}.csv", JOBS, job_rows)
    if survey_rows:
        write_csv(dst / "asiakaskysely" / f"{delivered}_{region}.csv", SURVEY, survey_rows)
    if contact_rows:
        write_csv(dst / "kontaktit" / f"{delivered}_{region}.csv", CONTACTS, contact_rows)
    return dst


def enrolment_only(dst: Path, clients: int = 10, region: str = "VSU") -> Path:
    """Ten new clients with enrolment forms only: no jobs, surveys, contacts or registers,
    index dates in the last months before the RRP cut-off (little follow-up)."""
    return early_region(dst, clients=clients, region=region, waves=(), jobs=False,
                        contacts=False, first=date(2024, 10, 1), last=date(2024, 12, 20))


CORRECTED_ON = "2025-01-20"


def corrected_enrolment_file(deliveries: Path, region: str) -> Path:
    """The region's next enrolment delivery (``CORRECTED_ON``): its clients again, the first
    one corrected (a service end), and one new client without register consent or HETU."""
    (first,) = sorted((deliveries / "asiakkaat").glob(f"*_{region}.csv"))
    header, *rows = first.read_text("utf-8").splitlines()
    cells = rows[0].split(";")
    cells[13], cells[14] = "20.12.2024", "2"
    rows[0] = ";".join(cells)
    new = rows[1].split(";")
    new[0], new[1], new[2] = f"{region}-0999", "", "0"  # no register consent, no HETU
    rows.append(";".join(new))
    path = deliveries / "asiakkaat" / f"{CORRECTED_ON}_{region}.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def no_client_survey(dst: Path) -> Path:
    """Forty clients of a region with jobs and contacts but no client survey, and a corrected
    second enrolment file (the incremental-run test removes it for its first run)."""
    early_region(dst, waves=(), region="KSU", seed=2)
    corrected_enrolment_file(dst, "KSU")
    return dst


# The small deliveries the `small_run` fixture (tests/conftest.py) runs, once each per session;
# the messy one carries the planted identity codes too (support.planted: test_identity_leaks)
SMALL_DELIVERIES = {
    "forty_clients_without_12_month_answers": lambda d: plant(early_region(d, waves=(0, 6),
                                                                           messy=True)),
    "no_client_survey": no_client_survey,
    "ten_clients_with_enrolment_forms_only": enrolment_only,
}
