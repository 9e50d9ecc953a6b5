"""The language of the Stata/SPSS labels: Finnish by default, ``--label-language sv|en`` (or
``IPS_EVAL_LABEL_LANGUAGE``) from the command line through the settings and the Study resource
into the files an asset writes."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pyreadstat
import pytest
from support.register import CUTOFFS, hand_made_study

from assets.cli import _settings, build_parser
from assets.definitions import build_defs
from assets.defs.resources import Study, Warehouse, resources_for
from ips_eval.config import ENV_LABEL_LANGUAGE, Settings, parse_label_language
from ips_eval.export import export_dataset
from ips_eval.register.monthly import build_register_monthly
from ips_eval.warehouse import connect
from schemas.analysis import REGISTER_MONTHLY


def _cli_settings(tmp_path: Path, *options: str) -> Settings:
    args = build_parser().parse_args(["run", "--deliveries", str(tmp_path), *options])
    return _settings(args, tmp_path)


def test_finnish_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(ENV_LABEL_LANGUAGE, raising=False)
    assert _cli_settings(tmp_path).label_language == "fi"
    assert _cli_settings(tmp_path, "--label-language", "sv").label_language == "sv"
    monkeypatch.setenv(ENV_LABEL_LANGUAGE, "en")
    assert _cli_settings(tmp_path).label_language == "en"
    assert _cli_settings(tmp_path, "--label-language", "fi").label_language == "fi"


def test_an_unknown_language_is_refused_with_the_choices(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit):
        _cli_settings(tmp_path, "--label-language", "de")
    assert "invalid choice: 'de'" in capsys.readouterr().err
    monkeypatch.setenv(ENV_LABEL_LANGUAGE, "de")
    with pytest.raises(ValueError, match="expected one of fi, sv, en"):
        Settings.from_env()
    assert parse_label_language(" SV ") == "sv"


def test_the_setting_reaches_the_run_resources(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(ENV_LABEL_LANGUAGE, raising=False)
    settings = _cli_settings(tmp_path, "--label-language", "sv")
    assert resources_for(settings)["study"].label_lang == "sv"
    # into the Definitions through the resources built from the one Settings, not through the
    # environment (nothing writes it)
    defs = build_defs(settings)
    assert defs.resources["study"].label_lang == "sv"
    assert ENV_LABEL_LANGUAGE not in os.environ


def _labels(path: Path) -> dict[str, str]:
    reader = pyreadstat.read_dta if path.suffix == ".dta" else pyreadstat.read_sav
    _, meta = reader(str(path), metadataonly=True)
    return meta.column_names_to_labels


def test_export_writes_finnish_labels_by_default(tmp_path: Path):
    with connect(tmp_path / "w.duckdb", memory_limit="1GB") as con:
        hand_made_study(con)
        build_register_monthly(con, CUTOFFS)
        export_dataset(con, "analysis.register_monthly", tmp_path, REGISTER_MONTHLY)
    finnish = REGISTER_MONTHLY.variable("earnings_eur").label("fi")
    assert finnish != REGISTER_MONTHLY.variable("earnings_eur").label("en")
    for ext in ("dta", "sav"):
        assert _labels(tmp_path / "analysis" / f"register_monthly.{ext}")["earnings_eur"] == finnish


def test_an_asset_writes_the_study_resource_language(tmp_path: Path):
    from assets.defs import register as assets

    with connect(tmp_path / "ips_eval.duckdb", memory_limit="1GB") as con:
        hand_made_study(con)
    resources = {"warehouse": Warehouse(path=str(tmp_path / "ips_eval.duckdb"),
                                        memory_limit="1GB"),
                 "study": Study(deliveries_dir=str(tmp_path), out_dir=str(tmp_path),
                                label_language="sv")}
    assert dg.materialize([assets.analysis_register_monthly], resources=resources).success
    labels = _labels(tmp_path / "analysis" / "register_monthly.sav")
    assert labels["main_state"] == REGISTER_MONTHLY.variable("main_state").label("sv")
    _, meta = pyreadstat.read_sav(str(tmp_path / "analysis" / "register_monthly.sav"),
                                  metadataonly=True)
    assert "Arbetslös" in meta.variable_value_labels["main_state"].values()
