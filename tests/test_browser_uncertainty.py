"""The uncertainty journey in headless Chromium: one seeded run on the demo.

A user opens Uncertainty from the sidebar, asks for 40 draws with seed 3, runs them,
and reads first the plan's own P10 (the plan funded as it is, in every draw), then
which evaluation is worth most; both equal ``fomento uncertainty`` on the same
scenario and seed. The wait-and-see view and the robust plan follow, labelled. A
screenshot of the page is saved for a person to look at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from model.allocator.scenario import load_scenario
from model.cli import main
from model.planning.inputs import DEMO_SCENARIO
from tests.browser import wait_for_app

pytestmark = pytest.mark.browser

DRAWS = 40
SEED = 3
FIRST_LOAD_MS = 60_000  # the first page of a fresh server compiles the app
RUN_MS = 120_000  # the run solves about 4 x 40 programmes plus the candidates' lines
MAX_SHOT_PX = 12_000  # Chromium cannot take much taller screenshots
SETTLE_MS = 1_000
ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("FOMENTO_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))


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
    cli = json.loads(capsys.readouterr().out)
    p10 = cli["plan_risk"]["objective"]["p10"]
    top = cli["value_of_information"]["groups"][0]

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
    headline = page.get_by_text("The plan's own risk", exact=True)
    expect(headline).to_be_visible(timeout=RUN_MS)

    # The plan's own P10 is the first metric of the page.
    first_metric = page.get_by_test_id("stMetric").first
    expect(first_metric).to_contain_text("P10")
    expect(first_metric).to_contain_text(f"{p10:,.0f}")

    # The top-ranked evaluation, in a sentence, with the CLI's amount.
    sentence = page.get_by_text(f"An impact evaluation of {top['label']}", exact=False).first
    if top["kind"] == "candidate":
        sentence = page.get_by_text(f"the returns of {top['label']}", exact=False).first
    expect(sentence).to_be_visible()
    expect(sentence).to_contain_text(f"US${top['evppi']:,.0f}")

    expect(page.get_by_text("If returns were known before deciding (wait-and-see)")).to_be_visible()
    expect(page.get_by_text("Gain in the bad cases")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()

    # Streamlit scrolls inside its main block, so a full-page shot needs a tall window.
    tall = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stAppViewContainer], section')).map((e) => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(tall) + 100, MAX_SHOT_PX)})
    wait_for_app(page)
    page.wait_for_timeout(SETTLE_MS)  # charts re-lay out for the new window
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "uncertainty.png"), full_page=True)


def test_a_plan_from_a_json_file(
    server: str, page: Page, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The analyst judges a plan of their own: only the cluster initiatives, in full.
    scenario = load_scenario(DEMO_SCENARIO)
    plan = tmp_path / "clusters-only.json"
    scale = {c.id: 1.0 if c.kind == "cluster_initiative" else 0.0 for c in scenario.candidates}
    plan.write_text(json.dumps({"scale": scale}))
    args = ["uncertainty", str(DEMO_SCENARIO), "--plan", str(plan), "--draws", str(DRAWS)]
    assert main([*args, "--seed", str(SEED), "--no-voi", "--format", "json"]) == 0
    risk = json.loads(capsys.readouterr().out)["plan_risk"]

    page.goto(f"{server}/uncertainty")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Uncertainty", timeout=FIRST_LOAD_MS)
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(plan))
    wait_for_app(page)
    _set_number(page, "Draws", DRAWS)
    _set_number(page, "Seed", SEED)
    page.get_by_text("Value of information (EVPI, EVPPI)").click()
    wait_for_app(page)
    page.get_by_role("button", name="Run", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("The plan's own risk", exact=True)).to_be_visible(timeout=RUN_MS)
    expect(page.get_by_text("the plan in clusters-only.json").first).to_be_visible()
    first_metric = page.get_by_test_id("stMetric").first
    expect(first_metric).to_contain_text(f"{risk['objective']['p10']:,.0f}")
