"""Texts of the report page and the report in Word in fi/sv/en: title, introduction, "how to
read", methods, headings, the delivery and validation tables' headers and each figure's caption
(``figure_<name>``), in ``schemas/texts/report.yaml`` (the file a translator edits). The tables'
own texts are in ``schemas.table_text``.

Texts may hold ``str.format`` fields (``{n}``); :func:`report_text` fills them.
"""

from __future__ import annotations

from schemas.labels import Label, Lang
from schemas.text_catalogue import catalogue, lookup

REPORT_TEXT: dict[str, Label] = catalogue("report")


def report_text(key: str, lang: Lang, **fields: object) -> str:
    """The report text ``key`` in ``lang`` with its ``{fields}`` filled."""
    return lookup("report", key, lang, **fields)
