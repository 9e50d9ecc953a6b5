"""write_study: simulate, cut into deliveries, spoil some of them, write files and manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ips_eval.config import SYNTHETIC_FIELD, SYNTHETIC_MARKER
from ips_eval.synth.calibration import HeadlineCount, assert_calibrated
from ips_eval.synth.contacts import simulate_contacts
from ips_eval.synth.costs import inject_cost_and_contact_defects, simulate_costs
from ips_eval.synth.counterfactual import (
    background_jobs,
    client_like_registers,
    planted_effect,
    register_jobs,
)
from ips_eval.synth.damage import damage_files, finish_marks
from ips_eval.synth.defects import choose_invalid_hetu_clients, inject_defects
from ips_eval.synth.deliveries import (
    World,
    add_corrections,
    mark_overlapping_jobs,
    region_deliveries,
    register_deliveries,
)
from ips_eval.synth.employers import employer_pools
from ips_eval.synth.fidelity import simulate_reviews
from ips_eval.synth.jobs import simulate_careers
from ips_eval.synth.plan import ALL_SOURCES, REGIONS, REGISTER_CSV, REGISTER_EXTRACTS
from ips_eval.synth.population import simulate_clients, team_coaches
from ips_eval.synth.registers import client_registers
from ips_eval.synth.surveys import simulate_client_survey, simulate_employer_survey
from ips_eval.synth.tables import DeliveryFile
from ips_eval.synth.writers import file_bytes
from schemas.study import COHORTS

MANIFEST = SYNTHETIC_MARKER
# General-population comparison persons by default; with the client-like persons
# (counterfactual.py, 8 per linked client) the register comparison group is about 20,000.
DEFAULT_COMPARISON_PERSONS = 11_000

# Independent random streams: changing how one part draws leaves the others as they were.
STREAMS = ("population", "employers", "careers", "contacts", "surveys", "fidelity",
           "registers", "corrections", "defects", "damage", "bytes", "counterfactual", "costs",
           "costs_defects", "background")


@dataclass(frozen=True)
class SynthSummary:
    """What write_study wrote."""

    out_dir: Path
    seed: int
    defect_rate: float
    files: tuple[str, ...]  # paths within out_dir, sorted
    rows_per_source: dict[str, int]  # data rows written, defect rows included (no comparison)
    clients_per_cohort: dict[str, int]  # calibrated clients, defect-only rows excluded
    clients_per_region: dict[str, int]
    headline: tuple[HeadlineCount, ...]  # recounted from the clean delivery tables
    manifest: Path
    defects_injected: int  # manifest entries at level file, row or field
    comparison_persons: int = 0
    comparison_rows: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        cohorts = ", ".join(f"{k} {v}" for k, v in self.clients_per_cohort.items())
        figures = "; ".join(f"{h.cohort} {h.started} started / {h.employed} employed by "
                            f"{h.cutoff:%d.%m.%Y}" for h in self.headline)
        lines = [
            f"{len(self.files)} delivery files in {self.out_dir} (seed {self.seed}, "
            f"defect rate {self.defect_rate})",
            f"clients: {cohorts}; headline: {figures}",
            "rows: " + ", ".join(f"{k} {v:,}" for k, v in self.rows_per_source.items()),
            f"manifest: {self.manifest} ({self.defects_injected} defects)",
        ]
        if self.comparison_persons:
            lines.append(f"comparison group: {self.comparison_persons:,} persons, "
                         + ", ".join(f"{k} {v:,} rows" for k, v in self.comparison_rows.items()))
        return "\n".join(lines)


def _streams(seed: int) -> dict[str, np.random.Generator]:
    return {name: np.random.default_rng([seed, i]) for i, name in enumerate(STREAMS)}


def _prepare(out_dir: Path) -> None:
    """Create the folder; clear an earlier synthetic study in it, never anything else."""
    out_dir.mkdir(parents=True, exist_ok=True)
    existing = [p for s in ALL_SOURCES if (out_dir / s).is_dir()
                for p in (out_dir / s).iterdir() if p.is_file()]
    if existing and not (out_dir / MANIFEST).is_file():
        raise FileExistsError(
            f"{out_dir} already holds delivery files that are not a synthetic study; "
            "choose an empty folder")
    for p in existing:
        p.unlink()
    for source in ALL_SOURCES:
        (out_dir / source).mkdir(parents=True, exist_ok=True)


def simulate_world(seed: int, rate: float) -> tuple[World, set[str]]:
    """The study's truth (people, jobs, answers, registers) before any delivery is cut."""
    rng = _streams(seed)
    clients = simulate_clients(rng["population"])
    coaches = team_coaches()
    sizes = {r: sum(c.region == r for c in clients) for r in REGIONS}
    pools = employer_pools(rng["employers"], sizes)
    jobs = simulate_careers(rng["careers"], clients, pools)
    invalid_hetu = choose_invalid_hetu_clients(rng["defects"], clients, rate)
    linkable = {c.code for c in clients if c.consent and c.code not in invalid_hetu}
    taken = {e.ytunnus for pool in pools.values() for e in pool}
    background = background_jobs(rng["background"], clients, linkable, taken)
    periods, pay = client_registers(rng["registers"], clients,
                                    register_jobs(clients, jobs, background), linkable)
    like_periods, like_pay, like_hetus = client_like_registers(rng["counterfactual"], clients,
                                                               background, linkable)
    world = World(
        clients=clients, jobs=jobs,
        contacts=simulate_contacts(rng["contacts"], clients, jobs, coaches, pools),
        client_survey=simulate_client_survey(rng["surveys"], clients, jobs),
        employer_survey=simulate_employer_survey(rng["surveys"], clients, jobs),
        reviews=simulate_reviews(rng["fidelity"], clients, coaches),
        periods=periods + like_periods, pay=pay + like_pay, linkable=linkable,
        client_like=frozenset(like_hetus), client_like_of=like_hetus, background=background,
        costs=simulate_costs(rng["costs"], clients, coaches),
    )
    return world, invalid_hetu


def build_deliveries(seed: int, rate: float) -> tuple[World, list[DeliveryFile]]:
    """Every delivery file in memory, defects and manifest marks included."""
    rng = _streams(seed)
    world, invalid_hetu = simulate_world(seed, rate)
    files = region_deliveries(world) + register_deliveries(world)
    add_corrections(rng["corrections"], files)
    mark_overlapping_jobs(files)
    damage_files(rng["damage"], files, rate)
    if rate > 0:
        inject_defects(rng["defects"], world, files, rate, invalid_hetu)
        inject_cost_and_contact_defects(rng["costs_defects"], files, rate)
    finish_marks(files)
    return world, sorted(files, key=lambda f: f.path)


def manifest_entries(files: list[DeliveryFile]) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for f in files:
        def entry(m, row: int | None, f: DeliveryFile = f) -> dict[str, object]:
            return {"source": f.source, "file": f.path, "row": row, "column": m.column,
                    "level": m.level, "rule": m.rule, "class": m.defect_class,
                    "value": m.value, "note": m.note}
        entries += [entry(m, None) for m in f.marks]
        for n, row in enumerate(f.rows, start=1):
            entries += [entry(m, n) for m in row.marks]
    return entries


def write_study(out_dir: Path, seed: int = 20240430, defects: float = 0.02,
                comparison_persons: int = DEFAULT_COMPARISON_PERSONS,
                progress: Callable[[str], None] | None = None) -> SynthSummary:
    """Write a complete synthetic delivery folder (docs/methods.md §Sources and deliveries) and its
    manifest.

    Same seed, rate and comparison size give byte-identical files. `defects` = 0 gives a clean
    study (no file, row or field defects; the non-defect records stay). `comparison_persons`
    adds register rows for persons who are not clients, streamed in chunks.
    """
    if not 0.0 <= defects <= 1.0:
        raise ValueError(f"defects must be a rate between 0 and 1, not {defects}")
    if comparison_persons < 0:
        raise ValueError("comparison_persons must be 0 or more")
    say = progress or (lambda _message: None)
    out_dir = Path(out_dir)
    say(f"simulating the study (seed {seed}, defect rate {defects})")
    world, files = build_deliveries(seed, defects)
    headline = assert_calibrated(files)
    _prepare(out_dir)
    say(f"writing {len(files)} delivery files to {out_dir}")
    rows = _write_files(out_dir, files, seed)
    entries = manifest_entries(files)
    manifest = _write_manifest(out_dir, seed, defects, comparison_persons, entries,
                               planted_effect(world.clients,
                                              register_jobs(world.clients, world.jobs, {}),
                                              world.linkable, world.background, world.periods,
                                              world.pay, world.client_like_of))
    say(f"wrote {len(files)} files and {len(entries)} manifest entries")
    summary = SynthSummary(
        out_dir=out_dir, seed=seed, defect_rate=defects,
        files=tuple(f.path for f in files), rows_per_source=rows,
        clients_per_cohort={k: sum(c.cohort == k for c in world.clients)
                            for k in COHORTS},
        clients_per_region={r: sum(c.region == r for c in world.clients) for r in REGIONS},
        headline=tuple(headline), manifest=manifest,
        defects_injected=sum(e["level"] != "none" for e in entries),
    )
    del world, files, entries  # the comparison group streams in memory bounded by its chunk
    if not comparison_persons:
        return summary
    from ips_eval.synth.comparison import append_comparison_group  # polars only for this

    last = REGISTER_EXTRACTS[-1]
    added = append_comparison_group(
        out_dir / f"rekisterit/kela/{last:%Y-%m-%d}_kela.csv",
        out_dir / f"rekisterit/tulorekisteri/{last:%Y-%m-%d}_tulorekisteri.csv",
        comparison_persons, seed, REGISTER_CSV["rekisterit/kela"],
        REGISTER_CSV["rekisterit/tulorekisteri"], say)
    return replace(summary, comparison_persons=comparison_persons, comparison_rows={
        "rekisterit/kela": added.kela_rows, "rekisterit/tulorekisteri": added.pay_rows})


def _write_files(out_dir: Path, files: list[DeliveryFile], seed: int) -> dict[str, int]:
    byte_rng = _streams(seed)["bytes"]  # the garbage file's bytes
    rows: dict[str, int] = {s: 0 for s in ALL_SOURCES}
    for f in files:
        (out_dir / f.path).write_bytes(file_bytes(f, byte_rng))
        rows[f.source] += 0 if f.damage in ("empty", "garbage") else len(f.rows)
    return rows


def _write_manifest(out_dir: Path, seed: int, defects: float, comparison_persons: int,
                    entries: list[dict[str, object]], planted: dict[str, object]) -> Path:
    manifest = out_dir / MANIFEST
    manifest.write_text(json.dumps({
        # the first field, so that a run finds it without reading the whole file: this folder
        # is the built-in synthetic study, the one place the public demo key may be used
        SYNTHETIC_FIELD: True,
        "generator": "ips_eval.synth", "seed": seed, "defect_rate": defects,
        "comparison_persons": comparison_persons,
        "planted_effect": planted,
        "note": "Synthetic study. Rows are 1-based data rows (header excluded); row null = the "
                "whole file or column. Identity codes are masked. The pipeline never reads "
                "this file.",
        "entries": entries,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest
