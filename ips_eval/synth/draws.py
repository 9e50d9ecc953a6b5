"""Fast categorical draws: `Generator.choice(p=...)` re-validates p on every call, which is
the slowest part of a per-client simulation, so the cumulative weights are computed once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


class Categorical(Generic[T]):
    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        if len(values) != len(weights):
            raise ValueError("one weight per value")
        self.values = list(values)
        self.cumulative = np.cumsum(np.asarray(weights, dtype=float))

    def draw(self, rng: np.random.Generator) -> T:
        u = rng.random() * self.cumulative[-1]
        i = int(np.searchsorted(self.cumulative, u, side="right"))
        return self.values[min(i, len(self.values) - 1)]
