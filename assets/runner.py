"""``ips-eval run``: materialise every asset of the one ``Definitions`` object in process —
the same graph ``dagster dev`` shows, not a second code path — with a progress line per step
and a closing summary. Runs are recorded in a Dagster instance under ``<out>/.dagster`` so the
UI can show them afterwards.

The order of a run is the order of what can go wrong: the output folder must be writable, then
the output lock is taken (one writer; nothing else happens before it: not the built-in study,
not loading the definitions), then the folder is marked incomplete until the run has
succeeded. Children (Chromium) never outlive the run, also when it is killed
(:mod:`assets.runguard`).

Incremental runs are carried by Dagster's own versions (assets/versions.py): every asset has
a code version, every delivery folder a data version (observed at the start of each run) and
every asset's materialisation the data version of what it wrote and of its inputs. An asset is
stale ("unsynced" in the UI) when its code or one of its inputs' data versions differs from its
last materialisation's. A whole-graph run observes the delivery folders, then runs the stale
assets in four phases (ingest, analysis datasets, results, publication): in a phase, the stale
assets and what depends on them within the phase; after it, Dagster's stale status decides
again, so an asset whose table came out identical to the last run's stops the change there.

The runner keeps two checks of its own (``<out>/.ips_eval_state.json``, written by a complete
run): a run with other settings (cut-offs, label language, register history, follow-up
horizons, the pseudonym key, the delivery folder), after an ``INCOMPLETE.txt``, or after a
``--select`` runs the whole graph — Dagster's versions know nothing of settings, and a killed
step may have written part of its table with no materialisation to say so
(docs/operations.md §Incremental runs).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg

from assets.runguard import (
    RunLocked,
    child_watchdog,
    fingerprint,
    is_incomplete,
    load_state,
    mark_complete,
    mark_incomplete,
    output_lock,
    save_state,
    state_path,
)
from assets.versions import stale_status
from ips_eval import keyguard
from ips_eval.config import Settings, SettingsError, check_writable
from ips_eval.outputs import output_dir, private_files, write_text
from ips_eval.stoppage import environment_cause

__all__ = ["RunLocked", "RunReport", "execute", "output_lock", "summary"]


@dataclass
class RunReport:
    success: bool = True
    run_id: str = ""
    interrupted: bool = False
    stale_lock: str | None = None  # whose run did not finish before this one
    steps_done: int = 0
    steps_total: int = 0
    materialised: list[str] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)
    checks_failed: list[tuple[str, str, str]] = field(default_factory=list)  # key, name, severity
    checks_passed: int = 0
    skipped: list[str] = field(default_factory=list)
    unchanged: int = 0  # assets an incremental run did not need to run
    incremental: str | None = None  # what an incremental run found changed
    stopped: str | None = None  # the environment stopped the run (ips_eval.stoppage): one line
    seconds: float = 0.0


# Dagster turns a SIGINT/SIGTERM inside a step into its error (and fails the step); DuckDB,
# when the signal lands in one of its queries, raises its own
INTERRUPTED_ERRORS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt",
                      "InterruptException")


class _ProgressHandler(logging.Handler):
    """Turns Dagster's step events into one line per step on the terminal."""

    def __init__(self, report: RunReport, stream: TextIO, out_dir: Path | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.report, self.stream, self.out_dir = report, stream, out_dir
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
            error = getattr(event.event_specific_data, "error", None)
            if _is_interrupt(error):
                r.interrupted = True
                self._line(f"[{r.steps_done:>3}/{r.steps_total}] {step:<48} interrupted")
                if not _dagster_saw_interrupt(error):
                    # the signal landed in a DuckDB query, which turned it into its own error:
                    # Dagster would go on with the next steps, so hand it the interrupt back
                    os.kill(os.getpid(), signal.SIGINT)
                return
            message = failure_message(error)
            r.failed_steps.append((step, message))
            self._line(f"[{r.steps_done:>3}/{r.steps_total}] {step:<48} FAILED: {message}")
            cause = (environment_cause(error, self.out_dir) if self.out_dir is not None
                     else None)
            if cause and r.stopped is None:
                # a full disk or a missing permission fails every later step too: stop here
                r.stopped = cause
                os.kill(os.getpid(), signal.SIGINT)
        elif (event.message or "").startswith("Execution was interrupted"):
            r.interrupted = True  # Ctrl-C/SIGTERM between steps: the run, not a step, says so
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


def _chain(error: object) -> list:
    chain = []
    while error is not None and len(chain) < 20:
        chain.append(error)
        error = getattr(error, "cause", None) or getattr(error, "context", None)
    return chain


def _is_interrupt(error: object) -> bool:
    return any(getattr(e, "cls_name", "") in INTERRUPTED_ERRORS
               or (getattr(e, "message", "") or "").strip().endswith("Query interrupted")
               for e in _chain(error))


def _dagster_saw_interrupt(error: object) -> bool:
    return any(getattr(e, "cls_name", "") in ("DagsterExecutionInterruptedError",
                                               "KeyboardInterrupt") for e in _chain(error))


def failure_message(error: object) -> str:
    """The root error of a failed step in one line: the innermost exception (the user's error,
    not Dagster's wrapper) as ``Class: first line of its message``. The first line, because
    errors such as DuckDB's out-of-memory put the cause first and advice ("Possible solutions
    … See also … tune_workloads") after it."""
    chain = [e for e in _chain(error) if getattr(e, "message", "").strip()]
    if not chain:
        return "failed"
    root = chain[-1]
    lines = [line.strip() for line in root.message.strip().splitlines() if line.strip()]
    first = lines[0]
    name = getattr(root, "cls_name", "") or ""
    # Dagster's own messages start with "ClassName: …" already
    prefix = "" if not name or first.startswith(f"{name}:") else f"{name}: "
    return f"{prefix}{first}"


INSTANCE_CONFIG = """\
# Written by ips-eval for the Dagster instance of this output folder (used by `ips-eval run`
# and by `DAGSTER_HOME=<out>/.dagster dagster dev`); rewritten when ips-eval's version of it
# changes. Put your own dagster.yaml here (without this first line) to keep it.
# Telemetry off: the secure environment has no network, and nothing of a run leaves it.
telemetry:
  enabled: false
# No "join the community" pop-up over the UI (it asks for an e-mail address to send out).
nux:
  enabled: false
# One run at a time: DuckDB allows one writing process per warehouse file.
run_queue:
  max_concurrent_runs: 1
"""


def write_instance_config(home) -> object:  # noqa: ANN001 — a Path
    """``<out>/.dagster/dagster.yaml``, unless someone has put their own there (a file ips-eval
    wrote before is brought up to date)."""
    output_dir(home, private=True)  # run records and metadata previews hold personal data
    path = home / "dagster.yaml"
    ours = INSTANCE_CONFIG.splitlines()[0]
    if not path.exists() or (path.read_text(encoding="utf-8").startswith(ours)
                             and path.read_text(encoding="utf-8") != INSTANCE_CONFIG):
        write_text(path, INSTANCE_CONFIG)  # .dagster/: owner-only, as is_private says
    return path


def run_tags(settings: Settings, run_id: str, selection: str | None,
             changed: str | None = None) -> dict[str, str]:
    """What a run ran, as the UI's run list shows it: the selection (or the whole graph, or the
    sources whose change started an incremental run), the deliveries, the output folder and the
    cut-offs. Folder paths and dates only: nothing about a person."""
    target = selection or (f"changed: {changed}" if changed else "all assets")
    return {"ips_eval/run": run_id, "ips_eval/target": target,
            "ips_eval/deliveries": str(settings.deliveries_dir),
            "ips_eval/out": str(settings.out_dir),
            "ips_eval/cutoffs": ",".join(f"{c}={d.isoformat()}"
                                         for c, d in sorted(settings.cutoffs.items()))}


def execute(
    settings: Settings, selection: str | None = None, stream: TextIO | None = None,
    prepare: Callable[[], None] | None = None, rekey: bool = False,
) -> RunReport:
    """Materialise the asset graph (or a selection of it) with ``settings``. ``prepare`` runs
    once the output lock is held and before the definitions are loaded (the CLI writes the
    built-in study there). Progress goes to ``stream``, by default whatever ``sys.stderr`` is
    when the run starts. Raises ``RunLocked`` when another run holds the folder and
    ``SettingsError`` on a folder that cannot be written, ``KeyChanged`` (nothing read or
    changed) when the warehouse was built with another pseudonym key — unless ``rekey``: then
    the warehouse is started afresh from the deliveries under this key (ips_eval.keyguard)."""
    stream = sys.stderr if stream is None else stream
    check_writable(settings.out_dir)
    report = RunReport(run_id=str(uuid.uuid4()))
    started = time.monotonic()
    with output_lock(settings.out_dir, report.run_id) as stale, child_watchdog():
        report.stale_lock = stale
        if stale:
            print(f"ips-eval: note: {stale}", file=stream, flush=True)
        if prepare is not None:
            prepare()
        if rekey:  # incomplete first: a rekey stopped half-way never looks complete
            mark_incomplete(settings.out_dir, report.run_id)
            state_path(settings.out_dir).unlink(missing_ok=True)
            keyguard.start_afresh(settings)
            print("Rekey: the warehouse is rebuilt from the deliveries under this key.",
                  file=stream, flush=True)
        note = keyguard.check(settings)  # before any delivery row is read
        if note:
            print(f"ips-eval: note: {note}", file=stream, flush=True)
        previous = None if is_incomplete(settings.out_dir) else load_state(settings.out_dir)
        state_path(settings.out_dir).unlink(missing_ok=True)
        current = fingerprint(settings) if selection is None else None
        try:
            _run_graph(settings, selection, stream, report, previous, current)
            if report.incremental == "nothing":  # nothing ran: the outputs stand
                report.seconds = time.monotonic() - started
                return report
            _scan_outputs(settings, report)
        except KeyboardInterrupt:
            report.interrupted = True
        except Exception as exc:  # noqa: BLE001 — only the environment's errors are kept
            cause = environment_cause(exc, settings.out_dir)
            if cause is None:
                raise
            report.stopped = report.stopped or cause
        if report.stopped:  # our own SIGINT stopped the steps, not the user
            report.interrupted, report.success = False, False
            report.seconds = time.monotonic() - started
            return report
        report.success = report.success and not report.interrupted
        if report.success:
            mark_complete(settings.out_dir, report.run_id)
    report.seconds = time.monotonic() - started
    return report


def resolve_selection(selection: str, graph, stream: TextIO = sys.stderr  # noqa: ANN001
                      ) -> set[dg.AssetKey]:
    """The assets of ``--select`` with the other assets of any multi-asset it selects part of
    (they are computed together: Dagster refuses a part of one), said in a line; a selection
    that does not parse or matches nothing is one line (``SettingsError``)."""
    try:
        chosen = dg.AssetSelection.from_string(selection)
        keys = set(chosen.resolve(graph))
        whole = set(chosen.required_multi_asset_neighbors().resolve(graph))
    except Exception as exc:  # noqa: BLE001 — Dagster's parse and resolve errors vary
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SettingsError(f"--select {selection!r} is not a selection of this pipeline's "
                            f"assets: {first}") from None
    if not whole:
        raise SettingsError(f"--select {selection!r} matches no asset")
    added = sorted(k.to_user_string() for k in whole - keys)
    if added:
        print(f"--select: also running {', '.join(added)} (computed together with the "
              "selected assets in one step)", file=stream, flush=True)
    return whole


def _scan_outputs(settings: Settings, report: RunReport) -> None:
    """The identity scan of what the run wrote outside the warehouse (the manifest, the report,
    Dagster's event log): a code found fails the run, named by file, never by value."""
    from ips_eval.ingest.audit import RUN_SCANNED, identity_leaks_in_files

    leaks = identity_leaks_in_files(settings.out_dir, RUN_SCANNED)
    if leaks:
        report.success = False
        report.failed_steps.append((
            "identity_scan_of_outputs", "a personal identity code in "
            + ", ".join(f"{name} ({n})" for name, n in leaks.items())
            + ": remove these files before the folder is shared"))


def _run_graph(settings: Settings, selection: str | None, stream: TextIO, report: RunReport,
               previous: dict | None, current: dict | None) -> None:
    from assets.definitions import RUN_JOB, build_defs

    handler = _ProgressHandler(report, stream, settings.out_dir)

    @dg.logger
    def progress(_init_context: dg.InitLoggerContext) -> logging.Logger:
        log = logging.Logger("ips_eval.run", level=logging.DEBUG)
        log.addHandler(handler)
        return log

    defs = dg.Definitions.merge(build_defs(settings, report.run_id),
                                dg.Definitions(loggers={"progress": progress}))
    job = defs.resolve_job_def(RUN_JOB)
    graph = defs.resolve_asset_graph()
    home = settings.out_dir / ".dagster"
    write_instance_config(home)
    # private by default: whatever Dagster and the libraries create is the owner's only; the
    # published outputs get the umask's mode from ips_eval.outputs.atomic_path
    with private_files(), dg.DagsterInstance.from_config(str(home)) as instance:
        def run(keys: set[dg.AssetKey] | None) -> bool:
            if not report.steps_total:  # the first step that writes anything
                mark_incomplete(settings.out_dir, report.run_id)
            subset = job if keys is None else job.get_subset(asset_selection=keys)
            report.steps_total += len(subset.graph.nodes)
            changed = None if report.incremental in (None, "nothing") else report.incremental
            result = subset.execute_in_process(
                instance=instance, raise_on_error=False,
                tags=run_tags(settings, report.run_id, selection, changed),
                run_config={"loggers": {"progress": {}}})
            report.success = report.success and result.success
            return result.success

        # first, also for a selection: what a raw asset records as its delivery's version is
        # the folder's as it is now
        failed = observe_deliveries(instance, settings, report.run_id)
        if failed:
            report.success = False
            report.failed_steps += failed
            return
        if selection:
            run(resolve_selection(selection, graph, stream))
            return
        same_setup = (previous is not None and previous.get("settings") == current["settings"]
                      and settings.warehouse_path.exists())
        if not same_setup:
            ok = run(None)
        else:
            stale = stale_status(instance, graph)
            report.incremental = what_changed(stale, graph)
            if not stale:
                print("Up to date: settings, code and deliveries are as in the last complete "
                      "run.", file=stream, flush=True)
                save_state(settings.out_dir, current)
                return
            print(f"Incremental run: changed since the last complete run: "
                  f"{report.incremental}", file=stream, flush=True)
            ok = _run_stale(graph, instance, stale, run, report)
        if ok and report.success:
            save_state(settings.out_dir, current)


def observe_deliveries(instance: dg.DagsterInstance, settings: Settings, run_id: str = ""
                       ) -> list[tuple[str, str]]:
    """Record each delivery folder's data version (a digest of its files) in the instance, in
    a run of its own (the job the UI lists, with no log lines); the steps that failed, each
    with its root error."""
    from assets.definitions import observe_job
    from assets.defs.ingest import DELIVERY_SOURCES
    from assets.defs.resources import resources_for

    @dg.logger
    def quiet(_init_context: dg.InitLoggerContext) -> logging.Logger:
        return logging.Logger("ips_eval.observe", level=logging.CRITICAL + 1)

    defs = dg.Definitions(assets=DELIVERY_SOURCES, jobs=[observe_job()],
                          resources={"study": resources_for(settings, run_id)["study"]},
                          loggers={"quiet": quiet})
    result = defs.resolve_job_def(observe_job().name).execute_in_process(
        instance=instance, raise_on_error=False, run_config={"loggers": {"quiet": {}}},
        tags={"ips_eval/run": run_id, "ips_eval/target": "observe deliveries",
              "ips_eval/deliveries": str(settings.deliveries_dir)})
    return [(e.step_key, failure_message(e.event_specific_data.error))
            for e in result.all_events if e.event_type_value == "STEP_FAILURE"]


def what_changed(stale: dict[dg.AssetKey, str], graph) -> str:  # noqa: ANN001
    """The sources whose delivery files changed, by name, and "code" when the code did: what
    made assets stale, in the run's words. Nothing stale: "nothing"."""
    from schemas.codebook import SOURCES

    names = [s.name for s in SOURCES.values()
             if stale.get(dg.AssetKey(["raw", s.table])) == "data"]
    if any(why == "code" for why in stale.values()):
        names.append("code")
    missing = sum(why == "missing" for why in stale.values())
    if missing:
        names.append(f"{missing} assets never materialised")
    return ", ".join(names) or ("nothing" if not stale else "inputs")


# the phase of an asset by the first part of its key; anything else is publication
PHASE = {"deliveries": 0, "raw": 0, "staging": 0, "quarantine": 0, "meta": 0, "comparison": 1,
         "analysis": 1, "results": 2}


def asset_phases(graph) -> dict[dg.AssetKey, int]:  # noqa: ANN001 — Dagster's asset graph
    """The phase each asset runs in when only part of the graph is run: its kind's (by the
    first part of its key), but never before a parent's, and the same for every asset computed
    in one step with it (a multi-asset runs once, after all the inputs of all its parts: the
    register effect's matches are an ``analysis`` table, but its attachment results read
    ``results.attachment``). The delivery folders (observed, never run) are the first's."""
    order = list(graph.toposorted_asset_keys)
    together = {key: set(dg.AssetSelection.assets(key).required_multi_asset_neighbors()
                         .resolve(graph)) for key in order}
    phase = {key: PHASE.get(key.path[0], 3) for key in order}
    changed = True
    while changed:  # a fixed point: at most a few passes over a graph of a hundred assets
        changed = False
        for key in order:
            value = max([phase[key], *(phase[p] for p in graph.get(key).parent_keys
                                       if p in phase),
                         *(phase[k] for k in together[key] if k in phase)])
            if value != phase[key]:
                phase[key], changed = value, True
    return phase


def _run_stale(graph, instance: dg.DagsterInstance, stale: dict[dg.AssetKey, str],  # noqa: ANN001
               run: Callable[[set[dg.AssetKey] | None], bool], report: RunReport) -> bool:
    """Run the stale assets and what depends on them, phase by phase; before each phase
    Dagster says again what is stale, so an asset whose data version (its table's
    fingerprint) is the same as last time does not make its dependants run."""
    order = [k for k in graph.toposorted_asset_keys if graph.get(k).is_materializable]
    if set(order) <= set(stale):  # everything (new code): one run, not four
        return run(None)
    phase = asset_phases(graph)
    done: set[dg.AssetKey] = set()
    for step in range(4):
        if step:
            stale = stale_status(instance, graph)
        selected: set[dg.AssetKey] = set()
        for key in order:
            if key not in done and phase[key] == step and (key in stale or any(
                    p in selected for p in graph.get(key).parent_keys)):
                selected.add(key)
        if not selected:
            continue
        # an asset computed together with others (a multi-asset: the register effect writes
        # its matches and its results in one step) runs whole; its parts share one phase
        selected = set(dg.AssetSelection.assets(*selected).required_multi_asset_neighbors()
                       .resolve(graph)) - done
        if not run(selected):
            return False
        done |= selected
    report.unchanged += len(order) - len(done)
    return True


def summary(report: RunReport, settings: Settings) -> str:
    out = settings.out_dir
    state = ("Interrupted" if report.interrupted else
             "Finished" if report.success else "FAILED")
    lines = [
        "",
        f"{state} in {report.seconds:.0f} s (run {report.run_id}): "
        f"{len(report.materialised)} assets materialised, {report.checks_passed} checks passed, "
        f"{len(report.checks_failed)} did not pass, {len(report.failed_steps)} steps failed, "
        f"{len(report.skipped)} skipped"
        + (f", {report.unchanged} unchanged (incremental: {report.incremental} changed)."
           if report.incremental is not None else "."),
        f"  deliveries   {settings.deliveries_dir}",
        f"  warehouse    {settings.warehouse_path}",
    ]
    for name, what in (("analysis", "analysis datasets"), ("results", "results"),
                       ("tables", "tables"), ("figures", "figures"),
                       ("replication/R", "R scripts")):
        folder = out / name
        if folder.is_dir():
            n = sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            lines.append(f"  {name:<12} {folder}  ({n} files: {what})")
    for path in (out / "report" / "index.html", out / "manifest.json"):
        if path.exists():
            lines.append(f"  {path.parent.name if path.name == 'index.html' else 'manifest':<12} "
                         f"{path}")
    if not report.success:
        lines.append(f"  INCOMPLETE: {out / 'INCOMPLETE.txt'} says so until a run succeeds")
    for step, message in report.failed_steps:
        lines.append(f"  failed: {step}: {message}")
    for key, name, severity in report.checks_failed:
        lines.append(f"  check not passed ({severity}): {key}:{name}")
    lines.append(f"  Dagster UI:  DAGSTER_HOME={out / '.dagster'} uv run dagster dev "
                 "(shows this run)")
    return "\n".join(lines)
