"""File formats as senders really produce them: Finnish CSV, Excel workbooks, SPSS files.

Every writer returns bytes that depend on the content alone: workbooks carry a fixed creation
date (the delivery date) that xlsxwriter also uses for the zip entries, and the SPSS header's
creation date and time, which ReadStat takes from the clock, are overwritten with the delivery
date.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from functools import cache
from pathlib import Path

import numpy as np
import xlsxwriter

from ips_eval.synth.plan import CsvStyle
from ips_eval.synth.tables import AMOUNT_COLUMNS, TEXT_COLUMNS, DeliveryFile, Value

# Variable labels for the SPSS files (the codebook in schemas/ is the reference; these are what
# the survey tool exports).
SAV_LABELS = {
    "asiakastunnus": "Asiakastunnus", "aalto": "Kyselyn aalto (kk)", "vastauspvm": "Vastauspäivä",
    "was": "Työkyky verrattuna parhaimpaan (0-10)", "tyovalmius": "Koen olevani valmis työhön",
    "terveys": "Terveydentila", "tilanne": "Nykyinen tilanne", "tyonantaja": "Y-tunnus",
    "alue": "Alue", "koko": "Henkilöstön määrä", "toimiala": "Toimiala (TOL 2008)",
    "palkkaisi": "Palkkaisitteko uudelleen IPS:n kautta",
}
DONT_KNOW_LABEL = {99.0: "En osaa sanoa"}
AGREE_LABELS = {1.0: "Täysin eri mieltä", 2.0: "Jokseenkin eri mieltä",
                3.0: "Ei samaa eikä eri mieltä", 4.0: "Jokseenkin samaa mieltä",
                5.0: "Täysin samaa mieltä"}
MHI_LABELS = {1.0: "Koko ajan", 2.0: "Suurimman osan aikaa", 3.0: "Huomattavan osan aikaa",
              4.0: "Jonkin aikaa", 5.0: "Vähän aikaa", 6.0: "En lainkaan"}
SITUATION_LABELS = {1.0: "Työssä", 2.0: "Opiskelee", 3.0: "Työssä ja opiskelee",
                    4.0: "Ei työssä eikä opiskele"}
HEALTH_LABELS = {1.0: "Erittäin hyvä", 2.0: "Hyvä", 3.0: "Keskitasoinen", 4.0: "Huono",
                 5.0: "Erittäin huono"}


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def header_name(column: str, style: CsvStyle, position: int) -> str:
    if style.header == "title":
        return column.capitalize()
    if style.header == "spaced" and position % 3 == 1:
        return f" {column} " if position % 2 else f"{column} "
    return column


def _amount(value: float, thousands: bool) -> str:
    cents = round(value * 100)
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    whole = f"{euros:,}".replace(",", " ") if thousands else str(euros)
    return f"{sign}{whole},{rest:02d}"


@cache
def _date_text(value: date) -> str:
    return f"{value.day}.{value.month}.{value.year}"


def csv_cell(column: str, value: Value, style: CsvStyle) -> str:
    kind = type(value)
    if kind is str:
        text = str(value)
        # Quote as Excel does, only when the value would break the line.
        if ";" in text or '"' in text or "\n" in text or "\r" in text:
            return '"' + text.replace('"', '""') + '"'
        return text
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is float:
        assert isinstance(value, float)
        if column in AMOUNT_COLUMNS:
            return _amount(value, style.thousands)
        return (repr(value) if value != int(value) else str(int(value))).replace(".", ",")
    if isinstance(value, date):
        return _date_text(value)
    return str(value)


def csv_bytes(f: DeliveryFile) -> bytes:
    style = f.style or CsvStyle()
    newline = "\r\n" if style.crlf else "\n"
    columns = f.columns
    lines = [";".join(csv_cell(c, header_name(c, style, i), style)
                      for i, c in enumerate(columns))]
    lines += [";".join([csv_cell(c, row.values.get(c), style) for c in columns])
              for row in f.rows]
    if f.damage == "truncate" and len(lines) > 1:
        last = lines[-1]
        cut = [i for i, ch in enumerate(last) if ch == ";"][len(columns) // 3]
        lines[-1] = last[:cut + 3]  # cut inside a value: two thirds of the fields are lost
        text = newline.join(lines)  # and no newline after it
    else:
        text = newline.join(lines) + newline
    data = text.encode(style.encoding)
    return (b"\xef\xbb\xbf" + data) if style.bom else data


def xlsx_bytes(f: DeliveryFile) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": datetime(f.delivered.year, f.delivered.month,
                                             f.delivered.day, 8, 0, 0),
                         "author": f.issuer, "title": f.source})
    date_format = book.add_format({"num_format": "d.m.yyyy"})
    sheet = book.add_worksheet("Taul1")
    for c, column in enumerate(f.columns):
        sheet.write_string(0, c, column)
    for r, row in enumerate(f.rows, start=1):
        for c, column in enumerate(f.columns):
            value = row.values.get(column)
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day),
                                     date_format)
            elif isinstance(value, int | float) and column not in TEXT_COLUMNS:
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def _value_labels(column: str) -> dict[float, str] | None:
    if column.startswith("mhi"):
        return MHI_LABELS | DONT_KNOW_LABEL
    if column.startswith(("qol", "osal", "tyyt", "ta")) or column == "tyovalmius":
        return AGREE_LABELS | DONT_KNOW_LABEL
    if column == "terveys":
        return HEALTH_LABELS | DONT_KNOW_LABEL
    if column == "tilanne":
        return SITUATION_LABELS | DONT_KNOW_LABEL
    if column == "was":
        return {0.0: "Täysin työkyvytön", 10.0: "Paras työkyky"} | DONT_KNOW_LABEL
    return None


def sav_bytes(f: DeliveryFile) -> bytes:
    import pandas as pd  # imported here: pandas is slow to load and only SPSS needs it
    import pyreadstat

    data: dict[str, object] = {}
    for column in f.columns:
        values = [row.values.get(column) for row in f.rows]
        if column in TEXT_COLUMNS:
            data[column] = pd.Series(["" if v is None else str(v) for v in values], dtype=object)
        elif column in ("vastauspvm",):
            data[column] = pd.Series(values, dtype=object)
        else:
            data[column] = pd.Series([np.nan if v is None else float(v) for v in values],
                                     dtype="float64")
    frame = pd.DataFrame(data)
    labels = {c: _value_labels(c) for c in f.columns}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.sav"
        pyreadstat.write_sav(frame, str(path), file_label=f"IPS {f.source} {f.issuer}",
                             column_labels={c: SAV_LABELS.get(c, c) for c in f.columns},
                             variable_value_labels={c: v for c, v in labels.items() if v})
        raw = bytearray(path.read_bytes())
    # Header: "$FL2", product (60), layout, case size, compression, weight, cases (4 each),
    # bias (8), then creation date "dd mmm yy" (9) and time "hh:mm:ss" (8) at offset 92.
    month = MONTHS[f.delivered.month - 1]  # English abbreviations whatever the locale
    stamp = f"{f.delivered:%d} {month} {f.delivered:%y}08:00:00".encode("ascii")
    raw[92:92 + len(stamp)] = stamp
    return bytes(raw)


def garbage_bytes(rng: np.random.Generator, size: int = 2048) -> bytes:
    """What a broken transfer leaves behind: bytes that are no workbook, CSV or SPSS file."""
    return b"\x00\x9c\xff" + rng.integers(0, 256, size=size, dtype=np.uint8).tobytes()


def file_bytes(f: DeliveryFile, rng: np.random.Generator) -> bytes:
    if f.damage == "empty":
        return b""
    if f.damage == "garbage":
        return garbage_bytes(rng)
    if f.fmt == "csv":
        return csv_bytes(f)
    if f.fmt == "xlsx":
        return xlsx_bytes(f)
    return sav_bytes(f)
