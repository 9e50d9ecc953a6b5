"""The Dagster definitions of ips-eval (docs/operations.md).

ips_eval is imported first: it asks DuckDB's allocator to zero its memory before DuckDB loads
(ips_eval/allocator.py)."""

import ips_eval  # noqa: F401
