"""The follow-up horizons are a setting (docs/methods.md §Windows and cut-offs, "Longer
follow-up"): 6 and 12 months always, 18 and 24 on request, from the command line or the
environment to the study resource and ``meta.windows``; anything else refused in one line; other
horizons are another run."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.defs.resources import resources_for
from assets.runguard import fingerprint
from ips_eval.config import ENV_HORIZONS, Settings, SettingsError
from ips_eval.warehouse import connect, write_windows
from schemas.windows import HORIZONS_DEFAULT, parse_horizons, window_days


def test_horizons_in_days_are_twelfths_of_a_julian_year() -> None:
    assert [window_days(m) for m in (6, 12, 18, 24)] == [182.625, 365.25, 547.875, 730.5]


@pytest.mark.parametrize(("text", "months"), [("", (6, 12)), ("6,12,24", (6, 12, 24)),
                                              (" 24 , 12,6,6", (6, 12, 24)),
                                              ("6,12,18,24", (6, 12, 18, 24))])
def test_horizons_are_read_in_one_form(text: str, months: tuple[int, ...]) -> None:
    assert parse_horizons(text) == months


@pytest.mark.parametrize("text", ["6", "12,24", "6,12,36", "6,12,9", "six", "6;12"])
def test_other_horizons_are_refused_in_one_line(text: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="horizons") as refused:
        parse_horizons(text)
    assert "\n" not in str(refused.value)
    monkeypatch.setenv(ENV_HORIZONS, text)
    with pytest.raises(SettingsError, match=ENV_HORIZONS):
        Settings.from_env()


def test_horizons_reach_the_study_resource_and_meta_windows(tmp_path: Path) -> None:
    assert Settings(deliveries_dir=tmp_path, out_dir=tmp_path).horizons == HORIZONS_DEFAULT
    settings = Settings(deliveries_dir=tmp_path, out_dir=tmp_path / "out", horizons=(24, 6, 12))
    assert settings.horizons == (6, 12, 24)
    study = resources_for(settings)["study"]
    assert study.horizon_months == (6, 12, 24)
    with connect(tmp_path / "w.duckdb") as con:
        write_windows(con, study.horizon_months)
        assert con.execute("SELECT window_months, window_days FROM meta.windows "
                           "ORDER BY 1").fetchall() == [(6, 182.625), (12, 365.25), (24, 730.5)]
    with pytest.raises(SettingsError, match="horizons"):
        Settings(deliveries_dir=tmp_path, out_dir=tmp_path, horizons=(6, 30))


def test_the_cli_takes_horizons_and_refuses_others(tmp_path: Path, capsys) -> None:
    from assets.cli import build_parser

    args = build_parser().parse_args(["run", "--horizons", "6,12,24"])
    assert args.horizons == (6, 12, 24)
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(["run", "--horizons", "6,12,48"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "--horizons" in err and "use 6,12 and any of 18,24" in err


def test_other_horizons_are_another_run(tmp_path: Path) -> None:
    a = Settings(deliveries_dir=tmp_path, out_dir=tmp_path)
    b = Settings(deliveries_dir=tmp_path, out_dir=tmp_path, horizons=(6, 12, 24))
    assert fingerprint(a)["settings"] != fingerprint(b)["settings"]


def test_the_r_scripts_read_every_horizon_s_states_as_codes(tmp_path: Path) -> None:
    """The replication's codes.R names a state column per horizon of the run's
    register_transitions (read from the file the scripts read), so R's model of transitions at
    +24 gets state names, not the .dta's numbers."""
    import polars as pl

    from ips_eval.replication import codes_r, transition_horizons

    assert transition_horizons(tmp_path) == HORIZONS_DEFAULT  # no dataset: the default
    (tmp_path / "analysis").mkdir()
    pl.DataFrame({"group": ["clients"], "client_id": ["HEL-0001"], "cohort": ["pilot"],
                  "state_m1": ["unemployed"], "state_6": ["employed"], "state_12": [None],
                  "state_24": [None]}, schema_overrides={"state_12": pl.String,
                                                         "state_24": pl.String}
                 ).write_parquet(tmp_path / "analysis" / "register_transitions.parquet")
    assert transition_horizons(tmp_path) == (6, 12, 24)
    assert "state_24 = c(" in codes_r((6, 12, 24))
    assert "state_24" not in codes_r() and "state_12 = c(" in codes_r()
