"""A text in the three languages of the outputs (fi, sv, en): the one type every label, name and
caption of the codebook, the study and the publication texts is made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = ("fi", "sv", "en")


@dataclass(frozen=True)
class Label:
    fi: str
    sv: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return getattr(self, lang)


def L(fi: str, sv: str, en: str) -> Label:  # noqa: N802 — reads like a table row
    return Label(fi, sv, en)
