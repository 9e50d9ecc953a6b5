"""Benchmark: analysis.register_monthly at national scale.

Builds staging-shaped ``asiakkaat``, ``kela`` and ``tulorekisteri`` for N persons directly in
DuckDB SQL (seeded random(); nothing else needed), then times the register-months transform
(``ips_eval.register.monthly.build_register_monthly``) in a fresh process and prints rows, seconds,
peak RSS and DuckDB's memory limit. Optionally times the asset checks and the results too.

    uv run python benchmarks/bench_register.py                      # 1,000,000 persons
    uv run python benchmarks/bench_register.py --persons 100000 --memory-limit 1GB --checks

The data: ``--clients`` of the persons are clients (index dates 2020-06 … 2024-06, cohort by
date), the rest comparison persons; pids are 64-character hex strings like the ingest's
HMAC-SHA-256 pseudonyms; 2019-01 … 2024-12 in the registers (extract month
2024-12). Each person has a propensity to work: in a month they work with that probability,
one payer, or two with probability 0.1. Kela: 0–8 periods a person, 1–365 days (disability
pensions up to three years), paid by the day.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ips_eval.export import export_dataset  # noqa: E402 — the project root is on the path above
from ips_eval.register.monthly import (  # noqa: E402
    REGISTER_MONTHLY,
    build_register_monthly,
    duplicate_person_months,
    kela_share_mismatches,
    null_main_states,
    write_register_results,
)
from ips_eval.warehouse import connect  # noqa: E402
from schemas.analysis import dataset  # noqa: E402
from schemas.study import STUDY  # noqa: E402

CUTOFFS = STUDY.default_cutoffs
DELIVERED = date(2024, 12, 20)

GENERATE = [
    "SELECT setseed($seed)",
    # clients: the first n_clients persons
    """CREATE OR REPLACE TABLE staging.asiakkaat AS
       WITH c AS (SELECT i, DATE '2020-06-01' + CAST(floor(random() * 1460) AS INTEGER) AS d
                  FROM range($n_clients) AS t(i))
       SELECT printf('HEL-%04d', i % 10000) || '-' || i AS client_id, sha256('p' || i) AS pid,
              1 AS register_consent, CASE WHEN d < DATE '2023-06-01' THEN 'HEL' ELSE 'KAI' END
              AS region, d AS index_date,
              CASE WHEN d < DATE '2023-06-01' THEN $hel_cohort ELSE $kai_cohort END AS cohort,
              'asiakkaat.csv' AS _file, $delivered AS _delivery_date, CAST(i AS INTEGER) AS _row
       FROM c""",
    """CREATE OR REPLACE TEMP TABLE bench_persons AS
       SELECT i, sha256('p' || i) AS pid,
              CASE WHEN i < $n_clients THEN printf('HEL-%04d', i % 10000) || '-' || i END
              AS client_id, random() AS work_propensity, CAST(floor(random() * 9) AS INTEGER)
              AS n_periods
       FROM range($n_persons) AS t(i)""",
    # Incomes Register: person × month where the person works, 10 % with a second payer
    """CREATE OR REPLACE TABLE staging.tulorekisteri AS
       WITH worked AS (
           SELECT p.pid, p.client_id, CAST(DATE '2019-01-01' + INTERVAL (m) MONTH AS DATE)
                  AS month, random() AS u
           FROM bench_persons AS p, range(72) AS t(m)
           WHERE random() < p.work_propensity * 0.8)
       SELECT pid, month, 'Y' || CAST(floor(u * 50000) AS INTEGER) AS payer_pid,
              round(200 + random() * 3000, 2) AS pay_eur, client_id,
              'tulorekisteri.csv' AS _file, $delivered AS _delivery_date, 0 AS _row
       FROM worked
       UNION ALL
       SELECT pid, month, 'Z' || CAST(floor(u * 50000) AS INTEGER), round(random() * 800, 2),
              client_id, 'tulorekisteri.csv', $delivered, 0
       FROM worked WHERE u < 0.1""",
    # Kela: periods inside 2019 … 2024, benefit chosen at random
    """CREATE OR REPLACE TABLE staging.kela AS
       WITH periods AS (
           SELECT p.pid, p.client_id,
                  ['SPR','KUNTR','KUNTT','TKE','TMT','PPR','ASUMT','TTT','OPT']
                      [1 + CAST(floor(random() * 9) AS INTEGER)] AS benefit,
                  DATE '2019-01-01' + CAST(floor(random() * 2150) AS INTEGER) AS start_date,
                  random() AS u
           FROM bench_persons AS p, range(8) AS t(k)
           WHERE k < p.n_periods),
       sized AS (
           SELECT *, least(start_date + CAST(floor(u * CASE WHEN benefit IN ('TKE', 'KUNTT')
                                  THEN 1095 ELSE 365 END) AS INTEGER), DATE '2024-12-20')
                     AS end_date
           FROM periods)
       SELECT pid, benefit, start_date, end_date,
              round((end_date - start_date + 1) * (20 + u * 40), 2) AS paid_eur, client_id,
              'kela.csv' AS _file, $delivered AS _delivery_date, 0 AS _row
       FROM sized
       QUALIFY row_number() OVER (PARTITION BY pid, benefit, start_date) = 1""",
    "DROP TABLE bench_persons",
]


def generate(db: Path, persons: int, clients: int, seed: float) -> None:
    with connect(db, memory_limit="8GB") as con:
        params = {"seed": seed, "n_clients": min(clients, persons), "n_persons": persons,
                  "delivered": DELIVERED, "hel_cohort": STUDY.cohort_of_region["HEL"],
                  "kai_cohort": STUDY.cohort_of_region["KAI"]}
        for statement in GENERATE:
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used or None)
        con.execute("CHECKPOINT")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    # the machine may be shared: CPU seconds beside wall seconds tell contention from work
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def transform(db: Path, memory_limit: str, threads: int, checks: bool) -> None:
    with connect(db, memory_limit=memory_limit, threads=threads) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchall()[0][0]
                  for t in ("asiakkaat", "kela", "tulorekisteri")}
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        print(f"staging rows: {counts}; DuckDB memory_limit {limit}, threads {threads}")
        print(load())
        t0, c0 = time.perf_counter(), cpu_seconds()
        rows = build_register_monthly(con, CUTOFFS)
        print(f"register_monthly: {rows:,} rows in {time.perf_counter() - t0:.1f} s "
              f"({cpu_seconds() - c0:.1f} CPU s); peak RSS {peak_rss_mb():,.0f} MB; {load()}")
        if checks:
            for name, check in (("duplicates", lambda: duplicate_person_months(con).height),
                                ("null states", lambda: null_main_states(con)),
                                ("kela shares", lambda: kela_share_mismatches(con).height)):
                t0, c0 = time.perf_counter(), cpu_seconds()
                found = check()
                print(f"check {name}: {found} found in {time.perf_counter() - t0:.1f} s "
                      f"({cpu_seconds() - c0:.1f} CPU s)")
            with tempfile.TemporaryDirectory() as out:
                t0, c0 = time.perf_counter(), cpu_seconds()
                write_register_results(con, Path(out))
                print(f"results: {time.perf_counter() - t0:.1f} s "
                      f"({cpu_seconds() - c0:.1f} CPU s)")
                t0, c0 = time.perf_counter(), cpu_seconds()
                paths = export_dataset(con, REGISTER_MONTHLY, Path(out),
                                       dataset("register_monthly"))
                size = sum(p.stat().st_size for p in paths) / 2**20
                print(f"export ({', '.join(p.name for p in paths)}, {size:,.0f} MB): "
                      f"{time.perf_counter() - t0:.1f} s ({cpu_seconds() - c0:.1f} CPU s)")
            print(f"peak RSS with checks {peak_rss_mb():,.0f} MB; {load()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=1_100)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--checks", action="store_true",
                        help="also time the checks, the results and the export")
    parser.add_argument("--db", type=Path, help="keep the warehouse here (reused if present)")
    parser.add_argument("--phase", choices=("all", "generate", "transform"), default="all",
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    workdir = None
    if args.db is None:
        workdir = Path(tempfile.mkdtemp(prefix="bench_register_"))
        args.db = workdir / "bench.duckdb"
    try:
        if args.phase == "generate":
            generate(args.db, args.persons, args.clients, args.seed)
            return
        if args.phase == "transform":
            transform(args.db, args.memory_limit, args.threads, args.checks)
            return
        if not args.db.exists():
            t0 = time.perf_counter()
            common = ["--db", str(args.db), "--persons", str(args.persons),
                      "--clients", str(args.clients), "--seed", str(args.seed)]
            subprocess.run([sys.executable, __file__, "--phase", "generate", *common],
                           check=True)
            print(f"generated {args.persons:,} persons in {time.perf_counter() - t0:.1f} s "
                  f"({args.db.stat().st_size / 2**20:,.0f} MB)")
        # a fresh process, so its peak RSS is the transform's and not the generator's
        cmd = [sys.executable, __file__, "--phase", "transform", "--db", str(args.db),
               "--memory-limit", args.memory_limit, "--threads", str(args.threads)]
        subprocess.run(cmd + (["--checks"] if args.checks else []), check=True)
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
