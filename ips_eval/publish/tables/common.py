"""What every publication table shares: the published-table object the builders return, its
rendering to great-tables (HTML/PNG and LaTeX), the source note (cut-offs and delivery set),
and the labels of variables and codes in the table's language.

A builder does the table-specific part — pick the estimates, hide what
:mod:`ips_eval.publish.tables.disclosure` says to hide, format with
:mod:`ips_eval.publish.tables.numbers` —
and returns a :class:`PublishedTable` of strings. Everything after that (layout, footnotes,
the suppression and source notes, the files) is done here and in the writer, the same way for
every table and language.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from great_tables import GT, loc

from ips_eval.publish.tables.disclosure import small_count_cells
from ips_eval.publish.tables.numbers import fmt_date
from schemas.analysis import ANALYSIS_VALUE_LABELS
from schemas.codebook import VALUE_LABELS, Lang
from schemas.table_text import text
from schemas.windows import HORIZONS_DEFAULT

# ---------------------------------------------------------------------------------------------
# The source note: cut-offs and the delivery set
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliverySet:
    """The run's inputs as a source note names them: the cut-off per cohort, the number of
    delivery files and a short hash of the delivery set (the files' content hashes from
    ``out/manifest.json``), so a published table can be traced to the exact deliveries — and
    the run's follow-up horizons (``--horizons``; schemas/windows.py), which give a table its
    horizon columns (a 24-month column only when asked)."""

    cutoffs: dict[str, date]
    files: int | None = None
    version: str | None = None
    horizons: tuple[int, ...] = HORIZONS_DEFAULT

    def note(self, lang: Lang) -> str:
        cutoffs = ", ".join(f"{value_label('cohort', c, lang)} {fmt_date(d, lang)}"
                            for c, d in sorted(self.cutoffs.items()))
        unknown = "?"
        return text("source_note", lang, cutoffs=cutoffs,
                    files=unknown if self.files is None else self.files,
                    version=self.version or unknown)


def delivery_set(out_dir: Path, cutoffs: dict[str, date],
                 horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> DeliverySet:
    """Read ``out/manifest.json`` (written by ingest) for the file count and version hash.

    The manifest's exact layout belongs to ingest, so this reads it defensively: the delivery
    files are the first list of objects found under ``files``/``deliveries``; the version is the
    SHA-256 of their sorted content hashes (``sha256``/``content_hash``/``hash``), else of the
    manifest without its ``generated_at`` — never of anything that changes between two runs on
    the same deliveries. No manifest: counts unknown, shown as ``?``."""
    path = Path(out_dir) / "manifest.json"
    if not path.is_file():
        return DeliverySet(cutoffs, horizons=horizons)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DeliverySet(cutoffs, horizons=horizons)
    files = manifest_files(manifest)
    hashes = sorted(str(h) for f in files
                    if (h := next((f[k] for k in ("sha256", "content_hash", "hash") if f.get(k)),
                                  None)))
    if hashes:
        digest = hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    else:
        stable = {k: v for k, v in manifest.items() if k != "generated_at"}
        digest = hashlib.sha256(
            json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()
    return DeliverySet(cutoffs, files=len(files) if files else None, version=digest[:12],
                       horizons=horizons)


def manifest_files(manifest: object) -> list[dict]:
    """The delivery files listed in a manifest: a list of objects under ``files`` or
    ``deliveries`` (a dict of lists per source is flattened)."""
    if not isinstance(manifest, dict):
        return []
    for key in ("files", "deliveries", "delivery_files"):
        value = manifest.get(key)
        if isinstance(value, list):
            return [f for f in value if isinstance(f, dict)]
        if isinstance(value, dict):
            flat: list[dict] = []
            for part in value.values():
                if isinstance(part, list):
                    flat += [f for f in part if isinstance(f, dict)]
                elif isinstance(part, dict):
                    flat.append(part)
            return flat
    return []


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------


def value_label(value_set: str, code: object, lang: Lang) -> str:
    """A code's label (``schemas.analysis`` sets first, then the codebook's); unknown codes are
    shown as they are rather than dropped."""
    labels = ANALYSIS_VALUE_LABELS.get(value_set) or VALUE_LABELS.get(value_set) or {}
    label = labels.get(code)
    if label is None and isinstance(code, str) and code.lstrip("-").isdigit():
        label = labels.get(int(code))
    return label(lang) if label is not None else str(code)


def cohort_label(cohort: str, lang: Lang) -> str:
    return text("all", lang) if cohort in ("all", None) else value_label("cohort", cohort, lang)


# ---------------------------------------------------------------------------------------------
# The published table
# ---------------------------------------------------------------------------------------------


@dataclass
class PublishedTable:
    """One table in one language, as published: every cell already a string (numbers formatted,
    hidden cells replaced by ``..``). ``data`` is what the ``.csv`` holds; :meth:`gt` lays it
    out with great-tables for HTML/PNG, ``gt(latex=True)`` for LaTeX.

    The builders return this rather than a bare ``GT`` (the issue's ``-> GT``) because three
    outputs need more than one GT object gives back publicly: the CSV needs the cells and the
    printed headers, and the LaTeX renderer of great-tables 1.1 refuses ``tab_footnote`` — there
    the footnotes go below the table as notes."""

    name: str
    lang: Lang
    title: str
    data: pl.DataFrame
    labels: dict[str, str]
    stub: str | None = None
    stubhead: str | None = None
    group: str | None = None
    group_header: str | None = None
    subtitle: str | None = None
    spanners: list[tuple[str, list[str]]] = field(default_factory=list)
    column_notes: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""
    left_aligned: Sequence[str] = ()
    number: int | None = None  # the table's place in the catalogue (set when published)

    @property
    def numbered_title(self) -> str:
        """``Table 3. <title>``: the number comes from the catalogue's order, so a table added
        or moved never leaves two tables with one number (a number a builder's title carries
        is replaced)."""
        title = TITLE_NUMBER.sub("", self.title)
        if self.number is None:
            return title
        return f"{text('table_number', self.lang, n=self.number)} {title}"

    @property
    def has_rows(self) -> bool:
        """Whether the table shows any data row (an early delivery may have none yet)."""
        return self.data.height > 0 and all(c in self.data.columns for c in self.label_columns)

    def without_data(self) -> PublishedTable:
        """The same table (title, notes, source) with one line saying, in its language, that
        there are no data yet: what every table publishes when its results hold no rows."""
        return no_data_table(self.name, self.lang, self.title, self.source,
                             subtitle=self.subtitle, notes=self.notes)

    @property
    def label_columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.stub, self.group) if c)

    def printed_header(self, column: str) -> str:
        """The header a reader sees over a column: its spanner (if any) and label."""
        if column == self.stub:
            return self.stubhead or column
        if column == self.group:
            return self.group_header or column
        label = self.labels.get(column, column)
        for spanner, columns in self.spanners:
            if column in columns:
                return f"{spanner}: {label}"
        return label

    def csv_frame(self) -> pl.DataFrame:
        """The published cells with the printed headers: the table's ``.csv``."""
        ordered = [c for c in (self.group, self.stub) if c] + [
            c for c in self.data.columns if c not in (self.group, self.stub)]
        frame = self.data.select(ordered)
        headers: dict[str, str] = {}
        for c in ordered:
            header = self.printed_header(c)
            while header in headers.values():  # a group and its stub may share a heading
                header += " "
            headers[c] = header
        return frame.rename(headers)

    def small_counts(self) -> list[str]:
        """Cells that would show a count of 1–4 (must be none; checked before writing)."""
        return small_count_cells(self.data, label_columns=self.label_columns)

    def all_notes(self) -> list[str]:
        return [*self.notes, text("suppression_note", self.lang)]

    def gt(self, latex: bool = False) -> GT:
        data_columns = [c for c in self.data.columns if c not in self.label_columns]
        table = GT(self.data, rowname_col=self.stub, groupname_col=self.group,
                   id=f"{self.name}_{self.lang}", auto_align=False)
        table = table.tab_header(title=self.numbered_title, subtitle=self.subtitle)
        if self.stub and self.stubhead:
            table = table.tab_stubhead(self.stubhead)
        table = table.cols_label(cases={c: self.labels.get(c, c) for c in data_columns})
        for i, (label, columns) in enumerate(self.spanners):
            table = table.tab_spanner(label, columns=columns, id=f"spanner{i}")
        right = [c for c in data_columns if c not in self.left_aligned]
        if right:
            table = table.cols_align("right", columns=right)
        left = [c for c in data_columns if c in self.left_aligned]
        if left:
            table = table.cols_align("left", columns=left)
        if latex:
            # great-tables' LaTeX output raises on tab_footnote: notes go under the table
            for column, note in self.column_notes:
                table = table.tab_source_note(f"{self.labels.get(column, column)}: {note}")
            for note in self.all_notes():
                table = table.tab_source_note(note)
        else:
            for column, note in self.column_notes:
                table = table.tab_footnote(note, locations=loc.column_labels(columns=column))
            for note in self.all_notes():
                table = table.tab_footnote(note)
        if self.source:
            table = table.tab_source_note(self.source)
        if not latex:  # numbers and intervals stay on one line
            table = table.opt_css(f"#{self.name}_{self.lang} td.gt_row.gt_right "
                                  "{ white-space: nowrap; }")
        return table.tab_options(
            table_font_size="13px", heading_align="left", heading_title_font_size="15px",
            heading_subtitle_font_size="13px", column_labels_font_weight="bold",
            row_group_font_weight="bold", source_notes_font_size="11px", data_row_padding="3px",
            table_font_names=["Source Sans Pro", "Segoe UI", "DejaVu Sans", "Helvetica",
                              "Arial", "sans-serif"],
        )


def no_data_table(name: str, lang: Lang, title: str, source: str,
                  subtitle: str | None = None, notes: Sequence[str] = ()) -> PublishedTable:
    """A table of one line saying there are no data yet (the disclosure rules still apply to
    it like to any table: it shows no count)."""
    message = text("no_data_yet", lang)
    return PublishedTable(name=name, lang=lang, title=title, subtitle=subtitle,
                          data=pl.DataFrame({"no_data": [message]}), labels={"no_data": ""},
                          notes=list(notes), source=source, left_aligned=("no_data",))


TITLE_NUMBER = re.compile(r"^(?:Taulukko|Tabell|Table) \d+\.\s*")


def as_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text (None → ""), the form a published table's cells take."""
    return frame.with_columns(pl.all().cast(pl.Utf8).fill_null(""))
