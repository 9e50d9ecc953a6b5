"""``ips-eval`` from a test, as a user meets it: its exit status, its standard output and its
standard error.

- ``run_cli`` calls the command line's ``main`` in this process (no interpreter start, no
  imports: seconds less per call). The environment is replaced for the call as a new process
  would get it (no ``IPS_EVAL_*`` setting of the test process, the tests' key unless ``key``
  says otherwise, and ``env``), the umask set if asked, stdout and stderr captured. Use it for
  set-up errors and for runs whose outcome is the point.
- ``spawn_cli`` and ``start_cli`` start ``python -m assets.cli`` in a new process: for what
  only a process shows — a signal, a kill, its children, its own peak memory, the real entry
  point.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import warnings
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from ips_eval.config import ENV_KEY

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Hand-made deliveries are not the synthetic study, so a run on them needs a real-length key
# (ips_eval.config.study_key). Not a secret: it exists for the tests only.
TEST_PSEUDONYM_KEY = "ips-eval-tests-only-key-0123456789abcdef"

RUN_TIMEOUT = 1800  # a whole graph on a small delivery, in a new process; generous


@dataclass
class Done:
    """What a finished ``ips-eval`` call left: as ``subprocess.CompletedProcess`` has it."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def cli_env(key: str | None = TEST_PSEUDONYM_KEY, **extra: str) -> dict[str, str]:
    """The environment of an ``ips-eval`` call: the test process's without its ips-eval
    settings, the pseudonym key ``key`` (none when None), and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPS_EVAL_")}
    if key is not None:
        env[ENV_KEY] = key
    return {**env, **extra}


@contextmanager
def _environment(env: dict[str, str], umask: int | None):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    old_umask = os.umask(umask) if umask is not None else None
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if old_umask is not None:
            os.umask(old_umask)


@contextmanager
def _warnings_to(stream: io.StringIO):
    """Log records of level WARNING and up written to ``stream`` as bare messages: what a new
    process does with them (no handler configured: logging's last resort, on stderr). pytest's
    own handlers on the root logger would otherwise keep them from stderr."""
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


# Python's own warning filters in a new process (pytest's are others)
PROCESS_WARNING_FILTERS = [("default", None, DeprecationWarning, "__main__", 0),
                           ("ignore", None, DeprecationWarning, None, 0),
                           ("ignore", None, PendingDeprecationWarning, None, 0),
                           ("ignore", None, ImportWarning, None, 0),
                           ("ignore", None, ResourceWarning, None, 0)]


@contextmanager
def _fresh_process_notices():
    """Notices ips-eval gives once per process (the demo-key warning) given again: a new
    process has not given them yet, whatever runs this test process made before."""
    from ips_eval.ingest import pipeline

    given = pipeline._demo_key_logged
    pipeline._demo_key_logged = False
    try:
        yield
    finally:
        pipeline._demo_key_logged = given


@contextmanager
def _python_warnings_to(stream: io.StringIO):
    """Python warnings filtered and shown as in a new process, on ``stream``."""
    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        stream.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.filters[:] = list(PROCESS_WARNING_FILTERS)
        warnings.showwarning = show
        yield


def run_cli(*args: str, key: str | None = TEST_PSEUDONYM_KEY, umask: int | None = None,
            **env: str) -> Done:
    """``ips-eval ARGS`` in this process; an argparse usage error is its exit status 2 as in a
    process. An exception ``main`` lets through is not caught: the test fails on it, as a
    traceback on a real terminal would be a failure."""
    from assets.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (_environment(cli_env(key, **env), umask), redirect_stdout(out), redirect_stderr(err),
          _warnings_to(err), _python_warnings_to(err), _fresh_process_notices()):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Done(tuple(args), code, out.getvalue(), err.getvalue())


def spawn_cli(*args: str, key: str | None = TEST_PSEUDONYM_KEY, timeout: float = RUN_TIMEOUT,
              umask: int | None = None, **env: str) -> subprocess.CompletedProcess:
    """``python -m assets.cli ARGS`` in a new process, to its end."""
    return subprocess.run(
        [sys.executable, "-m", "assets.cli", *args], cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=timeout, env=cli_env(key, **env),
        preexec_fn=None if umask is None else (lambda: os.umask(umask)))


def start_cli(*args: str, log: Path, key: str | None = TEST_PSEUDONYM_KEY,
              **env: str) -> subprocess.Popen:
    """``python -m assets.cli ARGS`` in the background, its stderr going to ``log`` (read
    while it runs)."""
    return subprocess.Popen([sys.executable, "-m", "assets.cli", *args], cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"),
                            env=cli_env(key, **env))
