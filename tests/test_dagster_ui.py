"""The Dagster UI as the project sets it up: the instance ips-eval writes turns off the community
pop-up and telemetry (and Dagster accepts the file), the code location has one meaningful name
everywhere it is named (so the UI prints no name-mismatch warning), and a run carries tags
saying what it ran, under a named job."""

from __future__ import annotations

import logging
import tomllib
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
import yaml

from assets.runner import INSTANCE_CONFIG, run_tags, write_instance_config
from ips_eval.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_instance_turns_off_the_pop_up_and_telemetry(tmp_path):
    path = write_instance_config(tmp_path / ".dagster")
    config = yaml.safe_load(path.read_text())
    assert config["nux"] == {"enabled": False}
    assert config["telemetry"] == {"enabled": False}
    with dg.DagsterInstance.from_config(str(tmp_path / ".dagster")) as instance:
        assert instance.get_settings("nux") == {"enabled": False}
        assert instance.telemetry_enabled is False


def test_an_older_instance_file_of_ours_is_brought_up_to_date_and_a_users_is_kept(tmp_path):
    home = tmp_path / ".dagster"
    home.mkdir()
    older = INSTANCE_CONFIG.splitlines()[0] + "\ntelemetry:\n  enabled: false\n"
    (home / "dagster.yaml").write_text(older)
    write_instance_config(home)
    assert (home / "dagster.yaml").read_text() == INSTANCE_CONFIG
    own = "telemetry:\n  enabled: true\n"
    (home / "dagster.yaml").write_text(own)
    write_instance_config(home)
    assert (home / "dagster.yaml").read_text() == own


def test_the_code_location_has_one_meaningful_name():
    workspace = yaml.safe_load((ROOT / "workspace.yaml").read_text())
    entry = workspace["load_from"][0]["python_module"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dg"]["project"]
    assert entry["location_name"] == project["code_location_name"] == "ips-eval"


def test_dagster_derives_the_same_name_so_it_warns_of_no_mismatch(caplog):
    from dagster.components.core.component_tree import ComponentTree

    tree = ComponentTree.for_project(ROOT)
    # Dagster compares this with the workspace's location name on every load and warns when
    # they differ (it fell back to the checkout folder's name, which differs per clone)
    assert tree.code_location_name == "ips-eval"
    assert tree.code_location_name != ROOT.name or ROOT.name == "ips-eval"
    with caplog.at_level(logging.WARNING):
        assert tree._resolve_app_managed_location_name(_Context("ips-eval")) == "ips-eval"
        assert not any("does not match" in r.getMessage() for r in caplog.records)
        tree._resolve_app_managed_location_name(_Context("assets.definitions"))
        assert any("does not match" in r.getMessage() for r in caplog.records)  # the old name


class _Context:
    def __init__(self, name: str) -> None:
        self.code_location_name = name


def test_run_tags_say_what_ran_and_nothing_about_a_person(tmp_path):
    settings = Settings(deliveries_dir=tmp_path / "d", out_dir=tmp_path / "o",
                        cutoffs={"pilot": date(2023, 6, 30), "rrp": date(2024, 4, 30)})
    whole = run_tags(settings, "r1", None)
    assert whole == {"ips_eval/run": "r1", "ips_eval/target": "all assets",
                     "ips_eval/deliveries": str(tmp_path / "d"),
                     "ips_eval/out": str(tmp_path / "o"),
                     "ips_eval/cutoffs": "pilot=2023-06-30,rrp=2024-04-30"}
    assert run_tags(settings, "r2", 'key:"results/km"')["ips_eval/target"] == 'key:"results/km"'
    assert run_tags(settings, "r3", None, "asiakkaat")["ips_eval/target"] == "changed: asiakkaat"


def test_the_run_job_is_named_and_covers_every_asset_and_check():
    """The run job materialises every asset and check; the delivery folders (observable source
    assets, assets/versions.py) are the observe job's, which `ips-eval run` runs first: the two
    together are Dagster's whole implicit job."""
    from assets.definitions import OBSERVE_JOB, RUN_JOB, defs
    from assets.defs.ingest import DELIVERY_SOURCES

    loaded = defs()
    job = loaded.resolve_job_def(RUN_JOB)
    observe = loaded.resolve_job_def(OBSERVE_JOB)
    implicit = loaded.resolve_implicit_global_asset_job_def()
    assert job.name == "ips_eval"
    folders = {s.key for s in DELIVERY_SOURCES}
    assert set(observe.asset_layer.selected_asset_keys) == folders
    assert set(job.asset_layer.selected_asset_keys) == set(
        implicit.asset_layer.selected_asset_keys) - folders
    # the same steps: every asset and every check (a check is a step of its own or of its asset)
    steps = {n.name for n in job.graph.nodes}
    assert steps | {n.name for n in observe.graph.nodes} == {n.name for n in implicit.graph.nodes}
    assert len(steps) > 150 and not any(name.startswith("deliveries__") for name in steps)


@pytest.mark.parametrize("key", ["nux", "telemetry"])
def test_dagster_still_knows_the_instance_settings_we_write(key):
    from dagster._core.instance.config import dagster_instance_config_schema

    assert key in dagster_instance_config_schema()
