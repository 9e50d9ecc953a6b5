"""Instrument scoring and survey waves on hand-made staging tables (expected values by hand)."""

from __future__ import annotations

from datetime import date

import pytest
from support.scores import (
    CUTOFFS,
    D0,
    answer,
    client,
    create_staging,
    day,
    esis,
    mhi,
    qol,
    scores_of,
)

from ips_eval.fidelity.reviews import build_fidelity
from ips_eval.scores.derive import build_scores
from ips_eval.warehouse import MissingInputError


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------
def test_each_instrument_is_scored_by_its_rule_with_reversals(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0)])
    # MHI-5 2,3,4,5,6: items 3 and 5 reversed (7 − x) → 2,3,3,5,1, sum 14 → 100·(14−5)/25 = 36.
    # EUROHIS mean of 5,4,4,3,5,4,4,3 = 4.0; ESIS all 3 → 100·(3−1)/4 = 50.
    create_staging(con, "asiakaskysely", [answer(
        "HEL-0001", 0, day(3), **mhi(2, 3, 4, 5, 6), **qol(5, 4, 4, 3, 5, 4, 4, 3),
        **esis(*[3] * 10), was=7, readiness=4, self_rated_health=2)])
    build_scores(con, CUTOFFS)
    got = scores_of(con, "HEL-0001")
    assert got[(0, "mhi5")] == (pytest.approx(36.0), 5)
    assert got[(0, "eurohis_qol8")] == (pytest.approx(4.0), 8)
    assert got[(0, "esis")] == (pytest.approx(50.0), 10)
    assert got[(0, "was")] == (7.0, 1)
    assert got[(0, "readiness")] == (4.0, 1)
    assert got[(0, "self_rated_health")] == (2.0, 1)
    direction = dict(con.execute("SELECT instrument, higher_is_better FROM analysis.scores")
                     .fetchall())
    assert direction["self_rated_health"] is False and direction["mhi5"] is True


def test_code_99_is_missing_and_the_mhi5_sum_is_prorated(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0)])
    # MHI 2, 99, 4, –, 6 → answered 2, 7−4=3, 7−6=1: mean 2, prorated sum 10 → 100·5/25 = 20.
    # EUROHIS 6 of 8: 5,4,3,4,4,2 → 22/6. ESIS 8 of 10 (one 99): 5,5,5,5,4,4,4,4 → 4.5 → 87.5.
    create_staging(con, "asiakaskysely", [answer(
        "HEL-0001", 0, day(0), **mhi(2, 99, 4, None, 6), **qol(5, 4, None, 3, 99, 4, 4, 2),
        **esis(5, 5, 5, 5, 4, 4, 4, 4, None, 99), was=99, readiness=None,
        self_rated_health=99)])
    build_scores(con, CUTOFFS)
    got = scores_of(con, "HEL-0001")
    assert got[(0, "mhi5")] == (pytest.approx(20.0), 3)
    assert got[(0, "eurohis_qol8")] == (pytest.approx(22 / 6), 6)
    assert got[(0, "esis")] == (pytest.approx(87.5), 8)
    assert got[(0, "was")] == (None, 0)
    assert got[(0, "readiness")] == (None, 0)
    assert got[(0, "self_rated_health")] == (None, 0)


def test_too_few_answered_items_give_no_score(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0)])
    # MHI 2 of 5 (< 3), EUROHIS 5 of 8 (< 6), ESIS 7 of 10 (< 8): all unscored.
    create_staging(con, "asiakaskysely", [answer(
        "HEL-0001", 0, day(0), **mhi(2, None, None, 99, 6), **qol(5, 4, 4, 3, 5, None, 99, None),
        **esis(5, 5, 5, 5, 4, 4, 4, None, None, 99))])
    build_scores(con, CUTOFFS)
    got = scores_of(con, "HEL-0001")
    assert got[(0, "mhi5")] == (None, 2)
    assert got[(0, "eurohis_qol8")] == (None, 5)
    assert got[(0, "esis")] == (None, 7)


def test_out_of_range_item_is_missing_even_if_ingest_let_it_through(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0)])
    # MHI item 1 = 7 (range 1–6) is dropped: 3,3,3,3 answered → reversed 3,4→... by hand:
    # mhi2=3, mhi3=4→3, mhi4=3, mhi5=4→3: mean 3 → 100·(15−5)/25 = 40.
    create_staging(con, "asiakaskysely", [answer("HEL-0001", 0, day(0), **mhi(7, 3, 4, 3, 4),
                                                 was=11)])
    build_scores(con, CUTOFFS)
    got = scores_of(con, "HEL-0001")
    assert got[(0, "mhi5")] == (pytest.approx(40.0), 4)
    assert got[(0, "was")] == (None, 0)


# ---------------------------------------------------------------------------------------------
# Waves by answer date
# ---------------------------------------------------------------------------------------------
def responses(con) -> dict[tuple[str, int], tuple[int | None, bool, str | None]]:
    rows = con.execute("SELECT client_id, wave_intended, wave, used, not_used_reason "
                       "FROM analysis.survey_responses").fetchall()
    return {(c, wi): (w, u, r) for c, wi, w, u, r in rows}


def test_waves_come_from_the_answer_date_with_inclusive_bounds(con):
    ids = [f"HEL-000{i}" for i in range(1, 8)]
    create_staging(con, "asiakkaat", [client(i, D0) for i in ids])
    create_staging(con, "asiakaskysely", [
        answer(ids[0], 0, day(-30), was=1),   # first day of T0
        answer(ids[1], 0, day(31), was=1),    # one day after T0: no wave
        answer(ids[2], 12, day(120), was=1),  # intended 12, answered on T6's first day → T6
        answer(ids[3], 6, day(240), was=1),   # last day of T6
        answer(ids[4], 6, day(272), was=1),   # between T6 and T12: no wave
        answer(ids[5], 12, day(450), was=1),  # last day of T12
        answer(ids[6], 12, day(451), was=1),  # after T12: no wave
    ])
    build_scores(con, CUTOFFS)
    got = responses(con)
    assert got[(ids[0], 0)] == (0, True, None)
    assert got[(ids[1], 0)] == (None, False, "outside_windows")
    assert got[(ids[2], 12)] == (6, True, None)
    assert got[(ids[3], 6)] == (6, True, None)
    assert got[(ids[4], 6)] == (None, False, "outside_windows")
    assert got[(ids[5], 12)] == (12, True, None)
    assert got[(ids[6], 12)] == (None, False, "outside_windows")
    # a response outside every window is kept in staging but not scored
    assert con.execute("SELECT count(*) FROM staging.asiakaskysely").fetchall()[0][0] == 7
    scored = {r[0] for r in con.execute("SELECT DISTINCT client_id FROM analysis.scores")
              .fetchall()}
    assert scored == {ids[0], ids[2], ids[3], ids[5]}


def test_two_responses_in_one_window_use_the_one_nearest_the_target_day(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0)])
    # day 180 is 2.625 days from 182.625; day 240 is 57.375 away
    create_staging(con, "asiakaskysely", [
        answer("HEL-0001", 12, day(240), was=9),
        answer("HEL-0001", 6, day(180), was=3),
    ])
    build_scores(con, CUTOFFS)
    got = responses(con)
    assert got[("HEL-0001", 6)] == (6, True, None)
    assert got[("HEL-0001", 12)] == (6, False, "not_nearest_in_window")
    assert scores_of(con, "HEL-0001")[(6, "was")] == (3.0, 1)


def test_a_tie_in_distance_goes_to_the_later_delivery_then_the_later_answer(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0), client("HEL-0002", D0)])
    create_staging(con, "asiakaskysely", [
        # HEL-0001: 5 days either side of the index; the EARLIER answer came in a later
        # delivery, so it wins
        answer("HEL-0001", 0, day(-5), was=2, _delivery_date=date(2023, 8, 1)),
        answer("HEL-0001", 6, day(5), was=8, _delivery_date=date(2023, 7, 1)),
        # HEL-0002: the same tie in one delivery → the later answer wins
        answer("HEL-0002", 0, day(-5), was=2),
        answer("HEL-0002", 6, day(5), was=8),
    ])
    build_scores(con, CUTOFFS)
    assert scores_of(con, "HEL-0001")[(0, "was")] == (2.0, 1)
    assert scores_of(con, "HEL-0002")[(0, "was")] == (8.0, 1)
    got = responses(con)
    assert got[("HEL-0001", 6)] == (0, False, "not_nearest_in_window")
    assert got[("HEL-0002", 0)] == (0, False, "not_nearest_in_window")


def test_nothing_after_the_cutoff_is_used(con):
    # pilot cut-off 30.6.2023: an answer on 1.7.2023 is in T6's window but after the cut-off;
    # a client whose index date is after the cut-off is not in the analysis at all
    create_staging(con, "asiakkaat", [client("HEL-0001", date(2023, 1, 1)),
                                      client("HEL-0002", date(2023, 7, 3))])
    create_staging(con, "asiakaskysely", [
        answer("HEL-0001", 6, date(2023, 7, 1), was=5),
        answer("HEL-0001", 0, date(2023, 1, 2), was=4),
        answer("HEL-0002", 0, date(2023, 7, 4), was=4),
    ])
    build_scores(con, CUTOFFS)
    got = responses(con)
    assert got[("HEL-0001", 6)] == (None, False, "after_cutoff")
    assert got[("HEL-0001", 0)] == (0, True, None)
    assert got[("HEL-0002", 0)] == (None, False, "index_after_cutoff")
    assert con.execute("SELECT count(*) FROM analysis.scores WHERE client_id = 'HEL-0002'"
                       ).fetchall()[0][0] == 0


def test_scores_table_has_the_contract_columns(con):
    create_staging(con, "asiakkaat", [client("KAI-0001", D0)])
    create_staging(con, "asiakaskysely", [answer("KAI-0001", 0, day(1), was=6)])
    build_scores(con, CUTOFFS)
    cols = [d[0] for d in con.execute("SELECT * FROM analysis.scores LIMIT 0").description]
    assert cols[:7] == ["client_id", "cohort", "wave", "response_date", "instrument", "score",
                        "items_answered"]
    assert con.execute("SELECT DISTINCT cohort FROM analysis.scores").fetchall() == [("rrp",)]
    assert con.execute("SELECT count(*) FROM analysis.scores").fetchall()[0][0] == 6


def test_missing_item_column_is_a_clear_error(con):
    create_staging(con, "asiakkaat", [client("HEL-0001", D0)])
    create_staging(con, "asiakaskysely", [])
    con.execute("ALTER TABLE staging.asiakaskysely DROP COLUMN qol3")
    with pytest.raises(MissingInputError, match="qol3"):
        build_scores(con, CUTOFFS)


# ---------------------------------------------------------------------------------------------
# IPS-25 fidelity
# ---------------------------------------------------------------------------------------------
def review(team: str, review_date: date, items: list[int | None], region: str | None) -> dict:
    return {"team": team, "region": region, "review_date": review_date} | {
        f"k{i:02d}": v for i, v in enumerate(items, start=1)}


def test_fidelity_total_and_band_need_all_25_items(con):
    create_staging(con, "laatuarviot", [
        review("HEL-T1", date(2021, 5, 1), [5] * 15 + [4] * 10, "HEL"),  # 115 exemplary
        review("HEL-T2", date(2021, 5, 1), [4] * 24 + [3], "HEL"),       # 99 fair
        review("KAI-T1", date(2024, 2, 1), [4] * 25, None),              # 100 good, region
        review("PKA-T1", date(2021, 5, 1), [3] * 24 + [1], "PKA"),       # 73 not IPS
        review("LAP-T1", date(2021, 5, 1), [5] * 24 + [None], "LAP"),    # incomplete
        review("EPO-T1", date(2021, 5, 1), [5] * 24 + [99], "EPO"),      # 99 = missing
        review("HEL-T1", date(2023, 9, 1), [5] * 25, "HEL"),             # after pilot cut-off
    ])
    assert build_fidelity(con, CUTOFFS) == 6
    got = {(t, d.year): (r, c, tot, b, n) for t, r, c, d, tot, b, n in con.execute(
        "SELECT team, region, cohort, review_date, total, band, items_answered "
        "FROM analysis.fidelity").fetchall()}
    assert got[("HEL-T1", 2021)] == ("HEL", "pilot", 115, "exemplary", 25)
    assert got[("HEL-T2", 2021)] == ("HEL", "pilot", 99, "fair", 25)
    assert got[("KAI-T1", 2024)] == ("KAI", "rrp", 100, "good", 25)
    assert got[("PKA-T1", 2021)] == ("PKA", "pilot", 73, "not_ips", 25)
    assert got[("LAP-T1", 2021)] == ("LAP", "pilot", None, None, 24)
    assert got[("EPO-T1", 2021)] == ("EPO", "pilot", None, None, 24)
    cols = [d[0] for d in con.execute("SELECT * FROM analysis.fidelity LIMIT 0").description]
    assert cols[:6] == ["team", "region", "cohort", "review_date", "total", "band"]
    assert [c for c in cols if c.startswith("k")] == [f"k{i:02d}" for i in range(1, 26)]
