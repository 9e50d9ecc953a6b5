"""Disclosure control for every published table — the one module that decides what is hidden.

The rules (docs/methods.md §Disclosure control; applied by every table builder through this module):

1. **Primary suppression.** A count of 1–4 persons (or jobs, reviews, employers) is not
   published. Zero is published: "nobody" is not a small cell in the sense of the rule.
2. **Secondary (complementary) suppression.** Counts that add up to a published total form a
   *group* (the categories of a variable within a cohort add up to the cohort's N). A hidden
   count can be worked out from the total when it is the only hidden cell of its group, so then
   the next smallest published count of the group is hidden too (a positive one first: hiding a
   zero protects nothing). The same holds when the hidden cells of a group add up to 1–4
   (e.g. a 1 and a 3 hidden beside a published total reveal "4 together"). Repeated until no
   group changes, so a cell in two groups (a row and a column) is protected in both.
3. **Implicit cells.** Some counts are never printed but follow from printed ones: the persons
   *not* employed are N − employed. They enter a group as *implicit* cells: always hidden, and
   when such a cell is 1–4 the printed count it follows from is hidden by rule 2.
4. **Derived values.** A percentage, mean, total, Kaplan–Meier estimate, model coefficient …
   computed from a hidden count, or over fewer than 5 persons, is hidden too (:func:`too_few`).
   A published derived value is a linear relation over the counts it combines (a mean number
   of jobs × N = 1 × one-job clients + 2 × two-job clients + …; a percentage × N = its count):
   beside a hidden count it would give that count back by subtraction even when every group is
   protected. Tables declare such values with :meth:`CountCells.derived`, naming the cells they
   combine and the persons they are over, and :meth:`CountCells.hidden` hides them by this rule
   with everything else — one rule in one place, not a check per table.

Everything hidden is shown as :data:`SUPPRESSED` (``..``, Statistics Finland's symbol for
"confidential"). One symbol for primary and secondary cells on purpose: a distinct "<5" for the
primary cell would tell a reader which hidden cell is small and undo the secondary suppression.
Each table carries a footnote saying so (``schemas.table_text``).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

MIN_CELL = 5
SUPPRESSED = ".."


def is_small(n: int | float | None) -> bool:
    """A count that must not be published: 1–4."""
    return n is not None and n == n and 0 < n < MIN_CELL


def too_few(n: int | float | None) -> bool:
    """An estimate over ``n`` persons is hidden: ``n`` unknown, hidden, or under 5."""
    return n is None or n != n or n < MIN_CELL


@dataclass
class CountCells:
    """The counts of one table and the groups of counts that add up to a published total.

    Add every printed count with :meth:`add`, every implicit one with ``implicit=True``, and each
    set of cells whose sum is printed with :meth:`group`; :meth:`hidden` then gives the cells
    that must not be shown."""

    values: dict[Hashable, int] = field(default_factory=dict)
    implicit: set[Hashable] = field(default_factory=set)
    groups: list[tuple[Hashable, ...]] = field(default_factory=list)
    # a published mean, total or percentage → (the count cells it combines, its persons or None)
    combines: dict[Hashable, tuple[tuple[Hashable, ...], int | float | None]] = field(
        default_factory=dict)

    def add(self, key: Hashable, value: int | float | None, implicit: bool = False) -> Hashable:
        if key in self.values:
            raise ValueError(f"count cell {key!r} added twice")
        if value is None or value != value:  # a missing count is simply not published
            return key
        if value < 0:
            raise ValueError(f"count cell {key!r} is negative ({value})")
        self.values[key] = int(value)
        if implicit:
            self.implicit.add(key)
        return key

    def group(self, keys: Iterable[Hashable], total: int | float | None = None,
              remainder_key: Hashable | None = None) -> None:
        """Cells that add up to a published total. With ``total``, the cells listed need not
        cover it: the remainder (``total`` − their sum, e.g. the persons not employed) joins the
        group as an implicit cell."""
        members = [k for k in keys if k in self.values]
        if total is not None and total == total:
            rest = int(total) - sum(self.values[k] for k in members)
            if rest < 0:
                raise ValueError(f"counts {members!r} add up to more than their total {total}")
            if rest > 0:  # a zero rest is no cover: a reader assumes the parts make the whole
                key = remainder_key if remainder_key is not None else ("remainder", *members)
                self.add(key, rest, implicit=True)
                members.append(key)
        if members:
            self.groups.append(tuple(members))

    def derived(self, key: Hashable, combines: Iterable[Hashable] = (),
                over: int | float | None = None) -> Hashable:
        """A published value computed from count cells (rule 4): a mean, total or percentage
        ``key`` that combines the cells ``combines`` (a mean of jobs: the job-count cells and N;
        a percentage: its count and its denominator; a sum row: its parts) and is over ``over``
        persons. It is in :meth:`hidden` when a cell it combines is hidden (or is an unprinted
        cell of 1–4), or when it is over fewer than 5 persons (``over`` None: no such check).
        ``key`` may be a count cell itself (a sum row printed as a count): hidden by this rule,
        it is then protected in its groups like any hidden count."""
        if key in self.combines:
            raise ValueError(f"derived value {key!r} added twice")
        self.combines[key] = (tuple(combines), over)
        return key

    def hidden(self) -> set[Hashable]:
        """Every printed cell and derived value that must be hidden (rules 1–4 of the module
        docstring), repeated until rule 4 hides no further count cell."""
        forced: set[Hashable] = set()
        while True:
            cells = self._hidden_counts(forced)
            derived = {key for key, (parts, over) in self.combines.items()
                       if (over is not None and too_few(over)) or any(
                           k in cells or (k in self.implicit and is_small(self.values[k]))
                           for k in parts)}
            new = {k for k in derived if k in self.values and k not in cells}
            if not new:
                return cells | derived
            forced |= new

    def _hidden_counts(self, forced: set[Hashable] = frozenset()) -> set[Hashable]:
        """Every printed cell that must be hidden by rules 1–3 of the module docstring, with
        the ``forced`` cells (hidden by rule 4) counted as hidden ones to protect."""
        suppressed = {k for k, v in self.values.items() if k not in self.implicit and is_small(v)}
        suppressed |= set(forced)
        order = {k: i for i, k in enumerate(self.values)}

        def concealed(k: Hashable) -> bool:
            return k in suppressed or k in self.implicit

        def needs_protection(k: Hashable) -> bool:
            return k in suppressed or (k in self.implicit and is_small(self.values[k]))

        changed = True
        while changed:
            changed = False
            for members in self.groups:
                concealed_cells = [k for k in members if concealed(k)]
                if not any(needs_protection(k) for k in concealed_cells):
                    continue
                concealed_sum = sum(self.values[k] for k in concealed_cells)
                if len(concealed_cells) > 1 and not is_small(concealed_sum):
                    continue
                candidates = [k for k in members if not concealed(k)]
                if not candidates:
                    continue  # everything in the group is hidden already
                # next smallest, a positive count first; ties in the order cells were added
                pick = min(candidates, key=lambda k: (self.values[k] == 0, self.values[k],
                                                      order[k]))
                suppressed.add(pick)
                changed = True
        return suppressed - self.implicit


def hidden_in_groups(df: pl.DataFrame, count: str, by: Sequence[str],
                     total: str | None = None) -> pl.Series:
    """For a long frame with one count per row: which rows' counts are hidden, when the rows
    sharing the ``by`` columns add up to a published total (the ``total`` column, if the rows
    do not cover it all — its remainder joins as an implicit cell)."""
    cells = CountCells()
    rows = df.with_row_index("_cell").select(["_cell", count, *by, *([total] if total else [])])
    for row in rows.iter_rows(named=True):
        cells.add(row["_cell"], row[count])
    for key, part in rows.group_by(by, maintain_order=True):
        group_total = part[total][0] if total else None
        cells.group(part["_cell"].to_list(), total=group_total,
                    remainder_key=("remainder", count, *key))
    hidden = cells.hidden()
    return pl.Series(f"{count}_hidden", [i in hidden for i in range(df.height)], dtype=pl.Boolean)


def shown(text: str, hidden: bool) -> str:
    """The cell's text, or the suppression symbol."""
    return SUPPRESSED if hidden else text


# A printed cell that shows a count of 1–4: "3", "3 (0,4 %)", "2 / 10". Numbers with decimals
# ("3,5", "1.25"), percentages ("4,0 %") and grouped thousands ("1 234") do not match.
_SMALL_COUNT = re.compile(r"^\s*[1-4](?:\s*$|\s*\(|\s*/)")


def small_count_cells(frame: pl.DataFrame, label_columns: Sequence[str] = ()) -> list[str]:
    """The cells of a published frame (strings) that show a count of 1–4 — must be none.

    Used by the tables' asset checks and the tests; ``label_columns`` (the stub: row labels such
    as "3 months") are not data cells and are skipped."""
    bad = []
    for column in frame.columns:
        if column in label_columns:
            continue
        for i, value in enumerate(frame[column].cast(pl.Utf8).to_list()):
            if value is not None and _SMALL_COUNT.match(value):
                bad.append(f"row {i + 1}, column {column!r}: {value!r}")
    return bad


def shows_small_count(text: str) -> bool:
    """Whether one printed cell's text shows a count of 1–4."""
    return bool(_SMALL_COUNT.match(text))
