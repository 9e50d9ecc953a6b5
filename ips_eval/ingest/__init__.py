"""Ingest: every delivery file into DuckDB — raw (as delivered, identity codes pseudonymised),
quarantine (every rejected file, row and field) and staging (validated, newest version per key).
See ``pipeline.py`` for the steps and docs/methods.md §Sources and deliveries for the rules."""

from ips_eval.ingest.pipeline import IngestReport, ingest_deliveries, load_source, stage_source

__all__ = ["IngestReport", "ingest_deliveries", "load_source", "stage_source"]
