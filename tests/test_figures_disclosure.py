"""Published survival figures never show a count of 1–4: numbers at risk are suppressed and
curves stop before fewer than five persons are at risk."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np
import polars as pl

from ips_eval.employment.results import survival_curves
from ips_eval.publish.figures.survival import cif_first_job_by_cohort, km_tenure_by_cohort


def _tte(param: str, times: list[int], events: list[int]) -> pl.DataFrame:
    n = len(times)
    return pl.DataFrame({"param": [param] * n, "cohort": ["pilot"] * n, "region": ["HEL"] * n,
                         "time_days": times, "event": events})


# 12 jobs: after day 300 only 3 remain at risk (days 320, 350, 400)
TIMES = [10, 30, 60, 90, 120, 150, 180, 200, 250, 320, 350, 400]
EVENTS = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0]


def test_km_figure_hides_small_numbers_at_risk_and_the_thin_tail():
    # a second cohort followed longer keeps the at-risk table going to 12 months
    long = _tte("TENURE1", [400 + 10 * i for i in range(20)], [0] * 20).with_columns(
        cohort=pl.lit("rrp"))
    fig = km_tenure_by_cohort(survival_curves(pl.concat([_tte("TENURE1", TIMES, EVENTS), long])))
    curve_ax, table_ax = fig.axes[:2]
    labels = [t.get_text() for t in table_ax.texts]
    assert labels[0] == "12"
    assert not any(label in {"1", "2", "3", "4"} for label in labels), labels
    assert ".." in labels  # pilot at 9 months (day 274): three at risk
    x = curve_ax.lines[0].get_xdata()
    # the curve's last drawn step is before day 320, where only 3 were at risk
    assert np.max(x) * 365.25 / 12 < 320


def test_cif_figure_stops_before_fewer_than_five_at_risk():
    fig = cif_first_job_by_cohort(survival_curves(_tte("TTFJ", TIMES, EVENTS)))
    curve_ax, table_ax = fig.axes[:2]
    x = curve_ax.lines[0].get_xdata()
    assert np.max(x) * 365.25 / 12 < 320
    # numbers at risk every 3 months while the curve is drawn (to day 250, 8.2 months):
    # 12 at month 0, 8 at month 3 (day 91.3), 5 at month 6; never the 3 left at month 9
    assert [t.get_text() for t in table_ax.texts] == ["12", "8", "5"]
