"""The Uncertainty page through AppTest: a seeded run equals the CLI's JSON, the Plan
page's scenario is picked up, the frontier opens a point on Plan, the tornado draws."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from model.accounts.auth import create_user
from model.allocator.scenario import load_scenario
from model.cli import main
from model.planning.inputs import DEMO_SCENARIO
from model.store import db
from model.store.scenarios import list_scenarios
from model.uncertainty.report import report_json
from pages._plan_state import STATE_KEY, PlanState
from tests.test_pages import APP, TIMEOUT_S, open_page

PAGE = "pages/uncertainty.py"
DRAWS = 30
SEED = 7


def run(at: AppTest) -> AppTest:
    at.button(key="uncertainty_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_seeded_page_run_equals_the_cli(app_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    at = open_page(PAGE)
    assert at.title[0].value == "Uncertainty"
    assert at.radio(key="uncertainty_source").value == "Demo scenario"
    at.number_input(key="uncertainty_draws").set_value(DRAWS)
    at.number_input(key="uncertainty_seed").set_value(SEED)
    at.radio(key="uncertainty_distribution").set_value("uniform")
    at.slider(key="uncertainty_alpha").set_value(0.25)
    run(at)
    page = json.loads(json.dumps(report_json(at.session_state["uncertainty_result"],
                                             at.session_state["uncertainty_robust"])))  # fmt: skip
    code = main(
        ["uncertainty", str(DEMO_SCENARIO), "--draws", str(DRAWS), "--seed", str(SEED),
         "--distribution", "uniform", "--cvar", "0.25", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    assert page == json.loads(capsys.readouterr().out)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["P50"] == f"{page['objective']['p50']:,.0f}"
    assert len(at.dataframe) >= 1
    assert any("Robust plan" in h.value for h in at.subheader)


def test_uses_the_plan_pages_scenario(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state[STATE_KEY] = PlanState(scenario=load_scenario("data/scenarios/hand.json"))
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="uncertainty_source").value == "Plan page's current scenario"
    assert any("Hand-checkable" in c.value for c in at.caption)
    at.number_input(key="uncertainty_draws").set_value(20)
    run(at)
    assert at.session_state["uncertainty_result"].scenario.startswith("Hand-checkable")


def test_frontier_point_opens_on_the_plan_page_and_tornado_draws(app_db: str) -> None:
    at = open_page(PAGE)
    at.number_input(key="uncertainty_draws").set_value(20)
    at.checkbox(key="uncertainty_cvar_on").uncheck()
    run(at)
    at.button(key="uncertainty_tornado_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    bars = at.session_state["uncertainty_tornado"].bars
    assert 0 < len(bars) <= 10 and bars[0].swing >= bars[-1].swing
    at.button(key="uncertainty_frontier_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="uncertainty_pick").set_value(0.6).run()
    at.button(key="uncertainty_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Plan"
    assert any("(lagging floor 60%)" in i.value and "Editing saved" in i.value for i in at.info)
    assert at.slider(key="plan_lagging").value == 60


def test_viewer_cannot_open_a_frontier_point(app_db: str) -> None:
    eng = db.make_engine(app_db)
    try:
        create_user(eng, "admin", "a-long-password-1", "admin")
        before = [s.name for s in list_scenarios(eng)]
        at = open_page(PAGE)
        at.number_input(key="uncertainty_draws").set_value(10)
        at.checkbox(key="uncertainty_cvar_on").uncheck()
        run(at)
        at.button(key="uncertainty_frontier_run").click().run()
        at.button(key="uncertainty_open").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.title[0].value == "Uncertainty"
        assert any("Sign in as an analyst or admin" in e.value for e in at.error)
        assert [s.name for s in list_scenarios(eng)] == before
    finally:
        eng.dispose()
