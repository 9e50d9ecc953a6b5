"""Disclosure control (ips_eval.publish.tables.disclosure): primary and secondary suppression,
implicit
cells and the small-count detector — each case worked out by hand."""

from __future__ import annotations

import polars as pl

from ips_eval.publish.tables.disclosure import (
    SUPPRESSED,
    CountCells,
    hidden_in_groups,
    is_small,
    shown,
    shows_small_count,
    small_count_cells,
    too_few,
)


def test_counts_1_to_4_are_small_but_0_and_5_are_not() -> None:
    assert [is_small(n) for n in (0, 1, 2, 3, 4, 5, 100)] == [False, True, True, True, True,
                                                              False, False]
    assert not is_small(None)


def test_estimates_need_at_least_5_persons() -> None:
    assert too_few(4) and too_few(0) and too_few(None)
    assert not too_few(5)


def test_a_lone_hidden_cell_takes_the_next_smallest_positive_cell_with_it() -> None:
    # categories 3, 10, 7, 0 of a published total 20: 3 is hidden; 20 − 10 − 0 would give it
    # back, so the next smallest positive (7, not the 0) is hidden too.
    cells = CountCells()
    for key, n in (("a", 3), ("b", 10), ("c", 7), ("d", 0)):
        cells.add(key, n)
    cells.group(["a", "b", "c", "d"], total=20)
    assert cells.hidden() == {"a", "c"}


def test_hidden_cells_adding_up_to_under_5_take_another_with_them() -> None:
    # 1 and 2 hidden beside a published 33 would still say "3 together"
    cells = CountCells()
    for key, n in (("a", 1), ("b", 2), ("c", 10), ("d", 20)):
        cells.add(key, n)
    cells.group(["a", "b", "c", "d"], total=33)
    assert cells.hidden() == {"a", "b", "c"}


def test_the_unprinted_complement_hides_a_count_that_would_reveal_it() -> None:
    # 760 employed of 763 started: the 3 not employed follow by subtraction
    cells = CountCells()
    cells.add("employed", 760)
    cells.group(["employed"], total=763)
    assert cells.hidden() == {"employed"}


def test_a_small_count_is_covered_by_its_unprinted_complement() -> None:
    # 3 employed of 763: hidden; the 760 not employed are not printed, so nothing else goes
    cells = CountCells()
    cells.add("employed", 3)
    cells.group(["employed"], total=763)
    assert cells.hidden() == {"employed"}


def test_a_zero_remainder_gives_no_cover() -> None:
    # pilot 3 + rrp 23 = all 26 (printed): the reader assumes the cohorts make up all
    cells = CountCells()
    cells.add("pilot", 3)
    cells.add("rrp", 23)
    cells.group(["pilot", "rrp"], total=26)
    assert cells.hidden() == {"pilot", "rrp"}


def test_rows_and_columns_with_printed_totals_protect_each_other() -> None:
    #        c1  c2 | total          3 hidden → its row takes 10, its column takes 8,
    #   r1    3  10 |  13            and column c2 (10 hidden alone) takes 12:
    #   r2    8  12 |  20            all four cells hidden.
    cells = CountCells()
    grid = {("r1", "c1"): 3, ("r1", "c2"): 10, ("r2", "c1"): 8, ("r2", "c2"): 12}
    for key, n in grid.items():
        cells.add(key, n)
    for r in ("r1", "r2"):
        cells.group([(r, "c1"), (r, "c2")], total=sum(v for k, v in grid.items() if k[0] == r))
    for c in ("c1", "c2"):
        cells.group([("r1", c), ("r2", c)], total=sum(v for k, v in grid.items() if k[1] == c))
    assert cells.hidden() == set(grid)


def test_groups_of_a_long_frame_are_protected_per_key() -> None:
    frame = pl.DataFrame({"cohort": ["pilot"] * 3 + ["rrp"] * 3,
                          "level": ["a", "b", "c"] * 2,
                          "n": [2, 9, 12, 6, 7, 8]})
    hidden = hidden_in_groups(frame, "n", by=["cohort"])
    # pilot: 2 hidden, then 9 (next smallest); rrp: nothing small
    assert hidden.to_list() == [True, True, False, False, False, False]


def test_the_detector_finds_printed_counts_of_1_to_4_and_nothing_else() -> None:
    positives = ["3", "4 (12,5 %)", "1 (0.5%)", " 2 ", "3 / 10"]
    negatives = ["0", "5", "12", "3,5", "1.25", "4,0 %", "1\u202f234", "0 (0,0 %)", "..",
                 "<0,001", "30.6.2023", "1,22 (0,80; 1,90)", "", "Kyllä", "108", "−3,1"]
    assert all(shows_small_count(t) for t in positives)
    assert not any(shows_small_count(t) for t in negatives)
    frame = pl.DataFrame({"label": ["3 months", "x"], "n": ["12", "2 (5,0 %)"]})
    assert small_count_cells(frame, label_columns=["label"]) == ["row 2, column 'n': '2 (5,0 %)'"]


def test_a_hidden_cell_is_shown_as_the_suppression_symbol() -> None:
    assert shown("3 (5,0 %)", True) == SUPPRESSED == ".."
    assert shown("12", False) == "12"


def test_a_mean_or_total_combining_a_hidden_count_is_hidden_with_it() -> None:
    # jobs per client (issue 30): 0 jobs 58, 1 job 37, 2 jobs 4, 3+ 0 of 99 — the 2-job cell is
    # hidden (and 37 with it); the mean 0.45 × 99 = 37 + 2 × 4 would give both back
    cells = CountCells()
    for key, n in (("n", 99), ("0", 58), ("1", 37), ("2", 4), ("3+", 0)):
        cells.add(key, n)
    cells.group(["0", "1", "2", "3+"], total=99)
    cells.derived("mean", ["n", "0", "1", "2", "3+"], over=99)
    cells.derived("pct_0", ["0", "n"], over=99)
    assert cells.hidden() == {"1", "2", "mean"}
    few = CountCells()
    few.add("n", 4)
    few.derived("median", ["n"], over=4)
    assert few.hidden() == {"n", "median"}


def test_a_sum_row_hidden_by_its_parts_is_protected_in_its_own_groups() -> None:
    # working (w) + both (b) is printed as a row of its own; b is 3, so the sum row is hidden;
    # across the cohorts the sum rows add up to all's, so the other cohort's sum row goes too
    cells = CountCells()
    for key, n in (("w_p", 40), ("b_p", 3), ("s_p", 43), ("w_r", 30), ("b_r", 9), ("s_r", 39),
                   ("s_all", 82)):
        cells.add(key, n)
    for c in ("p", "r"):
        cells.group([f"w_{c}", f"b_{c}", f"s_{c}"])
        cells.derived(f"s_{c}", [f"w_{c}", f"b_{c}"])
    cells.group(["s_p", "s_r"], total=82, remainder_key="s_rest")
    hidden = cells.hidden()
    assert {"b_p", "s_p", "s_r"} <= hidden and "s_all" not in hidden
