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
