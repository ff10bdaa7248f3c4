"""Table figures follow the number locale picked in the sidebar, not the browser's
(issue 15, defects 1-3 and 8): Streamlit's NumberColumn formats write numbers in the
browser's locale ("localized") or always with a point ("%.3f"), so for a reader whose
language is not English the pages give the figures their text through a pandas Styler
(``pages._shared.localized_table``), written as ``model.formatting.numbers`` writes them.
English keeps its numeric columns and formats as before."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from model import DATA_DIR
from model.accounts.auth import LOCAL_USER
from model.formatting import numbers
from model.formatting.i18n import using
from model.store import db
from model.store.screening import (
    fetch_project_indicators,
    save_project_indicators,
    start_monitoring,
)
from pages._i18n import OFFERED
from pages._shared import figure_cell
from tests.test_i18n_plan import spanish_plan
from tests.test_pages import open_page

EXAMPLE = DATA_DIR / "proposals_example.csv"


@pytest.fixture
def monitored(proposals_imported: str) -> str:
    """P-006 funded and monitored (as tests/test_page_indicators.py)."""
    eng = db.make_engine(proposals_imported)
    start_monitoring(eng, ["P-006"], user=LOCAL_USER)
    eng.dispose()
    return proposals_imported


def spanish_page(page: str, locale: str = "es-CO") -> AppTest:
    return open_page(page, locale=locale)


def shown(table: Dataframe) -> pd.DataFrame:
    """The text a reader sees in each cell (the Styler's display values)."""
    raw = table.proto.arrow_data.styler.display_values
    assert raw, "this table has no display text of its own (Streamlit formats it)"
    return convert_arrow_bytes_to_pandas_df(raw)


def unstyled(table: Dataframe) -> bool:
    return not table.proto.arrow_data.styler.display_values


# --- the cell formatter: the same text as model.formatting.numbers -------------------------


@pytest.mark.parametrize("loc", [loc for loc in OFFERED if not loc.startswith("en")])
def test_cells_read_as_the_numbers_module_writes_them(loc: str) -> None:
    rnd = random.Random(15)
    values = [0, 0.5, -0.5, 1234.5, -60000, 120000, 15.8, 3.0004, 10.5, 2.675, 1e9 + 0.25]
    values += [rnd.uniform(-1e7, 1e7) for _i in range(300)]
    values += [rnd.uniform(-5, 5) for _i in range(300)]
    whole, cents, share = (figure_cell(k, loc) for k in ("whole", "cents", "share"))
    for v in values:
        assert whole(v) == numbers.number(v, 0, locale=loc), v
        assert cents(v) == numbers.number(v, 2, locale=loc), v
        if abs(v) < 50:  # a share 0-1 (and a little beyond)
            expected = numbers.share(v / 10, 1, locale=loc)
            whole_share = expected.replace(",0%", "%").replace(".0%", "%")
            assert share(v / 10) == whole_share, v


def test_cells_in_colombian_figures() -> None:
    assert figure_cell("whole", "es_CO")(39260.0) == "39.260"
    assert figure_cell("cents", "es_CO")(15.8) == "15,80"
    assert figure_cell("cents", "es_CO")(3.0004) == "3,00"
    assert figure_cell("share", "es_CO")(0.125) == "12,5%"
    assert figure_cell("share", "es_CO")(1.0) == "100%"
    number = figure_cell("number", "es_CO")
    assert [number(v) for v in (60000, 120000, 0.5, 0.2)] == ["60.000", "120.000", "0,5", "0,2"]
    assert figure_cell("plain", "es_CO")(2020) == "2020"  # a year has no separator
    assert figure_cell("whole", "es_CO")(float("nan")) == numbers.MISSING
    assert figure_cell("whole", "es_CO")(None) == numbers.MISSING
    # es_MX writes figures like English.
    assert figure_cell("whole", "es_MX")(39260.0) == "39,260"


# --- the Plan page -------------------------------------------------------------------------


def _solved(locale: str) -> AppTest:
    at = spanish_plan(locale)
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_allocation_table_in_colombian_figures(app_db: str) -> None:
    at = _solved("es-CO")
    table = at.dataframe[0]
    assert "total" in table.value.columns  # the data keeps its keys and its numbers
    assert pd.api.types.is_numeric_dtype(table.value["total"])  # so the column still sorts
    text = shown(table)
    big = [t for t in text["total"] if len(t) > 4]
    assert big and all("." in t and "," not in t for t in big), big  # "39.260", not "39,260"
    assert text["total"].iloc[0] == numbers.number(table.value["total"].iloc[0], locale="es_CO")


def test_mexican_pick_in_a_colombian_browser_gets_mexican_figures(app_db: str) -> None:
    # The sidebar's choice, not the browser's language, decides (defect 1).
    at = spanish_plan("es-CO")
    at.session_state["i18n_locale"] = "es_MX"
    at.run()
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    big = [t for t in shown(at.dataframe[0])["total"] if len(t) > 4]
    assert big and all("," in t and "." not in t for t in big), big  # "39,260"


def test_sweep_marginal_return_with_a_decimal_comma(app_db: str) -> None:
    at = _solved("es-CO")
    at.button(key="plan_sweep_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sweep = at.dataframe[-1]
    text = shown(sweep)
    marginal = [t for t in text["marginal"] if t != numbers.MISSING]
    assert marginal and all(t.count(",") == 1 and t.split(",")[1].isdigit() for t in marginal)
    assert all(len(t.split(",")[1]) == 2 for t in marginal), marginal  # "15,80", not "15.800"
    assert "100%" in set(text["factor"])


def test_english_tables_keep_streamlits_formats(app_db: str) -> None:
    at = open_page("pages/plan.py")
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert unstyled(at.dataframe[0])


# --- the Data page ---------------------------------------------------------------------------


def test_data_tables_in_colombian_figures(app_db: str) -> None:
    at = spanish_page("pages/data.py")
    evidence = at.dataframe[0]
    assert "value" in evidence.value.columns  # the column keys stay as headings
    text = shown(evidence)
    assert "60.000" in set(text["value"]), sorted(set(text["value"]))[:20]
    assert "60000" not in set(text["value"])
    assert "0,5" in set(text["value"]) | set(text["low"]) | set(text["high"])
    if "price_year" in text:
        assert all("." not in t for t in text["price_year"])  # a year, not "2.020"


def test_english_data_tables_unchanged(app_db: str) -> None:
    at = open_page("pages/data.py")
    assert unstyled(at.dataframe[0])


# --- Proposals > hand-over: a rate metric is not read as LaTeX (defect 27) ---------------------


@pytest.mark.parametrize(("locale", "per"), [("en-US", " per US\\$"), ("es-CO", " por US\\$")])
def test_the_return_per_dollar_metric_escapes_its_dollar_signs(
    proposals_imported: str, locale: str, per: str
) -> None:
    at = spanish_page("pages/proposals.py", locale)
    at.button(key="proposals_plan_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    label = "Return per public dollar" if locale == "en-US" else "Rendimiento por dólar público"
    value = next(m.value for m in at.metric if m.label == label)
    # Two "US$" in one markdown value would be a LaTeX formula: every "$" is escaped.
    assert value.startswith("US\\$") and value.endswith(per), value
    assert value.count("$") == value.count("\\$") == 2, value


# --- Indicators: the editor's units in words, figures per locale, no "None" (8, 16) -----------


def test_indicator_editor_in_colombian_figures_and_words(monitored: str) -> None:
    # One indicator with a large target and no baseline ("560000" and "None" before).
    eng = db.make_engine(monitored)
    first = fetch_project_indicators(eng, "P-006")[0]
    big = first.model_copy(update={"baseline": None, "target": 560000.0})
    save_project_indicators(eng, [big], user=LOCAL_USER)
    eng.dispose()
    at = spanish_page("pages/indicators.py")
    editor = at.dataframe[-1]  # the actuals editor comes last
    assert "expected_share" in editor.value.columns
    units = set(editor.value["unit"])
    assert "empleos" in units, units  # not "jobs", "count", "USD" (as the tables above)
    assert not units & {"USD", "jobs", "count", "firms", "yes/no"}
    text = shown(editor).set_index(editor.value["name"])
    assert text.loc[big.name, "target"] == "560.000"
    assert text.loc[big.name, "baseline"] == numbers.MISSING  # not "None"


def test_indicator_tables_say_yes_no_in_words() -> None:
    with using("es", "es_CO"):
        assert numbers.unit_words("yes/no") == "sí/no"
        assert numbers.unit_words("USD") == "US$"
    assert numbers.unit_words("yes/no") == "yes/no"


# --- Proposals: rubric weights without a decimal point for a Spanish reader (defect 6) -------


def test_rubric_weights_show_as_percentages_in_spanish(proposals_imported: str) -> None:
    at = spanish_page("pages/proposals.py")
    weights = [s for s in at.slider if s.key and s.key.startswith("proposals_w_")]
    assert weights and all(s.proto.format == "percent" for s in weights)
    english = open_page("pages/proposals.py")
    weights = [s for s in english.slider if s.key and s.key.startswith("proposals_w_")]
    assert weights and all(s.proto.format != "percent" for s in weights)  # "0.15" as before


# --- Evidence and Uncertainty tables ------------------------------------------------------


def _table_with(at: AppTest, column: str) -> Dataframe:
    return next(t for t in at.dataframe if column in t.value.columns)


def test_evidence_table_in_colombian_figures(app_db: str) -> None:
    at = spanish_page("pages/evidence.py")
    table = _table_with(at, "high")
    text = shown(table)
    cell = figure_cell("number", "es_CO")
    values = table.value["high"]
    assert "120.000" in list(text["high"])  # Colombian grouping, never "120,000"
    for row in values.index[values.notna()]:
        assert text["high"][row] == cell(values[row])  # "0,831", "20.606,061"


def test_uncertainty_tables_in_colombian_figures(app_db: str) -> None:
    at = spanish_page("pages/uncertainty.py")
    at.button(key="uncertainty_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    risk = next(t for t in at.dataframe if "P50" in t.value.columns)
    p50 = [t for t in shown(risk)["P50"] if len(t) > 4]
    assert p50 and all("." in t and "," not in t for t in p50), p50  # "39.311.140"
