"""Resources, declared once and built from one ``Settings``: the warehouse connection, the
study settings and the pseudonym key. ``assets.definitions.build_defs(settings)`` hands them to
the Definitions; assets get them injected and none opens its own connection or reads the
environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from ips_eval.config import DEMO_PSEUDONYM_KEY, Settings
from ips_eval.warehouse import connect


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file (contract/OUTPUTS.md)."""

    path: str
    memory_limit: str = "8GB"
    threads: int | None = None  # None: DuckDB's default

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path, memory_limit=self.memory_limit, threads=self.threads,
                     read_only=read_only) as con:
            yield con


class Study(dg.ConfigurableResource):
    """Where the deliveries are, where outputs land, the cut-offs, and the ``ips-eval run``
    the outputs belong to (empty for a run started from the UI: its Dagster run id is used)."""

    deliveries_dir: str
    out_dir: str
    cutoff_pilot: str  # ISO dates: Dagster config holds plain values
    cutoff_rrp: str
    run_id: str = ""

    @property
    def deliveries(self) -> Path:
        return Path(self.deliveries_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)

    @property
    def cutoffs(self) -> dict[str, date]:
        return {"pilot": date.fromisoformat(self.cutoff_pilot),
                "rrp": date.fromisoformat(self.cutoff_rrp)}

    def out_path(self, *parts: str) -> Path:
        """A path under the output folder, its parent created."""
        path = self.out.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


@dataclass(frozen=True)
class Pseudonymiser:
    """The HMAC key for pids. A plain object handed in as a resource (assets take it as
    ``dg.ResourceParam[Pseudonymiser]``), not Dagster config: the key never shows in the
    Dagster UI, its run config or a repr. The embedded default's demo key is used, and said to
    be used, when no key is set."""

    secret: str = DEMO_PSEUDONYM_KEY

    def __repr__(self) -> str:
        return "Pseudonymiser(<key hidden>)"

    @property
    def key(self) -> bytes:
        return self.secret.encode("utf-8")

    @property
    def uses_demo_key(self) -> bool:
        return self.secret == DEMO_PSEUDONYM_KEY


def resources_for(settings: Settings, run_id: str = "") -> dict[str, object]:
    """Every resource of the graph, from one ``Settings`` (and the id of the run)."""
    return {
        "warehouse": Warehouse(path=str(settings.warehouse_path),
                               memory_limit=settings.duckdb_memory_limit,
                               threads=settings.duckdb_threads),
        "study": Study(
            deliveries_dir=str(settings.deliveries_dir),
            out_dir=str(settings.out_dir),
            cutoff_pilot=settings.cutoffs["pilot"].isoformat(),
            cutoff_rrp=settings.cutoffs["rrp"].isoformat(),
            run_id=run_id,
        ),
        "pseudonymiser": Pseudonymiser(settings.pseudonym_key),
    }
