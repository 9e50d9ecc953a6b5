"""End to end: `ips-eval run` on the default synthetic study, looked at as a researcher would."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
from stdnum.fi import hetu

from assets.runner import execute
from ips_eval.config import Settings
from ips_eval.publish.figures.catalog import FIGURES
from ips_eval.publish.figures.common import svg_small_counts
from ips_eval.publish.tables.catalog import publish_table
from ips_eval.warehouse import connect
from schemas.codebook import LANGS
from schemas.results import RESULTS

# HETU-shaped: ddmmyy, a century sign (incl. the 2023 reform's), 3 digits, a check character
HETU_SHAPE = re.compile(rb"\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Z]")


def valid_hetus_in(data: bytes) -> list[str]:
    return [m.decode() for m in HETU_SHAPE.findall(data) if hetu.is_valid(m.decode())]


def test_run_succeeds_with_every_check_passing(pipeline_run):
    _, report = pipeline_run
    assert report.failed_steps == []
    assert [c for c in report.checks_failed if c[2] == "ERROR"] == []
    assert report.success


def test_headline_matches_the_published_figures(pipeline_run):
    out, _ = pipeline_run
    headline = pl.read_csv(out / "results" / "headline.csv", try_parse_dates=True)
    rows = {(r["cohort"], str(r["cutoff_date"])): r for r in headline.iter_rows(named=True)}
    pilot = rows[("pilot", "2023-06-30")]
    rrp = rows[("rrp", "2024-04-30")]
    assert (pilot["clients_started"], pilot["clients_employed"]) == (763, 348)
    assert (rrp["clients_started"], rrp["clients_employed"]) == (336, 86)
    assert pilot["pct_employed"] == pytest.approx(100 * 348 / 763, abs=0.05)


CONTRACT_OUTPUTS = [
    "ips_eval.duckdb", "manifest.json", "report/index.html",
    *(f"analysis/{n}.{ext}" for n in ("clients", "jobs", "tte", "scores", "register_monthly",
                                      "fidelity") for ext in ("parquet", "dta", "sav")),
    *(f"results/{n}.csv" for n in ("headline", "km", "cox", "change", "mixed", "quarterly",
                                   "register", "register_effect", "register_balance",
                                   "transitions", "transition_model", "process", "costs")),
]


@pytest.mark.parametrize("relative", CONTRACT_OUTPUTS)
def test_contract_output_exists(pipeline_run, relative):
    out, _ = pipeline_run
    assert (out / relative).is_file(), f"{relative} was not written"


def test_contract_figures_exist(pipeline_run):
    out, _ = pipeline_run
    pngs = {p.stem for p in (out / "figures").glob("*.png")}
    svgs = {p.stem for p in (out / "figures").glob("*.svg")}
    assert pngs == svgs == {f"{name}_{lang}" for name in FIGURES for lang in LANGS}


def test_no_figure_shows_a_count_of_one_to_four(pipeline_run):
    out, _ = pipeline_run
    svgs = sorted((out / "figures").glob("*.svg"))
    assert len(svgs) == len(FIGURES) * len(LANGS)
    assert [hit for svg in svgs for hit in svg_small_counts(svg)] == []


def test_every_results_file_is_in_the_data_dictionary(pipeline_run):
    out, _ = pipeline_run
    written = {p.stem: tuple(pl.read_csv(p, n_rows=0).columns)
               for p in (out / "results").glob("*.csv")}
    declared = {r.name: r.columns for r in RESULTS}
    # every results file the run writes is declared, with exactly its declared columns
    assert written == declared, (
        "declare results files in schemas/results.py, then run `ips-eval dictionary`")


def test_no_identity_code_anywhere_under_out(pipeline_run, synthetic_study):
    out, _ = pipeline_run
    # the check must be able to fail: the deliveries do contain valid HETUs
    delivered = b"".join(p.read_bytes() for p in (synthetic_study / "asiakkaat").glob("*.csv"))
    assert valid_hetus_in(delivered), "the synthetic deliveries should carry HETUs"
    leaks = {}
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".duckdb" and ".duckdb_tmp" not in path.parts:
            found = valid_hetus_in(path.read_bytes())
            if found:
                leaks[str(path.relative_to(out))] = len(found)
    assert leaks == {}


def test_no_identity_code_in_any_warehouse_table(pipeline_run):
    out, _ = pipeline_run
    con = duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'").fetchall()
        leaks = []
        for schema, table, column in columns:
            candidates = con.execute(
                f'SELECT DISTINCT "{column}" FROM "{schema}"."{table}" WHERE regexp_matches('
                f'"{column}", \'\\d{{6}}[-+A-FU-Y]\\d{{3}}[0-9A-Z]\')').fetchall()
            leaks += [(schema, table, column) for (value,) in candidates
                      if any(hetu.is_valid(m.decode()) for m in HETU_SHAPE.findall(
                          value.encode()))]
        assert leaks == []
    finally:
        con.close()


def _digests(folder: Path, *patterns: str) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for pattern in (patterns or ("*.csv",)) for p in sorted(folder.glob(pattern))}


# A longer follow-up (docs/methods.md §Windows and cut-offs): the results and tables that carry a
# horizon, and what the 24-month run adds to each. Every other results file is byte-identical.
# results file → the columns that name the horizon (in months or days) in its rows
HORIZON_RESULTS = {
    "km": ("time_days", 730.5),
    "employment_comparison": ("time_days", 730.5),
    "competing": ("time_days", 730.5),
    "rmst": ("tau_days", 730.5),
    "attachment": ("window_months", 24),
    "register_attachment": ("window_months", 24),
    "register_effect_subgroups": ("rel_month", 24),
    "transition_model": ("horizon", 24),
    "transitions": ("horizon", 24),
}
# tables with a column per horizon, and the text their 24-month column carries (en)
HORIZON_TABLES = {"attachment": "24 months", "employment": "24 months", "tenure": "24 months",
                  "logit": "24 months", "register_effect_subgroups": "+24",
                  "register_effect_tests": "+24", "transition_model": "+24",
                  "transitions": "+24"}
LONGER = (6, 12, 24)


@pytest.fixture(scope="module")
def longer_run(pipeline_run, synthetic_study, tmp_path_factory) -> Path:
    """A second run of the results (and the tables with horizons) on the same study with
    another DuckDB thread count and memory limit — and ``--horizons 6,12,24``: the one run
    shows both that a run repeats itself byte for byte and that a longer follow-up only adds."""
    second = tmp_path_factory.mktemp("longer") / "out"
    settings = Settings(deliveries_dir=synthetic_study, out_dir=second,
                        pseudonym_key=None,  # the first run's (demo) key
                        duckdb_threads=1, duckdb_memory_limit="1GB", horizons=LONGER)
    report = execute(settings, selection='+key:"results/*"')
    assert report.success
    # the tables with horizons, as their assets publish them (without the browser's PNGs)
    with connect(settings.warehouse_path, read_only=True) as con:
        for name in HORIZON_TABLES:
            publish_table(name, con, second, settings.cutoffs, png=None, horizons=LONGER)
    return second


def test_two_runs_give_byte_identical_results(pipeline_run, longer_run):
    """…also with another DuckDB thread count and memory limit, and the Stata/SPSS files too
    (their header's write time is the data cut-off, not the clock); a longer follow-up changes
    only the files that carry a horizon (the next test)."""
    out, _ = pipeline_run
    changed = {f"{name}.csv" for name in HORIZON_RESULTS} | {"register_effect.csv",
                                                               "transition_paths.csv",
                                                               "logit.csv"}
    first_digests, second_digests = _digests(out / "results"), _digests(longer_run / "results")
    assert set(first_digests) == set(second_digests)
    same = {name for name in first_digests if name not in changed}
    assert len(same) >= 20
    assert {n: first_digests[n] for n in same} == {n: second_digests[n] for n in same}
    stat_files = ("*.dta", "*.sav", "*.parquet")
    # the selection writes the datasets upstream of the results (not fidelity: only tables
    # and figures use it); register_transitions gains its state_24
    second_stat = _digests(longer_run / "analysis", *stat_files)
    first_stat = _digests(out / "analysis", *stat_files)
    second_stat = {n: d for n, d in second_stat.items() if "register_transitions" not in n}
    assert len(second_stat) >= 15
    assert second_stat == {name: first_stat.get(name) for name in second_stat}


def _rows(path: Path) -> list[str]:
    return sorted(path.read_text(encoding="utf-8").splitlines()[1:])


@pytest.mark.parametrize("name", sorted(HORIZON_RESULTS))
def test_a_longer_follow_up_adds_its_rows_and_keeps_every_other(pipeline_run, longer_run,
                                                                name):
    out, _ = pipeline_run
    column, months = HORIZON_RESULTS[name]
    first = pl.read_csv(out / "results" / f"{name}.csv", infer_schema_length=None)
    second = pl.read_csv(longer_run / "results" / f"{name}.csv", infer_schema_length=None)
    assert first.columns == second.columns
    assert months not in first[column].to_list()
    assert second.filter(pl.col(column) == months).height > 0
    # the 6- and 12-month rows as they were, byte for byte
    kept = [line for line in _rows(longer_run / "results" / f"{name}.csv")
            if line in set(_rows(out / "results" / f"{name}.csv"))]
    assert kept == _rows(out / "results" / f"{name}.csv")
    assert second.filter(pl.col(column).ne_missing(months)).height == first.height


def test_a_longer_follow_up_adds_the_logit_within_24_months(pipeline_run, longer_run):
    """logit.csv gains its ``window_months`` column only in the longer run (the default file
    keeps its contracted columns), the model within 12 months as it was."""
    out, _ = pipeline_run
    first = pl.read_csv(out / "results" / "logit.csv", infer_schema_length=None)
    second = pl.read_csv(longer_run / "results" / "logit.csv", infer_schema_length=None)
    declared = next(r for r in RESULTS if r.name == "logit")
    assert (tuple(first.columns), tuple(second.columns)) == (declared.columns_for(),
                                                             declared.columns_for(LONGER))
    assert second["window_months"].unique().sort().to_list() == [12, 24]
    assert second.filter(pl.col("window_months") == 12).drop("window_months").equals(first)
    assert second.filter(pl.col("window_months") == 24)["n"][0] < first["n"][0]


def test_a_longer_follow_up_reaches_the_register_effect_and_the_paths(pipeline_run, longer_run):
    out, _ = pipeline_run
    first = pl.read_csv(out / "results" / "register_effect.csv", infer_schema_length=None)
    second = pl.read_csv(longer_run / "results" / "register_effect.csv",
                         infer_schema_length=None)
    matched = pl.col("method") == "matched"
    # the Abadie–Imbens SE at +24 too, and the note says so; every other number as it was
    assert first.filter(matched & pl.col("se_ai").is_not_null())["rel_month"].unique().sort() \
        .to_list() == [6, 12]
    assert second.filter(matched & pl.col("se_ai").is_not_null())["rel_month"].unique().sort() \
        .to_list() == [6, 12, 24]
    assert second.filter(matched)["method_note"].str.contains("+6/+12/+24", literal=True).all()
    at_24 = (pl.col("rel_month") == 24) & matched
    assert first.drop("method_note").filter(~at_24).equals(
        second.drop("method_note").filter(~at_24))
    assert first.drop("method_note", "se_ai").equals(second.drop("method_note", "se_ai"))
    paths = pl.read_csv(longer_run / "results" / "transition_paths.csv")
    assert paths.columns == ["group", "state_m1", "state_6", "state_12", "state_24", "n"]
    assert paths["state_24"].null_count() == 0 and paths["n"].sum() > 0
    states = pl.read_parquet(longer_run / "analysis" / "register_transitions.parquet")
    assert states.columns[-3:] == ["state_6", "state_12", "state_24"]


@pytest.mark.parametrize("name", sorted(HORIZON_TABLES))
def test_a_longer_follow_up_gives_the_tables_their_24_month_column(pipeline_run, longer_run,
                                                                   name):
    out, _ = pipeline_run
    first = (out / "tables" / f"{name}_en.csv").read_text(encoding="utf-8")
    second = (longer_run / "tables" / f"{name}_en.csv").read_text(encoding="utf-8")
    mark = HORIZON_TABLES[name]
    assert mark not in first and mark in second
    for lang in LANGS:  # every language's table has it (its own words for it)
        assert (longer_run / "tables" / f"{name}_{lang}.csv").stat().st_size > \
            (out / "tables" / f"{name}_{lang}.csv").stat().st_size


def test_process_and_costs_report_every_standard_and_plausible_costs(pipeline_run):
    out, _ = pipeline_run
    process = pl.read_csv(out / "results" / "process.csv")
    overall = {r["indicator"]: r for r in process.filter(pl.col("level") == "all")
               .iter_rows(named=True)}
    assert set(overall) == {"contacts_per_week", "first_meeting_days", "caseload",
                            "referral_days"}
    assert all(r["n"] > 0 and r["value"] is not None for r in overall.values())
    costs = pl.read_csv(out / "results" / "costs.csv", infer_schema_length=None)
    years = costs.filter((pl.col("region") != "all") & (pl.col("year") != "all"))
    # the synthetic coaches' person-years keep the caseload within the standard (≤ 20)
    assert years.filter(pl.col("clients_per_fte") > 20).is_empty()
    poh = costs.filter((pl.col("region") == "POH") & (pl.col("year") == "all")).row(
        0, named=True)
    assert poh["funding_eur"] == 344_000  # Ostrobothnia's RRP public funding 2023–2024
