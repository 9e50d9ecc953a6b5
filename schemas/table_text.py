"""Texts of the publication tables in fi/sv/en: titles, column headers,
footnotes and notes that are not variable or value labels. Variable and value labels come from
``schemas.codebook`` and ``schemas.analysis``; everything a table prints besides them and the
numbers is in ``schemas/texts/tables.yaml`` (the file a translator edits), so a wording is
corrected once for every table and language. The report page's texts are in
``schemas.report_text``.

Texts may hold ``str.format`` fields (``{n}``, ``{date}``); :func:`text` fills them. Titles carry
no number: the catalogue's order numbers the tables (``table_number``).
"""

from __future__ import annotations

from schemas.labels import Label, Lang
from schemas.text_catalogue import catalogue, lookup

TEXT: dict[str, Label] = catalogue("tables")


def text(key: str, lang: Lang, **fields: object) -> str:
    """The text ``key`` in ``lang`` with its ``{fields}`` filled."""
    return lookup("tables", key, lang, **fields)
