"""Benchmark: the register effect against the built-in study's planted truth over many seeds
(docs/methods.md §Register effect). For each seed: write the synthetic study, then, in this
process on a fresh warehouse, the plain functions the Dagster assets call for the register
path (raw and staging of the enrolment, the job spells and both registers, register months,
analysis.clients, the register effect — benchmarks/register_path.py's stages without the
Parquet export and the checks), and compare the matched ATT at +6 and +12 with the truth the
synth manifest records. Prints a line per seed and horizon, and at the end the coverage of the
+6 and +12 CIs (want ≥ 90 %), the mean bias and how often the run's placebo check passed.

    uv run python benchmarks/bench_register_effect_seeds.py --seeds 20
    uv run python benchmarks/bench_register_effect_seeds.py --seeds 5 --first-seed 100
    uv run python benchmarks/bench_register_effect_seeds.py --seeds 3 --truncated

``--truncated`` is the stress case: the clients' register rows start 24 months before their
index month, as the delivery contract promises and no more (Kela periods that ended before,
pay months before, removed; the comparison persons keep theirs), so the history window is 24
months and there is no hold-out placebo.

Not a test: each seed is a synth and the register path (a minute or two on two cores).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.register_path import STAGES, BenchRun  # noqa: E402
from ips_eval.config import DEMO_PSEUDONYM_KEY  # noqa: E402
from ips_eval.register.effect import placebo_verdict  # noqa: E402
from ips_eval.synth import write_study  # noqa: E402
from ips_eval.synth.registers import month_index  # noqa: E402
from ips_eval.synth.study import simulate_world  # noqa: E402
from ips_eval.warehouse import connect  # noqa: E402
from schemas.windows import DEFAULT_CUTOFFS  # noqa: E402

HORIZONS = (6, 12)
DEFECTS = 0.02  # write_study's default
SKIPPED = ("checks", "identity scan")  # the bench's own audits, not the estimate


def truncate_client_history(deliveries: Path, seed: int, defects: float) -> int:
    """Remove the clients' register rows from before index − 24 months (see the docstring);
    the lines are filtered as bytes, so every other line stays as the generator wrote it.
    Returns the number of lines removed."""
    world, _ = simulate_world(seed, defects)
    first = {c.hetu.encode(): month_index(c.index) - 24 for c in world.clients}
    removed = 0
    for path in sorted((deliveries / "rekisterit").rglob("*.csv")):
        lines = path.read_bytes().splitlines(keepends=True)
        kept = [lines[0]]
        for line in lines[1:]:
            fields = line.rstrip(b"\r\n").split(b";")
            start = first.get(fields[0].strip().upper())
            if start is not None and _row_month(path.parent.name, fields) < start:
                removed += 1
                continue
            kept.append(line)
        path.write_bytes(b"".join(kept))
    return removed


def _row_month(register: str, fields: list[bytes]) -> int:
    """The month a register row last touches: a Kela period's end, a pay month."""
    if register == "kela":
        d, m, y = fields[3].decode("ascii").strip().split(".")
        return month_index(date(int(y), int(m), int(d)))
    y, m = fields[1].decode("ascii").strip().split("-")
    return month_index(date(int(y), int(m), 1))


def one_seed(seed: int, work: Path, comparison_persons: int,
             truncated: bool = False) -> list[dict[str, object]]:
    deliveries, out = work / f"synth-{seed}", work / f"out-{seed}"
    write_study(deliveries, seed=seed, defects=DEFECTS, comparison_persons=comparison_persons)
    if truncated:
        removed = truncate_client_history(deliveries, seed, DEFECTS)
        print(f"seed={seed} truncated: {removed:,} client register rows before index − 24 "
              "removed", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    with connect(out / "ips_eval.duckdb") as con:
        run = BenchRun(con, deliveries, out, dict(DEFAULT_CUTOFFS),
                       DEMO_PSEUDONYM_KEY.encode("utf-8"))
        for stage in STAGES:
            if stage.name not in SKIPPED:
                stage.run(run)
        effect = con.sql("SELECT rel_month, n_clients, estimate, ci_lower, ci_upper FROM "
                         "results.register_effect WHERE method = 'matched' AND "
                         "outcome = 'employed' ORDER BY rel_month").pl()
        tests = con.sql("SELECT * FROM results.register_effect_tests").pl()
        note = con.sql("SELECT any_value(method_note) FROM results.register_effect "
                       "WHERE method = 'matched'").fetchall()[0][0]
    history = re.search(r"over (\d+) months", note or "")
    failed, missing = placebo_verdict(tests)
    truth = json.loads((deliveries / "synth_manifest.json").read_text())["planted_effect"]
    rows = []
    for r in effect.filter(pl.col("rel_month").is_in(HORIZONS)).iter_rows(named=True):
        t = truth["att_by_rel_month"][str(r["rel_month"])]
        rows.append({"seed": seed, "rel_month": r["rel_month"], "n_clients": r["n_clients"],
                     "truth": t, "estimate": r["estimate"], "ci_lower": r["ci_lower"],
                     "ci_upper": r["ci_upper"], "covered": r["ci_lower"] <= t <= r["ci_upper"],
                     "placebo_check_passed": not failed and not missing,
                     "history": int(history[1]) if history else None,
                     "placebo_failed": ",".join(failed + missing) or "-"})
    shutil.rmtree(deliveries, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--comparison-persons", type=int, default=11_000)
    parser.add_argument("--truncated", action="store_true",
                        help="the clients' register rows from index − 24 months only")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ips-seeds-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t0 = time.perf_counter()
        found = one_seed(seed, work, args.comparison_persons, args.truncated)
        rows += found
        for r in found:
            print(f"seed={seed} rel_month={r['rel_month']} truth={r['truth']:.4f} "
                  f"estimate={r['estimate']:.4f} ci=[{r['ci_lower']:.4f}, {r['ci_upper']:.4f}] "
                  f"covered={r['covered']} H={r['history']} "
                  f"placebo_check={r['placebo_check_passed']} "
                  f"failed={r['placebo_failed']} "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    frame = pl.DataFrame(rows).with_columns(error=pl.col("estimate") - pl.col("truth"))
    for m in HORIZONS:
        at = frame.filter(pl.col("rel_month") == m)
        print(f"summary rel_month=+{m} seeds={at.height} coverage={at['covered'].mean():.3f} "
              f"mean_bias={at['error'].mean():+.4f} rmse={(at['error'] ** 2).mean() ** 0.5:.4f}")
    seeds = frame.unique("seed")
    print(f"summary placebo_check_passed={seeds['placebo_check_passed'].sum()}/{seeds.height}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
