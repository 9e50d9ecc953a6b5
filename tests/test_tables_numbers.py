"""Number formats of the table languages (ips_eval.publish.tables.numbers)."""

from __future__ import annotations

from datetime import date

from ips_eval.publish.tables.numbers import (
    fmt_date,
    fmt_estimate_ci,
    fmt_int,
    fmt_interval,
    fmt_mean_sd,
    fmt_n_pct,
    fmt_number,
    fmt_p,
    fmt_pct,
)

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


def test_finnish_and_swedish_use_decimal_comma_and_narrow_space_thousands() -> None:
    for lang in ("fi", "sv"):
        assert fmt_number(12345.678, 1, lang) == f"12{NNBSP}345,7"
        assert fmt_int(1234567, lang) == f"1{NNBSP}234{NNBSP}567"
        assert fmt_number(-3.14159, 2, lang) == f"{MINUS}3,14"


def test_english_uses_decimal_point_and_comma_thousands() -> None:
    assert fmt_number(12345.678, 1, "en") == "12,345.7"
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_number(-3.14159, 2, "en") == "-3.14"


def test_percent_sign_is_spaced_in_finnish_and_swedish_only() -> None:
    assert fmt_pct(45.6123, "fi") == f"45,6{NBSP}%"
    assert fmt_pct(45.6123, "sv") == f"45,6{NBSP}%"
    assert fmt_pct(45.6123, "en") == "45.6%"
    assert fmt_n_pct(348, 45.61, "fi") == f"348 (45,6{NBSP}%)"
    assert fmt_n_pct(348, 45.61, "en") == "348 (45.6%)"


def test_intervals_use_a_semicolon_where_the_comma_is_the_decimal_mark() -> None:
    assert fmt_interval(0.8, 1.9, 2, "fi") == "(0,80; 1,90)"
    assert fmt_interval(0.8, 1.9, 2, "en") == "(0.80, 1.90)"
    assert fmt_estimate_ci(1.2214, 0.8, 1.9, 2, "sv") == "1,22 (0,80; 1,90)"
    assert fmt_estimate_ci(34.1, 20.7, 48.0, 1, "fi", pct=True) == f"34,1{NBSP}% (20,7; 48,0)"


def test_p_values_below_a_thousandth_are_shown_as_a_bound() -> None:
    assert fmt_p(0.0004, "fi") == "<0,001"
    assert fmt_p(0.0004, "en") == "<0.001"
    assert fmt_p(0.0312, "en") == "0.031"


def test_missing_values_print_as_empty_cells_and_no_negative_zero() -> None:
    assert fmt_number(None, 1, "fi") == fmt_pct(float("nan"), "en") == fmt_int(None, "sv") == ""
    assert fmt_number(-0.01, 1, "fi") == "0,0"
    assert fmt_mean_sd(41.25, None, 1, "en") == "41.2"


def test_dates_in_each_language() -> None:
    d = date(2023, 6, 30)
    assert fmt_date(d, "fi") == fmt_date(d, "sv") == "30.6.2023"
    assert fmt_date(d, "en") == "30 June 2023"
