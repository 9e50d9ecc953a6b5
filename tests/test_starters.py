"""The R and Stata starters (``starters/``) reproduce a published number: the Kaplan–Meier tenure
of the first job at 12 months in ``results/km.csv``, from ``analysis/tte.dta``. The R one runs
where R and its packages haven and survival are installed (skipped otherwise, saying what is
missing); for both, the param codes they select by are the codes the export writes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTERS = ROOT / "starters"


def _r_missing() -> str | None:
    """Why the R starter cannot run here, or None."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (Debian: r-base-core r-cran-survival r-cran-haven)"
    done = subprocess.run(
        ["Rscript", "-e", 'cat(sapply(c("haven", "survival"), requireNamespace, quietly = TRUE))'],
        capture_output=True, text=True, timeout=120)
    missing = [p for p, ok in zip(("haven", "survival"), done.stdout.split(), strict=False)
               if ok != "TRUE"]
    return (f"R package(s) {', '.join(missing)} not installed (Debian: "
            + " ".join(f"r-cran-{p}" for p in missing) + ")") if missing else None


def _param_codes() -> dict[str, int]:
    """The numbers the Stata/SPSS export gives the param codes (ips_eval.export._encode)."""
    from schemas.analysis import ANALYSIS_VALUE_LABELS

    return {code: i for i, code in enumerate(ANALYSIS_VALUE_LABELS["param"], start=1)}


def test_the_starters_select_the_params_by_the_codes_the_export_writes():
    codes = _param_codes()
    r = (STARTERS / "km_tenure.R").read_text(encoding="utf-8")
    stata = (STARTERS / "km_tenure.do").read_text(encoding="utf-8")
    assert f"TENURE1 = {codes['TENURE1']}, TENURE1_REG = {codes['TENURE1_REG']}" in r
    assert re.search(rf"^keep if param == {codes['TENURE1_REG']}$", stata, re.M)
    for name, code in codes.items():
        assert f"{code} {name}" in r and f"{code} {name}" in stata
    for text in (r, stata):
        assert "365.25" in text and "tte.dta" in text


R_MISSING = _r_missing()


@pytest.mark.skipif(R_MISSING is not None, reason=R_MISSING or "")
def test_the_r_starter_reproduces_km_tenure_at_12_months(pipeline_run):
    out, _ = pipeline_run
    done = subprocess.run(["Rscript", str(STARTERS / "km_tenure.R"), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    km = pl.read_csv(out / "results" / "km.csv").filter(
        (pl.col("group_var") == "all") & (pl.col("time_days") == 365.25)
        & (pl.col("method") == "KM"))
    for line in done.stdout.splitlines():
        fields = dict(f.split("=") for f in line.split()[3:])
        param = line.split()[0]
        row = km.filter(pl.col("param") == param).row(0, named=True)
        assert int(fields["at_risk"]) == row["n_at_risk"]
        for r_name, column in (("estimate", "estimate"), ("ci_lower", "ci_lower"),
                               ("ci_upper", "ci_upper")):
            assert float(fields[r_name]) == pytest.approx(row[column], abs=1e-6), (param, r_name)
    assert {line.split()[0] for line in done.stdout.splitlines()} == {"TENURE1", "TENURE1_REG"}
