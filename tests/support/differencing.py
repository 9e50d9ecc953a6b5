"""An attacker's view of a published table: solve each hidden cell from what is printed.

A table publishes linear relations over its counts — the cells of a row add up to the row's N,
the cohorts to all, a percentage × N is its count, a mean × N the total it averages. Each hidden
cell (``..``) is an unknown integer ≥ 0 (zero is printed, but a secondary cell may be one); a
count never printed (a row total, the persons not employed) is an unknown too. For every hidden
cell :meth:`Relations.recoverable` finds the least and the greatest value the published
relations allow (an integer programme, scipy's ``milp``): equal means the cell is given back.
The relations are written per table in ``tests/test_differencing.py`` from the printed text
alone, not from the disclosure module's own groups, so a relation the module forgot is found.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ips_eval.publish.tables.disclosure import SUPPRESSED

# a printed rounded value v with d decimals stands for [v − half, v + half]; a little slack for
# the float arithmetic of the rounding itself
SLACK = 1e-6
CEILING = 10_000_000


@dataclass
class Expr:
    """A linear expression: coefficients per unknown plus a constant."""

    terms: dict[int, float] = field(default_factory=dict)
    const: float = 0.0

    def __add__(self, other: Expr | float) -> Expr:
        other = other if isinstance(other, Expr) else Expr(const=float(other))
        terms = dict(self.terms)
        for k, v in other.terms.items():
            terms[k] = terms.get(k, 0.0) + v
        return Expr(terms, self.const + other.const)

    __radd__ = __add__

    def __mul__(self, factor: float) -> Expr:
        return Expr({k: v * factor for k, v in self.terms.items()}, self.const * factor)

    __rmul__ = __mul__

    def __sub__(self, other: Expr | float) -> Expr:
        return self + (other * -1.0 if isinstance(other, Expr) else Expr(const=-float(other)))

    @property
    def known(self) -> bool:
        return not any(self.terms.values())


def total(exprs) -> Expr:  # noqa: ANN001 — an iterable of Expr
    out = Expr()
    for e in exprs:
        out = out + e
    return out


_COUNT = re.compile(r"^\s*(?P<n>-?[\d,]+)\s*(?:\((?P<pct>-?[\d.]+)%\))?\s*$")


@dataclass
class Cell:
    """A printed cell read as a count (``348``, ``348 (45.6%)``), hidden, or neither."""

    text: str
    count: int | None = None
    pct: float | None = None
    hidden: bool = False

    @classmethod
    def read(cls, text: str) -> Cell:
        text = (text or "").strip()
        if text == SUPPRESSED:
            return cls(text, hidden=True)
        m = _COUNT.match(text)
        if m and "." not in m["n"]:
            return cls(text, int(m["n"].replace(",", "")),
                       float(m["pct"]) if m["pct"] is not None else None)
        return cls(text)

    @property
    def is_count(self) -> bool:
        return self.hidden or self.count is not None


class Relations:
    """The unknowns of one published table and the linear relations it publishes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.labels: list[Hashable] = []  # per unknown
        self.hidden: list[int] = []  # the unknowns that are hidden cells
        self.rows: list[tuple[Expr, float, float]] = []  # lo ≤ expr ≤ hi

    def unknown(self, label: Hashable, hidden: bool = False) -> Expr:
        self.labels.append(label)
        if hidden:
            self.hidden.append(len(self.labels) - 1)
        return Expr({len(self.labels) - 1: 1.0})

    def count(self, label: Hashable, cell: Cell) -> Expr | None:
        """A printed count as a constant, a hidden one as an unknown; None if neither."""
        if cell.hidden:
            return self.unknown(label, hidden=True)
        return None if cell.count is None else Expr(const=float(cell.count))

    def between(self, e: Expr, lo: float, hi: float) -> None:
        self.rows.append((e, lo - e.const, hi - e.const))

    def equal(self, a: Expr, b: Expr) -> None:
        self.between(a - b, 0.0, 0.0)

    def at_most(self, a: Expr, b: Expr) -> None:
        self.between(a - b, -np.inf, 0.0)

    def rounded(self, numerator: Expr, denominator: Expr, value: float, digits: int,
                scale: float = 1.0) -> None:
        """``scale × numerator / denominator`` printed as ``value`` with ``digits`` decimals:
        (value − half) × denominator ≤ scale × numerator ≤ (value + half) × denominator."""
        half = 0.5 * 10 ** -digits + SLACK
        self.between(numerator * scale - denominator * (value - half), 0.0, np.inf)
        self.between(numerator * scale - denominator * (value + half), -np.inf, 0.0)

    def percentage(self, count: Expr | None, cell: Cell, denominator: Expr | None) -> None:
        """A printed ``n (p%)``: p is 100 × n / denominator rounded to one decimal."""
        if count is None or denominator is None or cell.pct is None:
            return
        self.rounded(count, denominator, cell.pct, 1, scale=100.0)

    def recoverable(self) -> list[tuple[Hashable, float]]:
        """The hidden cells whose least and greatest possible values are equal, with the value.
        Fails when the relations allow no filling at all (the relations are then wrong)."""
        n = len(self.labels)
        if not self.hidden:
            return []
        a = np.zeros((len(self.rows), n))
        lo, hi = np.zeros(len(self.rows)), np.zeros(len(self.rows))
        for i, (e, low, high) in enumerate(self.rows):
            for k, v in e.terms.items():
                a[i, k] = v
            lo[i], hi[i] = low, high
        constraints = [LinearConstraint(a, lo, hi)] if self.rows else []
        # a finite ceiling (no table counts ten million persons): HiGHS cannot always tell
        # "unbounded" from "infeasible"
        bounds = Bounds(np.zeros(n), np.full(n, CEILING))
        integrality = np.ones(n)
        found = []
        for k in self.hidden:
            c = np.zeros(n)
            extremes = []
            for sign in (1.0, -1.0):
                c[k] = sign
                res = milp(c, constraints=constraints, bounds=bounds, integrality=integrality)
                assert res.status == 0, (
                    f"{self.name}: the published relations allow no filling ({res.message}); "
                    "the test's relations are wrong")
                extremes.append(sign * res.fun)
            if abs(extremes[0] - extremes[1]) < 0.5:
                found.append((self.labels[k], round(extremes[0])))
        return found


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]
