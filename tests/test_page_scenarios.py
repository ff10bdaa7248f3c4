"""The Scenarios page through AppTest, on the seeded SQLite database (with 'Demo baseline')."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from model.accounts.auth import LOCAL_USER, create_user
from model.allocator.api import allocate
from model.allocator.scenario import Budget, Scenario, load_scenario
from model.store import db
from model.store.scenarios import (
    SavedScenario,
    duplicate_scenario,
    get_scenario,
    list_scenarios,
    rename_scenario,
    save_scenario,
)
from model.store.seed import BASELINE_FILE, BASELINE_NAME
from pages._handover import OPEN_SCENARIO_KEY
from tests.test_pages import open_page

PAGE = "pages/scenarios.py"
TIGHT_BUDGET = 4_000_000.0  # US$; the baseline has US$5,000,000


@pytest.fixture
def eng(app_db: str) -> Iterator[Engine]:
    e = db.make_engine(app_db)
    yield e
    e.dispose()


def baseline(eng: Engine) -> SavedScenario:
    (found,) = [s for s in list_scenarios(eng) if s.name == BASELINE_NAME]
    return found


def tight_scenario() -> Scenario:
    base = load_scenario(BASELINE_FILE)
    budget = Budget(total=TIGHT_BUDGET, per_year=(TIGHT_BUDGET / 4,) * 4)
    return base.model_copy(update={"budget": budget})


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table with this column (AppTest does not expose a read-only table's key)."""
    found: pd.DataFrame = next(d.value for d in at.dataframe if column in d.value.columns)
    return found


def listed(at: AppTest) -> list[str]:
    return list(frame(at, "Version")["Name"])


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def select(at: AppTest, scenario_id: int) -> AppTest:
    return ok(at.selectbox(key="scenarios_selected").set_value(scenario_id).run())


def test_list_shows_demo_baseline_and_exports(eng: Engine) -> None:
    at = open_page(PAGE)
    assert at.title[0].value == "Scenarios"
    assert listed(at) == [BASELINE_NAME]
    row = frame(at, "Version").iloc[0]
    assert row["Dataset"] == "demo" and row["Version"] == 1 and bool(row["Solved"])
    labels = [b.label for b in at.download_button]
    assert labels[:3] == ["Excel workbook", "JSON for the CLI", "Printable brief"]
    assert "Pick two or more" in at.info[0].value


def test_duplicate_then_rename(eng: Engine) -> None:
    at = open_page(PAGE)
    at.text_input(key="scenarios_copy_name").input("Copy A")
    ok(at.button(key="scenarios_duplicate").click().run())
    assert "Copied 'Demo baseline' as 'Copy A'" in at.success[0].value
    assert sorted(listed(at)) == ["Copy A", BASELINE_NAME]
    copy = next(s for s in list_scenarios(eng) if s.name == "Copy A")
    assert at.selectbox(key="scenarios_selected").value == copy.id  # the copy is selected

    at.text_input(key="scenarios_new_name").input("Copy B")
    ok(at.button(key="scenarios_rename").click().run())
    assert sorted(listed(at)) == ["Copy B", BASELINE_NAME]
    renamed = get_scenario(eng, copy.id)
    assert renamed.name == "Copy B" and renamed.version == 2
    assert renamed.result == copy.result


def test_delete_needs_confirmation_then_the_scenario_is_gone(eng: Engine) -> None:
    doomed = duplicate_scenario(eng, LOCAL_USER, baseline(eng).id, "Doomed")
    at = select(open_page(PAGE), doomed.id)
    ok(at.button(key="scenarios_delete").click().run())
    assert "Tick the box" in at.warning[-1].value
    assert "Doomed" in listed(at)

    at.checkbox(key=f"scenarios_delete_confirm_{doomed.id}").check()
    ok(at.button(key="scenarios_delete").click().run())
    assert listed(at) == [BASELINE_NAME]
    assert "Deleted 'Doomed'" in at.success[0].value


def test_compare_two_shows_the_difference_table(eng: Engine) -> None:
    scenario = tight_scenario()
    tight = save_scenario(eng, LOCAL_USER, scenario, name="Tight", result=allocate(scenario))
    at = open_page(PAGE)
    ok(at.multiselect(key="scenarios_compare").set_value([baseline(eng).id, tight.id]).run())
    table = at.table[0].value
    assert list(table.columns) == ["Unit", BASELINE_NAME, "Tight", "Δ Tight"]
    assert table.loc["Budget available", "Δ Tight"] == "-1,000,000"
    assert table.loc["Money used (public)", "Δ Tight"].startswith("-")
    assert {"Objective", "Return per public dollar", "Enterprises reached", "Jobs"} <= set(
        table.index
    )
    assert "Funded: Matching grant" in table.index
    moved = frame(at, "Candidate")
    assert len(moved) > 0 and (moved["Δ Tight"] != 0).all()
    # What moved, and totals by instrument, region and year: one chart at a time, each
    # with its downloads.
    views = at.radio(key="scenarios_chart").options
    assert len(views) == 4
    for view in views:
        ok(at.radio(key="scenarios_chart").set_value(view).run())
        assert [b.label for b in at.download_button].count("SVG") == 1, view


def test_reopen_hands_the_scenario_to_the_plan_page(eng: Engine) -> None:
    at = open_page(PAGE)
    ok(at.button(key="scenarios_reopen").click().run())
    # The Plan page takes the hand-over once and says which scenario it opened.
    assert OPEN_SCENARIO_KEY not in at.session_state
    assert any(f"Editing saved scenario '{BASELINE_NAME}'" in i.value for i in at.info)


def test_rename_based_on_a_stale_version_is_refused(eng: Engine) -> None:
    at = open_page(PAGE)
    base = baseline(eng)
    rename_scenario(eng, LOCAL_USER, base.id, "Renamed elsewhere", base.version)
    at.text_input(key="scenarios_new_name").input("Mine")
    ok(at.button(key="scenarios_rename").click().run())
    assert "changed by someone else" in at.error[0].value
    assert get_scenario(eng, base.id).name == "Renamed elsewhere"


def test_viewer_is_told_to_sign_in_and_nothing_is_written(eng: Engine) -> None:
    create_user(eng, "admin", "a-long-password-1", "admin")
    at = open_page(PAGE)
    assert any("sign in" in i.value for i in at.info)
    ok(at.button(key="scenarios_duplicate").click().run())
    assert "Sign in" in at.error[0].value
    assert [s.name for s in list_scenarios(eng)] == [BASELINE_NAME]


def test_scenario_saved_without_result_can_be_solved_and_saved(eng: Engine) -> None:
    bare = save_scenario(eng, LOCAL_USER, tight_scenario(), name="Bare")
    at = select(open_page(PAGE), bare.id)
    assert any("Saved without a result" in w.value for w in at.warning)
    ok(at.button(key="scenarios_solve").click().run())
    assert "Solved and saved the result of 'Bare'" in at.success[0].value
    stored = get_scenario(eng, bare.id)
    assert stored.version == 2 and stored.result is not None
    assert stored.result.budget_available == TIGHT_BUDGET
