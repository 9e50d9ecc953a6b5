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
