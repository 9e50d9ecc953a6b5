"""The one Definitions object: every asset, check and resource under ``assets/defs/``, with
resources built from one ``Settings``. ``dagster dev`` (workspace.yaml) and ``dg`` load
``defs``, whose settings come from the environment (ips_eval.config); ``ips-eval run`` calls
``build_defs`` with the settings of its command line."""

from pathlib import Path

import dagster as dg

from assets.defs.resources import resources_for
from ips_eval.config import Settings

# The job `ips-eval run` runs (the whole graph or a subset of it): a named target in the UI's run
# list, where the implicit asset job shows none.
RUN_JOB = "ips_eval"


def build_defs(settings: Settings, run_id: str = "") -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent),
        dg.Definitions(
            resources=resources_for(settings, run_id),
            # DuckDB allows one writing process per file: steps run one after another in the
            # run's process, never in parallel subprocesses (the multiprocess default) that
            # would collide
            executor=dg.in_process_executor,
            jobs=[dg.define_asset_job(
                RUN_JOB, selection=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks(),
                description="Every asset and check of the evaluation: what `ips-eval run` runs "
                "(a run of part of it says which part in its tag ips_eval/target).")],
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs(Settings.from_env())
