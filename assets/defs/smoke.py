import dagster as dg

from assets.defs.resources import Study


@dg.asset(key=["meta", "smoke"])
def smoke(study: Study) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"out": study.out_dir})
