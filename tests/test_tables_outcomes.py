"""The outcome tables and the results they read: jobs per client, team outcomes and Table 1's
result worked by hand; attachment, the situation beside THL's 55 %, satisfaction with each
item's own text, the logit, the quarterly series and attrition — their layout, languages and
small cells."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from support.tables import CUTOFFS, sample_frames

from ips_eval.employment.baseline import baseline_results
from ips_eval.employment.per_client import jobs_per_client
from ips_eval.fidelity.teams import team_outcomes
from ips_eval.publish.tables.catalog import TABLE_NAMES, TABLES, table_number
from ips_eval.publish.tables.common import DeliverySet
from ips_eval.publish.tables.disclosure import SUPPRESSED
from ips_eval.publish.tables.logit import pooled_notes
from ips_eval.publish.tables.quarterly import build_quarterly
from schemas.codebook import ASIAKASKYSELY, LANGS
from schemas.table_text import text

SOURCE = DeliverySet(CUTOFFS, files=3, version="abc")


def _build(name: str, lang: str = "en"):  # noqa: ANN202 — a PublishedTable
    return next(t for t in TABLES if t.name == name).build(sample_frames(), lang, SOURCE)


def _row(table, **match: str) -> dict:  # noqa: ANN001
    return table.data.filter(pl.all_horizontal(pl.col(k) == v for k, v in match.items())).row(
        0, named=True)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
def test_jobs_per_client_worked_by_hand() -> None:
    clients = pl.DataFrame({
        "client_id": ["a", "b", "c", "d"], "cohort": ["pilot", "pilot", "rrp", "rrp"],
        "n_competitive_jobs": [0, 1, 3, 2], "days_employed": [0, 100, 50, 30],
        "followup_days": [365, 365, 730, 365]})
    rows = {r["group"]: r for r in jobs_per_client(clients).iter_rows(named=True)}
    everyone = rows["all"]
    assert (everyone["n_jobs_0"], everyone["n_jobs_1"], everyone["n_jobs_2"],
            everyone["n_jobs_3plus"], everyone["jobs_total"]) == (1, 1, 1, 1, 6)
    assert everyone["mean_days_employed"] == 45.0  # (0 + 100 + 50 + 30) / 4
    assert everyone["n_employed"] == 3 and everyone["median_days_employed_if_employed"] == 50.0
    # 180 days over 1 825 days of follow-up = 36 days per 365.25
    assert everyone["days_employed_per_year"] == pytest.approx(180 / 1825 * 365.25)
    assert rows["rrp"]["median_followup_days"] == 547.5


def test_team_outcomes_take_each_teams_latest_review_with_a_total() -> None:
    clients = pl.DataFrame({
        "client_id": ["A", "B"], "team": ["T", "U"], "region": ["HEL", "HEL"],
        "cohort": ["pilot", "pilot"], "index_date": [date(2021, 1, 1)] * 2,
        "cutoff_date": [date(2023, 6, 30)] * 2})
    tte = pl.DataFrame({"client_id": ["A", "B"], "param": ["TTFJ"] * 2, "time_days": [40, 500],
                        "event": [1, 0]})
    fidelity = pl.DataFrame({
        "team": ["T", "T", "T"], "region": ["HEL"] * 3, "cohort": ["pilot"] * 3,
        "review_date": [date(2021, 5, 1), date(2022, 5, 1), date(2023, 1, 1)],
        "total": [90, 104, None], "band": ["fair", "good", None]})
    rows = {r["team"]: r for r in team_outcomes(clients, tte, fidelity).iter_rows(named=True)}
    assert (rows["T"]["employed"], rows["T"]["total"], rows["T"]["band"],
            rows["T"]["review_date"]) == (1, 104, "good", date(2022, 5, 1))
    assert rows["U"]["total"] is None and rows["U"]["employed"] == 0


def test_baseline_result_keeps_the_label_order_and_the_smd_per_characteristic() -> None:
    result = baseline_results(sample_frames()["analysis.clients"])
    assert result["order"].to_list() == list(range(result.height))
    smd = result.filter(pl.col("kind") == "smd")
    assert set(smd["variable"]) >= {"age", "sex", "dx_group"}
    assert "N" not in result.columns  # DuckDB's names are case-insensitive: n_cohort
    sex = result.filter((pl.col("variable") == "sex") & (pl.col("kind") == "count"))
    assert sex["level"].unique(maintain_order=True).to_list() == ["female", "male"]


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
def test_tables_are_numbered_by_the_catalogue() -> None:
    assert table_number(TABLE_NAMES[0]) == 1
    for lang in LANGS:
        table = _build("attachment", lang)
        table.number = table_number("attachment")
        assert table.numbered_title == (
            f"{text('table_number', lang, n=table_number('attachment'))} "
            f"{text('attachment_title', lang)}")


def test_attachment_hides_those_employed_only_with_pay_subsidy_when_1_to_4() -> None:
    table = _build("attachment")
    kainuu = _row(table, group="6 months", stub="Kainuu")
    # 6 had a job, 4 of them without pay subsidy: the 2 with subsidy only must not show
    assert kainuu["any"] == "6 (50.0%)" and kainuu["any_excl"] == SUPPRESSED
    assert kainuu["days_excl"] == SUPPRESSED
    # 3 employed on the last day: hidden, and so is the cohort it adds up to with Helsinki
    assert kainuu["end"] == SUPPRESSED
    assert _row(table, group="6 months", stub="RRP 2023–2024")["end"] == SUPPRESSED
    assert _row(table, group="6 months", stub="Helsinki")["end"] == SUPPRESSED
    assert table.small_counts() == []


def test_situation_sets_thls_55_percent_beside_the_12_month_share() -> None:
    for lang in LANGS:
        table = _build("situation", lang)
        published = table.data.filter(pl.col("published") != "")
        assert published["stub"].to_list() == [text("situation_working_or_studying", lang)]
        assert published["group"].to_list() == [text("wave_months", lang, n=12)]
    en = _build("situation")
    row = _row(en, group="6 months", stub="Working or studying")
    assert row["n_all"] == "28 (56.0%)" and row["published"] == ""
    # 2 studying: hidden, and with it another answer of the group
    assert _row(en, group="6 months", stub="Answer: Studying")["n_all"] == SUPPRESSED
    assert sum(en.data["n_all"] == SUPPRESSED) >= 4
    assert en.small_counts() == []


def test_satisfaction_shows_each_items_own_text_and_hides_3_disagreeing() -> None:
    for lang in LANGS:
        stubs = _build("satisfaction", lang).data["stub"].to_list()
        assert stubs == [ASIAKASKYSELY.column(f"tyyt{i}").label(lang) for i in (1, 2, 3)]
    assert "the coach's support" in ASIAKASKYSELY.column("tyyt1").label("en")
    assert "job search" in ASIAKASKYSELY.column("tyyt2").label("en")
    assert "support at work" in ASIAKASKYSELY.column("tyyt3").label("en")
    en = _build("satisfaction")
    work = _row(en, stub=ASIAKASKYSELY.column("tyyt3").label("en"))
    assert work["n_all"] == "30" and work["agree_all"] == SUPPRESSED  # 27 of 30: 3 disagree


def test_logit_hides_a_model_with_1_to_4_employed_and_translates_pooled_levels() -> None:
    frames = sample_frames()
    table = _build("logit")
    assert _row(table, stub="Sex: Male")["or"].startswith("1.35 (")
    few = frames["results.logit"].with_columns(events=pl.lit(3))
    hidden = next(t for t in TABLES if t.name == "logit").build(
        {**frames, "results.logit": few}, "fi", SOURCE)
    assert set(hidden.data["or"]) == {SUPPRESSED} and set(hidden.data["p"]) == {SUPPRESSED}
    assert pooled_notes("dx_group: non_f joined the reference (psychotic)", "sv") == [
        text("pooled_reference", "sv", variable="Diagnosgrupp (ICD-10)",
             levels="Annan än F-diagnos", reference="Psykossjukdomar (F20–F29)")]
    assert pooled_notes("odd note", "en") == ["odd note"]


def test_quarterly_rate_hides_a_region_quarter_and_keeps_all_from_giving_it_back() -> None:
    quarterly = pl.DataFrame([
        {"region": r, "quarter": "2024-Q1", "active": a, "working": w,
         "working_excl_pay_subsidy": w, "complete": True}
        for r, a, w in (("all", 40, 14), ("KAI", 12, 3), ("KSU", 28, 11))])
    table = build_quarterly(quarterly, "en", SOURCE)
    rows = {r["group"]: r for r in table.data.iter_rows(named=True)}
    assert rows["Kainuu"]["working"] == SUPPRESSED
    # all − Central Finland would give Kainuu's 3 back: one of them is hidden too
    assert SUPPRESSED in (rows["All"]["working"], rows["Central Finland"]["working"])
    assert table.small_counts() == []


def test_attrition_hides_a_small_level_and_its_characteristics_smd() -> None:
    table = _build("attrition")
    female = _row(table, stub="Sex: Female")
    male = _row(table, stub="Sex: Male")
    assert male["answered"] == SUPPRESSED and female["answered"] == SUPPRESSED
    assert female["not_answered"] == "13 (52.0%)"
    assert female["smd"] == male["smd"] == SUPPRESSED
    assert _row(table, stub="Age at index")["smd"] == "-0.20"
