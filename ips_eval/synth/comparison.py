"""The register comparison group: persons who are not clients, streamed to disk in chunks.

For scale tests (a million persons, tens of millions of rows) nothing here loops over rows in
Python: each chunk of persons is a few numpy arrays (a monthly employment chain, a benefit per
person) turned into CSV text by polars and appended to the last register extracts. Memory is
bounded by the chunk, not by N.

HETUs come from a fixed bijection of the person number onto (birth date, individual number
500-899) slots, so they are distinct among themselves and from every client's (002-499).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from math import gcd
from pathlib import Path

import numpy as np
import polars as pl

from ips_eval.synth import identity
from ips_eval.synth.plan import REGISTER_EXTRACTS, REGISTER_START, CsvStyle

CHUNK_PERSONS = 50_000
EMPLOYER_POOL = 5_000
FIRST_BIRTH, LAST_BIRTH = date(1957, 1, 1), date(2006, 12, 31)
BENEFITS = np.array(["TMT", "PPR", "SPR", "KUNTR", "TKE", "KUNTT", "TTT", "OPT"])
BENEFIT_P = np.array([0.40, 0.08, 0.10, 0.09, 0.12, 0.06, 0.08, 0.07])
MONTHLY_RATE = np.array([760.0, 760.0, 950.0, 900.0, 900.0, 1150.0, 520.0, 280.0])
BENEFIT_CODES = pl.Series([*BENEFITS.tolist(), "ASUMT"])
CONTINUES_IN_WORK = np.array([False, False, False, False, True, True, False, False])


@dataclass(frozen=True)
class ComparisonRows:
    persons: int
    kela_rows: int
    pay_rows: int


def _calendar(extract: date) -> tuple[np.ndarray, np.ndarray, pl.Series, pl.Series]:
    """Month starts and ends (days from REGISTER_START) up to the extract's month, the month
    labels, and d.m.yyyy text for every day of the span."""
    months = []
    y, m = REGISTER_START.year, REGISTER_START.month
    while (y, m) <= (extract.year, extract.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    ends = [months[i + 1] - timedelta(days=1) for i in range(len(months) - 1)] + [
        extract - timedelta(days=1)]
    start_days = np.array([(d - REGISTER_START).days for d in months])
    end_days = np.array([(d - REGISTER_START).days for d in ends])
    labels = pl.Series([f"{d:%Y-%m}" for d in months])
    span = (ends[-1] - REGISTER_START).days + 1
    texts = pl.Series([f"{d.day}.{d.month}.{d.year}"
                       for d in (REGISTER_START + timedelta(days=i) for i in range(span))])
    return start_days, end_days, labels, texts


# Zero-padded digit groups by lookup: much faster than str.zfill on millions of rows.
TWO_DIGITS = pl.Series([f"{i:02d}" for i in range(100)])
THREE_DIGITS = pl.Series([f"{i:03d}" for i in range(1000)])


def _euros(cents: np.ndarray, thousands: bool) -> pl.Series:
    """Non-negative cents as Finnish text: 1234,50 (or 1 234,50 with thousand spaces)."""
    euros = cents // 100
    frame = pl.DataFrame({"euros": euros, "rest": TWO_DIGITS.gather(cents % 100)})
    whole = pl.col("euros").cast(pl.String)
    if thousands:
        frame = frame.with_columns(high=(pl.col("euros") // 1000).cast(pl.String),
                                   low=THREE_DIGITS.gather(euros % 1000))
        whole = (pl.when(pl.col("euros") >= 1000)
                 .then(pl.concat_str("high", pl.lit(" "), "low")).otherwise(whole))
    return frame.select(pl.concat_str(whole, pl.lit(","), "rest")).to_series()


def _slot_map(n_slots: int, seed: int) -> tuple[int, int]:
    multiplier = 2_654_435_761 % n_slots
    while gcd(multiplier, n_slots) != 1:
        multiplier += 1
    return multiplier, seed % n_slots


def _hetus(first_person: int, count: int, seed: int, rng: np.random.Generator) -> np.ndarray:
    width = identity.COMPARISON_INDIVIDUALS[1] - identity.COMPARISON_INDIVIDUALS[0] + 1
    n_dates = (LAST_BIRTH - FIRST_BIRTH).days + 1
    n_slots = n_dates * width
    multiplier, shift = _slot_map(n_slots, seed)
    persons = np.arange(first_person, first_person + count, dtype=np.int64)
    slots = (persons * multiplier + shift) % n_slots
    birth = (FIRST_BIRTH - date(1900, 1, 1)).days + slots // width
    individual = identity.COMPARISON_INDIVIDUALS[0] + slots % width
    new_sign = rng.random(count) < identity.NEW_SIGN_SHARE
    return identity.hetu_array(birth, individual, new_sign, rng.integers(0, 5, count))


def _chunk(rng: np.random.Generator, hetus: np.ndarray, payers: pl.Series,
           calendar: tuple[np.ndarray, np.ndarray, pl.Series, pl.Series], kela_thousands: bool
           ) -> tuple[pl.DataFrame, pl.DataFrame]:
    start_days, end_days, labels, day_texts = calendar
    n, months = len(hetus), len(start_days)
    people = pl.Series(hetus.tolist(), dtype=pl.String)  # numpy unicode -> polars is slow
    pay_months = months - 1  # the extract's own month is not yet reported
    # Employment: a monthly two-state chain around a personal employment share. The general
    # population is in work far more often than the clients (a share of 35–100 %): the naive
    # comparison is biased, and few of them share a client's history of little or no work, so
    # the matches come mostly from the client-like persons (counterfactual.py), who share the
    # clients' timing (their job search starts at the index month, as the clients' does).
    share = 0.35 + 0.65 * rng.beta(2.0, 1.5, n)
    enter = np.clip(0.07 * share / np.maximum(1.0 - share, 0.05), 0.0, 0.9)
    working = np.empty((n, pay_months), dtype=bool)
    payer = np.empty((n, pay_months), dtype=np.int32)
    working[:, 0] = rng.random(n) < share
    payer[:, 0] = rng.integers(0, len(payers), n)
    for m in range(1, pay_months):
        u = rng.random(n)
        was = working[:, m - 1]
        working[:, m] = np.where(was, u < 0.93, u < enter)
        new_job = working[:, m] & ~was
        payer[:, m] = np.where(new_job, rng.integers(0, len(payers), n), payer[:, m - 1])
    person, month = np.nonzero(working)
    wage = rng.lognormal(np.log(2300.0), 0.35, n)
    cents = np.round(wage[person] * rng.uniform(0.9, 1.1, len(person)) * 100).astype(np.int64)
    pay = pl.DataFrame({
        "hetu": people.gather(person),
        "kuukausi": labels.gather(month),
        "maksaja": payers.gather(payer[person, month]),
        "palkka_eur": _euros(cents, False),
    })
    # Benefits: one main benefit per person, in quarterly Kela periods over the months without
    # work (disability pensions run on regardless); housing allowance in half-year periods.
    benefit = rng.choice(len(BENEFITS), size=n, p=BENEFIT_P)
    factor = rng.uniform(0.85, 1.15, n)
    idle = np.ones((n, months), dtype=bool)
    idle[:, :pay_months] = ~working | CONTINUES_IN_WORK[benefit][:, None]
    parts = []
    for group, who in ((3, np.ones(n, dtype=bool)), (6, rng.random(n) < 0.3)):
        padded = -(-months // group) * group
        grid = np.zeros((n, padded), dtype=bool)
        grid[:, :months] = idle if group == 3 else True
        grid &= who[:, None]
        grid = grid.reshape(n, padded // group, group)
        any_month = grid.any(axis=2)
        first = grid.argmax(axis=2)
        last = group - 1 - grid[:, :, ::-1].argmax(axis=2)
        p, q = np.nonzero(any_month)
        first_month = np.minimum(q * group + first[p, q], months - 1)
        last_month = np.minimum(q * group + last[p, q], months - 1)
        start, end = start_days[first_month], end_days[last_month]
        code = benefit[p] if group == 3 else np.full(len(p), len(BENEFITS))
        rate = (MONTHLY_RATE[benefit[p]] if group == 3 else np.full(len(p), 330.0)) * factor[p]
        parts.append((p, start, end, code, np.round(rate * (end - start + 1) / 30.4375 * 100)))
    p = np.concatenate([x[0] for x in parts])
    order = np.lexsort((np.concatenate([x[1] for x in parts]), p))
    start = np.concatenate([x[1] for x in parts])[order]
    end = np.concatenate([x[2] for x in parts])[order]
    kela = pl.DataFrame({
        "hetu": people.gather(p[order]),
        "etuus": BENEFIT_CODES.gather(np.concatenate([x[3] for x in parts])[order]),
        "alkupvm": day_texts.gather(start),
        "loppupvm": day_texts.gather(end),
        "maksettu_eur": _euros(np.concatenate([x[4] for x in parts])[order].astype(np.int64),
                               kela_thousands),
    })
    return kela, pay


def append_comparison_group(kela_path: Path, pay_path: Path, persons: int, seed: int,
                            kela_style: CsvStyle, pay_style: CsvStyle,
                            progress: Callable[[str], None] | None = None,
                            chunk_persons: int = CHUNK_PERSONS) -> ComparisonRows:
    """Append `persons` comparison persons' rows to the last Kela and Incomes Register
    extracts (already written with their header and client rows)."""
    extract = REGISTER_EXTRACTS[-1]
    calendar = _calendar(extract)
    pool_rng = np.random.default_rng([seed, 9001])
    payers = pl.Series(identity.ytunnus_pool(pool_rng, EMPLOYER_POOL))
    kela_rows = pay_rows = 0
    with kela_path.open("ab") as kela_out, pay_path.open("ab") as pay_out:
        for first in range(0, persons, chunk_persons):
            count = min(chunk_persons, persons - first)
            rng = np.random.default_rng([seed, 9002, first])
            hetus = _hetus(first, count, seed, rng)
            kela, pay = _chunk(rng, hetus, payers, calendar, kela_style.thousands)
            kela.write_csv(kela_out, include_header=False, separator=";", quote_style="never",
                           line_terminator="\r\n" if kela_style.crlf else "\n")
            pay.write_csv(pay_out, include_header=False, separator=";", quote_style="never",
                          line_terminator="\r\n" if pay_style.crlf else "\n")
            kela_rows += kela.height
            pay_rows += pay.height
            if progress is not None:
                progress(f"comparison group: {first + count:,} / {persons:,} persons")
    return ComparisonRows(persons, kela_rows, pay_rows)
