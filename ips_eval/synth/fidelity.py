"""IPS-25 fidelity reviews: each team roughly once a year, totals from fair to good fidelity.

Teams start at fair fidelity (75-99) and mostly improve with each review; items are drawn
around the team's level so the total is the sum of plausible item profiles, not a target.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from ips_eval.synth.plan import COHORT_OF, REGIONS, final_delivery
from ips_eval.synth.population import Client
from schemas.study import PILOT

ITEMS = [f"k{i:02d}" for i in range(1, 26)]
FIDELITY_COLUMNS = ["tiimi", "alue", "arviopvm", *ITEMS]


def simulate_reviews(rng: np.random.Generator, clients: list[Client],
                     coaches: dict[str, dict[str, list[str]]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    # Some items are hard everywhere (e.g. integration with the TE office, benefits counselling).
    item_difficulty = rng.normal(0.0, 0.45, size=len(ITEMS))
    for region in REGIONS:
        started = min(c.index for c in clients if c.region == region)
        interval = 365 if COHORT_OF[region] == PILOT else 300
        for team in sorted(coaches[region]):
            level = rng.normal(3.55, 0.25)  # mean item score at the first review
            day = started + timedelta(days=int(rng.integers(150, 220)))
            while day <= final_delivery(region) - timedelta(days=7):
                review_day = day - timedelta(days=max(day.weekday() - 4, 0))
                scores = np.clip(np.round(level - item_difficulty + rng.normal(0, 0.55, 25)),
                                 1, 5).astype(int)
                rows.append({"tiimi": team, "alue": region, "arviopvm": review_day,
                             **{k: int(v) for k, v in zip(ITEMS, scores, strict=True)}})
                level = min(level + rng.normal(0.22, 0.12), 4.55)
                day += timedelta(days=interval + int(rng.integers(-30, 31)))
    return sorted(rows, key=lambda r: (str(r["alue"]), str(r["tiimi"]), r["arviopvm"]))


def review_total(row: dict[str, object]) -> int:
    return sum(int(row[k]) for k in ITEMS)  # type: ignore[arg-type]

