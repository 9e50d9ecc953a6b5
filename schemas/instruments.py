"""Instrument scoring, survey waves and fidelity bands — the analysis rules as data.

The client survey's instruments (docs/methods.md §Scores) are declared here once:
which items, which are reversed, how many must be answered, how the score is formed and which
direction is better. Item ranges are NOT repeated: they come from the codebook's item columns
(``schemas/codebook.py``). ``sql/scores/scores.sql`` is generic SQL that reads these rules as bound
parameters (:func:`item_rules`, :func:`wave_windows`), so the rule lives here and nowhere else.

Every instrument is scored the same way, which is what makes the rules data:

1. an item value outside the codebook's range (incl. the code 99, "don't know") is missing;
2. a reversed item becomes ``item_min + item_max − x`` (MHI-5 items 3 and 5: 7 − x);
3. with at least ``min_answered`` items answered, the score is the mean of the answered items,
   then ``transform``:
   - ``mean``: the mean itself (EUROHIS-QOL-8 1–5; a single item is its own value);
   - ``percent_of_max``: ``100 × (mean − item_min) / (item_max − item_min)``, 0–100.
     For MHI-5 this IS the contract's ``100 × (sum − 5) / 25`` with the sum prorated from the
     mean of the answered items (sum = 5 × mean; 100 × (5·mean − 5)/25 = 20 × (mean − 1)), and
     for ESIS it is the contract's ``100 × (mean − 1) / 4``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas.codebook import ASIAKASKYSELY, LAATUARVIOT, Column, Label
from schemas.text_catalogue import label
from schemas.windows import SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS

Transform = Literal["mean", "percent_of_max"]

# Code 99 ("don't know / can't say") may stand on any item and means missing (docs/methods.md
# §Scores). Ingest already nulls it as out of range; scoring treats every out-of-range value as
# missing too.


@dataclass(frozen=True)
class Instrument:
    name: str  # the `instrument` value in analysis.scores
    label: Label
    items: tuple[str, ...]  # staging column names of asiakaskysely
    min_answered: int  # scored when at least this many items are answered
    transform: Transform
    reversed_items: tuple[str, ...] = ()
    higher_is_better: bool = True
    source: str = ""  # where the scoring rule comes from

    @property
    def item_columns(self) -> tuple[Column, ...]:
        return tuple(ASIAKASKYSELY.column(item) for item in self.items)

    @property
    def item_min(self) -> float:
        return _common(self, "min")

    @property
    def item_max(self) -> float:
        return _common(self, "max")

    @property
    def multi_item(self) -> bool:
        """Multi-item scales get Cronbach's alpha and the reliable change index; single items
        get mean change only (docs/methods.md §Scores)."""
        return len(self.items) > 1

    @property
    def score_range(self) -> tuple[float, float]:
        if self.transform == "percent_of_max":
            return (0.0, 100.0)
        return (self.item_min, self.item_max)

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"


def _common(instrument: Instrument, bound: Literal["min", "max"]) -> float:
    values = {getattr(c, bound) for c in instrument.item_columns}
    if len(values) != 1 or None in values:
        raise ValueError(f"{instrument.name}: items need one common {bound} in the codebook, "
                         f"found {sorted(map(str, values))}")
    return float(values.pop())


def _numbered(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, n + 1))


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "mhi5", label("analysis", "instrument.mhi5"),
        items=_numbered("mhi", 5), reversed_items=("mhi3", "mhi5"), min_answered=3,
        transform="percent_of_max",
        source="MHI-5: items 3 and 5 reversed (7 − x); 100 × (sum − 5)/25, sum prorated from the "
               "mean of ≥ 3 answered items",
    ),
    Instrument(
        "eurohis_qol8", label("analysis", "instrument.eurohis_qol8"),
        items=_numbered("qol", 8), min_answered=6, transform="mean",
        source="EUROHIS-QOL-8: mean of ≥ 6 answered items, 1–5",
    ),
    Instrument(
        "esis", label("analysis", "instrument.esis"),
        items=_numbered("osal", 10), min_answered=8, transform="percent_of_max",
        source="ESIS: 100 × (mean − 1)/4 of ≥ 8 answered items (the project's 0–100 convention)",
    ),
    Instrument(
        "was", label("analysis", "instrument.was"),
        items=("was",), min_answered=1, transform="mean", source="WAS: single item 0–10",
    ),
    Instrument(
        "readiness", label("analysis", "instrument.readiness"),
        items=("readiness",), min_answered=1, transform="mean",
        source="tyovalmius: single item 1–5",
    ),
    Instrument(
        "self_rated_health", label("analysis", "instrument.self_rated_health"),
        items=("self_rated_health",), min_answered=1, transform="mean", higher_is_better=False,
        source="terveys: single item, 1 very good … 5 very poor (higher = worse)",
    ),
)


def instrument(name: str) -> Instrument:
    for i in INSTRUMENTS:
        if i.name == name:
            return i
    raise KeyError(f"unknown instrument {name!r}; known: {', '.join(i.name for i in INSTRUMENTS)}")


def item_rules() -> list[dict[str, object]]:
    """One row per (instrument, item): the bound parameter ``$item_rules`` of
    sql/scores/scores.sql."""
    return [
        {"instrument": i.name, "item": c.name, "item_min": float(c.min), "item_max": float(c.max),
         "reversed": c.name in i.reversed_items}
        for i in INSTRUMENTS for c in i.item_columns
    ]


def instrument_rules() -> list[dict[str, object]]:
    """One row per instrument: the bound parameter ``$instrument_rules`` of
    sql/scores/scores.sql."""
    return [
        {"instrument": i.name, "n_items": len(i.items), "min_answered": i.min_answered,
         "transform": i.transform, "item_min": i.item_min, "item_max": i.item_max,
         "higher_is_better": i.higher_is_better}
        for i in INSTRUMENTS
    ]


def item_names() -> list[str]:
    """Every instrument item column of the client survey (``$item_columns``)."""
    return [item for i in INSTRUMENTS for item in i.items]


# ---------------------------------------------------------------------------------------------
# Survey waves by answer date (docs/methods.md §Survey waves): days from the index date, bounds
# inclusive.
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WaveWindow:
    wave: int  # months
    first_day: int
    last_day: int
    target_day: float


WAVE_WINDOWS: tuple[WaveWindow, ...] = (
    WaveWindow(0, -30, 30, 0.0),
    WaveWindow(6, 120, 240, SIX_MONTHS_DAYS),
    WaveWindow(12, 300, 450, TWELVE_MONTHS_DAYS),
)


def wave_windows() -> list[dict[str, object]]:
    """The bound parameter ``$wave_windows`` of sql/scores/survey_responses.sql."""
    return [{"wave": w.wave, "first_day": w.first_day, "last_day": w.last_day,
             "target_day": w.target_day} for w in WAVE_WINDOWS]


# ---------------------------------------------------------------------------------------------
# Other survey items summarised (not scored)
# ---------------------------------------------------------------------------------------------
SITUATION_ITEM = "situation"  # tilanne: 1 working, 2 studying, 3 both, 4 neither
SITUATION_WORKING = (1, 3)
SITUATION_STUDYING = (2, 3)
SATISFACTION_ITEMS = _numbered("tyyt", 3)
FOLLOWUP_ITEMS = (SITUATION_ITEM, *SATISFACTION_ITEMS)  # asked at 6 and 12 months
EMPLOYER_ITEMS = tuple(f"ta{i}" for i in range(1, 7))
AGREE_CODES = (4, 5)  # "somewhat" or "fully agree" on the 1–5 agreement scales

# ---------------------------------------------------------------------------------------------
# IPS-25 fidelity: total of the 25 items (25–125) and its bands
# ---------------------------------------------------------------------------------------------
FIDELITY_ITEMS: tuple[str, ...] = tuple(
    c.name for c in LAATUARVIOT.columns if c.name.startswith("k") and c.name[1:].isdigit()
)


@dataclass(frozen=True)
class FidelityBand:
    band: str
    min_total: int
    max_total: int
    label: Label


FIDELITY_BANDS: tuple[FidelityBand, ...] = (
    FidelityBand("exemplary", 115, 125, label("analysis", "fidelity_band.exemplary")),
    FidelityBand("good", 100, 114, label("analysis", "fidelity_band.good")),
    FidelityBand("fair", 74, 99, label("analysis", "fidelity_band.fair")),
    FidelityBand("not_ips", 25, 73, label("analysis", "fidelity_band.not_ips")),
)


def fidelity_bands() -> list[dict[str, object]]:
    """The bound parameter ``$fidelity_bands`` of sql/fidelity/fidelity.sql."""
    return [{"band": b.band, "min_total": b.min_total, "max_total": b.max_total}
            for b in FIDELITY_BANDS]
