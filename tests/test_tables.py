"""Publication tables: Table 1 statistics worked by hand, the builders' layout and language,
disclosure control of every published file, the source note, the Dagster assets."""

from __future__ import annotations

import json
import math
import struct
from datetime import date
from html import unescape
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl
import pytest
from support.tables import CUTOFFS, sample_frames, write_sample_warehouse

from ips_eval.employment.baseline import (
    baseline_results,
    baseline_summary,
    smd_categorical,
    smd_continuous,
)
from ips_eval.fidelity.teams import employment_by_team
from ips_eval.publish.tables.audit import published_small_counts
from ips_eval.publish.tables.baseline import build_baseline
from ips_eval.publish.tables.browser import find_browser, png_session
from ips_eval.publish.tables.catalog import TABLE_NAMES, TABLES, MissingInput, publish_table
from ips_eval.publish.tables.common import DeliverySet, delivery_set
from ips_eval.publish.tables.disclosure import SUPPRESSED
from ips_eval.publish.tables.employment import build_cox
from ips_eval.publish.tables.labels import term_label
from ips_eval.warehouse import connect
from schemas.codebook import LANGS
from schemas.table_text import text

SOURCE = DeliverySet(CUTOFFS, files=12, version="0123456789ab")


# ---------------------------------------------------------------------------------------------
# Table 1 statistics
# ---------------------------------------------------------------------------------------------
def test_smd_of_a_continuous_characteristic() -> None:
    # (10 − 12) / √((2² + 2²)/2) = −1
    assert smd_continuous(10, 2, 12, 2) == pytest.approx(-1.0)


def test_multi_category_smd_reduces_to_the_binary_formula() -> None:
    # 0.2 / √((0.5·0.5 + 0.3·0.7)/2) = 0.2 / √0.23
    value = smd_categorical(np.array([0.5, 0.5]), np.array([0.7, 0.3]))
    assert value == pytest.approx(0.2 / math.sqrt(0.23))


def test_multi_category_smd_of_yang_and_dalton_worked_by_hand() -> None:
    # without the first category: T = (0.3 − 0.4, 0.2 − 0.2) = (−0.1, 0);
    # S = [[0.225, −0.07], [−0.07, 0.16]], det 0.0311 → TᵀS⁻¹T = 0.01·0.16/0.0311
    value = smd_categorical(np.array([0.5, 0.3, 0.2]), np.array([0.4, 0.4, 0.2]))
    assert value == pytest.approx(math.sqrt(0.0016 / 0.0311))


def _tiny_clients() -> pl.DataFrame:
    return pl.DataFrame({
        "client_id": [f"HEL-{i:04d}" for i in range(12)],
        "cohort": ["pilot"] * 6 + ["rrp"] * 6,
        "age": [20, 30, 40, None, 50, 60, 25, 35, 45, 55, 65, 75],
        "sex": ["female"] * 5 + ["male"] + ["female"] * 3 + ["male"] * 3,
        "dx_group": ["psychotic"] * 6 + ["depressive"] * 6,
        "education": [1, 1, 2, 2, 3, None] + [1] * 6,
        "work_history": [0] * 12, "income_source": [2] * 12, "language": ["fi"] * 12,
    })


def test_baseline_summary_worked_by_hand() -> None:
    s = baseline_summary(_tiny_clients())
    age = s.filter((pl.col("variable") == "age") & (pl.col("cohort") == "pilot")
                   & (pl.col("kind") == "continuous")).row(0, named=True)
    # pilot ages 20, 30, 40, 50, 60 (one missing): mean 40, SD √250, quartiles 30 and 50
    assert (age["n"], age["mean"], age["median"], age["q1"], age["q3"]) == (5, 40, 40, 30, 50)
    assert age["sd"] == pytest.approx(math.sqrt(250))
    missing = s.filter((pl.col("variable") == "age") & (pl.col("cohort") == "pilot")
                       & (pl.col("kind") == "missing"))
    assert missing["n"].to_list() == [1]
    # percentages are of all the cohort's clients, the missing included: 2 of 6
    edu = s.filter((pl.col("variable") == "education") & (pl.col("cohort") == "pilot")
                   & (pl.col("level") == "1")).row(0, named=True)
    assert (edu["n"], edu["N"], edu["pct"]) == (2, 6, pytest.approx(100 * 2 / 6))


def test_baseline_table_hides_small_categories_and_their_complements() -> None:
    table = build_baseline(baseline_results(_tiny_clients()), "en", SOURCE)
    rows = {(r["group"], r["stub"]): r for r in table.data.iter_rows(named=True)}
    # rrp: 3 female and 3 male of 6 — both small; pilot: 5 female shown, 1 male hidden, and
    # then 5 female too (the only other positive count of the group)
    assert rows[("Sex", "Female")]["c_rrp"] == rows[("Sex", "Male")]["c_rrp"] == SUPPRESSED
    assert rows[("Sex", "Male")]["c_pilot"] == rows[("Sex", "Female")]["c_pilot"] == SUPPRESSED
    assert rows[("Sex", "Female")]["smd"] == SUPPRESSED  # an SMD could be solved for a share
    # 6 psychotic of 6: shown with its share
    assert rows[("Diagnosis group (ICD-10)", "Psychotic disorders (F20–F29)")]["c_pilot"] \
        == "6 (100.0%)"
    assert table.labels["c_pilot"] == "Pilots 2020–2023 (n = 6)"
    assert table.small_counts() == []


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------
def test_team_employment_counts_a_job_within_365_days_among_clients_with_a_full_year() -> None:
    clients = pl.DataFrame({
        "client_id": ["A", "B", "C", "D"], "team": ["T"] * 4, "region": ["HEL"] * 4,
        "cohort": ["pilot"] * 4,
        "index_date": [date(2021, 1, 1), date(2021, 1, 1), date(2021, 1, 1), date(2023, 1, 1)],
        "cutoff_date": [date(2023, 6, 30)] * 4})
    tte = pl.DataFrame({"client_id": ["A", "B", "C", "D"], "param": ["TTFJ"] * 4,
                        "time_days": [365, 366, 900, 10], "event": [1, 1, 0, 1]})
    row = employment_by_team(clients, tte).row(0, named=True)
    # D started 1.1.2023: under a year before the cut-off, not in the window;
    # A's job on day 365 counts, B's on day 366 does not
    assert (row["clients"], row["window"], row["employed"]) == (4, 3, 1)


def test_model_terms_get_variable_and_value_labels() -> None:
    assert term_label("C(dx_group)[T.depressive]", "en") == \
        "Diagnosis group (ICD-10): Depressive disorders (F32–F39)"
    assert term_label("C(wave, Treatment(0))[T.12]:cohort[T.rrp]", "fi") == \
        "Kyselyaalto (vastauspäivän mukaan): 12 kk × Kohortti: RRP 2023–2024"
    assert term_label("sex_male", "sv") == "Kön: Man"
    assert term_label("something_new", "en") == "something_new"


def test_cox_table_shows_each_terms_ph_test_and_the_global_test_in_a_note() -> None:
    """The PH column is the per-term test (ph_test_p_term); the global test of each model,
    rank and km transforms, is said once in a note — a hidden model's included as '..'."""
    table = build_cox(sample_frames()["results.cox"], "en", SOURCE)
    assert table.data["ph"].to_list() == ["0.730", "0.210", SUPPRESSED]  # age, cohort
    assert "ph_km" not in table.data.columns
    note = next(n for n in table.notes if n.startswith("Global test of proportional hazards"))
    assert "0.500 (0.450)" in note and "0.900" not in note and ".. (..)" in note


def test_employment_table_puts_crude_beside_equal_follow_up_and_explains_the_trap() -> None:
    frames = sample_frames()
    for lang in LANGS:
        table = next(t for t in TABLES if t.name == "employment").build(frames, lang, SOURCE)
        html = unescape(table.gt().as_raw_html())
        assert text("trap_note", lang) in html
        assert text("crude_spanner", lang) in html and text("cif_spanner", lang) in html
    # pilot: 22 of 44 employed; the sample makes 1 employed only with pay subsidy → hidden
    en = next(t for t in TABLES if t.name == "employment").build(frames, "en", SOURCE).data
    pilot = en.filter(pl.col("stub") == "Pilots 2020–2023").row(0, named=True)
    assert pilot["employed"] == "22 (50.0%)"
    assert pilot["excl"] == SUPPRESSED
    assert pilot["months_12"].startswith("50.0 (")


def test_every_table_every_language_writes_html_tex_csv_without_a_count_under_5(
        tmp_path: Path) -> None:
    write_sample_warehouse(tmp_path / "ips_eval.duckdb")
    with connect(tmp_path / "ips_eval.duckdb") as con:
        for name in TABLE_NAMES:
            publish_table(name, con, tmp_path, CUTOFFS, png=None)
    tables = tmp_path / "tables"
    for name in TABLE_NAMES:
        for lang in LANGS:
            for ext in ("html", "tex", "csv"):
                assert (tables / f"{name}_{lang}.{ext}").stat().st_size > 0
            assert published_small_counts(tables, name, lang) == []
    # the sample's small cells are there as "..": the 3-client team, 2 on disability
    # pension, 3 Cox events, 1 pilot employer who would not hire again
    regions = pl.read_csv(tables / "regions_en.csv", infer_schema=False)
    team3 = regions.row(by_predicate=pl.col("Team") == "HEL-T3", named=True)
    assert team3["Employment: Started, n"] == SUPPRESSED
    register = pl.read_csv(tables / "register_fi.csv", infer_schema=False)
    assert set(register["Päätila, n (%): Työkyvyttömyyseläke"]) == {SUPPRESSED}
    cox = pl.read_csv(tables / "cox_sv.csv", infer_schema=False)
    assert cox.filter(pl.col("n") == "12")["Händelser, n"].to_list() == [SUPPRESSED]
    employer = pl.read_csv(tables / "employer_survey_en.csv", infer_schema=False)
    no = employer.row(by_predicate=pl.col("Statement") == "No", named=True)
    assert no["Pilots 2020–2023: n (%)"] == SUPPRESSED


def test_the_file_audit_finds_a_count_under_5_planted_in_any_format(tmp_path: Path) -> None:
    write_sample_warehouse(tmp_path / "ips_eval.duckdb")
    with connect(tmp_path / "ips_eval.duckdb") as con:
        publish_table("regions", con, tmp_path, CUTOFFS, png=None)
    tables = tmp_path / "tables"
    for ext, old, new in (("csv", "HEL-T3,..,", "HEL-T3,3,"),
                          ("tex", "HEL-T3 & .. &", "HEL-T3 & 3 &"),
                          ("html", ">..</td>", ">3 (11,1 %)</td>")):
        path = tables / f"regions_fi.{ext}"
        clean = path.read_text(encoding="utf-8")
        assert old in clean
        path.write_text(clean.replace(old, new, 1), encoding="utf-8")
        assert published_small_counts(tables, "regions", "fi"), ext
        path.write_text(clean, encoding="utf-8")
    assert published_small_counts(tables, "regions", "fi") == []


def test_a_missing_input_names_the_asset_to_run(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con, pytest.raises(MissingInput, match="results/cox"):
        publish_table("cox", con, tmp_path, CUTOFFS, png=None)


def test_source_note_names_the_cutoffs_and_the_delivery_set(tmp_path: Path) -> None:
    manifest = {"generated_at": "2025-01-01T00:00:00", "files": [
        {"source": "asiakkaat", "file": "2023-07-05_HEL.xlsx", "content_hash": "bb"},
        {"source": "asiakkaat", "file": "2024-05-02_KAI.csv", "content_hash": "aa"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    source = delivery_set(tmp_path, CUTOFFS)
    import hashlib

    assert source.files == 2
    assert source.version == hashlib.sha256(b"aa\nbb").hexdigest()[:12]
    note = source.note("fi")
    assert "Pilotit 2020–2023 30.6.2023" in note and "RRP 2023–2024 31.12.2024" in note
    assert f"2 toimitustiedostoa, versio {source.version}" in note
    assert "30 June 2023" in source.note("en")
    # a new generated_at does not change the version
    manifest["generated_at"] = "2026-01-01T00:00:00"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert delivery_set(tmp_path, CUTOFFS).version == source.version


def test_table_assets_materialise_with_their_checks(tmp_path: Path) -> None:
    from assets.defs.fidelity import figure_fidelity_vs_employment
    from assets.defs.publish import TABLE_ASSETS, TABLE_CHECKS
    from assets.defs.resources import Study, TablePngs, Warehouse

    write_sample_warehouse(tmp_path / "ips_eval.duckdb")
    resources = {"warehouse": Warehouse(path=str(tmp_path / "ips_eval.duckdb")),
                 "study": Study(deliveries_dir=str(tmp_path), out_dir=str(tmp_path)),
                 "table_pngs": TablePngs()}
    chosen = [a for a in TABLE_ASSETS if a.key.path[-1] in ("cox", "register")]
    checks = [c for c in TABLE_CHECKS
              if next(iter(c.check_keys)).asset_key.path[-1] in ("cox", "register")]
    import ips_eval.publish.tables.browser as browser

    original = browser.find_browser
    browser.find_browser = lambda: None  # PNGs are the browser tests' business
    try:
        result = dg.materialize([*chosen, *checks, figure_fidelity_vs_employment],
                                resources=resources)
    finally:
        browser.find_browser = original
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 2 and all(e.passed for e in evaluations)
    assert (tmp_path / "tables" / "register_sv.tex").is_file()
    assert (tmp_path / "figures" / "fidelity_vs_employment_en.svg").is_file()


@pytest.mark.browser
def test_table_png_is_written_with_headless_chromium(tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip("no Chromium found: run scripts/setup_browser.sh")
    write_sample_warehouse(tmp_path / "ips_eval.duckdb")
    with connect(tmp_path / "ips_eval.duckdb") as con, png_session() as png:
        publish_table("cox", con, tmp_path, CUTOFFS, png=png)
    for lang in LANGS:
        data = (tmp_path / "tables" / f"cox_{lang}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        # clipped to the table at 2x: wider than a blank margin, no wider than the 992 px page
        width, height = struct.unpack(">II", data[16:24])
        assert 2 * 300 < width <= 2 * (992 + 2 * 10) and height > 2 * 100
    print(f"table PNGs kept in {tmp_path / 'tables'}")
