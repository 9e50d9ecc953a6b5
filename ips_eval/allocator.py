"""DuckDB's memory hands out no stale bytes: its allocator zeroes every allocation
(docs/methods.md §Identity and pseudonyms).

DuckDB writes a block it spills to disk whole, the unused tail included, and on Linux it
allocates through its own bundled jemalloc, which hands reused memory out as it was. A block
spilled after the CSV reader's buffers were freed so carried stale raw lines of the delivery —
identity codes in clear — into the spill folder, where a killed run leaves them (measured: 3,028
codes in one spill file of a register ingest under a 24 MB memory limit;
tests/test_ingest_killed.py). jemalloc's ``zero`` option zeroes each allocation, and with it no
code was found in any spill file of the same runs.

jemalloc reads its options once, when DuckDB's library is loaded: :func:`request_zeroed` runs
in ``ips_eval/__init__.py`` so that it comes before any ``import duckdb`` of a process that uses
the library (the CLI, the Dagster code location, the tests), and :func:`require_zeroed` refuses
an ingest in a process where DuckDB was loaded first.
"""

from __future__ import annotations

import ctypes
import os
from functools import cache

ENV = "DUCKDB_JE_MALLOC_CONF"  # the bundled jemalloc's options (its prefix: DUCKDB_JE_)
ZERO = "zero:true"


def request_zeroed() -> None:
    """Ask DuckDB's jemalloc to zero every allocation (a later option of the same name wins,
    so ours goes last; whatever else the environment asks is kept)."""
    conf = os.environ.get(ENV, "")
    if not conf.endswith(ZERO):
        os.environ[ENV] = f"{conf},{ZERO}" if conf else ZERO


@cache
def allocations_zeroed() -> bool | None:
    """Whether DuckDB's allocator zeroes each allocation: True or False where DuckDB runs on its
    bundled jemalloc (Linux), None where it does not (macOS, Windows: the system allocator,
    which this cannot set). jemalloc reads its options once, when DuckDB loads, so the answer
    is read once a process (every source's load asks)."""
    import _duckdb  # DuckDB's library itself, where jemalloc lives

    try:
        mallctl = ctypes.CDLL(_duckdb.__file__).duckdb_je_mallctl
    except (OSError, AttributeError):
        return None
    value, size = ctypes.c_bool(), ctypes.c_size_t(ctypes.sizeof(ctypes.c_bool))
    if mallctl(b"opt.zero", ctypes.byref(value), ctypes.byref(size), None, ctypes.c_size_t(0)):
        return None
    return bool(value.value)


class AllocatorNotZeroed(RuntimeError):
    """DuckDB was loaded before ips_eval in this process, so its memory is not zeroed."""


def require_zeroed() -> None:
    """Refuse to read deliveries (identity codes in clear) when DuckDB's spill files could
    carry their stale bytes: one line that says what to do."""
    if allocations_zeroed() is False:
        raise AllocatorNotZeroed(
            "DuckDB was loaded before ips_eval in this process, so its memory is not zeroed "
            "and spill files could hold delivery text: import ips_eval before duckdb, or set "
            f"{ENV}={ZERO} before Python starts")
