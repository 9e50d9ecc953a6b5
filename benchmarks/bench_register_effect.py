"""Benchmark: the register effect's matching and estimates at national scale.

Builds the data of ``bench_register.py`` (N register persons, ``--clients`` of them clients),
its ``analysis.register_monthly``, an ``analysis.clients`` (age 18–64 and sex at random) and
the comparison persons' birth dates and sexes (from a hash of the pid, as the ingest would from
the HETU); then, in a fresh process (so that its peak RSS is the stage's own), times
``ips_eval.register.effect.build_register_effect``: matching (candidate histories over every
person × the clients' index months, in DuckDB batches), ATT, balance, transitions.

    uv run python benchmarks/bench_register_effect.py                 # 1,000,000 persons
    uv run python benchmarks/bench_register_effect.py --persons 100000 --db /tmp/b.duckdb
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_register import CUTOFFS, cpu_seconds, generate, load, peak_rss_mb  # noqa: E402

from ips_eval.register.effect import build_register_effect  # noqa: E402
from ips_eval.register.monthly import build_register_monthly  # noqa: E402
from ips_eval.warehouse import connect  # noqa: E402

PREPARE = [
    """CREATE OR REPLACE TABLE analysis.clients AS
       SELECT client_id, pid, cohort, index_date,
              18 + CAST(hash(pid || 'age') % 47 AS INTEGER) AS age,
              CASE WHEN hash(pid || 'sex') % 2 = 0 THEN 'male' ELSE 'female' END AS sex,
              'depressive' AS dx_group, 1 + CAST(hash(pid || 'work') % 3 AS INTEGER)
                  AS work_history
       FROM staging.asiakkaat""",
    "CREATE SCHEMA IF NOT EXISTS comparison",
    """CREATE OR REPLACE TABLE comparison.kela AS
       SELECT pid, DATE '1955-01-01' + CAST(hash(pid || 'born') % 18000 AS INTEGER)
                  AS birth_date,
              CASE WHEN hash(pid || 'sex') % 2 = 0 THEN 'male' ELSE 'female' END AS sex
       FROM (SELECT DISTINCT pid FROM analysis.register_monthly WHERE client_id IS NULL)""",
    """CREATE OR REPLACE TABLE comparison.tulorekisteri AS
       SELECT * FROM comparison.kela LIMIT 0""",
]


def prepare(db: Path, persons: int, clients: int, seed: float, memory_limit: str) -> None:
    generate(db, persons, clients, seed)
    with connect(db, memory_limit=memory_limit) as con:
        t0 = time.perf_counter()
        rows = build_register_monthly(con, CUTOFFS)
        print(f"register_monthly: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
        for statement in PREPARE:
            con.execute(statement)
        con.execute("CHECKPOINT")


def effect(db: Path, memory_limit: str, threads: int) -> None:
    with connect(db, memory_limit=memory_limit, threads=threads) as con:
        print(f"DuckDB memory_limit {memory_limit}, threads {threads}; {load()}")
        t0, c0 = time.perf_counter(), cpu_seconds()
        counts = build_register_effect(con)
        print(f"register effect: {time.perf_counter() - t0:.1f} s "
              f"({cpu_seconds() - c0:.1f} CPU s); peak RSS {peak_rss_mb():,.0f} MB; {load()}")
        print(counts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=1_100)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--db", type=Path, help="keep the warehouse here (reused if present)")
    parser.add_argument("--phase", choices=("all", "prepare", "effect"), default="all",
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workdir = None
    if args.db is None:
        workdir = Path(tempfile.mkdtemp(prefix="bench_effect_"))
        args.db = workdir / "bench.duckdb"
    try:
        if args.phase == "prepare":
            prepare(args.db, args.persons, args.clients, args.seed, args.memory_limit)
            return
        if args.phase == "effect":
            effect(args.db, args.memory_limit, args.threads)
            return
        if not args.db.exists():
            t0 = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--phase", "prepare", "--db", str(args.db),
                            "--persons", str(args.persons), "--clients", str(args.clients),
                            "--seed", str(args.seed), "--memory-limit", args.memory_limit],
                           check=True)
            print(f"prepared {args.persons:,} persons in {time.perf_counter() - t0:.1f} s")
        subprocess.run([sys.executable, __file__, "--phase", "effect", "--db", str(args.db),
                        "--memory-limit", args.memory_limit, "--threads", str(args.threads)],
                       check=True)
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
