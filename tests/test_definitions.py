"""The one Definitions object loads, and the graph has what the contract promises."""

from __future__ import annotations

import dagster as dg

from assets.definitions import defs


def test_definitions_load_and_validate():
    d = defs()
    dg.Definitions.validate_loadable(d)
    keys = {k.to_user_string() for k in d.resolve_asset_graph().get_all_asset_keys()}
    assert keys, "no assets in the graph"


def test_resources_do_not_expose_the_pseudonym_key():
    d = defs()
    shown = repr(d.resources)
    assert "demo-key" not in shown and "pseudonym_key=" not in shown


def test_steps_run_in_one_process_so_duckdb_has_one_writer():
    assert defs().executor.name == "in_process"


def test_run_instance_has_telemetry_off_and_one_run_at_a_time(tmp_path):
    from assets.runner import write_instance_config

    write_instance_config(tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.telemetry_enabled is False
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
