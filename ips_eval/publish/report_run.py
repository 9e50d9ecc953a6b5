"""The report page's sections about the run itself: the deliveries with their hashes, the
validation summary — rows in, staged, superseded, quarantined by reason — and the software
versions. A delivered row is mostly one person's: the row counts follow the tables' disclosure
rule (``publish.tables.disclosure``: a count of 1–4 hidden, and beside it the next count of the
row that would give it back from the rows read; a count by rule of 1–4 hidden — issue 30).
Read from ``out/manifest.json`` (ingest) and, for rejected values by rule and level, the
warehouse's ``quarantine.defects``; quarantined *values* are never shown — they may be
(masked) identity codes — only counts.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ips_eval.ingest.manifest import package_versions
from ips_eval.publish.tables.common import manifest_files
from ips_eval.publish.tables.disclosure import SUPPRESSED, CountCells, is_small
from ips_eval.warehouse import has_table
from schemas.codebook import LANGS, Label
from schemas.report_text import REPORT_TEXT, report_text
from schemas.rules import RULES


def text_spans(key: str, **fields: object) -> str:
    """A text in all three languages, each in its own span (the page's CSS shows one)."""
    return "".join(f'<span class="l-{lang}">{html.escape(report_text(key, lang, **fields))}</span>'
                   for lang in LANGS)


# the counts of a delivery file and of a source, as the report prints them: rows read, then its
# parts (rows read = staged + superseded + duplicates + quarantined)
ROW_COUNTS = ("rows_read", "staged", "superseded", "exact_duplicates", "quarantined_rows")


def operational_hidden(manifest: dict | None) -> set:
    """Which of the report's delivery and validation counts are hidden (1–4 and whatever would
    give one back), worked out for both sections at once since a reader sees both: per file and
    per source the parts add up to rows read; per source and count the files add up to the
    source's (the manifest's sums), and a hidden source count must not be given back by its
    files; field defects per source stand alone. Keys ``("file", i, count)`` (i: the file's
    place in the manifest) and ``("source", name, count)``."""
    cells = CountCells()
    files = manifest_files(manifest)
    sources = (manifest or {}).get("sources") or {}

    def number(value: object) -> int | None:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    for i, f in enumerate(files):
        for count in ROW_COUNTS:
            cells.add(("file", i, count), number(f.get(count)))
        cells.group([("file", i, count) for count in ROW_COUNTS[1:]])
    for name, s in sources.items():
        for count in (*ROW_COUNTS, "field_defects"):
            cells.add(("source", name, count), number(s.get(count)))
        cells.group([("source", name, count) for count in ROW_COUNTS[1:]])
        members = [i for i, f in enumerate(files) if f.get("source") == name]
        for count in ROW_COUNTS:
            parts = [("file", i, count) for i in members]
            whole = number(s.get(count))
            if parts and whole is not None and sum(
                    cells.values.get(k, 0) for k in parts) <= whole:
                cells.group(parts, total=whole, remainder_key=("rest", name, count))
            cells.group([*parts, ("source", name, count)])
    return cells.hidden()


def _spans(label: Label) -> str:
    return "".join(f'<span class="l-{lang}">{html.escape(label(lang))}</span>'
                   for lang in LANGS)


def _cell(value: object) -> str:
    """A cell's text; a :class:`Label` in each language (the page's CSS shows one)."""
    if isinstance(value, Label):
        return _spans(value)
    return html.escape("" if value is None else str(value))


def _ops_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
               numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{text_spans(h) if h in REPORT_TEXT else html.escape(h)}</th>"
                   for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{_cell(v)}</td>' if i in numeric else f"<td>{_cell(v)}</td>"
            for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f"<div class='ops-wrap'><table class='ops'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


@dataclass
class RunInputs:
    manifest: dict | None
    defects_by_rule: pl.DataFrame | None


def read_run_inputs(out_dir: Path, con: duckdb.DuckDBPyConnection | None) -> RunInputs:
    manifest = None
    path = out_dir / "manifest.json"
    if path.is_file():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            manifest = None
    defects = None
    if con is not None and has_table(con, "quarantine", "defects"):
        defects = con.sql("SELECT source, level, rule, count(*) AS n FROM quarantine.defects "
                          "GROUP BY ALL ORDER BY source, level, rule").pl()
    return RunInputs(manifest, defects)


def level_label(level: str) -> Label | str:
    """A rule's level (file, row, field) in each language."""
    key = f"report_level_{level}"
    if key not in REPORT_TEXT:
        return level
    return Label(*(report_text(key, lang) for lang in ("fi", "sv", "en")))


def rule_label(rule_id: str | None) -> Label | str:
    if rule_id not in RULES:
        return rule_id or ""
    rule = RULES[rule_id]
    return Label(rule.fi, rule.sv, rule.en)


def outcome_label(entry: dict) -> Label | str:
    """A delivery file's outcome in each language: loaded, already loaded, or rejected with
    its rule. The manifest's outcome carries ingest's own note in English (which sheet was
    read, which file it repeats): the English page shows it as it is."""
    outcome = str(entry.get("outcome") or "")
    prefixes = {"already_loaded": "already loaded", "rejected": "rejected", "loaded": "loaded"}
    key = next((k for k, prefix in prefixes.items() if outcome.startswith(prefix)), None)
    if key is None:
        return outcome
    words = [report_text(f"report_outcome_{key}", lang) for lang in ("fi", "sv", "en")]
    rule = rule_label(entry.get("rule"))
    if key == "rejected" and isinstance(rule, Label):
        words = [f"{w}: {rule(lang)}" for w, lang in zip(words, ("fi", "sv", "en"),
                                                         strict=True)]
    return Label(words[0], words[1], outcome)


def deliveries_section(inputs: RunInputs) -> str:
    parts = [f"<section id='deliveries'><h2>{text_spans('report_inputs')}</h2>"]
    files = manifest_files(inputs.manifest)
    if not files:
        parts.append(f"<p>{text_spans('report_no_manifest')}</p></section>")
        return "\n".join(parts)
    hidden = operational_hidden(inputs.manifest)
    rows = [(f.get("source"), f.get("file"), f.get("delivery_date"), f.get("size_bytes"),
             str(f.get("content_hash") or "")[:16], outcome_label(f),
             *(SUPPRESSED if ("file", i, count) in hidden else f.get(count)
               for count in ROW_COUNTS))
            for i, f in enumerate(files)]
    parts.append(_ops_table(
        ("report_source", "report_file", "report_delivery_date", "report_size", "report_hash",
         "report_outcome", "report_rows_read", "report_staged", "report_superseded",
         "report_duplicates", "report_quarantined"), rows, numeric=(3, 6, 7, 8, 9, 10)))
    parts.append("</section>")
    return "\n".join(parts)


def validation_section(inputs: RunInputs) -> str:
    parts = [f"<section id='validation'><h2>{text_spans('report_validation')}</h2>"]
    sources = (inputs.manifest or {}).get("sources") or {}
    if sources:
        hidden = operational_hidden(inputs.manifest)
        rows = [(name, *(SUPPRESSED if ("source", name, count) in hidden else s.get(count)
                         for count in (*ROW_COUNTS, "field_defects")))
                for name, s in sources.items()]
        parts.append(_ops_table(
            ("report_source", "report_rows_read", "report_staged", "report_superseded",
             "report_duplicates", "report_quarantined", "report_field_defects"), rows,
            numeric=(1, 2, 3, 4, 5, 6)))
    by_rule = inputs.defects_by_rule
    if by_rule is None and sources:
        by_rule = pl.DataFrame(
            [{"source": name, "level": RULES[r].level if r in RULES else "", "rule": r, "n": n}
             for name, s in sources.items() for r, n in (s.get("by_rule") or {}).items()],
            schema={"source": pl.Utf8, "level": pl.Utf8, "rule": pl.Utf8, "n": pl.Int64})
    if by_rule is not None and by_rule.height:
        parts.append(f"<h3>{text_spans('report_by_rule')}</h3>")
        rows = [(r["source"], level_label(r["level"]), r["rule"], rule_label(r["rule"]),
                 SUPPRESSED if is_small(r["n"]) else r["n"])
                for r in by_rule.iter_rows(named=True)]
        parts.append(_ops_table(
            ("report_source", "report_level", "report_rule", "report_description",
             "report_count"), rows, numeric=(4,)))
    if not sources and (by_rule is None or not by_rule.height):
        parts.append(f"<p>{text_spans('report_no_manifest')}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def software_section(inputs: RunInputs, run_id: str | None = None) -> str:
    manifest = inputs.manifest or {}
    versions = manifest.get("package_versions") or package_versions()
    rows = [(name, version) for name, version in versions.items()]
    parts = [f"<section id='software'><h2>{text_spans('report_software')}</h2>",
             _ops_table(("report_package", "report_version"), rows)]
    if run_id:  # the run this page belongs to (the manifest names its run the same way)
        parts.append(f"<p>{text_spans('report_run')}: <code data-run-id>{html.escape(run_id)}"
                     "</code></p>")
    if manifest.get("git_commit"):
        commit = html.escape(manifest["git_commit"])
        parts.append(f"<p>{text_spans('report_commit')}: <code>{commit}</code></p>")
    if manifest.get("uses_demo_key"):
        parts.append(f"<p><strong>{text_spans('report_demo_key')}</strong></p>")
    parts.append("</section>")
    return "\n".join(parts)
