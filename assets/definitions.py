"""The one Definitions object: every asset, check and resource under ``assets/defs/``.
Loaded by ``dagster dev`` (workspace.yaml), ``dg`` and ``ips-eval run`` alike."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent)
