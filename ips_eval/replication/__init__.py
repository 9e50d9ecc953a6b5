"""The R replication scripts (docs/methods.md §Replication in R): ``out/replication/R/``, one
short R script per results file that refits it from ``out/analysis/*.dta`` with the standard R
package, ``run_all.R`` that runs them and ``compare.R`` that sets every estimate beside
``out/results/*.csv``. The scripts are templates kept here (``R/*.R``) and copied as they are;
the two files written are ``codes.R``, the text codes behind the numbers of the .dta value
labels, from ``schemas/analysis.py`` (so the scripts read the same codes whatever the label
language), and ``horizons.R``, the run's follow-up horizons (``schemas/windows.py``), so the
scripts estimate at the horizons the pipeline did.
Nothing here reads data: the scripts only ever read the pseudonymised analysis files."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from ips_eval.outputs import atomic_path, output_dir, write_text
from schemas.windows import HORIZONS_DEFAULT, check_horizons, horizon_days, summary_horizons

FOLDER = Path("replication") / "R"
DATASETS = ("clients", "jobs", "tte", "scores", "fidelity", "register_monthly",
            "register_matches", "register_match_months", "register_transitions")


def templates() -> list[Path]:
    """The scripts kept in the package, in name order."""
    folder = resources.files(__package__) / "R"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".R"))


def transition_horizons(out_dir: Path) -> tuple[int, ...]:
    """The follow-up horizons of the run in ``out_dir``: the ``state_<months>`` columns of its
    ``analysis/register_transitions.parquet`` (the default horizons without one)."""
    import polars as pl

    from schemas.analysis import state_horizons

    path = Path(out_dir) / "analysis" / "register_transitions.parquet"
    if not path.is_file():
        return HORIZONS_DEFAULT
    return state_horizons(pl.read_parquet_schema(path)) or HORIZONS_DEFAULT


def codes_r(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> str:
    """``codes.R``: for every text-coded column of the analysis datasets (register_transitions
    with a state column per horizon), its codes in the order of the numbers the .dta carries
    (1, 2, …; ``ips_eval/export.py``)."""
    from schemas.analysis import dataset, register_transitions_labels, value_label_set

    codes: dict[str, list[str]] = {}
    for name in DATASETS:
        try:
            labels = (register_transitions_labels(horizons) if name == "register_transitions"
                      else dataset(name))
        except KeyError:
            continue
        for v in labels.variables:
            values = list(value_label_set(v.value_labels)) if v.value_labels else []
            text = bool(values) and all(isinstance(c, str) for c in values)
            if text and codes.setdefault(v.name, values) != values:
                raise ValueError(f"column {v.name!r} has two code lists across datasets")
    lines = ["# Written by ips-eval from schemas/analysis.py: the text code behind each number",
             "# of the .dta value labels (1 = the first code, ...), whatever the label language.",
             "CODES <- list("]
    items = [f'  {name} = c({", ".join(repr(c).replace(chr(39), chr(34)) for c in values)})'
             for name, values in sorted(codes.items())]
    lines.append(",\n".join(items))
    lines.append(")")
    return "\n".join(lines) + "\n"


def horizons_r(horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> str:
    """``horizons.R``: the run's follow-up horizons in months and days, and those of the
    12-month summaries (the restricted mean's τ, the logit), as ``schemas/windows.py`` has
    them."""
    horizons = check_horizons(horizons)

    def vector(values) -> str:
        return f"c({', '.join(f'{v:.12g}' for v in values)})"

    return "\n".join([
        "# Written by ips-eval from the run's --horizons (schemas/windows.py): the follow-up",
        "# horizons in months and in days (months x 365.25 / 12), and the horizons of the",
        "# 12-month summaries (the restricted mean's tau, the logit of a job within the window).",
        f"HORIZONS <- {vector(horizons)}",
        f"HORIZON_DAYS <- {vector(horizon_days(horizons))}",
        f"SUMMARY_MONTHS <- {vector(summary_horizons(horizons))}",
    ]) + "\n"


def write_replication(out_dir: Path, horizons: tuple[int, ...] | None = None) -> list[Path]:
    """Copy the scripts into ``out_dir/replication/R/`` with ``codes.R`` and ``horizons.R``
    (the run's ``horizons``; without them, those of the run in ``out_dir``:
    :func:`transition_horizons`); results of an earlier R run there (``results/``) are removed,
    so compare.R never reads stale numbers; the folder R writes them to is private (0700), as
    ``results/`` is."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / "results", ignore_errors=True)
    output_dir(folder / "results", private=True)  # the R results hold exact counts, as results/
    written = []
    for template in templates():
        target = folder / template.name
        with atomic_path(target) as tmp:
            shutil.copyfile(template, tmp)
        written.append(target)
    horizons = horizons or transition_horizons(out_dir)
    written.append(write_text(folder / "codes.R", codes_r(horizons)))
    written.append(write_text(folder / "horizons.R", horizons_r(horizons)))
    return written
