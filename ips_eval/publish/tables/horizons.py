"""The follow-up horizons as the tables and figures write them (docs/methods.md §Windows and
cut-offs, "Longer follow-up"): a horizon's column header, a list of months in the language
("6, 12 ja 24"), and the note giving a longer horizon's length in days. The horizons are the
run's (``DeliverySet.horizons``, from ``--horizons``); in the default run (6 and 12 months) the
texts are the ones the tables have always had, and no note is added."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from schemas.codebook import Lang
from schemas.table_text import text
from schemas.text_catalogue import horizon_days_text
from schemas.windows import HORIZONS_DEFAULT

if TYPE_CHECKING:
    from ips_eval.publish.tables.common import DeliverySet


def horizon_label(months: int, lang: Lang) -> str:
    """A horizon's column header: ``12 kk`` / ``12 mån`` / ``12 months``."""
    return text("horizon_months", lang, n=months)


def months_list(months: Sequence[int], lang: Lang) -> str:
    """Months as the language lists them: (6, 12, 24) → ``6, 12 ja 24`` / ``6, 12 and 24``."""
    words = [str(m) for m in months]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {text('list_and', lang)} {words[-1]}"


def longer(horizons: Sequence[int]) -> tuple[int, ...]:
    """The horizons beyond the default run's (24 of 6, 12, 24); none in the default run."""
    return tuple(m for m in horizons if m not in HORIZONS_DEFAULT)


def longer_followup_notes(horizons: Sequence[int], lang: Lang) -> list[str]:
    """A note giving each longer horizon in days ("Longer follow-up: 24 months = 730.5 days
    from the index date."), beside the 6/12-month note; an empty list in the default run."""
    extra = longer(horizons)
    if not extra:
        return []
    windows = "; ".join(text("horizon_days", lang, n=m, days=horizon_days_text(m, lang))
                        for m in extra)
    return [text("longer_months_note", lang, windows=windows)]


def horizons_title(key: str, longer_key: str, source: DeliverySet, lang: Lang) -> str:
    """A title naming the run's horizons: text ``key`` in the default run (its own "6 and 12
    months"), ``longer_key`` with the months listed when a longer horizon is asked."""
    if not longer(source.horizons):
        return text(key, lang)
    return text(longer_key, lang, months=months_list(source.horizons, lang))
