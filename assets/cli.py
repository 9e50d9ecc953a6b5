"""The ``ips-eval`` command line: synthesise a study, run the pipeline, validate deliveries,
write the data dictionary."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from datetime import date
from pathlib import Path

from ips_eval.config import (
    DEFAULT_MEMORY_LIMIT,
    ENV_OUT,
    PROJECT_ROOT,
    KeyRefused,
    Settings,
    SettingsError,
    check_deliveries,
    default_deliveries_dir,
)
from schemas.codebook import LANGS
from schemas.study import STUDY, parse_cutoff
from schemas.windows import REGISTER_HISTORY_CHOICES, parse_horizons

DEFAULT_SEED = 20240430

DESCRIPTION = """\
ips-eval: the evaluation data pipeline of THL's IPS – Sijoita ja valmenna! study.
Reads the regions' and registers' deliveries, validates them into a DuckDB warehouse
(raw → staging, rejected rows in quarantine), and produces the analysis datasets, survival
models, change scores, register trajectories, publication tables, figures and a report page.
With no --deliveries, `run` first writes the built-in synthetic study and runs on that.

The deliveries' columns, codes and labels, the defect rules, and every output dataset and
results file with its columns: docs/data_dictionary.md (`ips-eval dictionary` writes it)."""


def _cutoff(text: str) -> tuple[str, date]:
    try:
        return parse_cutoff(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _horizons(text: str) -> tuple[int, ...]:
    try:
        return parse_horizons(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _settings(args: argparse.Namespace, deliveries: Path) -> Settings:
    """The run's one ``Settings``: the command line's options over the environment's values
    (read in ips_eval.config); the resources are built from it and nothing else."""
    base = Settings.from_env()
    cutoffs = dict(base.cutoffs)
    cutoffs.update(dict(getattr(args, "cutoff", None) or []))
    return Settings(
        deliveries_dir=deliveries.resolve(),
        out_dir=(args.out or base.out_dir).resolve(),
        cutoffs=cutoffs,
        pseudonym_key=base.pseudonym_key,
        duckdb_memory_limit=base.duckdb_memory_limit,
        duckdb_threads=base.duckdb_threads,
        label_language=getattr(args, "label_language", None) or base.label_language,
        register_history=getattr(args, "register_history", None) or base.register_history,
        horizons=getattr(args, "horizons", None) or base.horizons,
    )


def _key_refused(settings: Settings) -> bool:
    """The pseudonym-key rule (ips_eval.config.study_key), checked before anything is read."""
    try:
        _ = settings.key
    except KeyRefused as exc:
        print(f"ips-eval: {exc}", file=sys.stderr)
        return True
    return False


def _synthesise(out: Path, seed: int, defects: float, comparison_persons: int | None) -> None:
    """Write the study beside ``out`` and rename it into place: a run reading ``out`` never
    sees half a study, and an unchanged study is left as it is."""
    import shutil
    import tempfile

    from ips_eval.outputs import replace_dir
    from ips_eval.synth import write_study
    from ips_eval.synth.study import DEFAULT_COMPARISON_PERSONS

    if comparison_persons is None:
        comparison_persons = DEFAULT_COMPARISON_PERSONS
    print(f"Writing the synthetic study to {out} (seed {seed}, defect rate {defects}, "
          f"{comparison_persons} comparison persons) …", file=sys.stderr, flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp.", dir=out.parent))
    try:
        summary = write_study(tmp, seed=seed, defects=defects,
                              comparison_persons=comparison_persons,
                              progress=lambda msg: print(f"  {msg}", file=sys.stderr,
                                                         flush=True))
        changed = replace_dir(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"  {str(summary).replace(str(tmp), str(out))}"
          + ("" if changed else " (unchanged: the files already there were kept)"),
          file=sys.stderr)


def cmd_synth(args: argparse.Namespace) -> int:
    _synthesise(args.out, args.seed, args.defects, args.comparison_persons)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from assets.runner import RunLocked, execute, summary
    from ips_eval.stoppage import environment_cause

    builtin = args.deliveries is None
    deliveries = default_deliveries_dir() if builtin else args.deliveries
    if not builtin:
        from ips_eval.ingest.validate import misnamed_folders

        check_deliveries(deliveries)
        for message in misnamed_folders(deliveries):
            _warn(message)
    settings = _settings(args, deliveries)

    def prepare() -> None:  # with the output lock held, before the definitions are loaded
        if builtin:
            _synthesise(deliveries, DEFAULT_SEED, 0.02, None)
        check_deliveries(deliveries)
        # the pseudonym-key rule (ips_eval.config.study_key) once the lock is held and before
        # any delivery row is read: KeyRefused is a SettingsError, one line and exit 2
        _ = settings.key

    # the demo-key notice comes from ingest itself, once, for run and validate alike
    try:
        report = execute(settings, selection=args.select, prepare=prepare, rekey=args.rekey)
    except RunLocked as exc:
        print(f"ips-eval: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:  # the lock, the marker, the built-in study: a disk or a permission
        cause = environment_cause(exc, settings.out_dir)
        if cause is None:
            raise
        print(f"ips-eval: {cause}", file=sys.stderr)
        return 2
    print(summary(report, settings))
    if report.stopped:  # a full disk, a read-only folder, a missing permission: the last line
        print(f"ips-eval: {report.stopped}", file=sys.stderr)
        return 2
    if report.interrupted:
        raise KeyboardInterrupt
    return 0 if report.success else 1


def _warn(message: str) -> None:
    print(f"ips-eval: warning: {message}", file=sys.stderr, flush=True)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_validate(args: argparse.Namespace) -> int:
    import duckdb

    from ips_eval.ingest.region_workbooks import write_validation
    from ips_eval.ingest.validate import late_cutoffs, misnamed_folders, validate_deliveries

    deliveries = args.deliveries or default_deliveries_dir()
    if args.deliveries is None and not deliveries.is_dir():
        raise SettingsError(f"no delivery folder at {deliveries} (run `ips-eval synth --out "
                            "DIR` or pass --deliveries)")
    misnamed = misnamed_folders(deliveries) if deliveries.is_dir() else []
    try:
        check_deliveries(deliveries)
    except SettingsError as exc:
        raise SettingsError("; ".join([str(exc), *misnamed])) from None
    settings = _settings(args, deliveries)
    if _key_refused(settings):
        return 2
    for message in misnamed:
        _warn(message)
    _say(f"Validating {deliveries} …")
    # validate loads into a throw-away warehouse of its own: it never opens (or waits for) the
    # warehouse of a run that may be writing under --out
    try:
        result = validate_deliveries(settings, progress=_say)
    except (OSError, duckdb.Error) as exc:  # the disk, memory or a locked temporary folder
        print(f"ips-eval: validation could not run: {exc}", file=sys.stderr)
        return 2
    for message in late_cutoffs(result.files, settings.cutoffs):
        _warn(message)
    print(result.render())
    if args.out is not None:
        written = write_validation(settings.out_dir, result.files, result.defects)
        print(f"Workbooks for the regions: {written[-1].parent} ({len(written) - 1} regions "
              f"and registers, and {written[-1].name})")
    return result.exit_code


def cmd_dictionary(args: argparse.Namespace) -> int:
    from ips_eval.publish.dictionary import stale_files, write_dictionary

    if args.check:
        stale = stale_files(args.out)
        if stale:
            print(f"ips-eval: the data dictionary in {args.out} is not the codebook's: "
                  f"{', '.join(stale)} (run `ips-eval dictionary`)", file=sys.stderr)
            return 1
        print(f"The data dictionary in {args.out} is current.")
        return 0
    for path in write_dictionary(args.out):
        print(path)
    return 0


def cmd_replicate(args: argparse.Namespace) -> int:
    from ips_eval.replication import write_replication

    args.out = args.out or Path(os.environ.get(ENV_OUT) or PROJECT_ROOT / "out")
    if not (args.out / "analysis").is_dir():
        print(f"ips-eval: {args.out} has no analysis/ folder: run the pipeline first",
              file=sys.stderr)
        return 2
    paths = write_replication(args.out, args.horizons)
    print(f"Wrote {len(paths)} files to {paths[0].parent}; run them with\n"
          f"  cd {paths[0].parent} && Rscript run_all.R && Rscript compare.R")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.register_path import run_bench

    if args.persons < 0:
        print("ips-eval: --persons must be 0 or more", file=sys.stderr)
        return 2
    result = run_bench(args.persons, work=args.work, memory_limit=args.memory_limit,
                       seed=args.seed)
    print(result.line())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ips-eval", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    synth = sub.add_parser(
        "synth", help="write the built-in synthetic study (a complete delivery folder)",
        description="Write a synthetic delivery folder exactly per the delivery contract "
        "(docs/data_dictionary.md): all eight sources, several deliveries per region, "
        "xlsx/csv/sav in the Finnish conventions, "
        "with injected defects listed in <out>/synth_manifest.json (for tests; the pipeline "
        "never reads it). Same seed → byte-identical files.")
    synth.add_argument("--out", type=Path, required=True, help="folder to write")
    synth.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed "
                       f"(default {DEFAULT_SEED}: calibrated to the published figures)")
    synth.add_argument("--defects", type=float, default=0.02,
                       help="defect rate (default 0.02; 0 = a clean study)")
    synth.add_argument("--comparison-persons", type=int, default=None, metavar="N",
                       help="general-population register comparison persons (default 11,000; "
                       "8 client-like persons per linked client come on top, about 20,000 in "
                       "all); more for scale tests")
    synth.set_defaults(func=cmd_synth)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--deliveries", type=Path, default=None,
                        help="delivery folder (default: the built-in synthetic study)")
    common.add_argument("--out", type=Path, default=None,
                        help="output folder (default: out/ in the project, or $IPS_EVAL_OUT)")
    common.add_argument("--cutoff", type=_cutoff, action="append", metavar="COHORT=DATE",
                        help="data cut-off per cohort, e.g. --cutoff "
                        f"{STUDY.cohorts[-1].code}="
                        f"{STUDY.cohorts[-1].headline.cutoff.isoformat()} "
                        f"(default {STUDY.cutoff_example()})")

    run = sub.add_parser(
        "run", parents=[common], help="run the whole pipeline (every Dagster asset)",
        description="Materialise every Dagster asset in process — ingest, analysis datasets, "
        "models, results, tables, figures, report — showing progress per step, then a summary "
        "of what was written where. With no --deliveries the synthetic study is written to "
        "data/synthetic/ first. Exit status 1 when a step failed or an ERROR check did not pass.")
    run.add_argument("--label-language", choices=LANGS, default=None,
                     help="language of the variable and value labels in the Stata (.dta) and "
                     "SPSS (.sav) analysis datasets (default fi, or $IPS_EVAL_LABEL_LANGUAGE)")
    run.add_argument("--register-history", type=int, choices=REGISTER_HISTORY_CHOICES,
                     default=None, metavar="MONTHS",
                     help="the register effect's history window H in months: 24, 30 or 36 "
                     "(default 36, capped by how far back the register extract reaches; "
                     "docs/methods.md §Register effect)")
    run.add_argument("--horizons", type=_horizons, default=None, metavar="MONTHS",
                     help="the follow-up horizons in months, e.g. 6,12,24: every horizon-based "
                     "result, table and figure gets a column for each (6 and 12 always; 18 "
                     "and 24 on request; default 6,12, or $IPS_EVAL_HORIZONS; "
                     "docs/methods.md §Windows and cut-offs)")
    run.add_argument("--select", default=None, metavar="SELECTION",
                     help="only these assets, in Dagster's selection syntax, e.g. "
                     "'+key:\"results/*\"' (the results and everything upstream)")
    run.add_argument("--rekey", action="store_true",
                     help="the pseudonym key has changed: rebuild the warehouse from the "
                     "deliveries under the new key (without it, a run with another key than "
                     "the warehouse's stops; docs/operations.md)")
    run.set_defaults(func=cmd_run)

    validate = sub.add_parser(
        "validate", parents=[common], help="check deliveries without running the analyses",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Load the deliveries into a throw-away warehouse's raw, staging and quarantine layers and
print a summary per source and rule, with a line per source while it runs. A warning line
for a subfolder whose name is a source's but for case or spelling (it is not read) and for
a cut-off after the newest delivery.

With --out DIR, write DIR/validation/: one workbook per region (and register keeper) with
its rejected files, rows and fields, each with the rule in Finnish and values masked as in
the quarantine — to send back to that region only — and summary.xlsx.""",
        epilog="""\
exit status:
  0  clean: no file, row or field rejected
  1  defects found: something in quarantine, or reconciliation or the identity scan failed
  2  cannot run: not a delivery folder, a bad setting or date, no pseudonym key""")
    validate.set_defaults(func=cmd_validate)

    dictionary = sub.add_parser(
        "dictionary", help="write the data dictionary (docs/data_dictionary.md and .csv)",
        description="Write the data dictionary from the codebook (schemas/): every source's "
        "columns, types, ranges, codes and labels in fi/sv/en, the defect levels and rules, "
        "the instruments, and every analysis dataset and results file with its columns.")
    dictionary.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs",
                            help="folder to write (default: docs/ in the project)")
    dictionary.add_argument("--check", action="store_true",
                            help="write nothing; exit 1 when the files there are not current")
    dictionary.set_defaults(func=cmd_dictionary)

    replicate = sub.add_parser(
        "replicate", help="write the R replication scripts to OUT/replication/R/",
        description="Write OUT/replication/R/ (every run does it too): an R script per results "
        "file that refits it from OUT/analysis/*.dta with the standard R package, run_all.R "
        "that runs them and compare.R that lists every estimate differing from OUT/results/ "
        "by more than 1e-6 (docs/methods.md §Replication in R). R itself is not run.")
    replicate.add_argument("--out", type=Path, default=None,
                           help="the pipeline's output folder (default: out/ in the project, "
                           "or $IPS_EVAL_OUT)")
    replicate.add_argument("--horizons", type=_horizons, default=None, metavar="MONTHS",
                           help="the horizons the run in OUT was made with, e.g. 6,12,24 "
                           "(default: read from OUT/analysis/register_transitions.parquet)")
    replicate.set_defaults(func=cmd_replicate)

    bench = sub.add_parser(
        "bench", help="time the register path at a given national size against the floor",
        description="Write the built-in study with N register comparison persons (real synth, "
        "contract CSV files), run the register path on a fresh warehouse — raw, staging, "
        "analysis.register_monthly to Parquet, its checks, the identity-leak scan — printing "
        "each stage's wall time and peak RSS, then the floor: one bare DuckDB scan parsing "
        "every register file once with a group-by person-month. Last line: "
        "bench persons=N register_rows=R wall_s=W peak_rss_mb=M floor_s=F.")
    bench.add_argument("--persons", type=int, required=True, metavar="N",
                       help="register comparison persons (e.g. 1000000)")
    bench.add_argument("--work", type=Path, default=None, metavar="DIR",
                       help="keep the deliveries and warehouse here (default: a temporary "
                       "folder, removed afterwards); deliveries already there for the same N "
                       "are reused")
    bench.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT, metavar="SIZE",
                       help=f"DuckDB's memory limit (default {DEFAULT_MEMORY_LIMIT}; beyond "
                            "it DuckDB spills to <work>/out/.duckdb_tmp)")
    bench.add_argument("--seed", type=int, default=DEFAULT_SEED, help=argparse.SUPPRESS)
    bench.set_defaults(func=cmd_bench)
    return parser


def _terminate(_signo: int, _frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run the way Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except SettingsError as exc:
        print(f"ips-eval: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ips-eval: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
