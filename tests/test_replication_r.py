"""The R replication scripts (docs/methods.md §Replication in R): every run writes
out/replication/R/, and on the default run's own analysis datasets R's standard packages give
every estimate they cover to 1e-6 (compare.R). Without R (scripts/setup_r.sh installs it from
Debian's packages) the R test is skipped, saying why."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ips_eval.ingest.identity import find_hetus
from ips_eval.replication import templates

R_PACKAGES = ("haven", "survival", "cmprsk", "lme4", "survey", "sandwich", "nnet")
REPLICATED = ("km", "rmst", "cox", "logit", "competing", "fidelity_cox", "attachment", "change",
              "change_ipw", "mixed", "register_effect", "transition_model")


def _r_missing() -> str | None:
    """Why R cannot run the scripts here, or None."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "R is not installed (Rscript not on PATH; scripts/setup_r.sh installs it)"
    wanted = ", ".join(f'"{p}"' for p in R_PACKAGES)
    probe = (f"m <- Filter(function(p) !requireNamespace(p, quietly = TRUE), c({wanted})); "
             "cat(m); quit(status = length(m) > 0)")
    done = subprocess.run([rscript, "-e", probe], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return (f"R packages missing: {done.stdout.strip() or done.stderr.strip()} "
                "(scripts/setup_r.sh installs them)")
    return None


def test_every_run_writes_the_scripts(pipeline_run):
    out, _report = pipeline_run
    folder = out / "replication" / "R"
    names = {p.name for p in folder.iterdir()}
    expected = {f"{n}.R" for n in REPLICATED} | {"run_all.R", "compare.R", "common.R", "codes.R"}
    assert expected <= names, sorted(expected - names)
    assert {p.name for p in templates()} <= names
    # the statistician's scripts read the analysis files, never an identity code
    for path in folder.glob("*.R"):
        assert not find_hetus(path.read_text(encoding="utf-8")), path.name


def test_r_reproduces_every_covered_estimate_to_1e_6(pipeline_run, tmp_path: Path):
    missing = _r_missing()
    if missing:
        pytest.skip(missing)
    out, _report = pipeline_run
    # the shared run is read-only: R writes its results into a copy of the scripts
    work = shutil.copytree(out / "replication" / "R", tmp_path / "R")
    rscript = shutil.which("Rscript")
    ran = subprocess.run([rscript, "run_all.R", str(out)], cwd=work, capture_output=True,
                         text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    compared = subprocess.run([rscript, "compare.R", str(out)], cwd=work, capture_output=True,
                              text=True, timeout=120)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    lines = {line.split()[0]: line.split() for line in compared.stdout.splitlines() if line}
    for name in REPLICATED:
        assert name in lines and lines[name][4] == "0", compared.stdout  # none over 1e-6
        assert int(lines[name][2]) > 0, compared.stdout  # estimates were compared
