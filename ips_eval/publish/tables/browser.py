"""Headless Chromium for the table PNGs and the report's screenshot.

A table's PNG is a screenshot of its own ``.html`` page, taken by one browser kept open for the
whole run and driven over the DevTools protocol by **nokap** (great-tables' own screenshot
library, so no webdriver). great-tables' ``GT.gtsave()`` goes through nokap too, but per image it
renders the table's HTML again, opens a new tab, widens and narrows the viewport and waits a
fixed delay — about 1.4 s an image. :class:`PngWriter` keeps one tab at a 2× device scale (the
resolution ``gtsave`` gives), loads the page already written, clips to the ``<table>`` with a
10 px margin and captures: about 0.4 s, spent in the browser's process. The captures run on a
worker thread, in order, so the run's Python work (the table's other formats, the next tables
and figures) goes on on the other core meanwhile. :meth:`PngWriter.drain` waits for every PNG
queued so far and raises if one could not be written: the report calls it before it is built
(and a table waits itself when no report follows it in the run). A run stopped before that
is marked incomplete, and the next run rebuilds every table.

nokap starts the browser with ``--headless --disable-gpu --disable-background-networking
--disable-sync --no-first-run`` among others, but not ``--no-sandbox`` (Chromium refuses to start
as root without it, as in our containers) nor ``--disable-component-update``; we add those.
nokap's ``SyncCDP`` (the connection) is not exported by the package; it is pinned by
``uv.lock`` and used only here.

Without a browser (``scripts/setup_browser.sh`` installs Debian's ``chromium``) the PNG step is
skipped with a warning; nothing else depends on it. If nokap fails to drive the browser, each
PNG falls back to ``chromium --headless --screenshot`` of the table's HTML page.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ips_eval.outputs import atomic_path

log = logging.getLogger(__name__)

# Debian's package first (what scripts/setup_browser.sh installs), then whatever is on PATH.
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome",
                      "google-chrome-stable")

# The flags every headless run here uses: no sandbox (root in a container), no GPU, and no
# background traffic (component updates, sync, first-run pages) — the run must not touch the
# network.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)
# Of those, the ones nokap adds itself; it is given the rest.
NOKAP_OWN_FLAGS = ("--headless", "--disable-gpu", "--disable-background-networking",
                   "--disable-sync", "--no-first-run")

# The page a table is laid out in (CSS px) and the image's pixels per CSS px.
PAGE_WIDTH, PAGE_HEIGHT, SCALE = 992, 744, 2  # nokap's default page, gtsave's zoom
MARGIN = 10  # CSS px of page kept around the table


def find_browser() -> str | None:
    """The Chromium (or Chrome) executable, or None when none is installed."""
    for candidate in BROWSER_CANDIDATES:
        path = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if path:
            return path
    return None


class PngWriter:
    """Screenshots tables' HTML pages as PNG with one browser tab kept open for all of them."""

    def __init__(self, browser: str) -> None:
        self.browser = browser
        self._chrome = self._cdp = self._tab = None
        self._worker: ThreadPoolExecutor | None = None
        self._queued: list[tuple[Path, Future[Path]]] = []

    def start(self) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="table-png")
        try:
            import nokap
            from nokap._cdp import SyncCDP

            extra = [f for f in CHROMIUM_FLAGS if f not in NOKAP_OWN_FLAGS]
            self._chrome = nokap.Chrome(path=self.browser, extra_args=extra)
            self._cdp = SyncCDP(self._chrome.ws_url)
            self._cdp.connect()
            self._tab = nokap.Session(self._cdp, width=PAGE_WIDTH, height=PAGE_HEIGHT)
            self._tab.set_viewport(PAGE_WIDTH, PAGE_HEIGHT, device_scale_factor=SCALE)
        except Exception as exc:  # noqa: BLE001 — any failure: fall back to the CLI screenshot
            log.warning("nokap could not start %s (%s); PNGs by chromium --screenshot",
                        self.browser, exc)
            self._close_browser()

    def close(self) -> None:
        """Stop the browser. PNGs queued but not started are dropped (a run that ends without
        :meth:`drain` was stopped or failed, and is marked incomplete); the one being taken
        finishes."""
        if self._worker is not None:
            self._worker.shutdown(wait=True, cancel_futures=True)
            self._worker = None
        self._queued.clear()
        self._close_browser()

    def _close_browser(self) -> None:
        for part in (self._tab, self._cdp, self._chrome):
            if part is not None:
                with contextlib.suppress(Exception):  # closing what may already be gone
                    part.close()
        self._chrome = self._cdp = self._tab = None

    def submit(self, page: Path, path: Path) -> Future[Path]:
        """Queue the screenshot of the HTML file ``page`` into ``path`` (written via a
        temporary file, then renamed); :meth:`drain` waits for it."""
        if self._worker is None:
            self.start()
        job = self._worker.submit(self._save, Path(page), Path(path))
        self._queued.append((Path(path), job))
        return job

    def drain(self) -> list[Path]:
        """Wait for every PNG queued so far; returns their paths, or raises naming each one
        that could not be written."""
        queued, self._queued = self._queued, []
        failed = []
        for path, job in queued:
            try:
                job.result()
            except Exception as exc:  # noqa: BLE001 — collected, raised together below
                failed.append(f"{path.name}: {exc}")
        if failed:
            raise RuntimeError(f"{len(failed)} table PNG(s) not written: " + "; ".join(failed))
        return [path for path, _ in queued]

    def save(self, page: Path, path: Path) -> Path:
        """The screenshot of ``page`` at ``path``, written before this returns."""
        self.submit(page, path)
        self.drain()
        return path

    def _save(self, page: Path, path: Path) -> Path:
        # atomic_path: the rename, and the umask's mode even inside a private window
        with atomic_path(path) as tmp:
            if self._tab is not None:
                try:
                    tmp.write_bytes(self._capture(page))
                    return path
                except Exception as exc:  # noqa: BLE001
                    log.warning("screenshot over DevTools failed for %s (%s); trying chromium "
                                "--screenshot", path.name, exc)
            screenshot_page(self.browser, page, tmp)
        return path

    def _capture(self, page: Path) -> bytes:
        tab = self._tab
        tab.navigate(page.resolve().as_uri())
        box = tab.get_element_bounds("table")
        clip = {"x": max(0.0, box.x - MARGIN), "y": max(0.0, box.y - MARGIN),
                "width": box.width + 2 * MARGIN, "height": box.height + 2 * MARGIN, "scale": 1}
        shot = tab._send("Page.captureScreenshot",
                         {"format": "png", "captureBeyondViewport": True, "clip": clip})
        return base64.b64decode(shot["data"])


class SharedPngSession:
    """One browser for a whole run: started when the first table asks for it (a run that
    writes no table starts none), kept for every later table, closed once at the end.
    Starting headless Chromium costs seconds; once per table and language it was most of the
    tables' time. Used by the Dagster resource that the table assets share
    (``assets/defs/resources.py``)."""

    def __init__(self, browser: str | None = None) -> None:
        self._browser = browser
        self._writer: PngWriter | None = None
        self._looked = False

    def writer(self) -> PngWriter | None:
        """The running writer, or None (with one warning) when no browser is installed."""
        if not self._looked:
            self._looked = True
            browser = self._browser or find_browser()
            if browser is None:
                log.warning("no Chromium found (run scripts/setup_browser.sh): table PNGs are "
                            "skipped")
            else:
                self._writer = PngWriter(browser)
                self._writer.start()
        return self._writer

    def drain(self) -> list[Path]:
        """Wait for the PNGs queued so far (none when no table asked for the browser)."""
        return self._writer.drain() if self._writer is not None else []

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._writer, self._looked = None, False


@contextmanager
def png_session(browser: str | None = None) -> Iterator[PngWriter | None]:
    """A PNG writer for the duration of the block, or None (with a warning) when no browser is
    installed — the caller then skips the PNGs."""
    browser = browser or find_browser()
    if browser is None:
        log.warning("no Chromium found (run scripts/setup_browser.sh): table PNGs are skipped")
        yield None
        return
    writer = PngWriter(browser)
    writer.start()
    try:
        yield writer
    finally:
        writer.close()


def run_headless(browser: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the browser headless with our flags and ``args``; raises on failure."""
    return subprocess.run([browser, *CHROMIUM_FLAGS, *args], capture_output=True,
                          timeout=timeout, check=True)


def screenshot_page(browser: str, page: Path, path: Path, width: int = 1400,
                    height: int = 2000) -> Path:
    """``chromium --headless --screenshot`` of an HTML file (the fallback for table PNGs)."""
    if not Path(page).is_file():  # Chromium would screenshot its error page instead
        raise FileNotFoundError(f"no page to screenshot: {page}")
    run_headless(browser, f"--screenshot={Path(path).resolve()}",
                 f"--window-size={width},{height}", "--hide-scrollbars",
                 Path(page).resolve().as_uri())
    return Path(path)


def dump_dom(browser: str, page: Path, fragment: str = "", timeout: float = 120) -> str:
    """The page's DOM after its scripts ran (``--dump-dom``): what a reader's browser shows.
    ``fragment`` is appended to the address (``#sv``)."""
    address = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
    done = run_headless(browser, "--virtual-time-budget=5000", "--dump-dom", address,
                        timeout=timeout)
    return done.stdout.decode("utf-8", errors="replace")
