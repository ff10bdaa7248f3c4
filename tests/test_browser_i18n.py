"""The Spanish interface in headless Chromium: the browser's language decides at first,
the sidebar picker switches it, and the choice holds from page to page; a Spanish reader
solves the demo plan and takes away a Spanish workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser import UI_TIMEOUT_MS, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def _page(browser: Browser, locale: str) -> Iterator[Page]:
    context = browser.new_context(
        locale=locale, accept_downloads=True, viewport={"width": 1400, "height": 1000}
    )
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


# es_CO writes money with a point between thousands and a comma before decimals.
CO_MONEY = re.compile(r"US\$\d{1,3}(\.\d{3})+")
# Headers of the workbook's tables (first row of a sheet), as the glossary says them.
SPANISH_HEADERS = {"Candidato", "Nombre", "Instrumento", "Región", "Precio sombra"}
ENGLISH_HEADERS = {"Candidate", "Name", "Instrument", "Region", "Shadow price"}


def test_a_spanish_reader_solves_the_demo_and_downloads_a_spanish_workbook(
    server: str, american: Page
) -> None:
    page = american
    page.goto(server)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Language and numbers").click()
    page.get_by_role("option", name="español (Colombia) · 1.234,5").click()
    wait_for_app(page)
    expect(page.get_by_text("Para quién es", exact=True)).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_text("Plan", exact=True).click()
    expect(page.locator("h1").first).to_have_text("Plan")
    wait_for_app(page)
    expect(page.get_by_role("spinbutton", name="Presupuesto total (US$)")).to_be_visible()
    expect(page.get_by_text("US$5.000.000", exact=True)).to_be_visible()  # under the input
    page.get_by_role("button", name="Resolver", exact=True).click()
    wait_for_app(page)

    # The summary: Spanish words, Colombian figures (US$5,0 M; US$10,33; 1.831).
    summary = page.get_by_test_id("stAlertContentSuccess").first
    expect(summary).to_contain_text("Con US$5,0 M en 4 años:")
    text = summary.inner_text()
    assert "iniciativas de clúster" in text and "empresas beneficiarias" in text, text
    assert re.search(r"US\$\d+,\d\d de beneficio por dólar público", text), text
    assert re.search(r"\b\d{1,3}\.\d{3} empresas beneficiarias", text), text
    assert "cluster initiatives" not in text and "enterprises reached" not in text, text
    allocated = page.get_by_test_id("stMetric").filter(has_text="Dinero público asignado")
    value = allocated.get_by_test_id("stMetricValue").inner_text()
    assert CO_MONEY.fullmatch(value.strip()), value
    expect(page.get_by_text("Qué compra un dólar más")).to_be_visible()
    screenshot(page, "plan-spanish-summary")

    # The workbook made for this reader: its tables' headers in Spanish.
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Libro de Excel")
    with page.expect_download() as info:
        button.get_by_role("button").click()
    wb = load_workbook(io.BytesIO(info.value.path().read_bytes()))
    headers = {
        str(cell)
        for ws in wb.worksheets
        for row in ws.iter_rows(min_row=1, max_row=1, values_only=True)
        for cell in row
        if cell is not None
    }
    assert headers >= SPANISH_HEADERS, sorted(headers)
    assert not ENGLISH_HEADERS & headers, sorted(ENGLISH_HEADERS & headers)


def _english_plan(server: str, page: Page) -> Page:
    """The Plan page opened from Home, as a new English-speaking user reaches it."""
    page.goto(server)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Plan", exact=True).click()
    expect(page.locator("h1").first).to_have_text("Plan")
    wait_for_app(page)
    return page


def _to_language(page: Page, picker: str, option: str) -> None:
    """Pick ``option`` in the sidebar's language picker (labelled ``picker`` now)."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text=picker).click()
    page.get_by_role("option", name=option).click()
    wait_for_app(page)


def test_switching_language_keeps_the_plan_and_its_open_unfunded_table(
    server: str, american: Page
) -> None:
    """Solve in English, open the unfunded table, switch to Spanish: the table stays open and
    is re-worded, and the reader's next clicks keep the plan (the candidate-set control used
    to report a change when only its words changed, and the plan was dropped)."""
    page = _english_plan(server, american)
    page.get_by_role("button", name="Solve", exact=True).click()
    wait_for_app(page)
    why = page.get_by_test_id("stExpander").filter(has_text="candidates got nothing")
    why.locator("summary").click()
    wait_for_app(page)
    expect(why.get_by_test_id("stDataFrame")).to_be_visible()

    _to_language(page, "Language and numbers", "español (Colombia) · 1.234,5")
    summary = page.get_by_test_id("stAlertContentSuccess").first
    expect(summary).to_contain_text("Con US$5,0 M en 4 años:")
    por_que = page.get_by_test_id("stExpander").filter(has_text="no recibieron nada")
    expect(por_que.get_by_test_id("stDataFrame")).to_be_visible()  # still open, re-worded

    page.get_by_test_id("stRadio").get_by_text("Por región", exact=True).click()
    wait_for_app(page)
    expect(summary).to_contain_text("Con US$5,0 M en 4 años:")  # the plan is kept
    por_que.locator("summary").click()  # closed, then opened again
    wait_for_app(page)
    expect(por_que.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(summary).to_contain_text("Con US$5,0 M en 4 años:")
    por_que.locator("summary").click()
    wait_for_app(page)
    expect(por_que.get_by_test_id("stDataFrame")).to_be_visible()
    screenshot(page, "plan-unfunded-spanish-after-switch")


def test_choices_survive_a_language_switch(server: str, american: Page) -> None:
    """Streamlit sends a choice back as the words the browser shows; after a switch the
    browser holds the earlier language's words for one run, and Streamlit used to reset the
    choice to its default on the reader's next click (found by a browser play: the Plan
    page's objective, a file's number format, a NET schedule...)."""
    page = _english_plan(server, american)
    objective = page.get_by_test_id("stSelectbox").filter(has_text="Objective")
    objective.click()
    page.get_by_role("option", name="Most enterprises reached").click()
    wait_for_app(page)

    _to_language(page, "Language and numbers", "español (Colombia) · 1.234,5")
    page.get_by_role("button", name="Resolver", exact=True).click()  # the next click
    wait_for_app(page)
    objetivo = page.get_by_test_id("stSelectbox").filter(has_text="Objetivo")
    expect(objetivo.get_by_role("combobox")).to_have_value("Máximo de empresas beneficiarias")
    summary = page.get_by_test_id("stAlertContentSuccess").first
    expect(summary).to_contain_text("empresas beneficiarias")

    # And back: the Spanish words read back to the same choice in English.
    _to_language(page, "Idioma y números", "English (United States) · 1,234.5")
    page.get_by_role("button", name="Solve", exact=True).click()
    wait_for_app(page)
    objective = page.get_by_test_id("stSelectbox").filter(has_text="Objective")
    expect(objective.get_by_role("combobox")).to_have_value("Most enterprises reached")
    screenshot(page, "plan-objective-after-two-switches")


def test_a_files_declared_number_format_survives_a_language_switch(
    server: str, american: Page
) -> None:
    """The Data page's import: a declared "1.234,56" convention must not fall back to
    "not declared" when the reader switches language and clicks on (the browser play saw it)."""
    page = american
    page.goto(server)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Data", exact=True).click()
    wait_for_app(page)
    page.get_by_role("tab", name="Import").click()
    box = page.get_by_test_id("stSelectbox").filter(has_text="Numbers in the file are written as")
    box.click()
    page.get_by_role("option", name="1.234,56 (point groups thousands)").click()
    wait_for_app(page)

    _to_language(page, "Language and numbers", "español (Colombia) · 1.234,5")
    page.get_by_role("tab", name="Importar").click()
    table = page.get_by_test_id("stSelectbox").filter(has_text="Tabla")
    table.click()  # the next click: another choice on the same tab
    page.get_by_role("option", name="regiones").click()
    wait_for_app(page)
    caja = page.get_by_test_id("stSelectbox").filter(has_text="Los números del archivo")
    expect(caja.get_by_role("combobox")).to_have_value("1.234,56 (el punto separa los miles)")
    screenshot(page, "data-import-format-after-switch")
