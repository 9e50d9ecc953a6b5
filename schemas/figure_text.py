"""Texts of the published figures in fi/sv/en: titles, axis labels, legends, table headings and
subtitles, in ``schemas/texts/figures.yaml`` (the file a translator edits). Variable and value
labels (cohorts, waves, instruments, register states, IPS-25 bands) come from
``schemas.codebook``, ``schemas.instruments`` and ``schemas.register_states``. The report's
caption of each figure is ``figure_<name>`` in ``schemas.report_text``.

Texts may hold ``str.format`` fields (``{n}``, ``{rho}``); :func:`figure_text` fills them.
"""

from __future__ import annotations

from schemas.labels import Label, Lang
from schemas.text_catalogue import catalogue, lookup

FIGURE_TEXT: dict[str, Label] = catalogue("figures")


def figure_text(key: str, lang: Lang, **fields: object) -> str:
    """The figure text ``key`` in ``lang`` with its ``{fields}`` filled."""
    return lookup("figures", key, lang, **fields)
