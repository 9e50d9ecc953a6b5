"""Employers: each region's pool of businesses that coaches contact and clients work for."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ips_eval.synth import identity
from ips_eval.synth.plan import REGIONS

# TOL 2008 sections where IPS clients typically find work, most common first.
INDUSTRIES = ["G", "I", "N", "Q", "C", "H", "F", "S", "M", "J", "R", "P", "A"]
INDUSTRY_P = [0.22, 0.14, 0.12, 0.11, 0.09, 0.07, 0.06, 0.05, 0.04, 0.04, 0.03, 0.02, 0.01]
SIZE_P = [0.38, 0.32, 0.18, 0.12]  # koko 1..4


@dataclass(frozen=True)
class Employer:
    ytunnus: str
    region: str
    size: int  # koko 1-4
    industry: str  # toimiala, TOL 2008 section letter
    weight: float  # how often it hires: a few big employers take many clients


def employer_pools(rng: np.random.Generator, clients_per_region: dict[str, int]
                   ) -> dict[str, list[Employer]]:
    """A pool per region, sized to the region; Y-tunnus codes distinct across regions."""
    taken: set[str] = set()
    pools: dict[str, list[Employer]] = {}
    for region in REGIONS:
        n = 30 + clients_per_region[region] // 2
        codes = identity.ytunnus_pool(rng, n, taken)
        sizes = rng.choice(4, size=n, p=SIZE_P) + 1
        industries = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_P)
        weights = rng.pareto(1.5, size=n) + 0.2
        pools[region] = [
            Employer(code, region, int(s), INDUSTRIES[int(i)], float(w) * int(s))
            for code, s, i, w in zip(codes, sizes, industries, weights, strict=True)
        ]
    return pools


_CUMULATIVE: dict[int, np.ndarray] = {}


def pick_employer(rng: np.random.Generator, pool: list[Employer]) -> Employer:
    """An employer of the pool, the big ones more often."""
    cumulative = _CUMULATIVE.get(id(pool))
    if cumulative is None or len(cumulative) != len(pool):
        cumulative = np.cumsum([e.weight for e in pool])
        _CUMULATIVE[id(pool)] = cumulative
    i = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return pool[min(i, len(pool) - 1)]
