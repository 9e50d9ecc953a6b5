"""``ips-eval bench`` on a bounded size (5,000 comparison persons; 200,000 with
IPS_EVAL_SCALE=full): the register path runs
from the delivery files to register_monthly.parquet and the register effect with every check
holding. Its outputs are
asserted here, not its time (speed figures live in docs/performance.md, from the bench itself)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import duckdb
import pytest

from assets.cli import main
from benchmarks.register_path import STAGES, run_bench

PERSONS = 200_000 if os.environ.get("IPS_EVAL_SCALE") == "full" else 5_000


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("bench")
    return run_bench(PERSONS, work=work, memory_limit="2GB"), work


@pytest.mark.slow
def test_bench_runs_every_stage_of_the_register_path(bench) -> None:
    result, _work = bench
    assert [s.name for s in result.stages] == [s.name for s in STAGES]
    assert all(s.wall_s > 0 and s.peak_rss_mb > 0 for s in result.stages)
    assert result.floor_s > 0


@pytest.mark.slow
def test_bench_reads_every_register_row_the_floor_parses(bench) -> None:
    result, _work = bench
    # two independent counts of the same files: rows loaded into raw, rows the bare scan parsed
    assert result.register_rows == result.floor_rows > PERSONS * 40
    assert result.found["files_rejected/rekisterit/kela"] == 0
    assert result.found["files_rejected/rekisterit/tulorekisteri"] == 0


@pytest.mark.slow
def test_bench_checks_hold_and_no_identity_code_leaks(bench) -> None:
    found = bench[0].found
    assert found["unbalanced_files"] == 0
    assert found["duplicate_person_months"] == 0
    assert found["kela_share_mismatches"] == 0
    assert found["null_main_states"] == 0
    assert found["identity_leaks"] == []


@pytest.mark.slow
def test_bench_writes_register_monthly_with_every_comparison_person(bench) -> None:
    result, work = bench
    parquet = work / "out" / "analysis" / "register_monthly.parquet"
    rows, comparison, comparison_rows, months = duckdb.sql(
        f"SELECT count(*), count(DISTINCT pid) FILTER (WHERE client_id IS NULL), "
        f"count(*) FILTER (WHERE client_id IS NULL), "
        f"count(DISTINCT month) FILTER (WHERE client_id IS NULL) FROM '{parquet}'").fetchall()[0]
    assert rows == result.found["register_monthly_rows"]
    # the N general-population persons, plus the client-like persons the synth draws beside
    # them (ips_eval.synth.counterfactual: the register study's selection)
    assert comparison > PERSONS
    # every comparison person has every month of the extract, once
    assert comparison_rows == comparison * months and months >= 60


@pytest.mark.slow
def test_bench_matches_clients_and_estimates_the_register_effect(bench) -> None:
    result, work = bench
    counts = result.found["register_effect"]
    assert result.found["clients"] > 0
    assert 0 < counts["clients_matched"] <= counts["clients_eligible"] <= result.found["clients"]
    # k matches a client at most, with replacement: at least one pair per matched client
    assert counts["clients_matched"] <= result.found["register_matches_effect"] \
        <= counts["k"] * counts["clients_matched"]
    files = result.found["register_effect_files"]
    assert set(files) == {"register_effect", "register_effect_tests",
                          "register_effect_subgroups", "register_balance",
                          "register_balance_monthly", "transitions", "register_attachment",
                          "transition_paths"}
    assert all(n > 0 for n in files.values()), files
    effect = work / "out" / "results" / "register_effect.csv"
    methods, months = duckdb.sql(
        f"SELECT list(DISTINCT method ORDER BY method), count(DISTINCT rel_month) "
        f"FROM read_csv('{effect}') WHERE outcome = 'employed'").fetchall()[0]
    assert methods == ["holdout_placebo", "matched", "matched_did", "matched_not_yet_treated",
                       "naive"]
    assert months == counts["history_months"] + 25  # −H … +24


@pytest.mark.slow
def test_bench_line_has_the_agreed_form(bench) -> None:
    result, _work = bench
    assert re.fullmatch(rf"bench persons={PERSONS} register_rows=\d+ wall_s=[\d.]+ "
                        r"peak_rss_mb=\d+ floor_s=[\d.]+", result.line())


def test_bench_refuses_a_negative_size(capsys) -> None:
    assert main(["bench", "--persons", "-1", "--work", str(Path("/nonexistent"))]) == 2
    assert "--persons" in capsys.readouterr().err


@pytest.mark.slow
def test_the_skeleton_makes_the_same_passes_over_every_register_row(bench, capsys) -> None:
    """benchmarks/bench_skeleton.py (the guarantee-free passes docs/performance.md compares the path
    to) reads every register row the bench read into raw and builds one panel row per
    person-month."""
    spec = importlib.util.spec_from_file_location(
        "bench_skeleton", Path(__file__).parents[1] / "benchmarks" / "bench_skeleton.py")
    skeleton = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(skeleton)
    result, work = bench
    found = skeleton.main([str(work / "deliveries"), "--memory-limit", "2GB"])
    assert found["raw_rows"] == found["floor_rows"] == result.register_rows
    assert found["panel_rows"] == found["person_months"] > 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(f"skeleton register_rows={result.register_rows} skeleton_s=")
