"""Regional project costs (kustannukset), and the defects of the contact log and cost files.

One row per region and calendar year of its cohort's project (pilots 2020 – 6/2023, RRP
6/2023 – 2024). Coaches' person-years follow the caseload standard: at least the year's mean
number of clients in service over 20 (IPS: at most 20 clients per full-time coach), and no more
than the region's coaches could give. Personnel costs are about 58,000 € per person-year (pay
with employer's side costs), other costs 12–20 % of them. External funding: the state grant
covers most of a pilot's costs; the RRP grants are drawn around the costs too, except that the
Ostrobothnia (POH) project's public funding is its published 344,000 € for 2023–2024.

The defects added here use their own random stream (``costs_defects`` in study.py), so the
other files' defects stay exactly as they were: a contact of an unknown client and one of an
unknown coach (row level), and in the cost files a negative funding (field), a year outside
2020–2024 (a malformed key: row), one key twice with different content (row) and an exact
duplicate (none).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ips_eval.synth.defects import how_many, mark
from ips_eval.synth.plan import COHORT_OF, DELIVERY_DATES, REGIONS
from ips_eval.synth.population import Client
from ips_eval.synth.tables import DeliveryFile, Row
from schemas.study import PILOT, STUDY

PROJECT_SPAN = {c.code: c.period for c in STUDY.cohorts}  # schemas/study.py
PROJECT_YEARS = {c: (first.year, last.year) for c, (first, last) in PROJECT_SPAN.items()}
PAY_PER_FTE_EUR = 58_000.0
MAX_CASELOAD = 20
POH_FUNDING_EUR = {2023: 128_000.0, 2024: 216_000.0}  # 344,000 € in all (docs/methods.md §Costs)

CostRow = dict[str, object]


def _mean_caseload(clients: list[Client], first: date, last: date) -> float:
    """Mean clients in service over the month ends of [first, last]."""
    ends, day = [], date(first.year, first.month, 1)
    while day <= last:
        nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        ends.append(nxt - timedelta(days=1))
        day = nxt
    counts = [sum(c.index <= e and (c.exit_date is None or c.exit_date >= e) for c in clients)
              for e in ends]
    return sum(counts) / len(counts)


def simulate_costs(rng: np.random.Generator, clients: list[Client],
                   coaches: dict[str, dict[str, list[str]]]) -> list[CostRow]:
    rows: list[CostRow] = []
    for region in REGIONS:
        cohort = COHORT_OF[region]
        mine = [c for c in clients if c.region == region]
        n_coaches = sum(len(v) for v in coaches[region].values())
        start, end = PROJECT_SPAN[cohort]
        for year in range(PROJECT_YEARS[cohort][0], PROJECT_YEARS[cohort][1] + 1):
            first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            share = months / 12
            needed = _mean_caseload(mine, first, last) / MAX_CASELOAD * share
            fte = round(max(needed * 1.15, n_coaches * share * float(rng.uniform(0.75, 0.95))),
                        1)
            personnel = round(fte * PAY_PER_FTE_EUR * float(rng.uniform(0.95, 1.06)), 2)
            other = round(personnel * float(rng.uniform(0.12, 0.20)), 2)
            if region == "POH":
                funding = POH_FUNDING_EUR[year]
            else:
                cover = rng.uniform(0.80, 0.95) if cohort == PILOT else rng.uniform(0.85, 1.0)
                funding = round((personnel + other) * float(cover), -3)
            rows.append({"alue": region, "vuosi": year, "valmentajat_htv": fte,
                         "henkilostokulut_eur": personnel, "muut_kulut_eur": other,
                         "rahoitus_eur": funding})
    return rows


def _final(files: list[DeliveryFile], source: str, region: str) -> DeliveryFile:
    last = DELIVERY_DATES[region][-1]
    return next(f for f in files
                if f.source == source and f.issuer == region and f.delivered == last)


def _clean_rows(f: DeliveryFile) -> list[Row]:
    return [r for r in f.rows if all(m.level == "none" for m in r.marks)]


def _insert(rng: np.random.Generator, f: DeliveryFile, row: Row) -> None:
    f.rows.insert(int(rng.integers(len(f.rows) + 1)), row)


def inject_cost_and_contact_defects(rng: np.random.Generator, files: list[DeliveryFile],
                                    rate: float) -> None:
    """Extra rows whose keys exist nowhere else (so no count changes) and one spoiled funding
    value per pick (funding enters no cost ratio)."""
    regions = sorted(DELIVERY_DATES)
    for n in range(how_many(rate, 50)):
        region = regions[int(rng.integers(len(regions)))]
        f = _final(files, "kontaktit", region)
        template = _clean_rows(f)
        unknown_client = dict(template[int(rng.integers(len(template)))].values)
        unknown_client["asiakastunnus"] = f"{region}-{700 + n:04d}"
        _insert(rng, f, Row(unknown_client, [mark("unknown_client", "asiakastunnus",
                                                  str(unknown_client["asiakastunnus"]))]))
        unknown_coach = dict(template[int(rng.integers(len(template)))].values)
        unknown_coach.update({"valmentaja": f"{region}-C{90 + n:02d}", "asiakastunnus": ""})
        _insert(rng, f, Row(unknown_coach, [mark("unknown_coach", "valmentaja",
                                                 str(unknown_coach["valmentaja"]))]))
    # Each cost defect in its own region's file (a file holds two to four rows): no two
    # injected rows share a key or their content.
    for region in _distinct(rng, regions, how_many(rate, 50)):
        f = _final(files, "kustannukset", region)
        row = _clean_rows(f)[int(rng.integers(len(_clean_rows(f))))]
        late = dict(row.values)
        late["vuosi"] = 2025
        _insert(rng, f, Row(late, [mark("key_malformed", "vuosi", "2025")]))
        row.values["rahoitus_eur"] = -float(row.values["rahoitus_eur"])  # type: ignore[arg-type]
        row.marks.append(mark("out_of_range", "rahoitus_eur", str(row.values["rahoitus_eur"])))
    pilots = [r for r in regions if COHORT_OF[r] == PILOT]
    for region in _distinct(rng, pilots, how_many(rate, 50)):
        f = _final(files, "kustannukset", region)
        first = dict(_clean_rows(f)[-1].values)
        first["vuosi"] = 2024  # a year the pilot never had: the key exists nowhere else
        second = dict(first)
        second["muut_kulut_eur"] = round(float(first["muut_kulut_eur"]) + 1500.0, 2)  # type: ignore[arg-type]
        note = "the same region and year twice with different content"
        _insert(rng, f, Row(first, [mark("duplicate_key_conflict", note=note)]))
        _insert(rng, f, Row(second, [mark("duplicate_key_conflict", note=note)]))
    for region in _distinct(rng, regions, how_many(rate, 50)):
        f = _final(files, "kustannukset", region)
        rows = _clean_rows(f)
        if not rows:
            continue
        original = rows[int(rng.integers(len(rows)))]
        copy = original.copy()
        copy.marks.append(mark("exact_duplicate", note="the same row twice in one file: "
                                                      "loaded once"))
        f.rows.insert(f.rows.index(original) + 1, copy)


def _distinct(rng: np.random.Generator, regions: list[str], count: int) -> list[str]:
    picks = rng.choice(len(regions), size=min(count, len(regions)), replace=False)
    return [regions[int(i)] for i in picks]
