"""The Spanish interface in headless Chromium: the browser's language decides at first,
the sidebar picker switches it, and the choice holds from page to page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import UI_TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.browser


def _page(browser: Browser, locale: str) -> Iterator[Page]:
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(UI_TIMEOUT_MS)
    yield pg
    context.close()


@pytest.fixture
def colombian(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, "es-CO")


@pytest.fixture
def american(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, "en-US")


# The tests open the app's root: a later session opening /home directly meets Streamlit's
# "Page not found" dialog (its pages are registered only once app.py has run for it), which
# blocks clicks; English sessions show it too, so it is not about the language.


def test_a_colombian_browser_gets_home_in_spanish(server: str, colombian: Page) -> None:
    colombian.goto(server)
    wait_for_app(colombian)
    expect(colombian.locator("h1").first).to_have_text("Fomento")
    expect(colombian.get_by_text("Para quién es", exact=True)).to_be_visible()
    nav = colombian.get_by_test_id("stSidebarNav")
    for title in ("Inicio", "Evidencia", "Datos", "Propuestas", "Escenarios"):
        expect(nav.get_by_text(title, exact=True)).to_be_visible()
    expect(colombian.get_by_text("Planificación", exact=True)).to_be_visible()


def test_picking_spanish_in_the_sidebar_holds_across_pages(server: str, american: Page) -> None:
    american.goto(server)
    wait_for_app(american)
    expect(american.get_by_text("Who it is for", exact=True)).to_be_visible()
    sidebar = american.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Language and numbers").click()
    american.get_by_role("option", name="español (México) · 1,234.5").click()
    wait_for_app(american)
    expect(american.get_by_text("Para quién es", exact=True)).to_be_visible()
    american.get_by_test_id("stSidebarNav").get_by_text("Datos", exact=True).click()
    wait_for_app(american)
    american.get_by_role("tab", name="Import").click()
    expect(american.get_by_text("Los números del archivo se escriben como")).to_be_visible()
    expect(sidebar.get_by_text("Idioma y números")).to_be_visible()
