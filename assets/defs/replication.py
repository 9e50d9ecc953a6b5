"""Replication domain: ``out/replication/R/``, the R scripts that refit each results file from
the analysis datasets with the standard R package, ``run_all.R`` and ``compare.R``
(docs/methods.md §Replication in R; ``ips_eval.replication``). Written by every run, after the
analysis datasets and the results they reproduce; the pipeline does not run R itself (the test
``tests/test_replication_r.py`` does, where R is installed)."""

from __future__ import annotations

import dagster as dg

from assets.defs import keys
from assets.defs.resources import Study
from ips_eval.replication import write_replication

GROUP = "replication"
REPLICATED = ("km", "rmst", "cox", "logit", "competing", "fidelity_cox", "attachment",
              "change", "change_ipw", "mixed", "register_effect", "transition_model")


@dg.asset(key=dg.AssetKey(["replication", "R"]), group_name=GROUP, kinds={"r"},
          deps=[keys.CLIENTS, keys.JOBS, keys.TTE, keys.SCORES, keys.FIDELITY,
                keys.REGISTER_MATCHES, *(keys.results(name) for name in REPLICATED)],
          description="out/replication/R/: an R script per results file (survival, cmprsk, "
                      "lme4, survey, sandwich) reading out/analysis/*.dta, run_all.R and "
                      "compare.R (differences over 1e-6 from out/results/).")
def replication_r(study: Study) -> dg.MaterializeResult:
    paths = write_replication(study.out, study.horizon_months)
    return dg.MaterializeResult(metadata={
        "files": ", ".join(p.name for p in paths),
        "path": dg.MetadataValue.path(str(paths[0].parent)),
        "run": "cd out/replication/R && Rscript run_all.R && Rscript compare.R"})
