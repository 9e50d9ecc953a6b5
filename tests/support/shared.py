"""What a test session builds once for all its pytest-xdist workers (the session fixtures of
tests/conftest.py): the first worker to ask builds it under a file lock in the folder the
workers share, and saves what the fixture returns; a worker that asks later waits for the lock
and reads that back. Without xdist the session's own temporary folder is used the same way.

What is built is shared read-only: a test that changes anything copies it first, and a
warehouse is opened ``read_only`` (DuckDB lets several processes read a file, not write it).
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

T = TypeVar("T")

BUILT = "built.pickle"  # what the fixture returns, for the workers that did not build it
FAILED = "failed.txt"  # why the build failed, so that the other worker does not try again


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this test session sees: the parent of a worker's own
    temporary folder under xdist (``pytest-N/popen-gw0`` → ``pytest-N``), else the session's."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               build: Callable[[Path], T]) -> T:
    """``build(folder)`` once per test session, whichever worker asks first; its value (it
    must pickle) for every worker. A failed build fails every test that needs it, once built:
    the worker that built it reports the error, the others its first line."""
    root = shared_root(tmp_path_factory)
    folder = root / f"shared-{name}"
    with FileLock(str(root / f"shared-{name}.lock")):
        if (folder / BUILT).is_file():
            return pickle.loads((folder / BUILT).read_bytes())  # noqa: S301 — this session's own
        if (folder / FAILED).is_file():
            pytest.fail(f"building {name} failed in another worker: "
                        f"{(folder / FAILED).read_text(encoding='utf-8')}", pytrace=False)
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "data").mkdir(parents=True)
        try:
            value = build(folder / "data")
        except BaseException as exc:
            (folder / FAILED).write_text(f"{type(exc).__name__}: {exc}".splitlines()[0],
                                         encoding="utf-8")
            raise
        (folder / BUILT).write_bytes(pickle.dumps(value))
        return value
