"""The register path's bare skeleton, timed against the bench's floor: how fast *any* version of
the path could be on this machine, before a single guarantee is added.

The skeleton makes only the passes the design cannot do without (docs/methods.md
§Register months, §Register effect and §Sources and deliveries), each in one plain
DuckDB statement over the files ``ips-eval bench`` wrote:

1. raw: every row of both register files parsed and persisted, the HETU replaced by a keyed
   pseudonym (a SHA-256 per distinct code; the real path's HMAC costs about the same);
2. staging: typed values and the newest delivery's version of each key, persisted;
3. the panel: every person-month of the extract with its pay and Kela months, persisted in
   (pid, month) order;
4. the matching's history: one window pass over every person-month (24 and 12 months back).

Nothing else: no validation, quarantine, row outcomes, reconciliation, identity scan, checks,
export, propensity model, matching or estimate. It prints each pass's wall and CPU time, the sum
S, the floor F (``benchmarks.register_path.floor_seconds``, the same files) and S / F.

It reads the synthetic files ``ips-eval bench`` writes, not real deliveries: its throwaway
database holds the (synthetic) codes beside their pseudonyms, in a private temporary folder
removed at the end.

    .venv/bin/ips-eval bench --persons 200000 --work /tmp/bench200k   # writes the files
    .venv/bin/python benchmarks/bench_skeleton.py /tmp/bench200k/deliveries
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.register_path import floor_seconds
from ips_eval.config import DEFAULT_MEMORY_LIMIT

PAY = "{'hetu': 'VARCHAR', 'kuukausi': 'VARCHAR', 'maksaja': 'VARCHAR', 'palkka_eur': 'VARCHAR'}"
KELA = ("{'hetu': 'VARCHAR', 'etuus': 'VARCHAR', 'alkupvm': 'VARCHAR', 'loppupvm': 'VARCHAR', "
        "'maksettu_eur': 'VARCHAR'}")


def _csv(files: str, columns: str) -> str:
    return (f"read_csv({files}, sep = ';', header = true, all_varchar = true, "
            f"auto_detect = false, columns = {columns}, filename = true)")


def _euros(text: str) -> str:
    return f"CAST(replace(replace({text}, ' ', ''), ',', '.') AS DOUBLE)"


PASSES = (
    ("raw: pseudonyms of the distinct HETUs",
     f"CREATE TEMP TABLE pseudonyms AS SELECT hetu, sha256('key' || hetu) AS pid FROM ("
     f"SELECT hetu FROM {_csv('$pay', PAY)} UNION SELECT hetu FROM {_csv('$kela', KELA)})"),
    ("raw tulorekisteri",
     f"CREATE TABLE raw_pay AS SELECT p.pid, s.filename, s.kuukausi, s.maksaja, s.palkka_eur "
     f"FROM {_csv('$pay', PAY)} s JOIN pseudonyms p USING (hetu)"),
    ("raw kela",
     f"CREATE TABLE raw_kela AS SELECT p.pid, s.filename, s.etuus, s.alkupvm, s.loppupvm, "
     f"s.maksettu_eur FROM {_csv('$kela', KELA)} s JOIN pseudonyms p USING (hetu)"),
    ("staging tulorekisteri",
     "CREATE TABLE staging_pay AS SELECT pid, month, payer, arg_max(eur, filename) AS eur FROM ("
     "SELECT pid, strptime(kuukausi, '%Y-%m')::DATE AS month, maksaja AS payer, "
     f"{_euros('palkka_eur')} AS eur, filename FROM raw_pay) GROUP BY pid, month, payer"),
    ("staging kela",
     "CREATE TABLE staging_kela AS SELECT pid, benefit, start_date, "
     "arg_max(end_date, filename) AS end_date, arg_max(eur, filename) AS eur FROM ("
     "SELECT pid, etuus AS benefit, strptime(alkupvm, '%d.%m.%Y')::DATE AS start_date, "
     "strptime(loppupvm, '%d.%m.%Y')::DATE AS end_date, "
     f"{_euros('maksettu_eur')} AS eur, filename FROM raw_kela) GROUP BY pid, benefit, start_date"),
    ("panel (person-months, sorted)",
     "CREATE TABLE panel AS "
     "WITH extract AS (SELECT min(month) AS first, max(month) AS last FROM staging_pay), "
     "persons AS (SELECT pid FROM staging_pay UNION SELECT pid FROM staging_kela), "
     "stacked AS ("
     "SELECT p.pid, CAST(unnest(generate_series(e.first, e.last, INTERVAL 1 MONTH)) AS DATE) "
     "AS month, NULL::DOUBLE AS eur, NULL::VARCHAR AS benefit FROM persons p, extract e "
     "UNION ALL SELECT pid, month, eur, NULL FROM staging_pay "
     "UNION ALL SELECT pid, CAST(date_trunc('month', start_date) AS DATE), NULL, benefit "
     "FROM staging_kela) "
     "SELECT pid, month, coalesce(sum(eur), 0) AS earnings, count(benefit) AS benefits "
     "FROM stacked GROUP BY pid, month ORDER BY pid, month"),
    ("matching history (one window pass)",
     "CREATE TEMP TABLE history AS SELECT pid, month, "
     "sum(CAST(earnings > 0 AS INTEGER)) OVER w24 AS employed_24, "
     "sum(CAST(benefits > 0 AS INTEGER)) OVER w24 AS benefit_24, "
     "avg(earnings) OVER w12 AS earnings_12 FROM panel "
     "WINDOW w24 AS (PARTITION BY pid ORDER BY month ROWS BETWEEN 24 PRECEDING AND 1 PRECEDING),"
     " w12 AS (PARTITION BY pid ORDER BY month ROWS BETWEEN 12 PRECEDING AND 1 PRECEDING)"),
)


def _cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deliveries", type=Path, help="a delivery folder `ips-eval bench` wrote")
    parser.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT)
    args = parser.parse_args(argv)
    files = {"pay": sorted(str(p) for p in (args.deliveries / "rekisterit/tulorekisteri")
                           .glob("*.csv")),
             "kela": sorted(str(p) for p in (args.deliveries / "rekisterit/kela").glob("*.csv"))}
    if not files["pay"] or not files["kela"]:
        raise SystemExit(f"{args.deliveries}: no register files (run `ips-eval bench` first)")
    wall = cpu = 0.0
    with tempfile.TemporaryDirectory(prefix="bench_skeleton_") as work:
        con = duckdb.connect(str(Path(work) / "skeleton.duckdb"))
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
        con.execute(f"SET temp_directory = '{Path(work) / 'spill'}'")
        con.execute("SET preserve_insertion_order = false")
        for name, sql in PASSES:
            started, used = time.monotonic(), _cpu_s()
            con.execute(sql, {k: v for k, v in files.items() if f"${k}" in sql})
            w, c = time.monotonic() - started, _cpu_s() - used
            wall, cpu = wall + w, cpu + c
            print(f"  {name:38s} {w:7.1f} s  cpu {c:7.1f} s", flush=True)
        counts = dict(zip(("raw_rows", "panel_rows", "person_months"), con.execute(
            "SELECT (SELECT count(*) FROM raw_pay) + (SELECT count(*) FROM raw_kela), "
            "(SELECT count(*) FROM panel), "
            "(SELECT count(*) FROM (SELECT DISTINCT pid, month FROM panel))").fetchall()[0],
            strict=True))
        con.close()
    floor_wall, floor_cpu, rows = floor_seconds(args.deliveries, args.memory_limit)
    print(f"  {'floor F (bare scan)':38s} {floor_wall:7.1f} s  cpu {floor_cpu:7.1f} s  "
          f"({rows:,} register rows)")
    print(f"skeleton register_rows={rows} skeleton_s={wall:.1f} skeleton_cpu_s={cpu:.1f} "
          f"floor_s={floor_wall:.1f} ratio={wall / floor_wall:.1f}")
    return {**counts, "floor_rows": rows, "skeleton_s": wall, "floor_s": floor_wall}


if __name__ == "__main__":
    main()
