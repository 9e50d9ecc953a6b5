"""The one Definitions object: every asset, check and resource under ``assets/defs/``.
Loaded by ``dagster dev`` (workspace.yaml), ``dg`` and ``ips-eval run`` alike."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent),
        # DuckDB allows one writing process per file: steps run one after another in the run's
        # process, never in parallel subprocesses (the multiprocess default) that would collide
        dg.Definitions(executor=dg.in_process_executor),
    )
