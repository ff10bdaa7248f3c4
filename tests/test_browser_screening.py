"""A screener's journey in headless Chromium: import proposals, see a rejection and its
reason, score one, send the eligible ones to a plan and read the funding result."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from model import DATA_DIR
from tests.browser import UI_TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.browser

EXAMPLE = DATA_DIR / "proposals_example.csv"
SLIDER_STEPS = 4  # keyboard steps on the first criterion: 0 -> 4 of 5


def test_import_reject_score_hand_over_and_solve(server: str, page: Page) -> None:
    page.goto(f"{server}/proposals")
    wait_for_app(page)
    # The first direct URL on a fresh server switches Streamlit out of its pages-directory
    # mode and reruns (pages/_shared.py); on a busy machine that takes a few seconds.
    expect(page.locator("h1").first).to_have_text("Proposals", timeout=UI_TIMEOUT_MS)

    page.locator("input[type='file']").set_input_files(str(EXAMPLE))
    expect(page.get_by_text(f"{EXAMPLE.name} is valid: 8 proposals.")).to_be_visible()
    page.get_by_role("button", name="Import these proposals").click()
    expect(page.get_by_text("proposals: 8 new, 0 updated, 0 unchanged").first).to_be_visible()

    page.get_by_role("tab", name="Eligibility").click()
    expect(page.get_by_text("P-002: Costa Azul fish processors joint brand")).to_be_visible()
    expect(
        page.get_by_text("no knowledge institution among the submitting entities")
    ).to_be_visible()
    expect(page.get_by_text("add a knowledge institution as a partner")).to_be_visible()

    page.get_by_role("tab", name="Review & rank").click()
    form = page.get_by_test_id("stForm").filter(has_text="Save review")
    slider = form.get_by_role("slider").first
    slider.focus()
    for _ in range(SLIDER_STEPS):
        slider.press("ArrowRight")
    expect(slider).to_have_value(str(SLIDER_STEPS))
    form.get_by_role("button", name="Save review").click()
    expect(
        page.get_by_text("Saved local's review of P-001: weighted score 0.60 of 5").first
    ).to_be_visible()

    page.get_by_role("tab", name="Hand-over to a plan").click()
    page.get_by_role("button", name="Send eligible proposals to a plan and solve").click()
    expect(page.get_by_text("Funding result: demo+proposals")).to_be_visible(timeout=UI_TIMEOUT_MS)
    # The reviewed proposal's line quotes its score; the plan funds it in full.
    expect(page.get_by_text("P-001: funded in full: US$400,000 (score 0.60 of 5)")).to_be_visible()
    expect(page.get_by_text("Return per public dollar")).to_be_visible()
