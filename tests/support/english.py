"""English-only strings: every text of the codebook and the code whose English differs from its
Finnish and Swedish, so a Finnish or Swedish output showing it has an untranslated text.

Collected from every :class:`schemas.codebook.Label` in ``schemas`` (texts of the tables,
figures and report; variable, value and state labels), the validation rules' English, and the
codes the pipeline writes as words (a delivery's outcome, a rule's level, a pooled level).
Texts with ``str.format`` fields are left out: only a whole text is compared."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from collections.abc import Iterable

import schemas
from schemas.codebook import Label
from schemas.rules import RULES

# words the pipeline writes as codes that a fi/sv page must translate
CODE_WORDS = ("loaded", "already loaded", "rejected", "file", "row", "field", "other")


def _labels(value: object, seen: set[int]) -> Iterable[Label]:
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Label):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _labels(item, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _labels(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _labels(getattr(value, f.name), seen)


def english_only() -> set[str]:
    """Every English text that is neither the Finnish nor the Swedish one."""
    found: set[str] = set(CODE_WORDS)
    seen: set[int] = set()
    for module in pkgutil.iter_modules(schemas.__path__):
        loaded = importlib.import_module(f"schemas.{module.name}")
        for value in vars(loaded).values():
            for label in _labels(value, seen):
                if label.en not in (label.fi, label.sv) and "{" not in label.en:
                    found.add(label.en.strip())
    found |= {r.en for r in RULES.values()}
    return {s for s in found if s}


_PARTS = re.compile(r": | × |; ")


def untranslated(texts: Iterable[str], english: set[str]) -> list[str]:
    """The texts (or their parts around ': ', ' × ', '; ') that are English-only."""
    hits = []
    for shown in texts:
        shown = shown.strip()
        if not shown:
            continue
        if shown in english or any(p.strip() in english for p in _PARTS.split(shown)):
            hits.append(shown)
    return hits
