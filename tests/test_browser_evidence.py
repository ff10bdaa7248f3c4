"""Evidence journey in headless Chromium: change the price year, download the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from model import DATA_DIR
from model.store.evidence_files import DEFLATORS_FILE, load_deflators
from tests.browser import wait_for_app

pytestmark = pytest.mark.browser

REL = 1e-9
PRICE_YEAR = 2010
HND_COST_PER_NETWORK_1998 = 680_000 / 33  # 002 Honduras, nominal US$ of 1998
CPI = {d.year: d.index for d in load_deflators(DATA_DIR / DEFLATORS_FILE)}


def test_change_price_year_then_download_csv(server: str, page: Page) -> None:
    page.goto(f"{server}/evidence")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Evidence")
    expect(page.get_by_text("money in nominal US$ of each figure's year")).to_be_visible()

    box = page.get_by_test_id("stSelectbox").filter(has_text="Price year")
    box.click()
    page.keyboard.type(str(PRICE_YEAR))
    page.get_by_role("option", name=str(PRICE_YEAR), exact=True).click()
    expect(page.get_by_text(f"money in US$ of {PRICE_YEAR}")).to_be_visible()
    wait_for_app(page)

    button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV")
    with page.expect_download() as info:
        button.get_by_role("button").click()
    download = info.value
    assert download.suggested_filename == f"fomento-evidence-{PRICE_YEAR}.csv"
    path = download.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    (hnd,) = [r for r in rows if r["programme_id"] == "HND" and r["metric"] == "cost_per_network"]
    expected = HND_COST_PER_NETWORK_1998 * CPI[PRICE_YEAR] / CPI[1998]
    assert float(hnd["value"]) == pytest.approx(expected, rel=REL)
    assert hnd["price_year"] == str(PRICE_YEAR)
