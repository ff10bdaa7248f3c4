"""The uncertainty journey in headless Chromium: one seeded Monte Carlo run on the demo.

A user opens Uncertainty from the sidebar, asks for 40 draws with seed 3, runs them,
and reads the P10/P50/P90 figures, the histogram and the robust-plan comparison; the
P50 shown equals ``fomento uncertainty`` on the same scenario and seed.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from model.cli import main
from model.planning.inputs import DEMO_SCENARIO
from tests.browser import wait_for_app

pytestmark = pytest.mark.browser

DRAWS = 40
SEED = 3
FIRST_LOAD_MS = 60_000  # the first page of a fresh server compiles the app


def _set_number(page: Page, label: str, value: int) -> None:
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait_for_app(page)


def test_one_seeded_run(server: str, page: Page, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(
        ["uncertainty", str(DEMO_SCENARIO), "--draws", str(DRAWS), "--seed", str(SEED),
         "--format", "json"]
    ) == 0  # fmt: skip
    p50 = json.loads(capsys.readouterr().out)["objective"]["p50"]

    page.goto(server)
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Fomento", timeout=FIRST_LOAD_MS)
    page.get_by_test_id("stSidebarNav").get_by_text("Uncertainty", exact=True).click()
    expect(page.locator("h1").first).to_have_text("Uncertainty")
    wait_for_app(page)

    _set_number(page, "Draws", DRAWS)
    _set_number(page, "Seed", SEED)
    page.get_by_role("button", name="Run", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Spread of the optimum", exact=True)).to_be_visible()
    p50_metric = page.get_by_test_id("stMetric").filter(has_text="P50")
    expect(p50_metric).to_contain_text(f"{p50:,.0f}")
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    expect(page.get_by_text("Gain in the bad cases")).to_be_visible()
