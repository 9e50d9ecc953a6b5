"""What keeps one output folder sound across runs that overlap, fail or are killed:

- one writer: an exclusive lock on ``<out>/.ips_eval.lock``, taken before anything else; the
  file names its holder, so a lock left by a killed run says whose it was;
- ``<out>/INCOMPLETE.txt`` while a run has not succeeded: outputs are replaced file by file
  (each atomically), so until the run is through the folder holds a mix and says so;
- no child outlives the run: a small watchdog process watches the run's process tree and, when
  the run ends in any way — SIGKILL included — kills what the run started (Chromium);
- the settings a complete run had (``.ips_eval_state.json``): an incremental run needs the
  same (what else it re-runs, Dagster's versions decide: assets/versions.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ips_eval.config import Settings
from ips_eval.outputs import write_text

LOCK_FILE = ".ips_eval.lock"
INCOMPLETE_FILE = "INCOMPLETE.txt"


class RunLocked(RuntimeError):
    """Another ``ips-eval`` process is writing to the same output folder."""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _describe(holder: dict) -> str:
    return (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, run "
            f"{holder.get('run_id', '?')}, started {holder.get('started', '?')}")


def _read_holder(text: str) -> dict:
    try:
        holder = json.loads(text)
    except ValueError:
        holder = {"pid": text.strip() or "?"}
    return holder if isinstance(holder, dict) else {"pid": str(holder)}


@contextmanager
def output_lock(out_dir: Path, run_id: str = "") -> Iterator[str | None]:
    """One writer per output folder: DuckDB allows one writing process per file, and two runs
    interleaving their outputs would publish a mix. A second run fails fast with a message
    naming the holder. Yields a note when the lock file still names an earlier run that never
    released it (killed), else None; a clean release empties the file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _read_holder(handle.read())
            raise RunLocked(f"another ips-eval run ({_describe(holder)}) is writing to "
                            f"{out_dir}; wait for it to finish or choose another --out") from None
        handle.seek(0)
        previous = handle.read().strip()
        stale = (f"the previous run ({_describe(_read_holder(previous))}) did not finish; "
                 "this run replaces its partial outputs") if previous else None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                 "run_id": run_id, "started": _now(),
                                 "command": " ".join(sys.argv[:6])}))
        handle.flush()
        try:
            yield stale
            handle.seek(0)
            handle.truncate()
            handle.flush()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def mark_incomplete(out_dir: Path, run_id: str) -> Path:
    """Say in the folder itself that its outputs are not (yet) one run's complete set."""
    return write_text(
        out_dir / INCOMPLETE_FILE,
        f"This output folder is INCOMPLETE.\nRun {run_id} (pid {os.getpid()}) started "
        f"{_now()} and has not finished successfully: the files here may be a mix of that run "
        "and earlier ones, and the report and manifest may name another run.\n"
        "Run `ips-eval run` again with the same --out; this file goes away when a run "
        "succeeds.\n", folder_mode=False)


def mark_complete(out_dir: Path, run_id: str) -> None:  # noqa: ARG001 — named for the log
    (out_dir / INCOMPLETE_FILE).unlink(missing_ok=True)


def is_incomplete(out_dir: Path) -> bool:
    return (out_dir / INCOMPLETE_FILE).exists()


# ---------------------------------------------------------------------------------------------
# Children never outlive the run
# ---------------------------------------------------------------------------------------------

# Runs in its own small interpreter: every half second it notes the run's descendants
# (pid, start time) that started after the run did; when the run closes the pipe — by ending
# or by being killed, SIGKILL included — it kills those still alive and their children. A
# child started in the last moments before a SIGKILL (after the last look) has been handed to
# init by then: such orphans of the run's process group, started after the run, go too.
WATCHDOG = r"""
import collections, os, select, signal, sys, time
parent, since = int(sys.argv[1]), int(sys.argv[2])
try:
    group = os.getpgid(parent)
except OSError:  # the run is gone already
    group = None

def table():
    rows = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open(f'/proc/{name}/stat', 'rb') as f:
                    fields = f.read().rsplit(b')', 1)[1].split()
                rows[int(name)] = (int(fields[1]), int(fields[19]), int(fields[2]))
            except (OSError, IndexError, ValueError):
                pass
    return rows

def tree(roots, rows):
    children = collections.defaultdict(list)
    for pid, row in rows.items():
        children[row[0]].append(pid)
    found, todo = set(), list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found and child != os.getpid():
                found.add(child)
                todo.append(child)
    return found

seen = {}
while True:
    rows = table()
    for pid in tree([parent], rows):
        if rows[pid][1] >= since:
            seen[pid] = rows[pid][1]
    ready, _, _ = select.select([sys.stdin], [], [], 0.5)
    if ready and not os.read(sys.stdin.fileno(), 1024):
        break
for _ in range(3):  # the kernel may hand the orphans over just after the pipe closed
    rows = table()
    alive = [p for p, start in seen.items() if p in rows and rows[p][1] == start]
    alive += [p for p, (ppid, start, pgrp) in rows.items()
              if ppid == 1 and pgrp == group and start >= since and p != os.getpid()]
    for pid in set(alive) | tree(alive, rows):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.2)
"""


@contextmanager
def child_watchdog() -> Iterator[None]:
    """Kill every process the block starts that is still alive when it ends or the process
    dies (Linux /proc; elsewhere the block runs unguarded)."""
    if not Path("/proc/self/stat").exists():
        yield
        return
    # processes this one started from now on: started at or after this clock tick
    with open("/proc/uptime", encoding="ascii") as f:
        since = int(float(f.read().split()[0]) * os.sysconf("SC_CLK_TCK")) - 1
    dog = subprocess.Popen([sys.executable, "-I", "-S", "-c", WATCHDOG, str(os.getpid()),
                            str(since)], stdin=subprocess.PIPE,
                           # its own session: a Ctrl-C aimed at the run's terminal group
                           # must not end the watchdog before it has cleaned up
                           start_new_session=True)
    try:
        yield
    finally:
        dog.stdin.close()
        try:
            dog.wait(timeout=10)
        except subprocess.TimeoutExpired:
            dog.kill()


# ---------------------------------------------------------------------------------------------
# The settings of the last complete run (for incremental runs, assets.runner)
# ---------------------------------------------------------------------------------------------

STATE_FILE = ".ips_eval_state.json"


def state_path(out_dir: Path) -> Path:
    return out_dir / STATE_FILE


def load_state(out_dir: Path) -> dict | None:
    try:
        state = json.loads(state_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and "settings" in state else None


def save_state(out_dir: Path, state: dict) -> None:
    write_text(state_path(out_dir), json.dumps(state, indent=1, sort_keys=True),
               private=True, folder_mode=False)


def fingerprint(settings: Settings) -> dict:
    """What a complete run's outputs are a function of besides code and deliveries (which
    Dagster's versions carry): the settings. Their digest is an HMAC under the pseudonym key
    (not a hash of the key, which a weak key could be found from offline): a change of key, as
    of any setting, is a change."""
    setup = json.dumps({"deliveries": str(settings.deliveries_dir),
                        "cutoffs": {k: v.isoformat() for k, v in sorted(settings.cutoffs.items())},
                        "label_language": settings.label_language,
                        "register_history": settings.register_history,
                        "horizons": list(settings.horizons)})
    keyed = hmac.new((settings.pseudonym_key or "").encode("utf-8"), setup.encode("utf-8"),
                     hashlib.sha256)
    return {"settings": keyed.hexdigest()}
