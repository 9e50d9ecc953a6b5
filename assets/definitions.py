"""The one Definitions object: every asset, check and resource under ``assets/defs/``, with
resources built from one ``Settings``. ``dagster dev`` (workspace.yaml) and ``dg`` load
``defs``, whose settings come from the environment (ips_eval.config); ``ips-eval run`` calls
``build_defs`` with the settings of its command line."""

from pathlib import Path

import dagster as dg

from assets.defs.ingest import DELIVERY_SOURCES
from assets.defs.resources import resources_for
from assets.versions import with_code_version
from ips_eval.config import Settings

# The job `ips-eval run` runs (the whole graph or a subset of it): a named target in the UI's run
# list, where the implicit asset job shows none.
RUN_JOB = "ips_eval"
# The job that observes the delivery folders (their data versions, assets/versions.py): what
# `ips-eval run` does first, and the UI's "Observe sources" does by hand.
OBSERVE_JOB = "ips_eval_observe_deliveries"


def observe_job():  # noqa: ANN201 — an unresolved asset job
    return dg.define_asset_job(
        OBSERVE_JOB, selection=dg.AssetSelection.assets(*(s.key for s in DELIVERY_SOURCES)),
        description="Observe every delivery folder: a new or changed file makes the source's "
                    "raw asset stale (docs/operations.md §Incremental runs).")


def build_defs(settings: Settings, run_id: str = "") -> dg.Definitions:
    # every asset carries the package's code version (assets/versions.py); the delivery
    # folders, observed, are source assets (no code of ours computes them)
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent)
    return dg.Definitions.merge(
        dg.Definitions(assets=dg.map_asset_specs(with_code_version, loaded.assets or []),
                       asset_checks=loaded.asset_checks),
        dg.Definitions(
            assets=DELIVERY_SOURCES,
            resources=resources_for(settings, run_id),
            # DuckDB allows one writing process per file: steps run one after another in the
            # run's process, never in parallel subprocesses (the multiprocess default) that
            # would collide
            executor=dg.in_process_executor,
            jobs=[dg.define_asset_job(
                RUN_JOB, selection=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks(),
                description="Every asset and check of the evaluation: what `ips-eval run` runs "
                "(a run of part of it says which part in its tag ips_eval/target)."),
                observe_job()],
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs(Settings.from_env())
