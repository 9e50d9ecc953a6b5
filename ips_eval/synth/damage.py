"""File-level damage, and the manifest's non-defect records (level "none").

Damage hits a region's first export only (the second-last one carries the corrections, see
deliveries.py): every row in it comes again in a later export, so a rejected file costs the clean
data nothing, as in real life when a region re-sends.
"""

from __future__ import annotations

import numpy as np

from ips_eval.synth.plan import DELIVERY_DATES
from ips_eval.synth.surveys import DONT_KNOW, ITEMS
from ips_eval.synth.tables import AMOUNT_COLUMNS, KEYS, DeliveryFile, Mark

# (damage, rule, class, which files qualify)
DAMAGES = [
    ("empty", "file_empty", "an empty file (0 bytes)", "csv", "kontaktit"),
    ("truncate", "row_unparseable", "a truncated file (last line cut mid-row)", "csv",
     "tyosuhteet"),
    ("drop_column", "missing_required_column", "a file with a missing required column", "csv",
     "asiakaskysely"),
    ("garbage", "file_unreadable", "a binary or garbage file", "xlsx", "laatuarviot"),
]


def damage_files(rng: np.random.Generator, files: list[DeliveryFile], rate: float) -> None:
    """One file of each kind of damage whenever defects are asked for."""
    if rate <= 0:
        return
    for damage, rule, defect_class, fmt, source in DAMAGES:
        early = [
            f for f in files
            if f.issuer in DELIVERY_DATES and f.delivered == DELIVERY_DATES[f.issuer][0]
            and f.fmt == fmt and f.damage is None and len(f.rows) >= 3
        ]
        candidates = [f for f in early if f.source == source] or early
        f = candidates[int(rng.integers(len(candidates)))]
        f.damage = damage
        if damage == "truncate":
            f.rows[-1].marks = [Mark("row", rule, defect_class,
                                     note="the last line ends mid-row, without a newline")]
            continue
        column = None
        if damage == "drop_column":
            column = KEYS[f.source][-1]
            f.columns.remove(column)
            f.dropped_column = column
        f.marks.append(Mark("file", rule, defect_class, column,
                            note="the whole file is rejected; its rows come again later"))


def _encoding_name(f: DeliveryFile) -> str:
    assert f.style is not None
    return f.style.encoding + (" with BOM" if f.style.bom else "")


def finish_marks(files: list[DeliveryFile]) -> None:
    """Drop marks that a rejected file makes moot, then add the non-defect records."""
    for f in files:
        if f.rejected:
            for row in f.rows:
                row.marks = []
            continue
        for n, row in enumerate(f.rows):
            quarantined = any(m.level == "row" for m in row.marks)
            if f.damage == "truncate" and n == len(f.rows) - 1:
                continue
            if f.source == "asiakaskysely" and not quarantined:
                for item in ITEMS:
                    if item in f.columns and row.values.get(item) == DONT_KNOW:
                        row.marks.append(Mark("none", "dont_know_99", "99 = don't know", item,
                                              "99", note="read as missing, not a defect"))
        if f.fmt != "csv":
            continue
        f.marks.append(Mark("none", "encoding", "mixed encodings", value=_encoding_name(f)))
        assert f.style is not None
        if f.style.crlf:
            f.marks.append(Mark("none", "crlf", "CRLF line endings"))
        if f.style.header != "lower":
            f.marks.append(Mark("none", "header_variant", "column names in other case or "
                                "with stray spaces", value=f.style.header))
        for column in ("tunnit_vko", "maksettu_eur", "palkka_eur"):
            if column not in f.columns:
                continue
            values = [r.values.get(column) for r in f.rows]
            floats = [v for v in values if isinstance(v, float)]
            if any(v != int(v) for v in floats) or (floats and column in AMOUNT_COLUMNS):
                f.marks.append(Mark("none", "decimal_comma", "numbers with decimal commas",
                                    column))
            if f.style.thousands and any(v >= 1000 for v in floats):
                f.marks.append(Mark("none", "thousand_space", "numbers with thousand spaces",
                                    column, note="e.g. 1 234,50"))
