"""Time and peak memory of the synthetic study with a register comparison group.

    uv run python benchmarks/bench_synth.py                 # 1,000,000 comparison persons
    uv run python benchmarks/bench_synth.py -n 20000 --out /tmp/synth_big --keep

Writes into a temporary folder (removed afterwards unless --keep) and prints wall and CPU time,
peak resident memory of this process, the rows appended and the size of the register files.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ips_eval.synth import write_study  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--persons", type=int, default=1_000_000,
                        help="comparison persons (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20240430)
    parser.add_argument("--defects", type=float, default=0.02)
    parser.add_argument("--out", type=Path, default=None, help="folder to write (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the written folder")
    args = parser.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="ips_synth_bench_"))
    wall, cpu = time.perf_counter(), time.process_time()
    last_report = [wall]

    def progress(message: str) -> None:
        now = time.perf_counter()
        if now - last_report[0] > 10 or not message.startswith("comparison"):
            print(f"  {now - wall:7.1f} s  {message}", flush=True)
            last_report[0] = now

    try:
        summary = write_study(out, seed=args.seed, defects=args.defects,
                              comparison_persons=args.persons, progress=progress)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sizes = {p.relative_to(out).as_posix(): p.stat().st_size
                 for p in sorted((out / "rekisterit").rglob("*.csv"))}
        rows = summary.comparison_rows
        print(f"comparison persons : {args.persons:,}")
        print(f"rows appended      : {sum(rows.values()):,} "
              + ", ".join(f"{k.split('/')[1]} {v:,}" for k, v in rows.items()))
        print(f"client study rows  : {sum(summary.rows_per_source.values()):,} "
              f"in {len(summary.files)} files")
        print(f"wall time          : {wall:.1f} s (CPU {cpu:.1f} s)")
        print(f"peak RSS           : {peak_mib:,.0f} MiB")
        for name, size in sizes.items():
            print(f"  {name:48s} {size / 2**20:10,.1f} MiB")
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
