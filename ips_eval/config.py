"""Run settings: where deliveries are read from, where outputs land, the cut-offs, the
pseudonym key, DuckDB's limits and the language of the Stata/SPSS labels. This module is the
one reader of the environment (for ``dagster dev``'s start and as the CLI's defaults); the CLI
builds ``Settings`` from its options and the resources from those
(``assets.definitions.build_defs``). Nothing writes the environment, and no asset reads it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from schemas.codebook import LANGS, Lang
from schemas.study import STUDY
from schemas.study import parse_cutoffs as study_cutoffs
from schemas.windows import (
    HORIZONS_DEFAULT,
    REGISTER_HISTORY_CHOICES,
    REGISTER_HISTORY_DEFAULT,
    check_horizons,
    parse_horizons,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The embedded default's key, public: with it anyone can recompute a pid from a HETU (the
# HETU space is small enough to brute-force), so it is allowed only for the built-in synthetic
# study, which the generator marks (SYNTHETIC_MARKER). Real runs set IPS_EVAL_PSEUDONYM_KEY.
DEMO_PSEUDONYM_KEY = "ips-eval-demo-key-not-secret"
# HMAC-SHA-256's own block is 64 bytes; 32 random bytes (256 bits) is the least that makes the
# key, not the 10^7-per-birthday HETU space, the thing an attacker has to guess.
MIN_KEY_BYTES = 32
# The file the synthetic generator writes into its delivery folder, and the field that marks
# the folder as the built-in synthetic study (ips_eval/synth/study.py writes both).
SYNTHETIC_MARKER = "synth_manifest.json"
SYNTHETIC_FIELD = "synthetic_study"

ENV_DELIVERIES = "IPS_EVAL_DELIVERIES"
ENV_OUT = "IPS_EVAL_OUT"
ENV_CUTOFFS = "IPS_EVAL_CUTOFFS"  # cohort=YYYY-MM-DD, comma-separated (schemas/study.py)
ENV_KEY = "IPS_EVAL_PSEUDONYM_KEY"
ENV_MEMORY = "IPS_EVAL_DUCKDB_MEMORY"  # DuckDB memory_limit, e.g. "8GB"
# DuckDB's memory limit unless set: with it the whole process stays under 8 GiB at a million
# register persons (the bench: peak RSS 7.0 GiB; at "8GB" it was 9.2 GiB, DuckDB's buffers
# plus what it holds outside them and Python's own); past it DuckDB spills to disk
DEFAULT_MEMORY_LIMIT = "6GB"
ENV_THREADS = "IPS_EVAL_DUCKDB_THREADS"  # DuckDB threads; unset = DuckDB's default (all cores)
ENV_LABEL_LANGUAGE = "IPS_EVAL_LABEL_LANGUAGE"  # fi, sv or en
ENV_HORIZONS = "IPS_EVAL_HORIZONS"  # follow-up horizons in months, "6,12,24" (schemas/windows.py)
# THL's statisticians read Finnish: the Stata/SPSS files' labels are Finnish unless asked
DEFAULT_LABEL_LANGUAGE: Lang = "fi"


class SettingsError(ValueError):
    """A setting that cannot work (a bad date, a folder that is not a delivery folder): the CLI
    prints it as one line and stops before doing anything."""


def parse_cutoffs(text: str) -> dict[str, date]:
    """``$IPS_EVAL_CUTOFFS`` → {cohort: date} (schemas/study.py ``parse_cutoffs``); a part that
    names no cohort of the study or no date is a SettingsError naming it."""
    try:
        return study_cutoffs(text)
    except ValueError as exc:
        raise SettingsError(f"{ENV_CUTOFFS}={text!r}: {exc}") from None


# DuckDB's memory limit in the one form accepted: a number and a unit, nothing else (issue 30:
# the value reached SQL text and could run any statement). Passed as connection configuration.
_MEMORY_LIMIT = re.compile(r"(\d{1,7}(?:\.\d{1,3})?) ?(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)",
                           re.IGNORECASE)
_UNITS = {u.upper(): u for u in ("B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB")}
MAX_THREADS = 1024


def parse_memory_limit(text: str, what: str = ENV_MEMORY) -> str:
    """``6GB``, ``512 MiB``, ``1.5GB`` (any case) → DuckDB's form; anything else is a
    SettingsError (one line, the value quoted short and escaped)."""
    match = _MEMORY_LIMIT.fullmatch(str(text).strip())
    if match is None or float(match.group(1)) <= 0:
        raise SettingsError(f"{what}={str(text)[:40]!r} is not a memory size: expected a "
                            "number and a unit, such as 6GB or 512MB")
    return match.group(1) + _UNITS[match.group(2).upper()]


def check_threads(threads: object, what: str = ENV_THREADS) -> int | None:
    """None, or a whole number 1…MAX_THREADS (a bool or a text is not one)."""
    if threads is None:
        return None
    if isinstance(threads, bool) or not isinstance(threads, int) or not (
            1 <= threads <= MAX_THREADS):
        raise SettingsError(f"{what}={str(threads)[:40]!r}: expected a whole number "
                            f"1…{MAX_THREADS}")
    return threads


def parse_label_language(text: str) -> Lang:
    """``fi``, ``sv`` or ``en`` (any case, surrounding space ignored); anything else is an
    error naming the choices."""
    lang = text.strip().lower()
    if lang not in LANGS:
        raise SettingsError(f"unknown label language {text!r} (expected one of "
                         f"{', '.join(LANGS)})")
    return lang  # type: ignore[return-value]  # checked against LANGS above


@dataclass(frozen=True)
class Settings:
    deliveries_dir: Path
    out_dir: Path
    cutoffs: dict[str, date] = field(default_factory=lambda: STUDY.default_cutoffs)
    # None: not given (IPS_EVAL_PSEUDONYM_KEY unset) — the demo key, for the synthetic study only
    # never in a repr (a log line, a traceback's locals, Dagster's config display)
    pseudonym_key: str | None = field(default_factory=lambda: os.environ.get(ENV_KEY) or None,
                                      repr=False)
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT
    duckdb_threads: int | None = None  # None: DuckDB's default
    label_language: Lang = DEFAULT_LABEL_LANGUAGE  # Stata/SPSS variable and value labels
    # the register effect's history window H in months (docs/methods.md §Register effect)
    register_history: int = REGISTER_HISTORY_DEFAULT
    # the follow-up horizons in months (docs/methods.md §Windows and cut-offs): 6 and 12, and
    # 18/24 when asked
    horizons: tuple[int, ...] = HORIZONS_DEFAULT

    def __post_init__(self) -> None:
        # DuckDB's settings in their strict forms, whoever built the settings
        object.__setattr__(self, "duckdb_memory_limit",
                           parse_memory_limit(self.duckdb_memory_limit))
        check_threads(self.duckdb_threads)
        if self.register_history not in REGISTER_HISTORY_CHOICES:
            raise SettingsError(f"register history {self.register_history!r} months: use "
                                f"{', '.join(map(str, REGISTER_HISTORY_CHOICES))}")
        try:
            object.__setattr__(self, "horizons", check_horizons(self.horizons))
        except ValueError as exc:
            raise SettingsError(str(exc)) from None

    @property
    def key(self) -> str:
        """The HMAC key this run may use on its deliveries, or KeyRefused (see study_key)."""
        return study_key(self.deliveries_dir, self.pseudonym_key)

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
            pseudonym_key=os.environ.get(ENV_KEY) or None,
            duckdb_memory_limit=os.environ.get(ENV_MEMORY, DEFAULT_MEMORY_LIMIT),
            duckdb_threads=_threads(os.environ.get(ENV_THREADS, "")),
            label_language=parse_label_language(
                os.environ.get(ENV_LABEL_LANGUAGE, DEFAULT_LABEL_LANGUAGE)),
            horizons=_horizons(os.environ.get(ENV_HORIZONS, "")),
        )


def _horizons(text: str) -> tuple[int, ...]:
    try:
        return parse_horizons(text)
    except ValueError as exc:
        raise SettingsError(f"{ENV_HORIZONS}: {exc}") from None


def _threads(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise SettingsError(f"{ENV_THREADS}={text[:40]!r}: expected a whole number "
                            f"1…{MAX_THREADS}")
    return check_threads(int(text))


class KeyRefused(SettingsError):
    """The run may not pseudonymise these deliveries with the key it has (one-line message)."""


def is_synthetic_study(deliveries_dir: Path) -> bool:
    """Whether the folder is the built-in synthetic study: its generator's manifest is there and
    says so. (A marker is a declaration, not a proof: it exists so that a real delivery folder
    is never run with the public key by accident.)"""
    marker = Path(deliveries_dir) / SYNTHETIC_MARKER
    try:
        if not marker.is_file() or marker.is_symlink() or marker.stat().st_size > 1 << 30:
            return False
        with marker.open("rb") as handle:  # the flag is in the first lines; never read it all
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return f'"{SYNTHETIC_FIELD}": true' in head


def is_demo_key(key: str | bytes) -> bool:
    """Whether a run's pseudonym key (as text, or as the bytes the HMAC takes) is the public
    demo key: the one place that decides it (the ingest's notice, the manifest, validate)."""
    text = key.decode("utf-8", errors="replace") if isinstance(key, bytes) else key
    return text == DEMO_PSEUDONYM_KEY


def study_key(deliveries_dir: Path, given: str | None, variable: str = ENV_KEY) -> str:
    """The pseudonym key for a run on ``deliveries_dir``: the given key (at least
    MIN_KEY_BYTES bytes), else the public demo key if the folder is the synthetic study, else
    KeyRefused naming the variable. Called before any delivery row is read."""
    if given:
        size = len(given.encode("utf-8"))
        if size < MIN_KEY_BYTES:
            raise KeyRefused(f"{variable} is too short ({size} bytes): the pseudonym key must be "
                             f"at least {MIN_KEY_BYTES} bytes of secret (e.g. "
                             "`openssl rand -base64 48`)")
        return given
    if is_synthetic_study(deliveries_dir):
        return DEMO_PSEUDONYM_KEY
    raise KeyRefused(f"{variable} is not set: refusing to pseudonymise {deliveries_dir} with "
                     "the public demo key (allowed only for the built-in synthetic study); "
                     f"export {variable} with the study's secret key")


def default_deliveries_dir() -> Path:
    """Where the embedded default writes its synthetic deliveries: outside ``out/``, because
    deliveries carry (synthetic) identity codes and nothing under ``out/`` may."""
    return PROJECT_ROOT / "data" / "synthetic"


def check_deliveries(folder: Path) -> None:
    """Stop at once on a folder that is not a delivery folder (docs/methods.md §Sources and
    deliveries): missing, without any of the sources' subfolders, or without a single file in them.
    A delivery with some sources only (the enrolment forms of a new region) is fine."""
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
