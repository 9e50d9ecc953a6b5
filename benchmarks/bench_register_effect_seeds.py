"""Benchmark: the register effect against the built-in study's planted truth over many seeds
(docs/methods.md §Register effect). For each seed: write the synthetic study, run the pipeline
up to the register effect, and compare the matched ATT at +6 and +12 with the truth the synth
manifest records. Prints, per seed, the estimates, their CIs and whether they cover the truth,
and at the end the coverage of the +6 and +12 CIs (want ≥ 90 %) and the mean bias.

    uv run python benchmarks/bench_register_effect_seeds.py --seeds 20
    uv run python benchmarks/bench_register_effect_seeds.py --seeds 5 --first-seed 100 --keep /tmp/b

Not a test: each seed is a synth and a run of the register path (a few minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "ips_eval.cli"]
SELECTION = '+key:"results/register_effect"'
HORIZONS = (6, 12)


def one_seed(seed: int, work: Path, comparison_persons: int) -> list[dict[str, object]]:
    deliveries, out = work / f"synth-{seed}", work / f"out-{seed}"
    subprocess.run([*CLI, "synth", "--out", str(deliveries), "--seed", str(seed),
                    "--comparison-persons", str(comparison_persons)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    subprocess.run([*CLI, "run", "--deliveries", str(deliveries), "--out", str(out),
                    "--select", SELECTION], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    truth = json.loads((deliveries / "synth_manifest.json").read_text())["planted_effect"]
    effect = pl.read_csv(out / "results" / "register_effect.csv").filter(
        (pl.col("method") == "matched") & (pl.col("outcome") == "employed")
        & pl.col("rel_month").is_in(HORIZONS))
    tests = pl.read_csv(out / "results" / "register_effect_tests.csv")
    placebo_ok = bool(tests.filter(pl.col("test").is_in(
        ["pre_joint_wald", "holdout_joint_wald", "pre_equivalence"]))["passed"].all())
    rows = []
    for r in effect.iter_rows(named=True):
        t = truth["att_by_rel_month"][str(r["rel_month"])]
        rows.append({"seed": seed, "rel_month": r["rel_month"], "n_clients": r["n_clients"],
                     "truth": t, "estimate": r["estimate"], "ci_lower": r["ci_lower"],
                     "ci_upper": r["ci_upper"], "covered": r["ci_lower"] <= t <= r["ci_upper"],
                     "placebo_check_passed": placebo_ok})
    shutil.rmtree(deliveries, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--comparison-persons", type=int, default=11_000)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ips-seeds-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t0 = time.perf_counter()
        found = one_seed(seed, work, args.comparison_persons)
        rows += found
        for r in found:
            print(f"seed={seed} rel_month={r['rel_month']} truth={r['truth']:.4f} "
                  f"estimate={r['estimate']:.4f} ci=[{r['ci_lower']:.4f}, {r['ci_upper']:.4f}] "
                  f"covered={r['covered']} placebo_check={r['placebo_check_passed']} "
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
