"""The command line says what it does and fails with a message, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assets.cli import build_parser, main


@pytest.mark.parametrize("command", [[], ["synth"], ["run"], ["validate"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "usage: ips-eval" in text
    assert len(text.splitlines()) > 5


def test_cutoff_option_parses_cohort_dates():
    args = build_parser().parse_args(["run", "--cutoff", "rrp=2024-04-30"])
    assert args.cutoff == [("rrp", __import__("datetime").date(2024, 4, 30))]


@pytest.mark.parametrize("bad", ["rrp", "x=2024-01-01", "rrp=30.4.2024"])
def test_bad_cutoff_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["run", "--cutoff", bad])
    assert exit_.value.code == 2
    assert "cutoff" in capsys.readouterr().err


def test_missing_delivery_folder_is_a_clear_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "assets.cli", "run", "--deliveries", str(tmp_path / "nope"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "no delivery folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_second_writer_on_the_same_output_is_refused(tmp_path):
    from assets.runner import RunLocked, output_lock

    # flock is per open file description, so a second open in this process stands in for a
    # second process
    with (output_lock(tmp_path), pytest.raises(RunLocked, match="another ips-eval run"),
          output_lock(tmp_path)):
        pass
