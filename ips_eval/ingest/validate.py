"""``ips-eval validate``: the ingest alone — every delivery checked, loaded and reconciled, no
analyses — with a summary a person can read per source and rule.

By default it runs into a throw-away warehouse, so checking a new delivery folder never touches
the study's warehouse; pass ``warehouse_path`` to validate into a real one (the ingest is the
same either way and incremental by content hash).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ips_eval.config import DEMO_PSEUDONYM_KEY, Settings, study_key
from ips_eval.ingest.audit import Leak, all_reconciliations, identity_leaks
from ips_eval.ingest.pipeline import LOADED, REJECTED, FileOutcome, ingest_deliveries
from ips_eval.ingest.staging import SourceSummary
from ips_eval.warehouse import connect
from schemas.rules import RULES


@dataclass
class ValidationSummary:
    deliveries_dir: Path
    files: list[FileOutcome]
    sources: dict[str, SourceSummary]
    reconciliation: pl.DataFrame = field(default_factory=pl.DataFrame)
    leaks: list[Leak] = field(default_factory=list)

    @property
    def files_rejected(self) -> int:
        return sum(f.outcome == REJECTED for f in self.files)

    @property
    def balanced(self) -> bool:
        return bool(self.reconciliation.is_empty() or self.reconciliation["balanced"].all())

    @property
    def ok(self) -> bool:
        """No file rejected whole, reconciliation holds, no identity code leaked."""
        return self.files_rejected == 0 and self.balanced and not self.leaks

    def render(self) -> str:
        lines = [f"Deliveries: {self.deliveries_dir}",
                 f"Files: {len(self.files)} ({self.files_rejected} rejected)", ""]
        for name, s in self.sources.items():
            files = [f for f in self.files if f.source == name]
            lines.append(f"{name}: {len(files)} files, {s.rows_read} rows read — "
                         f"{s.staged} staged, {s.superseded} superseded, "
                         f"{s.exact_duplicates} exact duplicates, {s.quarantined_rows} "
                         f"quarantined; {s.field_defects} field values set to missing")
            for rule_id, n in sorted(s.by_rule.items()):
                rule = RULES.get(rule_id)
                what = f"{rule.level}: {rule.en}" if rule else rule_id
                lines.append(f"    {rule_id:<26} {n:>7}  ({what})")
            for f in files:
                if f.outcome == REJECTED:
                    lines.append(f"    REJECTED {f.file}: {f.message}")
                elif f.outcome == LOADED and f.message:  # which sheet of a workbook was read
                    lines.append(f"    read {f.file}: {f.message}")
        lines.append("")
        unbalanced = (self.reconciliation.filter(~pl.col("balanced"))
                      if not self.reconciliation.is_empty() else self.reconciliation)
        if unbalanced.is_empty():
            lines.append("Reconciliation: rows read = staged + superseded + duplicates + "
                         "quarantined, for every source and file.")
        else:
            lines.append("Reconciliation FAILED for:")
            lines += [f"    {r['source']} {r['file']}" for r in unbalanced.iter_rows(named=True)]
        if self.leaks:
            lines.append("IDENTITY LEAK: valid personal identity codes found in "
                         + ", ".join(f"{leak.table}.{leak.column}" for leak in self.leaks))
        else:
            lines.append("Identity scan: no valid personal identity code in any table.")
        return "\n".join(lines)


def validate_deliveries(settings: Settings, deliveries_dir: Path | None = None,
                        warehouse_path: Path | None = None) -> ValidationSummary:
    """Ingest ``deliveries_dir`` (default: the settings') and summarise what happened."""
    deliveries = Path(deliveries_dir or settings.deliveries_dir)
    if not deliveries.is_dir():
        raise FileNotFoundError(f"delivery folder not found: {deliveries}")
    # KeyRefused before a row is read
    key = study_key(deliveries, settings.pseudonym_key).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="ips-validate-") as tmp:
        path = Path(warehouse_path) if warehouse_path else Path(tmp) / "validate.duckdb"
        with connect(path, memory_limit=settings.duckdb_memory_limit) as con:
            report = ingest_deliveries(con, deliveries, key,
                                       key == DEMO_PSEUDONYM_KEY.encode("utf-8"))
            return ValidationSummary(deliveries, report.files, report.sources,
                                     all_reconciliations(con), identity_leaks(con))
