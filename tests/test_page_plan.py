"""The Plan page through AppTest on the seeded SQLite database: budget, solve, relax, sweep,
save and reopen."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from model import DATA_DIR
from model.accounts.auth import LOCAL_USER
from model.planning.readout import SWEEP_FACTORS
from model.screening.net import fee_schedule_for_network
from model.store import db
from model.store.net_files import fetch_net_assessments, import_net_assessments
from model.store.scenarios import list_scenarios
from pages._handover import OPEN_SCENARIO_KEY
from pages._plan_state import STATE_KEY, PlanState
from tests.test_pages import open_page

PAGE = "pages/plan.py"


def solve(at: AppTest) -> str:
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [s.value for s in at.success] + [e.value for e in at.error]
    assert texts, "no result shown"
    return str(texts[0])


def allocation(at: AppTest) -> pd.DataFrame:
    df = at.dataframe[0].value
    assert isinstance(df, pd.DataFrame)
    return df


def test_set_budget_solve_and_change_budget(app_db: str) -> None:
    at = open_page(PAGE)
    assert at.title[0].value == "Plan"
    at.number_input(key="plan_total").set_value(4_000_000.0).run()
    text = solve(at)
    assert text.startswith("With US\\$4.0 M over 4 years:") and "cluster initiatives" in text
    first = allocation(at)
    assert len(first) > 0 and first["total"].sum() <= 4_000_000 + 1
    at.number_input(key="plan_total").set_value(1_000_000.0).run()
    text2 = solve(at)
    assert text2.startswith("With US\\$1.0 M over 4 years:") and text2 != text
    assert allocation(at)["total"].sum() < first["total"].sum()


def test_infeasible_setup_shows_a_relaxation_that_applies(app_db: str) -> None:
    at = open_page(PAGE)
    # C-01 is in the (not lagging) Capital District, yet all money must go to lagging regions.
    at.multiselect(key="plan_committed").select("C-01").run()
    at.slider(key="plan_lagging").set_value(100).run()
    text = solve(at)
    assert "cannot be solved" in text
    assert any("lagging-regions floor" in m.value for m in at.markdown)
    at.button(key="plan_relax_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    lagging = at.slider(key="plan_lagging").value
    assert isinstance(lagging, int) and lagging < 100
    assert at.success and at.success[0].value.startswith("With US\\$5.0 M")


def test_budget_sweep_draws_every_level(app_db: str) -> None:
    at = open_page(PAGE)
    solve(at)
    at.button(key="plan_sweep_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sweep = at.dataframe[-1].value
    assert len(sweep) == len(SWEEP_FACTORS) >= 8
    assert sweep["budget"].is_monotonic_increasing
    assert any("flattens" in m.value for m in at.markdown)


def test_save_then_reopen_restores_the_budget(app_db: str) -> None:
    at = open_page(PAGE)
    at.number_input(key="plan_total").set_value(3_000_000.0).run()
    solve(at)
    # Inside a form the name is sent with the submit click, not on its own run.
    at.text_input(key="plan_save_name").input("Three million test")
    next(b for b in at.button if b.label == "Save as new").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved 'Three million test'" in s.value for s in at.success)
    eng = db.make_engine(app_db)
    try:
        saved = {s.name: s for s in list_scenarios(eng)}
    finally:
        eng.dispose()
    row = saved["Three million test"]
    assert row.scenario.budget.total == 3_000_000.0 and row.result is not None

    again = AppTest.from_file(at._script_path, default_timeout=60)
    again.run()
    again.session_state[OPEN_SCENARIO_KEY] = row.id
    again.switch_page(PAGE)
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    assert again.number_input(key="plan_total").value == 3_000_000.0
    assert any(
        "Editing saved scenario 'Three million test' (version 1)" in i.value for i in again.info
    )
    assert again.success[0].value.startswith("With US\\$3.0 M")  # the stored result
    labels = [b.label for b in again.button]
    assert "Save changes" in labels and "Save as new" in labels

    # Plan -> Scenarios: the saved scenario is the one selected there.
    again.button(key="plan_show_saved").click().run()
    assert not again.exception, [e.value for e in again.exception]
    assert again.title[0].value == "Scenarios"
    assert again.selectbox(key="scenarios_selected").value == row.id


def test_lock_needs_a_plan_then_locks_its_amounts(app_db: str) -> None:
    at = open_page(PAGE)
    at.toggle(key="plan_lock").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="plan_lock").value is False
    assert any("Solve (or reopen a saved scenario) first" in w.value for w in at.warning)
    solve(at)
    at.toggle(key="plan_lock").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("candidates are locked" in c.value for c in at.caption)
    assert at.number_input(key="plan_total").label.startswith("New money on top of US$")


def test_a_networks_net_stage_sets_its_broker_programmes_fees(app_db: str) -> None:
    eng = db.make_engine(app_db)
    try:
        example = DATA_DIR / "net_example.csv"
        import_net_assessments(eng, example.read_bytes(), example.name, user=LOCAL_USER)
        assessments = fetch_net_assessments(eng)
    finally:
        eng.dispose()
    at = open_page(PAGE)
    network = str(at.selectbox(key="plan_net_network").value)
    brokers = at.multiselect(key="plan_net_brokers").options[:2]
    ids = [b.split(":")[0] for b in brokers]
    at.multiselect(key="plan_net_brokers").set_value(ids).run()
    assert any("broker programmes take fee share" in c.value for c in at.caption)
    solve(at)
    state = at.session_state[STATE_KEY]
    assert isinstance(state, PlanState) and state.scenario is not None
    for c in state.scenario.candidates:
        if c.id in ids:
            want = fee_schedule_for_network(assessments, network, len(c.cost_by_year))
            assert c.fee_schedule == want
    assert at.multiselect(key="plan_net_brokers").value == ids


def test_summary_says_what_one_more_dollar_buys(app_db: str) -> None:
    """Beside the summary: the total and each binding year budget, one more and one less
    dollar, in the sentences the allocator measured by re-solving (issue 12)."""
    at = open_page(PAGE)
    solve(at)
    texts = [m.value for m in at.markdown]
    assert "**What one more dollar buys**" in texts
    block = texts[texts.index("**What one more dollar buys**") + 1]
    lines = block.split("\n")
    assert lines[0].startswith("- The total budget (budget_total)")
    years = [ln for ln in lines if "year-" in ln and "budget_year" in ln]
    assert years, block
    for ln in years:
        assert ln.startswith("- One more US\\$1 in the year-") and "one US\\$ less" in ln, ln
        assert "(for " in ln, ln  # the range each rate holds over


def test_unfunded_reasons_are_written_when_opened(app_db: str) -> None:
    """The unfunded table's re-solves run when the reader opens it (a lazy expander), and
    then say what the full read-out says (issue 16)."""
    from model.allocator.api import allocate

    at = open_page(PAGE)
    solve(at)
    state = at.session_state[STATE_KEY]
    assert isinstance(state, PlanState) and state.result is not None and state.scenario is not None
    assert state.result.unfunded is None  # first display: not written yet
    n = len(state.result.unfunded_ids)
    assert n > 0
    label = f"Why {n} candidates got nothing, and what it would take"
    assert [e.label for e in at.expander if e.label == label] == [label]
    assert not any("in words" in d.value.columns for d in at.dataframe)

    at.session_state["plan_unfunded_open"] = True  # the reader opens it
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "in words" in d.value.columns)
    full = allocate(state.scenario, state.scenario.solver.solver)
    assert full.unfunded is not None
    assert list(table["candidate"]) == [u.candidate for u in full.unfunded]
    assert list(table["in words"]) == [u.sentence for u in full.unfunded]

    # Saving stores the full read-out (the unfunded sentences included).
    at.text_input(key="plan_save_name").input("With reasons")
    next(b for b in at.button if b.label == "Save as new").click().run()
    assert not at.exception, [e.value for e in at.exception]
    eng = db.make_engine(app_db)
    try:
        row = {s.name: s for s in list_scenarios(eng)}["With reasons"]
    finally:
        eng.dispose()
    assert row.result is not None and row.result.unfunded == full.unfunded
