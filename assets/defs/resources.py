"""Resources, declared once: the warehouse connection, the study settings, the pseudonym key
and the run's one headless browser for table PNGs. Assets get them
injected; none opens its own connection or reads the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from ips_eval.config import (
    DEFAULT_LABEL_LANGUAGE,
    DEMO_PSEUDONYM_KEY,
    ENV_KEY,
    Settings,
    parse_label_language,
    pseudonym_key_from_env,
)
from ips_eval.publish.tables.browser import PngWriter, SharedPngSession
from ips_eval.warehouse import connect
from schemas.codebook import Lang


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file (contract/OUTPUTS.md)."""

    path: str
    memory_limit: str = "8GB"

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path, memory_limit=self.memory_limit, read_only=read_only) as con:
            yield con


class Study(dg.ConfigurableResource):
    """Where the deliveries are, where outputs land, the cut-offs and the language of the
    Stata/SPSS labels."""

    deliveries_dir: str
    out_dir: str
    cutoff_pilot: str  # ISO dates: Dagster config holds plain values
    cutoff_rrp: str
    label_language: str = DEFAULT_LABEL_LANGUAGE  # fi, sv or en

    @property
    def deliveries(self) -> Path:
        return Path(self.deliveries_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)

    @property
    def label_lang(self) -> Lang:
        """The Stata/SPSS label language, checked (a typo in run config fails here, named)."""
        return parse_label_language(self.label_language)

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


class TablePngs(dg.ConfigurableResource):
    """One headless browser for every table PNG of a run: started by the first table that
    needs it, closed when the run ends (``teardown_after_execution``)."""

    _session: SharedPngSession | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._session = SharedPngSession()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._session is not None:
            self._session.close()

    def writer(self) -> PngWriter | None:
        """The run's PNG writer, or None when no browser is installed."""
        if self._session is None:  # used outside a run: a session of its own
            self._session = SharedPngSession()
        return self._session.writer()


def resources_for(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(path=str(settings.warehouse_path),
                               memory_limit=settings.duckdb_memory_limit),
        "study": Study(
            deliveries_dir=str(settings.deliveries_dir),
            out_dir=str(settings.out_dir),
            cutoff_pilot=settings.cutoffs["pilot"].isoformat(),
            cutoff_rrp=settings.cutoffs["rrp"].isoformat(),
            label_language=settings.label_language,
        ),
        "pseudonymiser": Pseudonymiser(),
        "table_pngs": TablePngs(),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=resources_for(Settings.from_env()))
