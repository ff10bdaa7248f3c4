"""Key journeys in headless Chromium against a real app server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from model import DATA_DIR
from model.store.importer import parse_file
from tests.browser import wait_for_app

pytestmark = pytest.mark.browser

# Title in the sidebar and the page heading, by URL path.
PAGES = {
    "home": ("Home", "Fomento"),
    "evidence": ("Evidence", "Evidence"),
    "data": ("Data", "Data"),
}

BAD_EVIDENCE = (
    "evidence_id,programme_id,metric,qualifier,value,low,high,unit,currency,price_year,"
    "period_start,period_end,basis,source_file,passage,note\n"
    "UP-01,HND,total_cost,,680000,,,USD,USD,1998,1993,1998,,002_190a6727378b83c7.txt,Honduras,\n"
    "UP-02,HND,networks_formed,,many,,,count,,,1993,1998,,002_190a6727378b83c7.txt,Honduras,\n"
)
GOOD_EVIDENCE = BAD_EVIDENCE.replace(",many,", ",33,")
SHIPPED_EVIDENCE_ROWS = len(
    parse_file((DATA_DIR / "evidence.csv").read_bytes(), "evidence.csv")[0].records
)


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_opens_by_url_with_its_title(server: str, page: Page, path: str) -> None:
    nav_title, heading = PAGES[path]
    # The default page lives at the root; Streamlit answers its url_path with "Page not found".
    page.goto(f"{server}/{'' if path == 'home' else path}")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(heading)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    for title, _ in PAGES.values():
        expect(nav.get_by_text(title, exact=True)).to_be_visible()
    # Helper modules in pages/ must never show up as pages.
    expect(nav.get_by_text("shared")).to_have_count(0)
    assert page.title().startswith(nav_title)


def _upload(page: Page, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    page.get_by_role("tab", name="Import").click()
    page.locator("input[type='file']").set_input_files(str(path))


def test_upload_bad_then_good_csv(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(f"{server}/data")
    wait_for_app(page)
    _upload(page, tmp_path, "bad_evidence.csv", BAD_EVIDENCE)
    expect(page.get_by_text("bad_evidence.csv was rejected; nothing was written")).to_be_visible()
    expect(
        page.get_by_text("evidence, row 3, column value: 'many' is not a number")
    ).to_be_visible()

    page.goto(f"{server}/data")
    wait_for_app(page)
    _upload(page, tmp_path, "good_evidence.csv", GOOD_EVIDENCE)
    expect(page.get_by_text("good_evidence.csv is valid")).to_be_visible()
    page.get_by_role("button", name="Import these rows").click()
    # The confirmation is a toast where the person is looking, and a banner at the top.
    done = page.get_by_text("Imported good_evidence.csv: wrote: Evidence records: 2 new")
    expect(done.first).to_be_visible()
    expect(page.get_by_test_id("stToast")).to_contain_text("Imported good_evidence.csv")
    # The Evidence tab now counts the two new rows among the shipped ones.
    page.get_by_role("tab", name="Evidence").click()
    expect(
        page.get_by_text(f"{SHIPPED_EVIDENCE_ROWS + 2} of {SHIPPED_EVIDENCE_ROWS + 2}")
    ).to_be_visible()
