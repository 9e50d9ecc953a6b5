"""``ips-eval run``: materialise every asset of the one ``Definitions`` object in process —
the same graph ``dagster dev`` shows, not a second code path — with a progress line per step
and a closing summary. Runs are recorded in a Dagster instance under ``<out>/.dagster`` so the
UI can show them afterwards.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg

from ips_eval.config import ENV_CUTOFFS, ENV_DELIVERIES, ENV_LABEL_LANGUAGE, ENV_OUT, Settings
from ips_eval.outputs import output_dir, private_files


class RunLocked(RuntimeError):
    """Another ``ips-eval`` process is writing to the same output folder."""


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """One writer per output folder: DuckDB allows one writing process per file, and two runs
    interleaving their outputs would publish a mix. A second run fails fast with a clear
    message instead of a lock traceback from DuckDB."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ".ips_eval.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLocked(
                f"another ips-eval run (pid {holder}) is writing to {out_dir}; wait for it to "
                "finish or choose another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def apply_settings_to_env(settings: Settings) -> None:
    """The Definitions read their settings from the environment (ips_eval.config); the CLI's
    options are passed the same way, so the UI and the CLI run one configuration mechanism."""
    os.environ[ENV_DELIVERIES] = str(settings.deliveries_dir)
    os.environ[ENV_OUT] = str(settings.out_dir)
    os.environ[ENV_CUTOFFS] = ",".join(f"{k}={v.isoformat()}" for k, v in settings.cutoffs.items())
    os.environ[ENV_LABEL_LANGUAGE] = settings.label_language


@dataclass
class RunReport:
    success: bool = True
    steps_done: int = 0
    steps_total: int = 0
    materialised: list[str] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)
    checks_failed: list[tuple[str, str, str]] = field(default_factory=list)  # key, name, severity
    checks_passed: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _ProgressHandler(logging.Handler):
    """Turns Dagster's step events into one line per step on the terminal."""

    def __init__(self, report: RunReport, stream: TextIO) -> None:
        super().__init__(level=logging.DEBUG)
        self.report, self.stream = report, stream
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if event is None:
            step = meta.get("step_key") if isinstance(meta, dict) else None
            text = str((meta or {}).get("orig_message", record.getMessage()))
            if text.startswith("Dependencies for step") and text.endswith("Not executing."):
                # Dagster skips a step whose upstream failed: one line, counted once
                self.report.steps_done += 1
                self.report.skipped.append(step)
                self._line(f"[{self.report.steps_done:>3}/{self.report.steps_total}] "
                           f"{step:<48} skipped: upstream did not succeed")
            elif record.levelno >= logging.WARNING:
                # the assets' own warnings (a rejected file, the demo key), not their chatter
                first, *rest = text.strip().splitlines() or [""]
                self._line(f"      {first}" + (" …" if rest else ""))
            return
        kind, step = event.event_type_value, event.step_key
        r = self.report
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
        elif kind == "STEP_SUCCESS":
            r.steps_done += 1
            took = time.monotonic() - self.started.get(step, time.monotonic())
            self._line(f"[{r.steps_done:>3}/{r.steps_total}] {step:<48} {took:6.1f} s")
        elif kind == "STEP_FAILURE":
            r.steps_done += 1
            r.success = False
            message = _failure_message(event)
            r.failed_steps.append((step, message))
            self._line(f"[{r.steps_done:>3}/{r.steps_total}] {step:<48} FAILED: {message}")
        elif kind == "ASSET_MATERIALIZATION":
            r.materialised.append(event.asset_key.to_user_string())
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data.passed:
                r.checks_passed += 1
            else:
                severity = data.severity.value if data.severity else "ERROR"
                r.checks_failed.append((data.asset_key.to_user_string(), data.check_name,
                                        severity))
                if severity == "ERROR":
                    r.success = False
                self._line(f"      check {data.asset_key.to_user_string()}:{data.check_name} "
                           f"did not pass ({severity})")

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def _failure_message(event: dg.DagsterEvent) -> str:
    data = event.event_specific_data
    error = getattr(data, "error", None)
    while error is not None and error.cause is not None and not error.message.strip():
        error = error.cause
    # The user error, not Dagster's wrapper text
    if error is not None and error.cause is not None and "Error occurred while executing" in (
        error.message
    ):
        error = error.cause
    return (error.message.strip().splitlines() or ["unknown error"])[-1] if error else "failed"


INSTANCE_CONFIG = """\
# Written by ips-eval for the Dagster instance of this output folder (used by `ips-eval run`
# and by `DAGSTER_HOME=<out>/.dagster dagster dev`).
# Telemetry off: the secure environment has no network, and nothing of a run leaves it.
telemetry:
  enabled: false
# One run at a time: DuckDB allows one writing process per warehouse file.
run_queue:
  max_concurrent_runs: 1
"""


def write_instance_config(home: Path) -> Path:
    """``<out>/.dagster/dagster.yaml``, unless someone has put their own there."""
    output_dir(home, private=True)  # run records and metadata previews hold personal data
    path = home / "dagster.yaml"
    if not path.exists():
        path.write_text(INSTANCE_CONFIG, encoding="utf-8")
    return path


def execute(
    settings: Settings, selection: str | None = None, stream: TextIO = sys.stderr
) -> RunReport:
    """Materialise the asset graph (or a selection of it) with ``settings``."""
    apply_settings_to_env(settings)
    from assets.definitions import defs as load_defs  # after the environment is set

    report = RunReport()
    handler = _ProgressHandler(report, stream)

    @dg.logger
    def progress(_init_context: dg.InitLoggerContext) -> logging.Logger:
        log = logging.Logger("ips_eval.run", level=logging.DEBUG)
        log.addHandler(handler)
        return log

    defs = dg.Definitions.merge(load_defs(), dg.Definitions(loggers={"progress": progress}))
    job = defs.resolve_implicit_global_asset_job_def()
    if selection:
        job = job.get_subset(asset_selection=set(
            dg.AssetSelection.from_string(selection).resolve(defs.resolve_asset_graph())))
    report.steps_total = len(job.graph.nodes)
    home = settings.out_dir / ".dagster"
    started = time.monotonic()
    write_instance_config(home)
    # private by default: whatever Dagster and the libraries create is the owner's only; the
    # published outputs get the umask's mode from ips_eval.outputs.atomic_path
    with (private_files(), output_lock(settings.out_dir),
          dg.DagsterInstance.from_config(str(home)) as instance):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_config={"loggers": {"progress": {}}}
        )
    report.seconds = time.monotonic() - started
    report.success = report.success and result.success
    return report


def summary(report: RunReport, settings: Settings) -> str:
    out = settings.out_dir
    lines = [
        "",
        f"{'Finished' if report.success else 'FAILED'} in {report.seconds:.0f} s: "
        f"{len(report.materialised)} assets materialised, {report.checks_passed} checks passed, "
        f"{len(report.checks_failed)} did not pass, {len(report.failed_steps)} steps failed, "
        f"{len(report.skipped)} skipped.",
        f"  deliveries   {settings.deliveries_dir}",
        f"  warehouse    {settings.warehouse_path}",
    ]
    for name, what in (("analysis", "analysis datasets"), ("results", "results"),
                       ("tables", "tables"), ("figures", "figures")):
        folder = out / name
        if folder.is_dir():
            n = sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            lines.append(f"  {name:<12} {folder}  ({n} files: {what})")
    for path in (out / "report" / "index.html", out / "manifest.json"):
        if path.exists():
            lines.append(f"  {path.parent.name if path.name == 'index.html' else 'manifest':<12} "
                         f"{path}")
    for step, message in report.failed_steps:
        lines.append(f"  failed: {step}: {message}")
    for key, name, severity in report.checks_failed:
        lines.append(f"  check not passed ({severity}): {key}:{name}")
    lines.append(f"  Dagster UI:  DAGSTER_HOME={out / '.dagster'} uv run dagster dev "
                 "(shows this run)")
    return "\n".join(lines)
