"""Helpers shared by the tests (no tests here). Test files import from this package, never
from each other:

- ``support.deliveries`` — hand-made delivery files in the contract's Finnish CSV style
  (``client``, ``job``, ``write_csv``, valid and invalid HETUs) and the ingest around them
  (``ingest``, ``query``, ``defects``, ``table``);
- ``support.small_deliveries`` — a new region's first small deliveries (``early_region``,
  ``enrolment_only``);
- ``support.hostile`` — a hostile delivery folder and a decompression bomb;
- ``support.employment``, ``support.tte``, ``support.scores``, ``support.register`` —
  hand-made staging and analysis tables for the analysis tests;
- ``support.tables`` — a small hand-made warehouse of analysis and results tables for the
  table, figure and report tests;
- ``support.cli`` — ``ips-eval`` called in this process (``run_cli``: fast, for set-up errors
  and runs) or in a new one (``spawn_cli``: for what needs its own process — a signal, a kill,
  its own peak memory);
- ``support.shared`` — ``build_once``: what a session fixture builds, built once for all the
  pytest-xdist workers (a file lock in the folder they share).

Fixtures shared by every test file are in ``tests/conftest.py``: ``synthetic_study`` and
``pipeline_run`` (the default study and one full run on it, made once per test session for
all workers and read-only: copy before changing anything), ``small_run`` (a few small
deliveries, each run once per session), ``con`` (a fresh warehouse per test) and the tests'
pseudonym key.
"""

# tests/conftest.py imports this package before any test module loads DuckDB: ips_eval first,
# so that DuckDB's memory is zeroed in the test processes as in the CLI (ips_eval/allocator.py)
import ips_eval  # noqa: E402, F401
