"""A real app server and headless Chromium (Debian's, never a downloaded build) for journeys."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import Templates, unavailable

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60
# Screenshots of every page a browser test visits; CI keeps this folder (gitignored).
SCREENSHOT_DIR = Path(
    os.environ.get("FOMENTO_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots")
)
# A plotted area smaller than this is squashed or empty (the bug seen: 40 px high).
MIN_PLOT_W_PX = 150
MIN_PLOT_H_PX = 40
MIN_BAND_PX = 12  # per category of a band axis: thinner bars cannot be read or labelled
MAX_SHOT_PX = 12_000  # Chromium's limit on a screenshot's height is about 16,000 px
SHOT_SETTLE_MS = 500
UI_TIMEOUT_MS = 30_000
# A loaded 2-core CI machine can take longer than Playwright's default 5 s per assertion.
expect.set_options(timeout=UI_TIMEOUT_MS)


def chromium_path() -> str | None:
    env = os.environ.get("FOMENTO_CHROMIUM")
    for path in ((env,) if env else ()) + CHROMIUM_CANDIDATES:
        if path and Path(path).exists():
            return path
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def app_server(database_url: str) -> Iterator[str]:
    """Serve app.py on a free loopback port against ``database_url``; yields the base URL."""
    port = free_port()
    env = {**os.environ, "FOMENTO_DATABASE_URL": database_url}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"streamlit did not start:\n{out[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def chromium(executable: str) -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


RUN_START_GRACE_MS = 1_500


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished the current run (no running indicator).

    Right after a click the rerun may not have started yet, so first give the running
    indicator a moment to appear (a loaded machine is slow to send it), then wait for
    it to go.
    """
    page.wait_for_selector("[data-testid='stApp']", timeout=UI_TIMEOUT_MS)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector("[data-testid='stStatusWidget']", timeout=RUN_START_GRACE_MS)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")",
        timeout=UI_TIMEOUT_MS,
    )


# Fixtures shared by every browser test module (registered in conftest.py).


@pytest.fixture(scope="module")
def server(templates: Templates) -> Iterator[str]:
    """A fresh app server per test module, on its own seeded SQLite copy (single-user)."""
    with app_server(templates.sqlite_copy(seeded=True)) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    exe = chromium_path()
    if exe is None:
        unavailable("Chromium not found (apt-get install chromium)")
    assert exe is not None
    with chromium(exe) as b:
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(UI_TIMEOUT_MS)
    yield pg
    context.close()


# Every Vega chart on the page, as the browser drew it. Pages draw charts as SVG
# (``model.planning.charts.finish``), so the data marks (Vega's ``role-mark`` groups) can
# be counted; the plotted area is the frame (``path.background``) of the group the marks
# sit in. Axis labels are counted too: a band axis whose labels vanished is a bug.
CHART_PROBE = """
() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart']")).map((el) => {
  const svg = el.querySelector('svg');
  const box = el.getBoundingClientRect();
  const out = {renderer: svg ? 'svg' : (el.querySelector('canvas') ? 'canvas' : 'none'),
               width: box.width, height: box.height, marks: 0, plots: [], labels: 0, title: ''};
  if (!svg) return out;
  const t = svg.querySelector('.role-title-text');
  out.title = t ? t.textContent : '';
  out.labels = svg.querySelectorAll('.role-axis-label text').length;
  // Band axes: how many categories, how many of their labels are shown (Vega hides
  // overlapping ones with opacity 0), and the axis length they share.
  out.bands = [];
  out.overlaps = [];
  out.thin = 0;
  for (const a of svg.querySelectorAll('g.role-axis')) {
    const aria = a.getAttribute('aria-label') || '';
    const m = /^([XY])-axis.*discrete scale with (\\d+) value/.exec(aria);
    if (!m) continue;
    const texts = Array.from(a.querySelectorAll('.role-axis-label text'));
    const shown = texts.filter((t) => t.getAttribute('opacity') !== '0' && t.textContent).length;
    out.bands.push([m[1], Number(m[2]), shown]);
    // Category labels must not run into each other (the NET headers did).
    const boxes = texts.filter((t) => t.getAttribute('opacity') !== '0')
      .map((t) => t.getBoundingClientRect());
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const apart = a.right - 1 <= b.left || b.right - 1 <= a.left
          || a.bottom - 1 <= b.top || b.bottom - 1 <= a.top;
        if (!apart) {
          out.overlaps.push([texts[i].textContent, texts[j].textContent]);
        }
      }
    }
  }
  const groups = Array.from(svg.querySelectorAll('g.role-mark'));
  const seen = new Set();
  for (const g of groups) {
    const drawn = Array.from(g.children).filter((n) => {
      const r = n.getBoundingClientRect();
      return r.width > 0 || r.height > 0;
    });
    out.marks += drawn.length;
    if (g.classList.contains('mark-rect')) {
      // A bar drawn but under a pixel thick: its value is lost against the scale.
      out.thin += drawn.filter((n) => {
        const r = n.getBoundingClientRect();
        return Math.min(r.width, r.height) < 1;
      }).length;
    }
    // The frame of the view the marks are drawn in: <g frame><g><path.background/>...<g marks>.
    let frame = g.parentElement;
    while (frame && !frame.querySelector(':scope > path.background')) frame = frame.parentElement;
    const bg = frame ? frame.querySelector(':scope > path.background') : null;
    if (bg && !seen.has(bg)) {
      seen.add(bg);
      const r = bg.getBoundingClientRect();
      out.plots.push([Math.round(r.width), Math.round(r.height)]);
    }
  }
  return out;
})
"""


def charts_on(page: Page) -> list[dict[str, object]]:
    """What the probe above reports for each chart shown on the page, top to bottom (charts
    inside a tab that is not open have no size and are skipped)."""
    found: list[dict[str, object]] = page.evaluate(CHART_PROBE)
    return [c for c in found if float(str(c["width"])) > 0]


def assert_charts_drawn(page: Page, where: str, at_least: int = 1) -> list[dict[str, object]]:
    """Every chart on the page has data marks and a plotted area of a sane size.

    Waits for Vega to draw (it renders asynchronously after the run ends).
    """
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll(\"[data-testid='stVegaLiteChart']\"))"
        ".filter(e => e.getBoundingClientRect().width > 0 && e.querySelector('svg .role-mark'))"
        ".length >= n",
        arg=at_least,
        timeout=UI_TIMEOUT_MS,
    )
    charts = charts_on(page)
    assert len(charts) >= at_least, f"{where}: {len(charts)} chart(s), expected {at_least}"
    for i, c in enumerate(charts):
        name = f"{where}, chart {i + 1} '{c['title']}'"
        assert c["renderer"] == "svg", f"{name}: drawn as {c['renderer']}, not through show()"
        assert isinstance(c["marks"], int) and c["marks"] > 0, f"{name}: no marks drawn: {c}"
        plots = c["plots"]
        assert isinstance(plots, list) and plots, f"{name}: no plotted area: {c}"
        bands = c["bands"]
        assert isinstance(bands, list)
        # A band axis is sized by its categories (checked below); a continuous one needs room.
        banded = {axis for axis, _, _ in bands}
        for w, h in plots:
            assert "X" in banded or w >= MIN_PLOT_W_PX, f"{name}: plot {w}x{h} px: {c}"
            assert "Y" in banded or h >= MIN_PLOT_H_PX, f"{name}: plot {w}x{h} px: {c}"
        assert isinstance(c["labels"], int) and c["labels"] > 0, f"{name}: no axis labels: {c}"
        for axis, n, shown in bands:
            assert shown == n, f"{name}: {axis} axis shows {shown} of its {n} labels: {c}"
            along = [h if axis == "Y" else w for w, h in plots]
            assert max(along) >= MIN_BAND_PX * n, f"{name}: {n} bands in {max(along)} px: {c}"
        assert not c["overlaps"], f"{name}: axis labels overlap: {c['overlaps']}"
    return charts


def screenshot(page: Page, name: str) -> Path:
    """Save a PNG of the whole page under ``SCREENSHOT_DIR``.

    Streamlit scrolls inside its main container, not the document, so a "full page"
    screenshot is only the viewport: the viewport is made as tall as the content first.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    wait_for_app(page)
    # Streamlit draws grey placeholders until each element arrives: wait them out.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "() => !document.querySelector(\"[data-testid^='stSkeleton']\")",
            timeout=UI_TIMEOUT_MS,
        )
    size = page.viewport_size or {"width": 1400, "height": 1000}
    tall = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "\"[data-testid='stMain'], [data-testid='stAppViewContainer'], section.main\"))"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(tall) + 40, MAX_SHOT_PX)})
    try:
        page.wait_for_timeout(SHOT_SETTLE_MS)  # charts re-layout at the new height
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path
