"""The publication tables: for each, the warehouse tables it is built from, its builder and the
Dagster assets upstream of it — and :func:`publish_table`, which loads the inputs, builds the
table in fi/sv/en and writes every format. ``assets/defs/tables.py`` makes one asset per entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.publish.tables.attachment import build_attachment, build_jobs_per_client
from ips_eval.publish.tables.baseline import build_baseline
from ips_eval.publish.tables.browser import PngWriter
from ips_eval.publish.tables.common import (
    DeliverySet,
    PublishedTable,
    delivery_set,
    no_data_table,
    value_label,
)
from ips_eval.publish.tables.competing import build_competing
from ips_eval.publish.tables.costs import build_costs
from ips_eval.publish.tables.employer import build_employer_survey
from ips_eval.publish.tables.employment import build_cox, build_employment, build_tenure
from ips_eval.publish.tables.logit import build_logit
from ips_eval.publish.tables.quarterly import build_quarterly
from ips_eval.publish.tables.regions import build_regions
from ips_eval.publish.tables.register import build_register
from ips_eval.publish.tables.register_effect import (
    build_register_balance,
    build_register_effect,
    build_register_effect_subgroups,
    build_register_effect_tests,
    build_transitions,
)
from ips_eval.publish.tables.scores import build_change, build_mixed
from ips_eval.publish.tables.standards import build_fidelity_items, build_process
from ips_eval.publish.tables.surveys import build_attrition, build_satisfaction, build_situation
from ips_eval.publish.tables.transition_model import build_transition_model
from ips_eval.publish.tables.writer import hidden_cells, write_table
from schemas.codebook import LANGS, Lang
from schemas.table_text import TEXT, text
from schemas.windows import HORIZONS_DEFAULT

Frames = dict[str, pl.DataFrame | None]
Builder = Callable[[Frames, str, DeliverySet], PublishedTable]


@dataclass(frozen=True)
class TableSpec:
    name: str
    inputs: tuple[str, ...]  # warehouse tables ("results.km"), all required
    build: Builder
    optional: tuple[str, ...] = ()  # used when present

    @property
    def upstream(self) -> tuple[str, ...]:
        """Asset keys (``results/km``) of the inputs."""
        return tuple(t.replace(".", "/") for t in (*self.inputs, *self.optional))


# The publication's tables in report order: the order numbers them (Table 1, 2, …) and orders
# the report page and out/report/tables_<lang>.docx.
TABLES: tuple[TableSpec, ...] = (
    TableSpec("baseline", ("results.baseline",),
              lambda f, lang, s: build_baseline(f["results.baseline"], lang, s)),
    TableSpec("employment", ("results.headline", "results.km", "results.employment_comparison"),
              lambda f, lang, s: build_employment(f["results.headline"], f["results.km"],
                                                  f["results.employment_comparison"], lang, s,
                                                  f.get("results.competing")),
              optional=("results.competing",)),
    TableSpec("attachment", ("results.attachment",),
              lambda f, lang, s: build_attachment(f["results.attachment"], lang, s)),
    TableSpec("jobs_per_client", ("results.jobs_per_client",),
              lambda f, lang, s: build_jobs_per_client(f["results.jobs_per_client"], lang, s)),
    TableSpec("quarterly", ("results.quarterly",),
              lambda f, lang, s: build_quarterly(f["results.quarterly"], lang, s)),
    TableSpec("tenure", ("results.km", "results.rmst"),
              lambda f, lang, s: build_tenure(f["results.km"], f["results.rmst"], lang, s)),
    TableSpec("cox", ("results.cox",),
              lambda f, lang, s: build_cox(f["results.cox"], lang, s)),
    TableSpec("competing", ("results.competing",),
              lambda f, lang, s: build_competing(f["results.competing"], lang, s)),
    TableSpec("logit", ("results.logit",),
              lambda f, lang, s: build_logit(f["results.logit"], lang, s)),
    TableSpec("change", ("results.change",),
              lambda f, lang, s: build_change(f["results.change"], lang, s)),
    TableSpec("mixed", ("results.mixed",),
              lambda f, lang, s: build_mixed(f["results.mixed"], lang, s)),
    TableSpec("attrition", ("results.attrition",),
              lambda f, lang, s: build_attrition(f["results.attrition"], lang, s)),
    TableSpec("situation", ("results.situation",),
              lambda f, lang, s: build_situation(f["results.situation"], lang, s)),
    TableSpec("satisfaction", ("results.satisfaction",),
              lambda f, lang, s: build_satisfaction(f["results.satisfaction"], lang, s)),
    TableSpec("regions", ("results.team_outcomes",),
              lambda f, lang, s: build_regions(f["results.team_outcomes"],
                                               f.get("results.quarterly"), lang, s),
              optional=("results.quarterly",)),
    TableSpec("register", ("results.register",),
              lambda f, lang, s: build_register(f["results.register"], lang, s)),
    TableSpec("register_effect", ("results.register_effect",),
              lambda f, lang, s: build_register_effect(f["results.register_effect"], lang, s)),
    TableSpec("register_effect_tests", ("results.register_effect_tests",
                                        "results.register_effect", "results.register_balance"),
              lambda f, lang, s: build_register_effect_tests(
                  f["results.register_effect_tests"], f["results.register_effect"],
                  f["results.register_balance"], lang, s)),
    TableSpec("register_effect_subgroups", ("results.register_effect_subgroups",),
              lambda f, lang, s: build_register_effect_subgroups(
                  f["results.register_effect_subgroups"], lang, s)),
    TableSpec("register_balance", ("results.register_balance",),
              lambda f, lang, s: build_register_balance(f["results.register_balance"], lang, s)),
    TableSpec("transitions", ("results.transitions",),
              lambda f, lang, s: build_transitions(f["results.transitions"], lang, s)),
    TableSpec("transition_model", ("results.transition_model",),
              lambda f, lang, s: build_transition_model(f["results.transition_model"], lang, s)),
    TableSpec("employer_survey", ("results.employer_survey",),
              lambda f, lang, s: build_employer_survey(f["results.employer_survey"], lang, s)),
    TableSpec("process", ("results.process",),
              lambda f, lang, s: build_process(f["results.process"], lang, s)),
    TableSpec("fidelity_items", ("results.fidelity_items",),
              lambda f, lang, s: build_fidelity_items(
                  f["results.fidelity_items"], f.get("results.fidelity_cox"), lang, s,
                  f.get("results.fidelity_trend")),
              optional=("results.fidelity_cox", "results.fidelity_trend")),
    TableSpec("costs", ("results.costs",),
              lambda f, lang, s: build_costs(f["results.costs"], lang, s)),
)
TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)


def table_spec(name: str) -> TableSpec:
    for spec in TABLES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLE_NAMES)}")


def table_number(name: str) -> int:
    """The table's number in the publication: its place in :data:`TABLES`."""
    return TABLE_NAMES.index(table_spec(name).name) + 1


class MissingInput(RuntimeError):
    """A table's input is not in the warehouse (its upstream asset has not run)."""


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def read_warehouse_table(con: duckdb.DuckDBPyConnection, qualified: str) -> pl.DataFrame | None:
    """``schema.table`` from the warehouse as a polars frame, or None when it does not exist.
    Names come from this module's constants, never from data (checked anyway: identifiers
    cannot be bound as parameters)."""
    schema, _, name = qualified.partition(".")
    if not (_IDENTIFIER.match(schema) and _IDENTIFIER.match(name)):
        raise ValueError(f"not a warehouse table name: {qualified!r}")
    found = con.execute("SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = ? AND table_name = ?", [schema, name]).fetchall()
    if not found or not found[0][0]:
        return None
    return con.sql(f'SELECT * FROM {schema}."{name}"').pl()


def load_inputs(spec: TableSpec, con: duckdb.DuckDBPyConnection) -> Frames:
    frames: Frames = {}
    for qualified in spec.inputs:
        frame = read_warehouse_table(con, qualified)
        if frame is None:
            raise MissingInput(f"table {spec.name!r} needs {qualified}, which is not in the "
                               f"warehouse: materialise {qualified.replace('.', '/')} first")
        frames[qualified] = frame
    for qualified in spec.optional:
        frames[qualified] = read_warehouse_table(con, qualified)
    return frames


@dataclass
class TableRun:
    """What publishing one table did, for the asset's metadata."""

    name: str
    files: list[Path]
    rows: int
    hidden_cells: dict[str, int]
    preview: pl.DataFrame


def _without_unfitted(frames: Frames, lang: Lang) -> tuple[Frames, list[str]]:
    """The inputs without the rows of models that were not fitted (``not_fitted``, written by
    ``ips_eval.outputs.fit_or_reason``), and a note per such model saying why."""
    kept: Frames = {}
    notes: list[str] = []
    for name, frame in frames.items():
        if frame is None or "not_fitted" not in frame.columns:
            kept[name] = frame
            continue
        for r in frame.filter(pl.col("not_fitted").is_not_null()).iter_rows(named=True):
            what = (value_label("param", r["param"], lang) if r.get("param")
                    else r.get("instrument") or text("model", lang))
            notes.append(text(f"not_fitted_{r['not_fitted']}", lang, what=what,
                              detail=r.get("note") or ""))
        kept[name] = frame.filter(pl.col("not_fitted").is_null())
    return kept, notes


def build_or_no_data(spec: TableSpec, frames: Frames, lang: Lang,
                     source: DeliverySet) -> PublishedTable:
    """The table as its builder makes it — or, when its inputs hold no rows yet (an early
    delivery: no follow-up, no jobs, no registers), the table with one line saying there are
    no data yet; models that were not fitted are left out with a note saying why. The one
    place every table gets this, rather than each builder on its own."""
    frames, unfitted = _without_unfitted(frames, lang)
    if all(frames[q] is None or frames[q].height == 0 for q in spec.inputs):
        try:
            table = spec.build(frames, lang, source)
        except Exception:  # noqa: BLE001 — a builder need not handle "nothing at all"
            key = f"{spec.name}_title"
            title = TEXT[key](lang) if key in TEXT else spec.name
            table = no_data_table(spec.name, lang, title, source.note(lang))
    else:
        table = spec.build(frames, lang, source)
    if not table.has_rows:
        table = table.without_data()
    table.notes = [*table.notes, *unfitted]
    return table


def publish_table(name: str, con: duckdb.DuckDBPyConnection, out_dir: Path,
                  cutoffs: dict[str, date], png: PngWriter | None,
                  wait_for_png: bool = True,
                  horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> TableRun:
    """Build table ``name`` in every language and write all its formats. With
    ``wait_for_png=False`` the PNGs are left queued with ``png`` (``png.drain()`` waits)."""
    spec = table_spec(name)
    frames = load_inputs(spec, con)
    source = delivery_set(out_dir, cutoffs, horizons)
    files: list[Path] = []
    hidden: dict[str, int] = {}
    preview = pl.DataFrame()
    for lang in LANGS:
        table = build_or_no_data(spec, frames, lang, source)
        table.number = table_number(name)
        files += write_table(table, out_dir, png).values()
        hidden[lang] = hidden_cells(table)
        if lang == "en":
            preview = table.csv_frame()
    if png is not None and wait_for_png:
        png.drain()
    return TableRun(name, files, preview.height, hidden, preview)
