"""The default synthetic study through the ingest: every injected defect in quarantine at the
right level with the right rule (the generator's ``synth_manifest.json`` lists them; the
pipeline itself never reads it), nothing else quarantined, reconciliation for every source and
file, no valid client lost, no identity code anywhere in the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ips_eval.ingest.audit import all_reconciliations, identity_leaks
from ips_eval.synth import MANIFEST
from ips_eval.warehouse import connect
from schemas.codebook import SOURCES


@pytest.fixture(scope="module")
def synth(synthetic_written, pipeline_run):
    """The session's default run (conftest): the default study through `ips-eval run`'s
    ingest → (generator summary, warehouse, the run's manifest, the injected defects)."""
    out, _ = pipeline_run
    run_manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    injected = json.loads((synthetic_written.out_dir / MANIFEST).read_text(encoding="utf-8"))
    return synthetic_written, out / "ips_eval.duckdb", run_manifest, injected["entries"]


def _found(warehouse: Path) -> set[tuple]:
    with connect(warehouse, read_only=True) as con:
        return set(con.execute('SELECT source, file, "row", "column", level, rule '
                               "FROM quarantine.defects").fetchall())


def test_every_injected_defect_is_quarantined_at_its_level_with_its_rule(synth) -> None:
    _, warehouse, _, entries = synth
    injected = {(e["source"], e["file"], e["row"], e["column"], e["level"], e["rule"])
                for e in entries if e["level"] != "none"}
    assert len(injected) >= 40  # every class of the contract, at least once
    assert injected - _found(warehouse) == set()


def test_nothing_else_is_quarantined(synth) -> None:
    """Compared per (file, row, level, rule): a row-level rule may be recorded on more than one
    column of the same row. One such case in the default study: the injected job with a start
    date in 2018 also ends in 2018, so its end date breaks date_before_2019 too; the manifest
    lists the start date only (the contract wants every rule a row broke; the rule matches)."""
    _, warehouse, _, entries = synth
    injected = {(e["source"], e["file"], e["row"], e["level"], e["rule"])
                for e in entries if e["level"] != "none"}
    found = {(s, f, r, lv, ru) for s, f, r, _c, lv, ru in _found(warehouse)}
    assert found - injected == set()


def test_reconciliation_holds_for_every_source_and_file(synth) -> None:
    _, warehouse, manifest, _ = synth
    with connect(warehouse, read_only=True) as con:
        per_file = all_reconciliations(con)
    assert per_file.height == len(manifest["files"])
    assert per_file.filter(~per_file["balanced"]).is_empty()
    assert set(per_file["source"]) == set(SOURCES)
    for s in manifest["sources"].values():
        assert s["rows_read"] == (s["staged"] + s["superseded"] + s["exact_duplicates"]
                                  + s["quarantined_rows"])


def test_no_valid_client_lost_and_superseded_and_duplicates_counted(synth) -> None:
    summary, warehouse, _, entries = synth
    with connect(warehouse, read_only=True) as con:
        clients = con.execute("SELECT cohort, count(*) FROM staging.asiakkaat GROUP BY 1"
                              ).fetchall()
        outcome = dict(((s, f, r), o) for s, f, r, o in con.execute(
            "SELECT o.source, f.file, o.row, o.outcome FROM meta.row_outcomes o "
            "JOIN meta.ingest_files f USING (content_hash)").fetchall())
    assert dict(clients) == summary.clients_per_cohort
    for e in entries:
        if e["rule"] in ("exact_duplicate", "superseded"):
            assert outcome[(e["source"], e["file"], e["row"])] == e["rule"], e


def test_dont_know_99_is_missing_in_staging_and_no_hetu_anywhere(synth) -> None:
    _, warehouse, _, _ = synth
    with connect(warehouse, read_only=True) as con:
        nines = con.execute("SELECT count(*) FROM staging.asiakaskysely WHERE 99 IN "
                            "(mhi1, mhi2, mhi3, mhi4, mhi5, qol1, osal1, was, self_rated_health)"
                            ).fetchall()[0][0]
        leaks = identity_leaks(con)
    assert nines == 0
    assert leaks == []
