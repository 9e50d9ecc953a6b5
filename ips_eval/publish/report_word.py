"""``out/report/report_<lang>.docx``: the report in Word, for an author to start THL's report
from — the "how to read" of the follow-up trap, a short methods section, every table (from its
own ``.docx``) and every figure in report order, each with its numbered caption (Word's Caption
style and a SEQ field, so Word numbers and cross-references them) and source note. A4, in the
document's language; a table too wide for portrait gets a landscape section of its own.

Reads only what the run wrote (``out/tables/<name>_<lang>.docx``,
``out/figures/<name>_<lang>.png``), like the report page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.shared import Cm

from ips_eval.outputs import atomic_path
from ips_eval.publish.figures.common import PAGE_WIDTH_CM
from ips_eval.publish.office_zip import reproducible_zip
from ips_eval.publish.tables.catalog import TABLE_NAMES, table_number
from ips_eval.publish.tables.common import DeliverySet
from ips_eval.publish.tables.office import (
    LANG_TAGS,
    append_documents,
    append_xml,
    caption_xml,
    document_for,
    start_section,
)
from schemas.codebook import Lang
from schemas.report_text import REPORT_TEXT, report_text
from schemas.table_text import text

METHODS = ("report_methods_data", "report_methods_analysis", "report_methods_replication",
           "report_methods_disclosure")


def _figure_caption(name: str, lang: Lang) -> str:
    key = f"figure_{name}"
    return report_text(key, lang) if key in REPORT_TEXT else name.replace("_", " ")


def report_document(out_dir: Path, lang: Lang, figures: Sequence[tuple[str, Path | None]],
                    source: DeliverySet, names: Sequence[str] = TABLE_NAMES):  # noqa: ANN201
    """The document (python-docx); ``figures`` are (name, PNG or None) in report order."""
    document = document_for(lang)
    document.core_properties.title = report_text("report_title", lang)
    document.add_paragraph(report_text("report_title", lang), style="Title")
    document.add_paragraph(report_text("report_intro", lang))
    document.add_heading(report_text("report_how_to_read", lang), level=1)
    document.add_paragraph(report_text("report_trap", lang))
    numbers = {key: table_number(name) if name in names else "–"
               for key, name in (("employment", "employment"), ("attachment", "attachment"),
                                 ("jobs", "jobs_per_client"))}
    document.add_paragraph(report_text("report_trap_compare", lang, **numbers))
    document.add_heading(report_text("report_methods", lang), level=1)
    for key in METHODS:
        document.add_paragraph(report_text(key, lang))
    document.add_heading(report_text("report_tables", lang), level=1)
    tables = [p for name in names
              if (p := Path(out_dir) / "tables" / f"{name}_{lang}.docx").is_file()]
    append_documents(document, tables)
    start_section(document, landscape=False)
    document.add_heading(report_text("report_figures", lang), level=1)
    tag = LANG_TAGS[lang]
    for number, (name, png) in enumerate(figures, start=1):
        append_xml(document, caption_xml(report_text("figure_label", lang), number,
                                      _figure_caption(name, lang), tag))
        picture = document.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        try:
            if png is None:
                raise FileNotFoundError(name)
            picture.add_run().add_picture(str(png), width=Cm(PAGE_WIDTH_CM))
        except (OSError, InvalidImageStreamError, UnexpectedEndOfFileError,
                UnrecognizedImageError):  # not drawn, or not an image Word can show
            picture.text = report_text("report_missing_figure", lang)
        document.add_paragraph(source.note(lang),
                               style=text("table_note_style", lang))
    return document


def write_report_document(out_dir: Path, lang: Lang,
                          figures: Sequence[tuple[str, Path | None]], source: DeliverySet,
                          names: Sequence[str] = TABLE_NAMES) -> Path:
    target = Path(out_dir) / "report" / f"report_{lang}.docx"
    with atomic_path(target) as tmp:
        report_document(out_dir, lang, figures, source, names).save(str(tmp))
        reproducible_zip(tmp)
    return target
