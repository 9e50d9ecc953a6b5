"""Personal identity codes (HETU) and business IDs (Y-tunnus) with valid check characters.

Client HETUs use individual numbers 002-499, client-like comparison persons 500-599
(counterfactual.py) and the general-population comparison persons 600-899, so no two groups
can share a code however many comparison persons are drawn (900-999 are temporary codes
that `stdnum.fi.hetu.validate` rejects by default).
"""

from __future__ import annotations

from datetime import date

import numpy as np

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# The 2023 reform added signs for people born in the 1900s and 2000s beside "-" and "A".
SIGNS_1900 = "-YXWVU"
SIGNS_2000 = "ABCDEF"
CLIENT_INDIVIDUALS = (2, 499)
COMPARISON_INDIVIDUALS = (600, 899)
NEW_SIGN_SHARE = 0.04


def hetu_check(birth: date, individual: int) -> str:
    return HETU_CHECK[int(f"{birth:%d%m%y}{individual:03d}") % 31]


def hetu(birth: date, individual: int, sign: str) -> str:
    return f"{birth:%d%m%y}{sign}{individual:03d}{hetu_check(birth, individual)}"


def century_sign(birth_year: int, rng: np.random.Generator) -> str:
    old, new = (SIGNS_1900[0], SIGNS_1900[1:]) if birth_year < 2000 else (
        SIGNS_2000[0], SIGNS_2000[1:])
    if rng.random() < NEW_SIGN_SHARE:
        return new[int(rng.integers(len(new)))]
    return old


def corrupt_hetu_check(code: str) -> str:
    """The same code with a wrong check character (a typo in the last position)."""
    right = HETU_CHECK.index(code[-1])
    return code[:-1] + HETU_CHECK[(right + 7) % 31]


def mask_hetu(code: str) -> str:
    """Never write an identity code anywhere but the delivery files themselves."""
    return "******" + code[6] + "****" if len(code) == 11 else "***"


def ytunnus_check(base7: int) -> int | None:
    """Check digit of a 7-digit business ID base, or None when no valid ID has that base."""
    weights = (7, 9, 10, 5, 8, 4, 2)
    total = sum(w * int(d) for w, d in zip(weights, f"{base7:07d}", strict=True)) % 11
    if total == 0:
        return 0
    if total == 1:
        return None
    return 11 - total


def ytunnus_pool(rng: np.random.Generator, n: int, taken: set[str] | None = None) -> list[str]:
    """`n` distinct valid Y-tunnus codes, none in `taken`."""
    taken = set() if taken is None else taken
    out: list[str] = []
    while len(out) < n:
        base = int(rng.integers(100_000, 3_400_000))
        check = ytunnus_check(base)
        code = f"{base:07d}-{check}"
        if check is None or code in taken:
            continue
        taken.add(code)
        out.append(code)
    return out


def malformed_ytunnus(code: str) -> str:
    """A business ID with a wrong check digit (the base has a valid one)."""
    base, check = code.split("-")
    return f"{base}-{(int(check) + 3) % 10}"


def hetu_array(days_since_1900: np.ndarray, individual: np.ndarray,
               new_sign: np.ndarray, sign_pick: np.ndarray) -> np.ndarray:
    """Vectorised HETUs (as a numpy unicode array) for comparison persons.

    `days_since_1900` are birth dates as day offsets from 1.1.1900; `new_sign` chooses one of the
    2023 signs (picked by `sign_pick` in 0..4) instead of "-"/"A".
    """
    births = np.datetime64("1900-01-01") + days_since_1900.astype("timedelta64[D]")
    years = births.astype("datetime64[Y]").astype(int) + 1970
    months = births.astype("datetime64[M]").astype(int) % 12 + 1
    days = (births - births.astype("datetime64[M]")).astype(int) + 1
    yy = years % 100
    number = ((days * 100 + months) * 100 + yy) * 1000 + individual
    check = np.frombuffer(HETU_CHECK.encode(), dtype="S1")[number % 31]
    in_2000s = years >= 2000
    old = np.where(in_2000s, "A", "-")
    new_1900 = np.frombuffer(SIGNS_1900[1:].encode(), dtype="S1")[sign_pick].astype("U1")
    new_2000 = np.frombuffer(SIGNS_2000[1:].encode(), dtype="S1")[sign_pick].astype("U1")
    sign = np.where(new_sign, np.where(in_2000s, new_2000, new_1900), old)
    date_part = np.char.zfill((days * 10_000 + months * 100 + yy).astype(str), 6)
    ind_part = np.char.zfill(individual.astype(str), 3)
    return np.char.add(np.char.add(np.char.add(date_part, sign), ind_part),
                       check.astype("U1"))
