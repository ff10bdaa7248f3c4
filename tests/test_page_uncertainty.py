"""The Uncertainty page through AppTest: a seeded run equals the CLI's JSON with the plan's
own risk first, the Plan page's plan is picked up and labelled (edited or not), the
frontier opens a point on Plan, the tornado draws."""

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
from model.uncertainty.report import COVERS, report_json
from pages._plan_state import STATE_KEY, PlanState
from tests.test_pages import APP, TIMEOUT_S, open_page

PAGE = "pages/uncertainty.py"
DRAWS = 30
SEED = 7


def run(at: AppTest) -> AppTest:
    at.button(key="uncertainty_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_json(at: AppTest) -> dict[str, object]:
    ss = at.session_state
    data = report_json(
        ss["uncertainty_result"],
        ss["uncertainty_robust"],
        risk=ss["uncertainty_risk"],
        voi=ss["uncertainty_voi"],
    )
    out: dict[str, object] = json.loads(json.dumps(data))
    return out


def test_seeded_page_run_equals_the_cli(app_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    at = open_page(PAGE)
    assert at.title[0].value == "Uncertainty"
    assert at.radio(key="uncertainty_source").value == "Demo scenario"
    at.number_input(key="uncertainty_draws").set_value(DRAWS)
    at.number_input(key="uncertainty_seed").set_value(SEED)
    at.radio(key="uncertainty_distribution").set_value("uniform")
    at.slider(key="uncertainty_alpha").set_value(0.25)
    run(at)
    page = page_json(at)
    code = main(
        ["uncertainty", str(DEMO_SCENARIO), "--draws", str(DRAWS), "--seed", str(SEED),
         "--distribution", "uniform", "--cvar", "0.25", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    assert page == json.loads(capsys.readouterr().out)
    # The plan's own risk is the headline: the first subheader and the first metrics.
    assert at.subheader[0].value == "The plan's own risk"
    metrics = {m.label: m.value for m in at.metric}
    risk = page["plan_risk"]
    assert isinstance(risk, dict)
    assert metrics["P10, Benefit (US$)"] == f"{risk['objective']['p10']:,.0f}"
    assert metrics["At the central returns"] == f"{risk['objective']['central']:,.0f}"
    voi = page["value_of_information"]
    assert isinstance(voi, dict)
    assert metrics["Expected value of perfect information (EVPI)"] == f"US${voi['evpi']:,.0f}"
    top = voi["groups"][0]
    assert any(top["label"] in m.value and "worth up to" in m.value for m in at.markdown)
    # What each evaluation covers is said in words, never the engine's keys.
    covers = next(d.value for d in at.dataframe if "Covers" in d.value.columns)["Covers"]
    assert set(covers) <= set(COVERS.values()) and "candidate" not in set(covers)
    assert covers.iloc[0] == COVERS[top["kind"]]
    headers = [h.value for h in at.subheader]
    assert headers.index("The plan's own risk") < headers.index("What better evidence is worth")
    assert "If returns were known before deciding (wait-and-see)" in headers
    assert any("Robust plan" in h for h in headers)
    cvar = page["cvar"]
    assert isinstance(cvar, dict)
    tables = [d.value for d in at.dataframe if "Robust plan (US$)" in d.value.columns]
    assert len(tables) == (1 if cvar["funding_changes"] else 0)
    for t in tables:  # headers in words, whole dollars
        assert all(float(v).is_integer() for v in t["Robust plan (US$)"])
        assert not any("_" in c for c in t.columns)


def test_uses_the_plan_pages_scenario(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state[STATE_KEY] = PlanState(scenario=load_scenario("data/scenarios/hand.json"))
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="uncertainty_source").value == "Plan page's current plan"
    assert any("Plan page's current plan (from Hand-checkable" in c.value for c in at.caption)
    at.number_input(key="uncertainty_draws").set_value(20)
    run(at)
    assert at.session_state["uncertainty_result"].scenario.startswith("Hand-checkable")


def test_an_edited_demo_plan_is_not_called_the_demo(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    demo = load_scenario(DEMO_SCENARIO)
    budget = demo.budget.model_copy(update={"total": (demo.budget.total or 5e6) * 0.9})
    at.session_state[STATE_KEY] = PlanState(scenario=demo.model_copy(update={"budget": budget}))
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"(edited from {demo.name})" in c.value for c in at.caption)
    at.number_input(key="uncertainty_draws").set_value(20)
    at.checkbox(key="uncertainty_voi_on").uncheck()
    at.checkbox(key="uncertainty_cvar_on").uncheck()
    run(at)
    assert "edited from" in at.session_state["uncertainty_risk"].label


def test_the_demo_as_the_plan_page_lists_it_is_not_called_edited(app_db: str) -> None:
    # The Plan page builds the demo from the database, its candidates listed by id and a
    # description of its own: the same decision, so neither "edited" nor other numbers.
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    demo = load_scenario(DEMO_SCENARIO)
    listed = demo.model_copy(
        update={
            "candidates": tuple(sorted(demo.candidates, key=lambda c: c.id)),
            "regions": tuple(sorted(demo.regions, key=lambda r: r.name)),
            "description": "Built on the Plan page",
        }
    )
    assert listed.candidates != demo.candidates
    at.session_state[STATE_KEY] = PlanState(scenario=listed)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"({demo.name}, unchanged)" in c.value for c in at.caption)
    assert not any("edited from" in c.value for c in at.caption)
    at.number_input(key="uncertainty_draws").set_value(20)
    at.checkbox(key="uncertainty_voi_on").uncheck()
    at.checkbox(key="uncertainty_cvar_on").uncheck()
    run(at)
    from_plan = at.session_state["uncertainty_risk"].objective_summary
    at.radio(key="uncertainty_source").set_value("Demo scenario")
    run(at)
    from_file = at.session_state["uncertainty_risk"].objective_summary
    assert from_plan.p10 == pytest.approx(from_file.p10, rel=1e-9)
    assert from_plan.p90 == pytest.approx(from_file.p90, rel=1e-9)


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


def test_methodology_explains_the_uncertainty_analyses(app_db: str) -> None:
    at = open_page("pages/methodology.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("Uncertainty and the value of information" in h.value for h in at.subheader)
    text = " ".join(m.value for m in at.markdown)
    for needle in ("here-and-now", "Wait-and-see", "EVPI", "EVPPI", "Brennan", "CVaR",
                   "Rockafellar", "independently", "triangular", "standard error"):  # fmt: skip
        assert needle in text, needle


def test_a_saved_scenario_is_named_as_it_was_picked(app_db: str) -> None:
    at = open_page(PAGE)
    at.radio(key="uncertainty_source").set_value("A saved scenario").run()
    assert not at.exception, [e.value for e in at.exception]
    row = next(
        s
        for s in list_scenarios(db.make_engine(app_db))
        if s.id == at.selectbox(key="uncertainty_saved").value
    )
    at.number_input(key="uncertainty_draws").set_value(20)
    at.checkbox(key="uncertainty_voi_on").uncheck()
    at.checkbox(key="uncertainty_cvar_on").uncheck()
    run(at)
    label = at.session_state["uncertainty_risk"].label
    assert row.name != at.session_state["uncertainty_scenario"].name  # the seeded baseline
    assert row.name in label, (row.name, label)
