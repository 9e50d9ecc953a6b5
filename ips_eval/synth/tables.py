"""Delivery files in memory: columns, rows, and the manifest marks attached to them.

A mark travels with its row, so a row's number in the manifest is its place in the file as
finally written, however many rows were inserted before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ips_eval.synth.fidelity import FIDELITY_COLUMNS
from ips_eval.synth.plan import CsvStyle
from ips_eval.synth.surveys import EMPLOYER_COLUMNS, SURVEY_COLUMNS

COLUMNS: dict[str, list[str]] = {
    "asiakkaat": ["asiakastunnus", "hetu", "rekisterilupa", "alue", "tiimi", "valmentaja",
                  "lahetepvm", "aloituspvm", "diagnoosi", "koulutus", "tyohistoria",
                  "toimeentulo", "kieli", "paattymispvm", "paattymissyy"],
    "tyosuhteet": ["asiakastunnus", "tyosuhde_nro", "tyonantaja", "alkupvm", "loppupvm",
                   "tunnit_vko", "ammatti", "avoimet", "palkkatuki", "sopimus", "paattymissyy"],
    "kontaktit": ["valmentaja", "asiakastunnus", "pvm", "tyonantaja", "tyyppi"],
    "asiakaskysely": SURVEY_COLUMNS,
    "tyonantajakysely": EMPLOYER_COLUMNS,
    "laatuarviot": FIDELITY_COLUMNS,
    "kustannukset": ["alue", "vuosi", "valmentajat_htv", "henkilostokulut_eur", "muut_kulut_eur",
                     "rahoitus_eur"],
    "rekisterit/kela": ["hetu", "etuus", "alkupvm", "loppupvm", "maksettu_eur"],
    "rekisterit/tulorekisteri": ["hetu", "kuukausi", "maksaja", "palkka_eur"],
}

KEYS: dict[str, tuple[str, ...]] = {
    "asiakkaat": ("asiakastunnus",),
    "tyosuhteet": ("asiakastunnus", "tyosuhde_nro"),
    "kontaktit": ("valmentaja", "pvm", "tyonantaja", "tyyppi", "asiakastunnus"),
    "asiakaskysely": ("asiakastunnus", "aalto"),
    "tyonantajakysely": ("tyonantaja", "vastauspvm"),
    "laatuarviot": ("tiimi", "arviopvm"),
    "kustannukset": ("alue", "vuosi"),
    "rekisterit/kela": ("hetu", "etuus", "alkupvm"),
    "rekisterit/tulorekisteri": ("hetu", "kuukausi", "maksaja"),
}

AMOUNT_COLUMNS = {"maksettu_eur", "palkka_eur", "henkilostokulut_eur", "muut_kulut_eur",
                  "rahoitus_eur"}
TEXT_COLUMNS = {"asiakastunnus", "hetu", "alue", "tiimi", "valmentaja", "diagnoosi", "kieli",
                "tyonantaja", "ammatti", "toimiala", "etuus", "kuukausi", "maksaja", "huom"}

Value = str | int | float | date | None


@dataclass(frozen=True)
class Mark:
    """One manifest entry, before its file and row number are known."""

    level: str  # "file", "row", "field" or "none"
    rule: str  # a schemas.rules id for defects; a descriptive id for level "none"
    defect_class: str  # the contract's name for the class
    column: str | None = None
    value: str | None = None  # masked when it may be an identity code
    note: str | None = None


@dataclass
class Row:
    values: dict[str, Value]
    marks: list[Mark] = field(default_factory=list)

    def copy(self) -> Row:
        return Row(dict(self.values), [])


@dataclass
class DeliveryFile:
    source: str  # the contract's folder name, e.g. "tyosuhteet" or "rekisterit/kela"
    issuer: str  # region code or register ("kela", "tulorekisteri")
    delivered: date
    fmt: str  # "csv", "xlsx" or "sav"
    columns: list[str]
    rows: list[Row]
    style: CsvStyle | None = None
    marks: list[Mark] = field(default_factory=list)  # file- and column-level entries
    # "empty" (0 bytes), "garbage" (not the format at all), "truncate" (last line cut) or
    # "drop_column" (a required column left out, named by `dropped_column`).
    damage: str | None = None
    dropped_column: str | None = None

    @property
    def path(self) -> str:
        return f"{self.source}/{self.delivered:%Y-%m-%d}_{self.issuer}.{self.fmt}"

    @property
    def rejected(self) -> bool:
        """The whole file goes to quarantine (its rows never load)."""
        return self.damage in ("empty", "garbage", "drop_column")

    def key(self, row: Row) -> tuple[Value, ...]:
        return tuple(row.values.get(k) for k in KEYS[self.source])
