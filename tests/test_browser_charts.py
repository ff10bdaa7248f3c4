"""Every chart on every page, after the page's main action, as Chromium draws it.

Each chart must have data marks, a plotted area of a sane size and every category label
of a band axis shown (``tests.browser.assert_charts_drawn``): the checks that would have
caught the empty "By instrument" comparison, the 40 px "By region", the squashed NET
score line and the overlapping headers. Every page is saved as a screenshot under
``test-artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from model.store.seed import BASELINE_NAME
from tests.browser import UI_TIMEOUT_MS, assert_charts_drawn, screenshot, wait_for_app

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 60_000  # the first page of a fresh server compiles the app
SAVED_NAME = "Charts 3M"
BUDGET = "3000000"
PLAN_VIEWS = ("By kind and year", "By region", "Benefit vs cost", "Binding rules")
COMPARE_VIEWS = ("What moved", "By instrument", "By region", "By plan year")
EVIDENCE_TABS = ("Return per dollar", "Cost per unit", "Public vs total", "Cost recovery")
UNCERTAINTY_DRAWS = 40
UNCERTAINTY_SEED = 3
RUN_MS = 120_000  # about 4 x 40 programmes solved, plus the candidates' lines
PLAIN_PAGES = ("home", "data", "proposals", "indicators", "methodology", "admin")


def _open(page: Page, server: str, path: str, heading: str) -> None:
    # The default page (Home) is served at the root, not at its url_path.
    page.goto(f"{server}/{'' if path == 'home' else path}")
    wait_for_app(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.locator("h1").first).to_have_text(heading, timeout=FIRST_LOAD_MS)
    wait_for_app(page)


def _choose(page: Page, option: str) -> None:
    """Pick a horizontal radio option (the pages' one-chart-at-a-time switch)."""
    page.get_by_test_id("stRadio").get_by_text(option, exact=True).click()
    wait_for_app(page)


@pytest.mark.parametrize("path", PLAIN_PAGES)
def test_pages_without_charts_render_and_are_captured(server: str, page: Page, path: str) -> None:
    page.goto(f"{server}/{path}")
    wait_for_app(page)
    expect(page.locator("h1").first).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, path)


def test_home_links_are_whole_words(server: str, page: Page) -> None:
    _open(page, server, "home", "Fomento")
    links = page.get_by_test_id("stPageLink")
    expect(links.first).to_be_visible()
    for i in range(links.count()):
        text = links.nth(i).locator("p").first
        # A cut label overflows its box: the text is wider than what is shown.
        overflow = text.evaluate("e => e.scrollWidth > e.clientWidth + 1")
        assert not overflow, f"link {links.nth(i).inner_text()!r} is cut"


def test_evidence_charts_in_every_tab(server: str, page: Page) -> None:
    _open(page, server, "evidence", "Evidence")
    for tab in EVIDENCE_TABS:
        page.get_by_role("tab", name=tab).click()
        assert_charts_drawn(page, f"Evidence > {tab}")
        screenshot(page, f"evidence-{tab.lower().replace(' ', '-')}")


def test_plan_and_scenario_charts_after_solve_and_compare(server: str, page: Page) -> None:
    _open(page, server, "plan", "Plan")
    budget = page.get_by_role("spinbutton", name="Total budget (US$)")
    budget.fill(BUDGET)
    budget.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Solve", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("With US$3.0 M over 4 years").first).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    for view in PLAN_VIEWS:
        _choose(page, view)
        charts = assert_charts_drawn(page, f"Plan > {view}")
        screenshot(page, f"plan-{view.lower().replace(' ', '-')}")
        if view == "Binding rules":
            # Rules in words, never the builder's row names.
            labels = page.get_by_test_id("stVegaLiteChart").first.inner_text()
            assert "budget_year[" not in labels and "eligible[" not in labels, charts
            assert "The year-1 budget" in labels
            # Prices span orders of magnitude in one panel (-75k beside -6): a bar of -6
            # is 0 px wide, so every rule's label carries its price in figures.
            axis = page.get_by_test_id("stVegaLiteChart").first.locator(
                "g.role-axis[aria-label^='Y-axis'] .role-axis-label text"
            )
            names = [t for t in axis.evaluate_all("els => els.map(e => e.textContent)") if t]
            assert names and all(re.search(r"\((US\$)?[−-]?[\d.,]+[kMB]?\)$", t) for t in names), (
                names
            )
            # Every binding rule has a price, so every bar must be visible on its scale.
            assert charts[0]["thin"] == 0, charts[0]
    page.get_by_role("button", name="Run the budget sweep").click()
    wait_for_app(page)
    assert_charts_drawn(page, "Plan > budget sweep", at_least=2)
    screenshot(page, "plan-sweep")

    page.get_by_role("textbox", name="Name", exact=True).fill(SAVED_NAME)
    page.get_by_role("button", name="Save as new").click()
    expect(page.get_by_text(f"Saved '{SAVED_NAME}' (version 1).")).to_be_visible()

    _open(page, server, "scenarios", "Scenarios")
    for name in (BASELINE_NAME, SAVED_NAME):
        box = page.get_by_test_id("stMultiSelect").filter(has_text="Scenarios to compare")
        box.locator("input").click()
        page.keyboard.type(name)
        page.get_by_role("option", name=name, exact=True).click()
        wait_for_app(page)
    page.keyboard.press("Escape")
    for view in COMPARE_VIEWS:
        _choose(page, view)
        assert_charts_drawn(page, f"Scenarios > compare > {view}")
        screenshot(page, f"scenarios-{view.lower().replace(' ', '-')}")


def test_networks_charts_after_loading_the_example(server: str, page: Page) -> None:
    _open(page, server, "networks", "Networks (NET)")
    page.get_by_role("button", name="Load the example assessments").click()
    wait_for_app(page)
    # The confirmation shows where the person is looking, not only at the top.
    expect(page.get_by_test_id("stToast").filter(has_text="Imported")).to_be_visible(
        timeout=UI_TIMEOUT_MS
    )
    charts = assert_charts_drawn(page, "Networks", at_least=3)
    # A change of the score is in percentage points, never "%".
    delta = page.get_by_test_id("stMetricDelta")
    if delta.count():
        expect(delta.first).to_contain_text("percentage point")
    screenshot(page, "networks")
    assert len(charts) >= 3


def test_uncertainty_charts_after_a_run(server: str, page: Page) -> None:
    _open(page, server, "uncertainty", "Uncertainty")
    for label, value in (("Draws", UNCERTAINTY_DRAWS), ("Seed", UNCERTAINTY_SEED)):
        box = page.get_by_role("spinbutton", name=label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        wait_for_app(page)
    page.get_by_role("button", name="Run", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("The plan's own risk", exact=True)).to_be_visible(timeout=RUN_MS)
    wait_for_app(page)
    assert_charts_drawn(page, "Uncertainty", at_least=2)
    screenshot(page, "uncertainty-charts")


def test_printable_brief_keeps_a_long_name_inside_the_page(page: Page) -> None:
    # A 100-letter region name with no space pushed the region table past the A4 column.
    import json

    from model import DATA_DIR
    from model.allocator.api import allocate
    from model.allocator.scenario import parse_scenario
    from model.planning.brief import brief_html
    from model.planning.workbook import ScenarioDocument

    inputs = json.loads((DATA_DIR / "scenarios" / "demo.json").read_text(encoding="utf-8"))
    first = inputs["regions"][0]["name"]
    long = "Ελλάδα" * 16  # 96 letters, no break
    inputs["regions"][0]["name"] = long
    for c in inputs["candidates"]:
        if c["region"] == first:
            c["region"] = long
    sc = parse_scenario(inputs)
    doc = ScenarioDocument(
        name="B" * 150, notes="", dataset="demo", scenario=sc, result=allocate(sc)
    )
    page.set_content(brief_html(doc))
    body = page.evaluate("() => document.body.getBoundingClientRect().right")
    widest = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('body *'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= body + 1, (widest, body)


# What a Colombian reader's charts must read like (issue 15): Vega formats axis figures and
# dates itself, so the page passes the reader's locale in the spec (``charts.finish``).
ENGLISH_MONTHS = ("January", "February", "March", "April", "June", "July", "August")
SPANISH_MONTHS = ("enero", "febrero", "marzo", "abril", "junio", "julio", "agosto")
CHART_TEXT = """
() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart'] svg"))
  .map((svg) => Array.from(svg.querySelectorAll('.role-axis-label text'))
    .map((t) => t.textContent))
"""


def test_a_colombian_reader_sees_chart_figures_and_months_in_spanish(
    server: str, browser: Browser
) -> None:
    context = browser.new_context(locale="es-CO", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        _open(page, server, "networks", "Redes (NET)")
        load = page.get_by_role("button", name="Cargar las evaluaciones de ejemplo")
        if load.count():  # an earlier test on this server may have loaded them already
            load.click()
            wait_for_app(page)
        assert_charts_drawn(page, "Redes", at_least=3)
        labels = [t for chart in page.evaluate(CHART_TEXT) for t in chart]
        screenshot(page, "networks-es-CO")
        assert any(t in SPANISH_MONTHS for t in labels), labels
        assert not any(t in ENGLISH_MONTHS for t in labels), labels

        _open(page, server, "evidence", "Evidencia")
        assert_charts_drawn(page, "Evidencia")
        labels = [t for chart in page.evaluate(CHART_TEXT) for t in chart]
        screenshot(page, "evidence-es-CO")
        figures = [t for t in labels if re.fullmatch(r"[-−]?[\d.,]+\s*[kM%]?", t)]
        assert figures, labels
        # "0,5" and "1.000", never "0.50" or "1,000" (English separators).
        assert not any(re.search(r"\d\.\d{1,2}$|\d,\d{3}", t) for t in figures), figures
        assert any(re.search(r"\d,\d|\d\.\d{3}", t) for t in figures), figures
    finally:
        context.close()
