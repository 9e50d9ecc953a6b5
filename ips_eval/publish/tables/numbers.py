"""Number formats of the publication languages — the one place that turns a number into the
text a table shows.

- ``fi`` and ``sv``: decimal comma, a narrow no-break space (U+202F) between thousands
  (``12 345``), the minus sign U+2212, a no-break space before the percent sign
  (``12,3 %``, as the Finnish and Swedish language boards recommend), confidence intervals as
  ``(lo; hi)`` because the comma is the decimal mark.
- ``en``: decimal point, comma thousands (``12,345``), ``12.3%``, intervals as ``(lo, hi)``.

Every function returns ``""`` for a missing value (None or NaN): an empty cell means "not
applicable / not estimable". A suppressed value is never formatted here — the disclosure module
replaces it with :data:`ips_eval.publish.tables.disclosure.SUPPRESSED` before formatting.
"""

from __future__ import annotations

import math
from datetime import date

from schemas.codebook import Lang

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
MINUS = "\u2212"
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _localise(text: str, lang: Lang) -> str:
    """``-1,234.5`` (Python's own) → the language's separators and minus sign."""
    if lang == "en":
        return text
    text = text.replace(",", NARROW_NBSP).replace(".", ",")
    return text.replace("-", MINUS)


def fmt_number(x: float | int | None, digits: int, lang: Lang) -> str:
    """A number with ``digits`` decimals, grouped thousands, in the language's style."""
    if is_missing(x):
        return ""
    value = round(float(x), digits)
    if value == 0:
        value = 0.0  # no "−0,0"
    return _localise(f"{value:,.{digits}f}", lang)


def fmt_int(n: int | float | None, lang: Lang) -> str:
    """A count: no decimals, grouped thousands."""
    if is_missing(n):
        return ""
    return _localise(f"{int(round(float(n))):,d}", lang)


def fmt_pct(pct: float | None, lang: Lang, digits: int = 1) -> str:
    """A percentage given in percent units (45.6 → ``45,6 %`` / ``45.6%``)."""
    if is_missing(pct):
        return ""
    number = fmt_number(pct, digits, lang)
    return f"{number}%" if lang == "en" else f"{number}{NBSP}%"


def fmt_interval(lo: float | None, hi: float | None, digits: int, lang: Lang,
                 pct: bool = False) -> str:
    """A confidence interval ``(lo; hi)`` (fi, sv) or ``(lo, hi)`` (en); empty if either end is
    missing. With ``pct`` the ends are percentages and the sign is written once, after."""
    if is_missing(lo) or is_missing(hi):
        return ""
    sep = ", " if lang == "en" else "; "
    text = f"({fmt_number(lo, digits, lang)}{sep}{fmt_number(hi, digits, lang)})"
    if pct:
        text = text[:-1] + ("%)" if lang == "en" else f"{NBSP}%)")
    return text


def fmt_estimate_ci(est: float | None, lo: float | None, hi: float | None, digits: int,
                    lang: Lang, pct: bool = False) -> str:
    """``12,3 (10,1; 14,6)`` — the estimate with its interval (interval omitted when missing)."""
    if is_missing(est):
        return ""
    head = fmt_number(est, digits, lang)
    ci = fmt_interval(lo, hi, digits, lang)
    if pct:
        unit = "%" if lang == "en" else f"{NBSP}%"
        head += unit
    return f"{head} {ci}".rstrip()


def fmt_n_pct(n: int | None, pct: float | None, lang: Lang, digits: int = 1) -> str:
    """``348 (45,6 %)`` — a count with its percentage."""
    if is_missing(n):
        return ""
    if is_missing(pct):
        return fmt_int(n, lang)
    return f"{fmt_int(n, lang)} ({fmt_pct(pct, lang, digits)})"


def fmt_p(p: float | None, lang: Lang) -> str:
    """A p-value: three decimals, ``<0,001`` below that."""
    if is_missing(p):
        return ""
    if p < 0.001:
        return f"<{fmt_number(0.001, 3, lang)}"
    return fmt_number(p, 3, lang)


def fmt_date(d: date | None, lang: Lang) -> str:
    """``30.6.2023`` (fi, sv) or ``30 June 2023`` (en)."""
    if d is None:
        return ""
    if lang == "en":  # month names fixed here, not from the process locale
        return f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"
    return f"{d.day}.{d.month}.{d.year}"


def fmt_mean_sd(mean: float | None, sd: float | None, digits: int, lang: Lang) -> str:
    """``41,2 (11,3)`` — a mean with its standard deviation."""
    if is_missing(mean):
        return ""
    if is_missing(sd):
        return fmt_number(mean, digits, lang)
    return f"{fmt_number(mean, digits, lang)} ({fmt_number(sd, digits, lang)})"


def fmt_median_iqr(median: float | None, q1: float | None, q3: float | None, digits: int,
                   lang: Lang) -> str:
    """``40,0 [31,0; 52,0]`` (fi, sv) or ``40.0 [31.0, 52.0]`` (en)."""
    if is_missing(median):
        return ""
    if is_missing(q1) or is_missing(q3):
        return fmt_number(median, digits, lang)
    sep = ", " if lang == "en" else "; "
    return (f"{fmt_number(median, digits, lang)} "
            f"[{fmt_number(q1, digits, lang)}{sep}{fmt_number(q3, digits, lang)}]")
