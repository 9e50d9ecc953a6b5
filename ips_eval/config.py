"""Run settings: where deliveries are read from, where outputs land, the cut-offs, the
pseudonym key and DuckDB's limits. This module is the one reader of the environment (for
``dagster dev``'s start and as the CLI's defaults); the CLI builds ``Settings`` from its options
and the resources from those (``assets.definitions.build_defs``). Nothing writes the
environment, and no asset reads it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from schemas.windows import DEFAULT_CUTOFFS

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The embedded default's key. Real runs set IPS_EVAL_PSEUDONYM_KEY in the secure environment;
# with this key pids are reproducible by anyone and the run says so.
DEMO_PSEUDONYM_KEY = "ips-eval-demo-key-not-secret"

ENV_DELIVERIES = "IPS_EVAL_DELIVERIES"
ENV_OUT = "IPS_EVAL_OUT"
ENV_CUTOFFS = "IPS_EVAL_CUTOFFS"  # e.g. "pilot=2023-06-30,rrp=2024-12-31"
ENV_KEY = "IPS_EVAL_PSEUDONYM_KEY"
ENV_MEMORY = "IPS_EVAL_DUCKDB_MEMORY"  # DuckDB memory_limit, e.g. "8GB"
ENV_THREADS = "IPS_EVAL_DUCKDB_THREADS"  # DuckDB threads; unset = DuckDB's default (all cores)


class SettingsError(ValueError):
    """A setting that cannot work (a bad date, a folder that is not a delivery folder): the CLI
    prints it as one line and stops before doing anything."""


def parse_cutoffs(text: str) -> dict[str, date]:
    """``"pilot=2023-06-30,rrp=2024-12-31"`` → {cohort: date}; unknown cohorts are an error."""
    cutoffs = dict(DEFAULT_CUTOFFS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        cohort, _, value = part.partition("=")
        cohort = cohort.strip()
        if cohort not in DEFAULT_CUTOFFS:
            raise SettingsError(f"unknown cohort {cohort!r} in cut-offs {text!r} "
                                "(expected pilot=YYYY-MM-DD,rrp=YYYY-MM-DD)")
        try:
            cutoffs[cohort] = date.fromisoformat(value.strip())
        except ValueError:
            raise SettingsError(f"cut-off {part!r} is not a date (expected {cohort}=YYYY-MM-DD, "
                                "a real calendar day)") from None
    return cutoffs


@dataclass(frozen=True)
class Settings:
    deliveries_dir: Path
    out_dir: Path
    cutoffs: dict[str, date] = field(default_factory=lambda: dict(DEFAULT_CUTOFFS))
    pseudonym_key: str = DEMO_PSEUDONYM_KEY
    duckdb_memory_limit: str = "8GB"
    duckdb_threads: int | None = None  # None: DuckDB's default

    @property
    def uses_demo_key(self) -> bool:
        return self.pseudonym_key == DEMO_PSEUDONYM_KEY

    @property
    def warehouse_path(self) -> Path:
        return self.out_dir / "ips_eval.duckdb"

    @classmethod
    def from_env(cls) -> Settings:
        out_dir = Path(os.environ.get(ENV_OUT, PROJECT_ROOT / "out"))
        deliveries = Path(os.environ.get(ENV_DELIVERIES, default_deliveries_dir()))
        return cls(
            deliveries_dir=deliveries,
            out_dir=out_dir,
            cutoffs=parse_cutoffs(os.environ.get(ENV_CUTOFFS, "")),
            pseudonym_key=pseudonym_key_from_env(),
            duckdb_memory_limit=os.environ.get(ENV_MEMORY, "8GB"),
            duckdb_threads=_threads(os.environ.get(ENV_THREADS, "")),
        )


def _threads(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or int(text) < 1:
        raise SettingsError(f"{ENV_THREADS}={text!r}: expected a whole number ≥ 1")
    return int(text)


def pseudonym_key_from_env(variable: str = ENV_KEY) -> str:
    """The HMAC key for pids: the variable's value, or the public demo key when it is unset."""
    return os.environ.get(variable) or DEMO_PSEUDONYM_KEY


def default_deliveries_dir() -> Path:
    """Where the embedded default writes its synthetic deliveries: outside ``out/``, because
    deliveries carry (synthetic) identity codes and nothing under ``out/`` may."""
    return PROJECT_ROOT / "data" / "synthetic"


def check_deliveries(folder: Path) -> None:
    """Stop at once on a folder that is not a delivery folder (contract/DELIVERIES.md): missing,
    without any of the sources' subfolders, or without a single file in them. A delivery with
    some sources only (the enrolment forms of a new region) is fine."""
    from schemas.codebook import SOURCES

    expected = [src.name for src in SOURCES.values()]
    if not folder.is_dir():
        raise SettingsError(f"no delivery folder at {folder}")
    present = [name for name in expected if (folder / name).is_dir()]
    if not present:
        raise SettingsError(f"{folder} is not a delivery folder: none of the source subfolders "
                            f"({', '.join(expected)}) is there")
    if not any(p.is_file() and not p.name.startswith(".")
               for name in present for p in (folder / name).iterdir()):
        raise SettingsError(f"{folder} holds no delivery files: its source subfolders "
                            f"({', '.join(present)}) are empty")


def check_writable(folder: Path) -> None:
    """Stop at once when the output folder cannot be created or written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".ips_eval_write_test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SettingsError(f"cannot write to the output folder {folder}: "
                            f"{exc.strerror or exc}") from None
