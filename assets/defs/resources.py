"""Resources, declared once and built from one ``Settings``: the warehouse connection, the
study settings, the pseudonym key and the run's one headless browser for table PNGs.
``assets.definitions.build_defs(settings)`` hands them to the Definitions; assets get them
injected and none opens its own connection or reads the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr, field_validator

from ips_eval.config import (
    DEFAULT_LABEL_LANGUAGE,
    DEFAULT_MEMORY_LIMIT,
    Settings,
    check_threads,
    is_demo_key,
    parse_label_language,
    parse_memory_limit,
    study_key,
)
from ips_eval.publish.tables.browser import PngWriter, SharedPngSession
from ips_eval.warehouse import connect
from schemas.codebook import Lang
from schemas.study import parse_cutoffs
from schemas.windows import HORIZONS_DEFAULT, REGISTER_HISTORY_DEFAULT, check_horizons


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file (docs/outputs.md)."""

    path: str
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int | None = None  # None: DuckDB's default

    # the launchpad can edit a run's resource config: the same strict forms as the CLI's, so a
    # value that is not a size or a thread count is refused before the run starts
    @field_validator("memory_limit")
    @classmethod
    def _memory_limit(cls, value: str) -> str:
        return parse_memory_limit(value, "warehouse.memory_limit")

    @field_validator("threads")
    @classmethod
    def _threads(cls, value: int | None) -> int | None:
        return check_threads(value, "warehouse.threads")

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path, memory_limit=self.memory_limit, threads=self.threads,
                     read_only=read_only) as con:
            yield con


class Study(dg.ConfigurableResource):
    """Where the deliveries are, where outputs land, the cut-offs, the language of the
    Stata/SPSS labels, and the ``ips-eval run`` the outputs belong to (empty for a run started
    from the UI: its Dagster run id is used)."""

    deliveries_dir: str
    out_dir: str
    # cohort → ISO date (Dagster config holds plain values); a cohort not named has the
    # study's default cut-off (schemas/study.py)
    cutoff: dict[str, str] = {}
    label_language: str = DEFAULT_LABEL_LANGUAGE  # fi, sv or en
    register_history: int = REGISTER_HISTORY_DEFAULT  # H, months (docs/methods.md)
    # the follow-up horizons in months (schemas/windows.py; docs/methods.md §Windows and cut-offs)
    horizons: list[int] = list(HORIZONS_DEFAULT)
    run_id: str = ""

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
    def horizon_months(self) -> tuple[int, ...]:
        """The horizons, checked (a wrong value in run config fails here, named)."""
        return check_horizons(self.horizons)

    @property
    def cutoffs(self) -> dict[str, date]:
        return parse_cutoffs(",".join(f"{c}={d}" for c, d in self.cutoff.items()))

    def out_path(self, *parts: str) -> Path:
        """A path under the output folder, its parent created."""
        path = self.out.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


@dataclass(frozen=True)
class Pseudonymiser:
    """The HMAC key for pids. A plain object handed in as a resource (assets take it as
    ``dg.ResourceParam[Pseudonymiser]``), not Dagster config: the key never shows in the
    Dagster UI, its run config or a repr. Without a key (``secret`` None) only the built-in
    synthetic study may run, with the public demo key (said to be used); any other delivery
    folder is refused (``ips_eval.config.KeyRefused``) before a row is read."""

    secret: str | None = None  # None: not given (the demo key, for the synthetic study only)

    def __repr__(self) -> str:
        return "Pseudonymiser(<key hidden>)"

    def key_for(self, deliveries: Path) -> bytes:
        return study_key(deliveries, self.secret).encode("utf-8")

    def uses_demo_key_for(self, deliveries: Path) -> bool:
        return is_demo_key(study_key(deliveries, self.secret))


class TablePngs(dg.ConfigurableResource):
    """One headless browser for every table PNG of a run: started by the first table that
    needs it, closed when the run ends (``teardown_after_execution``)."""

    _session: SharedPngSession | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._session = SharedPngSession()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._session is not None:
            self._session.close()

    def drain(self) -> None:
        """Wait for every table PNG queued in this run (raises naming any not written)."""
        if self._session is not None:
            self._session.drain()

    def writer(self) -> PngWriter | None:
        """The run's PNG writer, or None when no browser is installed."""
        if self._session is None:  # used outside a run: a session of its own
            self._session = SharedPngSession()
        return self._session.writer()


def resources_for(settings: Settings, run_id: str = "") -> dict[str, object]:
    """Every resource of the graph, from one ``Settings`` (and the id of the run)."""
    return {
        "warehouse": Warehouse(path=str(settings.warehouse_path),
                               memory_limit=settings.duckdb_memory_limit,
                               threads=settings.duckdb_threads),
        "study": Study(
            deliveries_dir=str(settings.deliveries_dir),
            out_dir=str(settings.out_dir),
            cutoff={c: d.isoformat() for c, d in settings.cutoffs.items()},
            label_language=settings.label_language,
            register_history=settings.register_history,
            horizons=list(settings.horizons),
            run_id=run_id,
        ),
        "pseudonymiser": Pseudonymiser(settings.pseudonym_key),
        "table_pngs": TablePngs(),
    }
