"""A run killed mid-ingest leaves no identity code in clear on any disk (issue 30; docs/methods.md
§Identity and pseudonyms).

A tiny delivery — an enrolment form in UTF-8 and a register extract in Windows-1252 (so that it
is transcoded), large enough to spill under a small memory limit (32 MB) — is ingested in a child process
that kills itself (SIGKILL: no clean-up runs) at a point where earlier versions held every parsed
row, codes included, in a temp table or a transcoded copy on disk. Afterwards every file under the
output folder and the child's temporary folder (``TMPDIR``: DuckDB's spill folder, the ingest's
work folder) is scanned by the project's own scanner (``audit.identity_leaks_in_files``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ips_eval.ingest.audit import identity_leaks_in_files

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
KEY = "killed-ingest-tests-key-0123456789abcdef"
# register rows per kill point: enough to spill under the child's 32 MB memory limit where the
# temp table is what is looked at (the transcoded copy needs no more than a few)
ROWS = {"transcoded": 2_000, "parsed": 300_000, "inserted": 100_000}


def code(n: int) -> str:
    """A valid HETU per n (born 1950–1999, an individual number 002–899)."""
    ddmmyy = f"{1 + n % 28:02d}{1 + n // 28 % 12:02d}{50 + n // 336 % 50:02d}"
    individual = f"{2 + n // 16800 % 898:03d}"
    return f"{ddmmyy}-{individual}{_CHECK[int(ddmmyy + individual) % 31]}"


def delivery(root: Path, rows_in_register: int) -> Path:
    from schemas.codebook import SOURCES

    d = root / "deliveries"
    enrolment = [c.raw for c in SOURCES["asiakkaat"].columns if not c.raw.startswith("_")]
    rows = []
    for i in range(1, 4):
        values = {"asiakastunnus": f"HEL-{i:04d}", "hetu": code(i), "rekisterilupa": "1",
                  "alue": "HEL", "tiimi": "HEL-T1", "valmentaja": "HEL-C01",
                  "lahetepvm": "1.2.2021", "aloituspvm": "5.3.2021", "diagnoosi": "F20.0",
                  "lisatieto": f"soita {code(i)}"}
        rows.append(";".join(values.get(name, "") for name in enrolment))
    (d / "asiakkaat").mkdir(parents=True)
    (d / "asiakkaat/2023-07-05_HEL.csv").write_text(
        ";".join(enrolment) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (d / "rekisterit/kela").mkdir(parents=True)
    lines = ["hetu;etuus;alkupvm;loppupvm;maksettu_eur;huom"]
    # an en dash (cp1252 0x96) in some codes and a code in a free-text column: every path
    lines += [f"{code(i % 5000).replace('-', '–') if i % 7 == 0 else code(i % 5000)};TMT;"
              f"1.1.2021;31.1.2021;10;{'tarkista ' + code(i) if i % 1000 == 0 else 'ä'}"
              for i in range(rows_in_register)]
    (d / "rekisterit/kela/2024-05-02_kela.csv").write_bytes(
        ("\n".join(lines) + "\n").encode("cp1252"))
    return d


# the child: ingest with a kill at one point (what it saw there written beside it first)
CHILD = r"""
import os, signal, sys
from pathlib import Path
deliveries, out, point, seen = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
from ips_eval.ingest import pipeline, raw, readers
from ips_eval.warehouse import connect

def kill():
    tmp = Path(os.environ["TMPDIR"])
    spilled = [p for p in tmp.rglob("*") if p.is_file()]
    Path(seen).write_text(f"{len(spilled)} {sum(p.stat().st_size for p in spilled)}")
    os.kill(os.getpid(), signal.SIGKILL)

def after(module, name, when):
    real = getattr(module, name)
    def wrapped(*args, **kwargs):
        got = real(*args, **kwargs)
        if when(*args, **kwargs):
            kill()
        return got
    setattr(module, name, wrapped)

calls = []
if point == "transcoded":  # the cp1252 copy made, nothing parsed yet
    after(readers, "_transcoded", lambda *a, **k: True)
elif point == "parsed":  # every register row read through into the temp table (2nd CSV)
    after(readers, "_rejected_lines", lambda *a, **k: calls.append(1) or len(calls) == 2)
elif point == "inserted":  # rows in raw, before the commit
    after(raw, "file_rows_leak", lambda *a, **k: "kela" in a[1])
with connect(out / "ips_eval.duckdb", memory_limit="32MB", threads=1) as con:
    pipeline.ingest_deliveries(con, deliveries, os.environ["KEY"].encode())
print("not killed")
"""


@pytest.mark.parametrize("point", ["transcoded", "parsed", "inserted"])
def test_a_run_killed_mid_ingest_leaves_no_code_in_clear(tmp_path: Path, point: str) -> None:
    d, out, tmp = delivery(tmp_path, ROWS[point]), tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    tmp.mkdir()
    seen = tmp_path / "seen.txt"
    env = {**os.environ, "TMPDIR": str(tmp), "KEY": KEY}
    done = subprocess.run([sys.executable, "-c", CHILD, str(d), str(out), point, str(seen)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    files, size = map(int, seen.read_text().split())
    if point == "parsed":  # the register's rows spilled: the test saw what it looks for
        assert files and size > 10_000_000, (files, size)
    assert identity_leaks_in_files(out) == {}
    assert identity_leaks_in_files(tmp) == {}
    # the scanner does find the codes where they are: in the delivery itself
    assert identity_leaks_in_files(d, ("asiakkaat",))
