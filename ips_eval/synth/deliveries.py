"""Cumulative exports: what each region (and each register keeper) knew on each delivery date.

A delivery on date D repeats everything delivered before, with what changed since (a job's end,
a client's exit) and new rows; it never carries a date after D. In each region's second-last
delivery a few values are wrong and corrected in the next one (the newest delivery wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ips_eval.synth.jobs import Job
from ips_eval.synth.plan import (
    DELIVERY_DATES,
    REGIONS,
    REGISTER_EXTRACTS,
    REGISTER_ISSUER,
    csv_style_for,
    format_for,
)
from ips_eval.synth.population import Client
from ips_eval.synth.registers import BenefitPeriod, MonthlyPay, extract_pay, extract_periods
from ips_eval.synth.tables import COLUMNS, DeliveryFile, Mark, Row, Value

CORRECTION_SHARE = 0.03


@dataclass
class World:
    """Everything simulated, before it is cut into deliveries."""

    clients: list[Client]
    jobs: list[Job]
    contacts: list[dict[str, object]]
    client_survey: list[dict[str, object]]
    employer_survey: list[dict[str, object]]
    reviews: list[dict[str, object]]
    periods: list[BenefitPeriod]
    pay: list[MonthlyPay]
    linkable: set[str]  # client codes whose registers exist (consent and a valid form HETU)
    # HETUs of the client-like comparison persons (counterfactual.py): in the last extract only,
    # as the rest of the register comparison group
    client_like: frozenset[str] = frozenset()
    client_like_of: dict[str, str] = field(default_factory=dict)  # HETU → the client's code
    background: dict[str, list[Job]] = field(default_factory=dict)  # counterfactual.py
    costs: list[dict[str, object]] = field(default_factory=list)  # region × year


def enrolment_row(c: Client, day: date) -> dict[str, Value]:
    exited = c.exit_date is not None and c.exit_date <= day
    return {
        "asiakastunnus": c.code, "hetu": c.form_hetu, "rekisterilupa": int(c.consent),
        "alue": c.region, "tiimi": c.team, "valmentaja": c.coach, "lahetepvm": c.referral,
        "aloituspvm": c.index, "diagnoosi": c.diagnosis, "koulutus": c.education,
        "tyohistoria": c.work_history, "toimeentulo": c.income_source, "kieli": c.language,
        "paattymispvm": c.exit_date if exited else None,
        "paattymissyy": c.exit_reason if exited else None,
    }


def job_row(j: Job, day: date) -> dict[str, Value]:
    ended = j.form_end is not None and j.form_end <= day
    return {
        "asiakastunnus": j.client, "tyosuhde_nro": j.job_no, "tyonantaja": j.employer.ytunnus,
        "alkupvm": j.start, "loppupvm": j.form_end if ended else None, "tunnit_vko": j.hours,
        "ammatti": j.occupation, "avoimet": int(j.competitive), "palkkatuki": int(j.pay_subsidy),
        "sopimus": 1 if j.permanent else 2, "paattymissyy": j.end_reason if ended else None,
    }


def _file(source: str, issuer: str, day: date, rows: list[dict[str, Value]]) -> DeliveryFile:
    fmt = format_for(source, issuer)
    style = csv_style_for(source, issuer, day) if fmt == "csv" else None
    return DeliveryFile(source, issuer, day, fmt, list(COLUMNS[source]),
                        [Row(dict(r)) for r in rows], style)


def region_deliveries(world: World) -> list[DeliveryFile]:
    files: list[DeliveryFile] = []
    for region in REGIONS:
        clients = [c for c in world.clients if c.region == region]
        codes = {c.code for c in clients}
        jobs = sorted((j for j in world.jobs if j.on_form and j.client in codes),
                      key=lambda j: (j.client, j.job_no or 0))
        coaches = {c.coach for c in clients} | {
            str(r["valmentaja"]) for r in world.contacts if str(r["valmentaja"]).startswith(region)}
        for day in DELIVERY_DATES[region]:
            files.append(_file("asiakkaat", region, day,
                               [enrolment_row(c, day) for c in clients if c.index <= day]))
            files.append(_file("tyosuhteet", region, day,
                               [job_row(j, day) for j in jobs if j.start <= day]))
            files.append(_file("kontaktit", region, day,
                               [r for r in world.contacts
                                if r["valmentaja"] in coaches and r["pvm"] <= day]))
            files.append(_file("asiakaskysely", region, day,
                               [r for r in world.client_survey
                                if r["asiakastunnus"] in codes and r["vastauspvm"] <= day]))
            files.append(_file("tyonantajakysely", region, day,
                               [r for r in world.employer_survey
                                if r["alue"] == region and r["vastauspvm"] <= day]))
            files.append(_file("laatuarviot", region, day,
                               [r for r in world.reviews
                                if r["alue"] == region and r["arviopvm"] <= day]))
        # the costs are reported once, after the project (its final export)
        files.append(_file("kustannukset", region, DELIVERY_DATES[region][-1],
                           [r for r in world.costs if r["alue"] == region]))
    return files


def register_deliveries(world: World) -> list[DeliveryFile]:
    files: list[DeliveryFile] = []
    by_code = {c.code: c for c in world.clients}
    for n, extract in enumerate(REGISTER_EXTRACTS):
        final = n == len(REGISTER_EXTRACTS) - 1
        linked = {by_code[code].hetu for code in world.linkable if by_code[code].index < extract}
        if final:
            linked |= world.client_like
        kela = extract_periods(world.periods, extract, linked)
        kela.sort(key=lambda r: (str(r["hetu"]), str(r["etuus"]), r["alkupvm"]))
        files.append(_file("rekisterit/kela", REGISTER_ISSUER["rekisterit/kela"], extract, kela))
        pay = extract_pay(world.pay, extract, linked, final)
        pay.sort(key=lambda r: (str(r["hetu"]), str(r["kuukausi"]), str(r["maksaja"])))
        pay_file = _file("rekisterit/tulorekisteri",
                         REGISTER_ISSUER["rekisterit/tulorekisteri"], extract, [])
        for r in pay:
            corrected = bool(r.pop("_corrected_later"))
            row = Row(r)
            if corrected:
                row.marks.append(Mark("none", "superseded", "the same row corrected in a later "
                                      "delivery", "palkka_eur",
                                      note="the next extract carries the corrected amount"))
            pay_file.rows.append(row)
        files.append(pay_file)
    return files


def _wrong_value(rng: np.random.Generator, source: str, row: Row) -> tuple[str, Value] | None:
    """A plausible, valid but wrong value that the next delivery corrects."""
    v = row.values
    if source == "asiakkaat":
        if rng.random() < 0.5 and "." in str(v["diagnoosi"]):
            return "diagnoosi", str(v["diagnoosi"]).split(".")[0]
        return "koulutus", 2 if v["koulutus"] != 2 else 1
    if source == "tyosuhteet":
        if rng.random() < 0.5:
            return "tunnit_vko", 20.0 if v["tunnit_vko"] != 20.0 else 25.0
        return "ammatti", str(v["ammatti"])[:1]
    return None


def add_corrections(rng: np.random.Generator, files: list[DeliveryFile]) -> None:
    """Wrong values in each region's second-last delivery, right in the last one."""
    for f in files:
        if f.source not in ("asiakkaat", "tyosuhteet") or f.issuer not in DELIVERY_DATES:
            continue
        dates = DELIVERY_DATES[f.issuer]
        if f.delivered != dates[-2]:
            continue
        later = f"{f.source}/{dates[-1]:%Y-%m-%d}_{f.issuer}.{f.fmt}"
        for row in f.rows:
            if rng.random() >= CORRECTION_SHARE:
                continue
            change = _wrong_value(rng, f.source, row)
            if change is None or change[1] == row.values[change[0]]:
                continue
            column, wrong = change
            row.values[column] = wrong
            row.marks.append(Mark("none", "superseded", "the same row corrected in a later "
                                  "delivery", column, str(wrong), note=f"corrected in {later}"))


def mark_overlapping_jobs(files: list[DeliveryFile]) -> None:
    """Two jobs of one client at once are real (two part-time jobs): kept and flagged."""
    for f in files:
        if f.source != "tyosuhteet" or f.delivered != DELIVERY_DATES[f.issuer][-1]:
            continue
        by_client: dict[Value, list[Row]] = {}
        for row in f.rows:
            by_client.setdefault(row.values["asiakastunnus"], []).append(row)
        for rows in by_client.values():
            for a in rows:
                for b in rows:
                    if a is not b and _overlap(a, b):
                        note = f"overlaps job {b.values['tyosuhde_nro']}"
                        a.marks.append(Mark("none", "overlapping_jobs",
                                            "overlapping jobs of one client", note=note))


def _overlap(a: Row, b: Row) -> bool:
    """Spells overlap when they share a day; an open end runs on."""
    a_start, b_start = a.values["alkupvm"], b.values["alkupvm"]
    a_end = a.values["loppupvm"] or date.max
    b_end = b.values["loppupvm"] or date.max
    assert isinstance(a_start, date) and isinstance(b_start, date)
    assert isinstance(a_end, date) and isinstance(b_end, date)
    return a_start <= b_end and b_start <= a_end
