"""Headless Chromium for the table PNGs and the report's screenshot.

How great-tables 1.1.0 makes images (read in its source): ``GT.save()`` is deprecated and
drives Chrome through **selenium** (and Pillow), which this project does not install;
``GT.gtsave()`` uses **nokap**, which starts Chrome itself and talks to it over the DevTools
protocol — no webdriver. nokap finds the browser on ``PATH`` (``google-chrome``, ``chromium``…)
and starts it with ``--headless --disable-gpu --disable-background-networking --disable-sync
--no-first-run`` among others, but not ``--no-sandbox`` (Chromium refuses to start as root
without it, as in our containers) nor ``--disable-component-update``. So
:func:`png_session` starts nokap's browser itself — Debian's ``/usr/bin/chromium`` with the
missing flags — before any ``gtsave``, and closes it afterwards.

Without a browser (``scripts/setup_browser.sh`` installs Debian's ``chromium``) the PNG step is
skipped with a warning; nothing else depends on it. If nokap fails to drive the browser, each
PNG falls back to ``chromium --headless --screenshot`` of the table's HTML page.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
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


def find_browser() -> str | None:
    """The Chromium (or Chrome) executable, or None when none is installed."""
    for candidate in BROWSER_CANDIDATES:
        path = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if path:
            return path
    return None


class PngWriter:
    """Writes a great-tables table as PNG with one browser kept open for all tables."""

    def __init__(self, browser: str) -> None:
        self.browser = browser
        self._nokap_ready = False

    def start(self) -> None:
        try:
            import nokap
            import nokap._api as nokap_api

            # nokap keeps one module-level browser; start it ourselves with our executable and
            # the flags nokap does not add (it adds the other CHROMIUM_FLAGS itself).
            extra = [f for f in CHROMIUM_FLAGS if f not in ("--headless", "--disable-gpu",
                                                             "--disable-background-networking",
                                                             "--disable-sync", "--no-first-run")]
            nokap_api._browser = nokap.Chrome(path=self.browser, extra_args=extra)
            self._nokap_ready = True
        except Exception as exc:  # noqa: BLE001 — any failure: fall back to the CLI screenshot
            log.warning("nokap could not start %s (%s); PNGs by chromium --screenshot",
                        self.browser, exc)
            self._nokap_ready = False

    def close(self) -> None:
        if self._nokap_ready:
            import nokap

            nokap.close()
            self._nokap_ready = False

    def save(self, table, path: Path) -> Path:  # noqa: ANN001 — a great_tables.GT
        """The table as PNG at ``path`` (written via a temporary file, then renamed)."""
        path = Path(path)
        # atomic_path: the rename, and the umask's mode even inside a private window
        with atomic_path(path) as tmp:
            if self._nokap_ready:
                try:
                    table.gtsave(tmp, zoom=2, expand=10, delay=0.05)
                except Exception as exc:  # noqa: BLE001
                    log.warning("gtsave failed for %s (%s); trying chromium --screenshot",
                                path.name, exc)
                    screenshot_html(self.browser, table.as_raw_html(make_page=True), tmp)
            else:
                screenshot_html(self.browser, table.as_raw_html(make_page=True), tmp)
        return path


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


def screenshot_html(browser: str, html: str, path: Path, width: int = 1400,
                    height: int = 2000) -> Path:
    """``chromium --headless --screenshot`` of an HTML page (the fallback for table PNGs)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        run_headless(browser, f"--screenshot={Path(path).resolve()}",
                     f"--window-size={width},{height}", "--hide-scrollbars",
                     page.resolve().as_uri())
    return Path(path)


def dump_dom(browser: str, page: Path, fragment: str = "", timeout: float = 120) -> str:
    """The page's DOM after its scripts ran (``--dump-dom``): what a reader's browser shows.
    ``fragment`` is appended to the address (``#sv``)."""
    address = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
    done = run_headless(browser, "--virtual-time-budget=5000", "--dump-dom", address,
                        timeout=timeout)
    return done.stdout.decode("utf-8", errors="replace")
