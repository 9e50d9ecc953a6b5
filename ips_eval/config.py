"""Run settings: where deliveries are read from, where outputs land, the cut-offs, the
pseudonym key and the language of the Stata/SPSS labels. Read from the environment in this one
place (the CLI sets the environment from its options), then handed to Dagster as resources; no
asset reads the environment itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from schemas.codebook import LANGS, Lang
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
ENV_LABEL_LANGUAGE = "IPS_EVAL_LABEL_LANGUAGE"  # fi, sv or en
# THL's statisticians read Finnish: the Stata/SPSS files' labels are Finnish unless asked
DEFAULT_LABEL_LANGUAGE: Lang = "fi"


def parse_cutoffs(text: str) -> dict[str, date]:
    """``"pilot=2023-06-30,rrp=2024-12-31"`` → {cohort: date}; unknown cohorts are an error."""
    cutoffs = dict(DEFAULT_CUTOFFS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        cohort, _, value = part.partition("=")
        cohort = cohort.strip()
        if cohort not in DEFAULT_CUTOFFS:
            raise ValueError(f"unknown cohort {cohort!r} in cut-offs (expected pilot or rrp)")
        cutoffs[cohort] = date.fromisoformat(value.strip())
    return cutoffs


def parse_label_language(text: str) -> Lang:
    """``fi``, ``sv`` or ``en`` (any case, surrounding space ignored); anything else is an
    error naming the choices."""
    lang = text.strip().lower()
    if lang not in LANGS:
        raise ValueError(f"unknown label language {text!r} (expected one of "
                         f"{', '.join(LANGS)})")
    return lang  # type: ignore[return-value]  # checked against LANGS above


@dataclass(frozen=True)
class Settings:
    deliveries_dir: Path
    out_dir: Path
    cutoffs: dict[str, date] = field(default_factory=lambda: dict(DEFAULT_CUTOFFS))
    pseudonym_key: str = DEMO_PSEUDONYM_KEY
    duckdb_memory_limit: str = "8GB"
    label_language: Lang = DEFAULT_LABEL_LANGUAGE  # Stata/SPSS variable and value labels

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
            label_language=parse_label_language(
                os.environ.get(ENV_LABEL_LANGUAGE, DEFAULT_LABEL_LANGUAGE)),
        )


def pseudonym_key_from_env(variable: str = ENV_KEY) -> str:
    """The HMAC key for pids: the variable's value, or the public demo key when it is unset."""
    return os.environ.get(variable) or DEMO_PSEUDONYM_KEY


def default_deliveries_dir() -> Path:
    """Where the embedded default writes its synthetic deliveries: outside ``out/``, because
    deliveries carry (synthetic) identity codes and nothing under ``out/`` may."""
    return PROJECT_ROOT / "data" / "synthetic"
