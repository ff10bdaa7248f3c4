"""The Plan page's warnings and take-aways through AppTest: which budget limits the plan,
Reset to defaults, and the workbook and PDF brief of the unsaved plan for every role."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton

from model.accounts import auth
from model.store import db
from tests.test_pages import open_page

PAGE = "pages/plan.py"
TOTAL_USD = 5_000_000.0
YEAR_1_USD = 10_000.0  # the case: the year budgets, not the total, limit the plan
OTHER_YEARS_USD = 1_250_000.0


def _solve(at: AppTest) -> None:
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_year_budgets_below_the_total_are_named_as_the_limit(app_db: str) -> None:
    at = open_page(PAGE)
    at.number_input(key="plan_total").set_value(TOTAL_USD).run()
    at.radio(key="plan_year_mode").set_value("custom").run()
    at.number_input(key="plan_year_1").set_value(YEAR_1_USD).run()
    for t in (2, 3, 4):
        at.number_input(key=f"plan_year_{t}").set_value(OTHER_YEARS_USD).run()
    _solve(at)
    warnings = [w.value for w in at.warning]
    note = next(w for w in warnings if "year budgets add up to" in w)
    assert "US\\$3,760,000, less than the total budget of US\\$5,000,000" in note
    assert "year 1 (US\\$10,000)" in note
    # The amounts typed are repeated with separators under the inputs.
    captions = [c.value for c in at.caption]
    assert "US\\$5,000,000" in captions or "US$5,000,000" in captions


def test_reset_to_defaults_drops_the_plan_and_restores_the_inputs(app_db: str) -> None:
    at = open_page(PAGE)
    at.number_input(key="plan_total").set_value(1_000_000.0).run()
    _solve(at)
    assert at.success and at.success[0].value.startswith("With US\\$1.0 M")
    at.button(key="plan_reset").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="plan_total").value == TOTAL_USD
    assert not at.success  # no plan shown until Solve is pressed again
    assert any("press **Solve**" in i.value for i in at.info)


def test_a_viewer_can_download_the_unsaved_plan(app_db: str) -> None:
    # With an account in the database, an anonymous visitor is a viewer.
    auth.create_user(db.make_engine(app_db), "boss", "a long enough password", "admin")
    at = open_page(PAGE)
    _solve(at)
    labels = [b.label for b in at.get("download_button") if isinstance(b, DownloadButton)]
    assert "Excel workbook" in labels and "PDF brief" in labels
