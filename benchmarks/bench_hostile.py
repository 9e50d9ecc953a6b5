"""Hostile input: how long and how much memory a decompression bomb costs before it is rejected.

Writes a workbook whose one cell unpacks to ``--megabytes`` MB (a few hundred KB on disk) into
a delivery folder with one enrolment file, then runs ``ips-eval validate`` on it in a child
process and prints the child's wall time and peak resident memory (``wait4``), and the time
the ingest itself took to decide (the rejection reads the zip directory only).

    uv run python benchmarks/bench_hostile.py --megabytes 300
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.deliveries import ENROLMENT, H1, client, write_csv  # noqa: E402
from support.hostile import bomb_xlsx  # noqa: E402 — the tests' builder, one definition of the bomb

from ips_eval.ingest.files import inspect  # noqa: E402
from ips_eval.ingest.readers import FileRejected, _check_workbook_sizes  # noqa: E402
from schemas.codebook import SOURCES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ips-bench-hostile-") as tmp:
        d = Path(tmp) / "d"
        write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client("HEL-0001", H1)])
        bomb = bomb_xlsx(d / "kontaktit/2023-07-05_HEL.xlsx", args.megabytes << 20)
        print(f"bomb: {bomb.stat().st_size / 1024:,.0f} KB on disk, "
              f"{args.megabytes:,} MB unpacked")
        started = time.perf_counter()
        inspect(d, SOURCES["kontaktit"], bomb)
        try:
            _check_workbook_sizes(bomb)
        except FileRejected as rejected:
            print(f"decided in {time.perf_counter() - started:.3f} s (hash + zip directory): "
                  f"{rejected.message}")
        env = {**os.environ, "IPS_EVAL_PSEUDONYM_KEY": os.environ.get(
            "IPS_EVAL_PSEUDONYM_KEY", "bench-only-key-0123456789abcdef-01234")}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "assets.cli", "validate",
                                 "--deliveries", str(d)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        print(f"ips-eval validate: exit {os.waitstatus_to_exitcode(status)}, "
              f"{time.perf_counter() - started:.1f} s wall, peak RSS "
              f"{usage.ru_maxrss / 1024:,.0f} MiB (the whole process, libraries included; "
              "ru_maxrss also carries this small parent's peak across the exec)")


if __name__ == "__main__":
    main()
