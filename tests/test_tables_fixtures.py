"""The sample warehouse of tests/support/tables.py keeps the small cells the disclosure tests
look for, so that those tests cannot pass by the sample losing them."""

from __future__ import annotations

import polars as pl
from support.tables import sample_frames


def test_sample_has_the_small_cells_the_disclosure_tests_look_for() -> None:
    frames = sample_frames()
    clients = frames["analysis.clients"]
    assert clients.filter(pl.col("team") == "HEL-T3").height == 3
    register = frames["results.register"]
    assert register.filter(pl.col("state") == "disability_pension")["n"].unique().to_list() == [2]
    employer = frames["results.employer_survey"]
    assert employer.filter((pl.col("category") == "no") & (pl.col("cohort") == "pilot"))[
        "n"].to_list() == [1]
    assert frames["results.cox"].filter(pl.col("param") == "TENURE")["events"].to_list() == [3]
