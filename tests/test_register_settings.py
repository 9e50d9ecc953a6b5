"""The register effect's history window H is a setting (docs/methods.md §Register effect):
24, 30 or 36 months, from the command line to the study resource, anything else refused with
one line; a different H is a different run."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.defs.resources import resources_for
from assets.runguard import fingerprint
from ips_eval.config import Settings, SettingsError
from ips_eval.register.matching import validate_history


def test_history_reaches_the_study_resource(tmp_path: Path) -> None:
    settings = Settings(deliveries_dir=tmp_path, out_dir=tmp_path / "out", register_history=24)
    assert resources_for(settings)["study"].register_history == 24
    assert Settings(deliveries_dir=tmp_path, out_dir=tmp_path).register_history == 36


@pytest.mark.parametrize("bad", [12, 25, 48])
def test_a_history_outside_the_choices_is_refused(tmp_path: Path, bad: int) -> None:
    with pytest.raises(SettingsError, match="register history"):
        Settings(deliveries_dir=tmp_path, out_dir=tmp_path, register_history=bad)
    with pytest.raises(ValueError, match="24, 30 or 36"):
        validate_history(bad)


def test_the_cli_takes_the_history_and_refuses_another(tmp_path: Path, capsys) -> None:
    from assets.cli import main

    with pytest.raises(SystemExit) as refused:
        main(["run", "--deliveries", str(tmp_path), "--out", str(tmp_path / "o"),
              "--register-history", "40"])
    assert refused.value.code == 2
    assert "--register-history" in capsys.readouterr().err


def test_a_different_history_is_a_different_run(tmp_path: Path) -> None:
    a = Settings(deliveries_dir=tmp_path, out_dir=tmp_path, register_history=36)
    b = Settings(deliveries_dir=tmp_path, out_dir=tmp_path, register_history=24)
    assert fingerprint(a)["settings"] != fingerprint(b)["settings"]
