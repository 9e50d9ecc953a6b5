"""Validation rules: one id per rule, shared by ingest (quarantine.rule) and the synthetic
study's defect manifest, so a test can match every injected defect to its quarantine record.

Levels follow docs/methods.md §Defects and quarantine:
- ``file``: the whole file is rejected, every other file still loads;
- ``row``: the row is rejected with every rule it broke, the file's other rows load;
- ``field``: the value is set to missing in staging, the row loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["file", "row", "field"]


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    en: str
    fi: str

    @property
    def sv(self) -> str:
        return SV[self.id]

    def text(self, lang: str) -> str:
        """The rule's description in ``lang`` (fi, sv, en)."""
        return getattr(self, lang)


RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        # file level
        Rule("file_empty", "file", "the file is empty (0 bytes or no header)", "tiedosto on tyhjä"),
        Rule("file_unreadable", "file", "the file cannot be read or decoded (binary, garbage, "
             "corrupt workbook)", "tiedostoa ei voi lukea"),
        Rule("file_name_invalid", "file", "the file name is not YYYY-MM-DD_<region or "
             "register>.<ext>", "tiedostonimi ei ole muotoa VVVV-KK-PP_<alue>.<pääte>"),
        Rule("file_name_identity_code", "file", "the file name holds a personal identity code "
             "(not read; the name is kept masked)", "tiedostonimessä on henkilötunnus (ei "
             "luettu; nimi tallennetaan peitettynä)"),
        Rule("file_identity_code_unmasked", "file", "a personal identity code survived the "
             "mask (nothing of the file is kept)", "henkilötunnus jäi peittämättä (tiedostosta "
             "ei tallenneta mitään)"),
        Rule("file_nested", "file", "a file in a subfolder of the source's folder (not read)",
             "tiedosto lähteen kansion alikansiossa (ei luettu)"),
        Rule("file_symlink", "file", "a symbolic link out of the delivery folder (not followed)",
             "symbolinen linkki toimituskansion ulkopuolelle (ei seurattu)"),
        Rule("file_too_large", "file", "the file exceeds a size limit (cells, rows, columns, "
             "uncompressed workbook); not read", "tiedosto ylittää kokorajan"),
        Rule("missing_required_column", "file", "a required (key) column is missing",
             "pakollinen sarake puuttuu"),
        # row level
        Rule("key_missing", "row", "a key column is empty", "avainsarake on tyhjä"),
        Rule("key_malformed", "row", "a key value is malformed (client code, date, number)",
             "avainarvo on virheellinen"),
        Rule("hetu_in_wrong_column", "row", "a personal identity code stands in a column where "
             "none belongs", "henkilötunnus sarakkeessa, johon se ei kuulu"),
        Rule("row_unparseable", "row", "the row cannot be parsed (e.g. a truncated last line)",
             "riviä ei voi jäsentää"),
        Rule("region_prefix_mismatch", "row", "region differs from the client code's prefix",
             "alue ei vastaa asiakastunnuksen etuliitettä"),
        Rule("referral_after_start", "row", "referral date after the index date",
             "lähetepäivä aloituspäivän jälkeen"),
        Rule("end_before_start", "row", "end date before start date (job spell, benefit period)",
             "loppupäivä ennen alkupäivää"),
        Rule("date_before_2019", "row", "a date before 1.1.2019", "päivämäärä ennen vuotta 2019"),
        Rule("date_before_2017", "row", "a date before 1.1.2017 in a register extract (a Kela "
             "period counts when it ends on or after it)", "rekisteriaineiston päivämäärä ennen "
             "vuotta 2017"),
        Rule("date_after_delivery", "row", "a date after the delivery date (in the future)",
             "päivämäärä toimituspäivän jälkeen"),
        Rule("unknown_client", "row", "client code not found in the enrolment forms",
             "tuntematon asiakastunnus"),
        Rule("unknown_coach", "row", "coach code not found in the enrolment forms (a contact "
             "no team or caseload can be given)", "tuntematon valmentajatunnus"),
        Rule("duplicate_key_conflict", "row", "the same key twice in one file with different "
             "content", "sama avain kahdesti samassa tiedostossa eri sisällöllä"),
        Rule("invalid_hetu", "row", "invalid personal identity code where it is the key "
             "(register rows)", "virheellinen henkilötunnus (avain)"),
        # field level
        Rule("invalid_hetu_field", "field", "invalid personal identity code on an enrolment row: "
             "the client stays without register linkage", "virheellinen henkilötunnus"),
        Rule("hetu_missing_with_consent", "field", "no identity code although register consent "
             "is given", "henkilötunnus puuttuu, vaikka rekisterilupa on annettu"),
        Rule("out_of_range", "field", "value outside the allowed range or code list",
             "arvo sallitun alueen ulkopuolella"),
        Rule("invalid_value", "field", "value cannot be parsed as the column's type",
             "arvoa ei voi tulkita"),
        Rule("value_too_long", "field", "a text value longer than the codebook allows (set to "
             "missing)", "arvo on pidempi kuin koodikirja sallii"),
        Rule("formula_like_value", "field", "a spreadsheet formula (begins with =, @, + or -) "
             "where a code belongs; set to missing, never published", "taulukkolaskennan kaava "
             "koodin paikalla"),
        Rule("invalid_ytunnus", "field", "malformed business ID (Y-tunnus) or wrong check digit",
             "virheellinen Y-tunnus"),
        Rule("missing_required_value", "field", "a value the form requires is empty (an end "
             "reason when the end date is set)", "pakollinen arvo puuttuu"),
        Rule("unknown_column", "field", "an unknown extra column (kept in raw, reported)",
             "tuntematon ylimääräinen sarake"),
    ]
}

# The rules in Swedish, for the sv report page (beside each rule's fi and en above)
SV: dict[str, str] = {
    "file_empty": "filen är tom",
    "file_unreadable": "filen kan inte läsas",
    "file_name_invalid": "filnamnet har inte formen ÅÅÅÅ-MM-DD_<region>.<ändelse>",
    "file_name_identity_code": "filnamnet innehåller en personbeteckning (inte läst; namnet "
                               "sparas maskerat)",
    "file_identity_code_unmasked": "en personbeteckning förblev omaskerad (inget av filen "
                                   "sparas)",
    "file_nested": "fil i en undermapp till källans mapp (inte läst)",
    "file_symlink": "symbolisk länk utanför leveransmappen (inte följd)",
    "file_too_large": "filen överskrider en storleksgräns",
    "missing_required_column": "en obligatorisk kolumn saknas",
    "key_missing": "en nyckelkolumn är tom",
    "key_malformed": "ett nyckelvärde är felaktigt",
    "hetu_in_wrong_column": "personbeteckning i en kolumn där den inte hör hemma",
    "row_unparseable": "raden kan inte tolkas",
    "region_prefix_mismatch": "regionen motsvarar inte klientkodens prefix",
    "referral_after_start": "remissdatum efter startdatum",
    "end_before_start": "slutdatum före startdatum",
    "date_before_2019": "datum före år 2019",
    "date_before_2017": "datum i registerdata före år 2017",
    "date_after_delivery": "datum efter leveransdatum",
    "unknown_client": "okänd klientkod",
    "unknown_coach": "okänd coachkod",
    "duplicate_key_conflict": "samma nyckel två gånger i samma fil med olika innehåll",
    "invalid_hetu": "ogiltig personbeteckning (nyckel)",
    "invalid_hetu_field": "ogiltig personbeteckning",
    "hetu_missing_with_consent": "personbeteckning saknas trots registersamtycke",
    "out_of_range": "värdet utanför tillåtet intervall",
    "invalid_value": "värdet kan inte tolkas",
    "value_too_long": "värdet är längre än kodboken tillåter",
    "formula_like_value": "kalkylbladsformel i stället för en kod",
    "invalid_ytunnus": "ogiltigt FO-nummer (Y-tunnus)",
    "missing_required_value": "ett obligatoriskt värde saknas",
    "unknown_column": "okänd extra kolumn",
}

# Not defects, but every raw row must be accounted for (raw = staging + superseded +
# exact duplicates + quarantined rows).


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError names the unknown id."""
    return RULES[rule_id]
