"""A run stopped by its environment — a full disk, a read-only file system, a missing
permission — says so in one line naming the cause and the path (docs/operations.md §Re-runs),
never in a traceback: from an exception raised anywhere in the run (Dagster's run storage, a
step's file, the lock or marker files) or from a failed step's error as Dagster reports it."""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

# errno → the cause in words
ERRNO_CAUSES = {
    errno.ENOSPC: "the disk is full (no space left on the device)",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
# the same causes as libraries word them (DuckDB, SQLite, a re-raised OSError's text)
TEXT_CAUSES = (
    ("no space left on device", errno.ENOSPC),
    ("database or disk is full", errno.ENOSPC),
    ("[errno 28]", errno.ENOSPC),
    ("disk quota exceeded", errno.EDQUOT),
    ("read-only file system", errno.EROFS),
    ("[errno 30]", errno.EROFS),
    ("attempt to write a readonly database", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("[errno 13]", errno.EACCES),
    ("operation not permitted", errno.EPERM),
)
NEARLY_FULL = 1 << 20  # bytes free: a "disk I/O error" on a disk this full is the full disk
_QUOTED_PATH = re.compile(r"""["'](/[^"'\n]+)["']""")


class RunStopped(RuntimeError):
    """The run was stopped by its environment; the message is one line."""


def _chain(error: object) -> list:
    """An exception's (or Dagster's serialised error's) causes and contexts, outermost first."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen and len(chain) < 30:
        seen.add(id(error))
        chain.append(error)
        error = (getattr(error, "__cause__", None) or getattr(error, "__context__", None)
                 or getattr(error, "cause", None) or getattr(error, "context", None))
    return chain


def _text(error: object) -> str:
    message = getattr(error, "message", None)
    return str(message if isinstance(message, str) else error)


def _free_bytes(path: Path) -> int | None:
    for folder in (path, *path.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return None


def environment_cause(error: object, out_dir: Path) -> str | None:
    """One line naming the cause and the path when ``error`` (or any error in its chain) is
    the environment's — else None (an error of the pipeline or the data)."""
    out_dir = Path(out_dir)
    for item in _chain(error):
        code = getattr(item, "errno", None) if isinstance(item, OSError) else None
        text = _text(item)
        if code not in ERRNO_CAUSES:
            lowered = text.lower()
            code = next((c for needle, c in TEXT_CAUSES if needle in lowered), None)
            if code is None and "disk i/o error" in lowered:
                free = _free_bytes(out_dir)
                code = errno.ENOSPC if free is not None and free < NEARLY_FULL else None
        if code is None:
            continue
        filename = getattr(item, "filename", None) if isinstance(item, OSError) else None
        quoted = _QUOTED_PATH.search(text)
        path = filename or (quoted.group(1) if quoted else None) or out_dir
        line = f"stopped: {ERRNO_CAUSES[code]}: {path}"
        if code in (errno.ENOSPC, errno.EDQUOT):
            free = _free_bytes(Path(path))
            if free is not None:
                line += f" ({free / 1e6:.1f} MB free)"
        return (line + f"; {out_dir} is marked incomplete — free the space or fix the "
                "permission (or choose another --out) and run again")
    return None
