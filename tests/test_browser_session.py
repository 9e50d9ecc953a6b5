"""One headless browser serves every table PNG of a run (ips_eval/publish/tables/browser.py,
the ``table_pngs`` resource): started at the first table, shared, closed at the end."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg
import pytest

import ips_eval.publish.tables.browser as browser
from assets.defs.resources import TablePngs
from ips_eval.publish.tables.browser import SharedPngSession, find_browser


def test_without_a_browser_the_session_gives_none_and_warns_once(monkeypatch, caplog) -> None:
    monkeypatch.setattr(browser, "find_browser", lambda: None)
    session = SharedPngSession()
    with caplog.at_level(logging.WARNING):
        assert session.writer() is None and session.writer() is None
    assert sum("no Chromium found" in r.message for r in caplog.records) == 1
    session.close()


def test_the_session_starts_one_writer_and_reuses_it(monkeypatch) -> None:
    started: list[object] = []

    class FakeWriter:
        def __init__(self, path: str) -> None:
            self.path, self.closed = path, False

        def start(self) -> None:
            started.append(self)

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr(browser, "PngWriter", FakeWriter)
    session = SharedPngSession("/usr/bin/true")
    first = session.writer()
    assert session.writer() is first and session.writer() is first
    assert started == [first]
    session.close()
    assert first.closed


def test_the_resource_gives_every_asset_of_a_run_the_same_writer(monkeypatch) -> None:
    made: list[object] = []

    class FakeWriter:
        def __init__(self, path: str) -> None:
            self.closed = False
            made.append(self)

        def start(self) -> None:
            pass

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr(browser, "PngWriter", FakeWriter)
    monkeypatch.setattr(browser, "find_browser", lambda: "/usr/bin/true")
    seen: list[object] = []

    @dg.asset
    def first(table_pngs: TablePngs) -> None:
        seen.append(table_pngs.writer())

    @dg.asset(deps=[first])
    def second(table_pngs: TablePngs) -> None:
        seen.append(table_pngs.writer())

    assert dg.materialize([first, second], resources={"table_pngs": TablePngs()}).success
    assert len(made) == 1 and seen == [made[0], made[0]]
    assert made[0].closed  # closed when the run ended


@pytest.mark.browser
def test_one_browser_writes_the_pngs_of_two_tables(tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip("no Chromium found: run scripts/setup_browser.sh")
    import polars as pl
    from great_tables import GT

    session = SharedPngSession()
    try:
        writer = session.writer()
        for name in ("a", "b"):
            page = tmp_path / f"{name}.html"
            page.write_text(GT(pl.DataFrame({"x": [1, 2]})).as_raw_html(make_page=True))
            writer.save(page, tmp_path / f"{name}.png")
        assert session.writer() is writer
    finally:
        session.close()
    for name in ("a", "b"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_queued_pngs_are_written_by_drain_and_a_failed_one_is_named(tmp_path: Path) -> None:
    """The browser takes the PNGs in the background; drain() waits for all queued so far and
    names any it could not write (the report calls it before it is built)."""
    if find_browser() is None:
        pytest.skip("no Chromium found: run scripts/setup_browser.sh")
    import polars as pl
    from great_tables import GT

    session = SharedPngSession()
    try:
        writer = session.writer()
        pages = []
        for name in ("a", "b", "c"):
            page = tmp_path / f"{name}.html"
            page.write_text(GT(pl.DataFrame({"x": list(range(40))})).as_raw_html(make_page=True))
            pages.append(page)
            writer.submit(page, tmp_path / f"{name}.png")
        assert session.drain() == [tmp_path / f"{n}.png" for n in ("a", "b", "c")]
        for name in ("a", "b", "c"):
            assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert session.drain() == []  # nothing left queued
        writer.submit(tmp_path / "missing.html", tmp_path / "missing.png")
        writer.submit(pages[0], tmp_path / "d.png")
        with pytest.raises(RuntimeError, match=r"1 table PNG\(s\) not written: missing\.png"):
            session.drain()
        assert (tmp_path / "d.png").is_file() and not (tmp_path / "missing.png").exists()
    finally:
        session.close()


@pytest.mark.browser
def test_a_table_materialised_without_the_report_waits_for_its_pngs(tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip("no Chromium found: run scripts/setup_browser.sh")
    from support.tables import write_sample_warehouse

    from assets.defs.publish import TABLE_ASSETS
    from assets.defs.resources import Study, Warehouse
    from schemas.codebook import LANGS

    write_sample_warehouse(tmp_path / "ips_eval.duckdb")
    cox = next(a for a in TABLE_ASSETS if a.key.path[-1] == "cox")
    result = dg.materialize([cox], resources={
        "warehouse": Warehouse(path=str(tmp_path / "ips_eval.duckdb")),
        "study": Study(deliveries_dir=str(tmp_path), out_dir=str(tmp_path)),
        "table_pngs": TablePngs()})
    assert result.success
    metadata = result.asset_materializations_for_node(cox.op.name)[0].metadata
    assert metadata["png"].value == "written"
    for lang in LANGS:
        assert (tmp_path / "tables" / f"cox_{lang}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
