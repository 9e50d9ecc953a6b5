"""Resources, declared once: the warehouse connection and the study settings. Assets get them
injected; none opens its own connection or reads the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from ips_eval.config import DEMO_PSEUDONYM_KEY, ENV_KEY, Settings, pseudonym_key_from_env
from ips_eval.warehouse import connect


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file (contract/OUTPUTS.md)."""

    path: str
    memory_limit: str = "8GB"

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path, memory_limit=self.memory_limit, read_only=read_only) as con:
            yield con


class Study(dg.ConfigurableResource):
    """Where the deliveries are, where outputs land, the cut-offs and the pseudonym key."""

    deliveries_dir: str
    out_dir: str
    cutoff_pilot: str  # ISO dates: Dagster config holds plain values
    cutoff_rrp: str

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


class Pseudonymiser(dg.ConfigurableResource):
    """The HMAC key for pids. Only the environment variable's *name* is config, so the key never
    shows in the Dagster UI or run config. Without the variable only the built-in synthetic study
    may run, with the public demo key (said to be used); any other delivery folder is refused
    (``ips_eval.config.KeyRefused``) before a row is read."""

    key_env: str = ENV_KEY

    def key_for(self, deliveries: Path) -> bytes:
        return pseudonym_key_from_env(deliveries, self.key_env).encode("utf-8")

    def uses_demo_key_for(self, deliveries: Path) -> bool:
        return pseudonym_key_from_env(deliveries, self.key_env) == DEMO_PSEUDONYM_KEY


def resources_for(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(path=str(settings.warehouse_path),
                               memory_limit=settings.duckdb_memory_limit),
        "study": Study(
            deliveries_dir=str(settings.deliveries_dir),
            out_dir=str(settings.out_dir),
            cutoff_pilot=settings.cutoffs["pilot"].isoformat(),
            cutoff_rrp=settings.cutoffs["rrp"].isoformat(),
        ),
        "pseudonymiser": Pseudonymiser(),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=resources_for(Settings.from_env()))
