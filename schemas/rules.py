"""Validation rules: one id per rule, shared by ingest (quarantine.rule) and the synthetic
study's defect manifest, so a test can match every injected defect to its quarantine record.
Each rule's description in fi/sv/en is in ``schemas/texts/rules.yaml`` under its id.

Levels follow docs/methods.md §Defects and quarantine:
- ``file``: the whole file is rejected, every other file still loads;
- ``row``: the row is rejected with every rule it broke, the file's other rows load;
- ``field``: the value is set to missing in staging, the row loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from schemas.labels import Label
from schemas.text_catalogue import label

Level = Literal["file", "row", "field"]


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    # the rule's description in fi/sv/en: the text keyed by its id in schemas/texts/rules.yaml
    label: Label = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", label("rules", self.id))

    @property
    def fi(self) -> str:
        return self.label.fi

    @property
    def sv(self) -> str:
        return self.label.sv

    @property
    def en(self) -> str:
        return self.label.en

    def text(self, lang: str) -> str:
        """The rule's description in ``lang`` (fi, sv, en)."""
        return getattr(self, lang)


RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        # file level
        Rule("file_empty", "file"),
        Rule("file_unreadable", "file"),
        Rule("file_name_invalid", "file"),
        Rule("file_name_identity_code", "file"),
        Rule("file_identity_code_unmasked", "file"),
        Rule("file_nested", "file"),
        Rule("file_symlink", "file"),
        Rule("file_too_large", "file"),
        Rule("missing_required_column", "file"),
        # row level
        Rule("key_missing", "row"),
        Rule("key_malformed", "row"),
        Rule("hetu_in_wrong_column", "row"),
        Rule("row_unparseable", "row"),
        Rule("region_prefix_mismatch", "row"),
        Rule("referral_after_start", "row"),
        Rule("end_before_start", "row"),
        Rule("date_before_2019", "row"),
        Rule("date_before_2017", "row"),
        Rule("date_after_delivery", "row"),
        Rule("unknown_client", "row"),
        Rule("unknown_coach", "row"),
        Rule("duplicate_key_conflict", "row"),
        Rule("invalid_hetu", "row"),
        # field level
        Rule("invalid_hetu_field", "field"),
        Rule("hetu_missing_with_consent", "field"),
        Rule("out_of_range", "field"),
        Rule("invalid_value", "field"),
        Rule("value_too_long", "field"),
        Rule("formula_like_value", "field"),
        Rule("invalid_ytunnus", "field"),
        Rule("missing_required_value", "field"),
        Rule("unknown_column", "field"),
    ]
}

# Not defects, but every raw row must be accounted for (raw = staging + superseded +
# exact duplicates + quarantined rows).


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError names the unknown id."""
    return RULES[rule_id]
