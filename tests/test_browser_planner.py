"""The planner's journey in headless Chromium: budget, solve, save, compare, download Excel.

A new user opens Plan, moves the total budget from US$5 M to US$4 M, solves, reads the
summary and a chart, saves the plan, compares it with the seeded "Demo baseline" on the
Scenarios page and opens the downloaded Excel workbook with openpyxl.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from model.planning.workbook import SHEETS
from model.store.seed import BASELINE_NAME
from tests.browser import screenshot, wait_for_app

pytestmark = pytest.mark.browser

BUDGET = 4_000_000  # US$ over the horizon; the demo baseline has US$5,000,000
SAVED_NAME = "Journey 4M"
FIRST_LOAD_MS = 60_000  # the first page of a fresh server compiles the app


def _pick(page: Page, label: str, option: str) -> None:
    """Add ``option`` to the multiselect labelled ``label``."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_budget_solve_save_compare_and_download(server: str, page: Page) -> None:
    # Like a new user: open the app, then go to Plan from the sidebar.
    page.goto(server)
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Fomento", timeout=FIRST_LOAD_MS)
    page.get_by_test_id("stSidebarNav").get_by_text("Plan", exact=True).click()
    expect(page.locator("h1").first).to_have_text("Plan")
    wait_for_app(page)

    budget = page.get_by_role("spinbutton", name="Total budget (US$)")
    budget.fill(str(BUDGET))
    budget.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Solve", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("With US$4.0 M over 4 years").first).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    expect(page.get_by_text("US$4,000,000", exact=True)).to_be_visible()  # under the input

    # Before saving, anyone can take the plan away as a PDF brief.
    button = page.get_by_test_id("stDownloadButton").filter(has_text="PDF brief")
    with page.expect_download() as info:
        button.get_by_role("button").click()
    pdf = PdfReader(io.BytesIO(info.value.path().read_bytes()))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert len(pdf.pages) == 1 and "With US$4.0 M over 4 years" in text

    # The unfunded reasons are written when the reader opens them (a lazy expander).
    why = page.get_by_test_id("stExpander").filter(has_text="candidates got nothing")
    expect(why.get_by_test_id("stDataFrame")).to_have_count(0)
    why.locator("summary").click()
    wait_for_app(page)
    expect(why.get_by_test_id("stDataFrame")).to_be_visible()
    screenshot(page, "plan-unfunded-opened")
    # The Excel workbook of the plan on screen holds them too (written on the click).
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Excel workbook")
    with page.expect_download() as info:
        button.get_by_role("button").click()
    unfunded = load_workbook(io.BytesIO(info.value.path().read_bytes()))["Unfunded"]
    rows = list(unfunded.iter_rows(min_row=2, values_only=True))
    assert rows and all(isinstance(r[-1], str) and "is not funded" in r[-1] for r in rows)

    page.get_by_role("textbox", name="Name", exact=True).fill(SAVED_NAME)
    page.get_by_role("button", name="Save as new").click()
    expect(page.get_by_text(f"Saved '{SAVED_NAME}' (version 1).")).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_text("Scenarios", exact=True).click()
    expect(page.locator("h1").first).to_have_text("Scenarios")
    wait_for_app(page)
    _pick(page, "Scenarios to compare", BASELINE_NAME)
    _pick(page, "Scenarios to compare", SAVED_NAME)
    page.keyboard.press("Escape")
    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text(f"Δ {SAVED_NAME}")
    budget_row = table.locator("tr").filter(has_text="Budget available")
    expect(budget_row).to_contain_text("-1,000,000")
    expect(table.locator("tr").filter(has_text="Money used (public)")).to_be_visible()

    box = page.get_by_test_id("stSelectbox").filter(has_text="Scenario")
    box.click()
    page.get_by_role("option", name=SAVED_NAME, exact=True).click()
    wait_for_app(page)
    expect(box.get_by_role("combobox")).to_have_value(SAVED_NAME)
    wait_for_app(page)  # the download's bytes are made by the rerun the choice started
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Excel workbook")
    with page.expect_download() as info:
        button.get_by_role("button").click()
    download = info.value
    assert download.suggested_filename == "fomento-scenario-journey-4m.xlsx"
    wb = load_workbook(io.BytesIO(download.path().read_bytes()))  # the temp path has no .xlsx
    assert wb.sheetnames == list(SHEETS)
    inputs = {r[0]: r[1] for r in wb["Inputs"].iter_rows(min_row=2, values_only=True)}
    assert inputs["Scenario"] == SAVED_NAME
    assert inputs["Total budget"] == BUDGET
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Budget available"] == BUDGET
    used = summary["Public money used"]
    assert isinstance(used, int | float) and 0 < used <= BUDGET
    assert wb["Summary"]["B" + str(_row(wb, "Public money used"))].number_format == '"US$"#,##0'


def _row(wb: Workbook, label: str) -> int:
    return int(next(c.row for c in wb["Summary"]["A"] if c.value == label))


def test_reset_to_defaults_brings_the_demo_budget_back(server: str, page: Page) -> None:
    page.goto(f"{server}/plan")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Plan", timeout=FIRST_LOAD_MS)
    budget = page.get_by_role("spinbutton", name="Total budget (US$)")
    budget.fill(str(BUDGET))
    budget.press("Enter")
    wait_for_app(page)
    expect(budget).to_have_value(str(BUDGET))
    page.get_by_role("button", name="Reset to defaults").click()
    wait_for_app(page)
    expect(budget).to_have_value("5000000")
    expect(page.get_by_text("US$5,000,000", exact=True)).to_be_visible()
