"""Hand-overs between pages: one function per hand-over, so no page writes another page's
session keys or names another page's file (UI side).

- Scenarios "Reopen in Plan" and the Uncertainty frontier's "Open as scenario" call
  ``open_in_plan(scenario_id)``; the Plan page takes it with ``take_scenario_to_open()``.
- Proposals "Open this plan on the Plan page" calls ``open_dataset_in_plan(dataset)``; the
  Plan page takes it with ``take_dataset_to_open()``.
- The Plan page's "Show on the Scenarios page" calls ``show_in_scenarios(scenario_id)``; the
  Scenarios page takes it with ``take_scenario_to_select()``.
- The Uncertainty page reads the Plan page's last solved scenario with ``plan_scenario()``.

Every key below is prefixed with the page that reads it, so pages never overwrite each
other's state.
"""

from __future__ import annotations

import streamlit as st

from model.allocator.scenario import Scenario
from pages._plan_state import plan_state

PLAN_PAGE = "pages/plan.py"
SCENARIOS_PAGE = "pages/scenarios.py"
OPEN_SCENARIO_KEY = "plan_open_scenario_id"
"""int: a saved scenario's id; the Plan page loads it into its controls."""
OPEN_DATASET_KEY = "plan_open_dataset"
"""str: a planning dataset's name; the Plan page selects it."""
DATASET_WIDGET_KEY = "plan_dataset"
"""The Plan page's "Candidate set" selectbox."""
SELECT_SCENARIO_KEY = "scenarios_select_next"
"""int | None: the scenario the Scenarios page selects on its next run."""


def open_in_plan(scenario_id: int) -> None:
    """Go to the Plan page and load saved scenario ``scenario_id`` into its controls.

    Raises ``StreamlitAPIException`` when the Plan page is not part of the app.
    """
    st.session_state[OPEN_SCENARIO_KEY] = int(scenario_id)
    st.switch_page(PLAN_PAGE)


def take_scenario_to_open() -> int | None:
    """The Plan page's side of ``open_in_plan``: the id to load, once."""
    sid = st.session_state.pop(OPEN_SCENARIO_KEY, None)
    return None if sid is None else int(sid)


def open_dataset_in_plan(dataset: str) -> None:
    """Go to the Plan page with planning dataset ``dataset`` selected."""
    st.session_state[OPEN_DATASET_KEY] = dataset
    st.switch_page(PLAN_PAGE)


def take_dataset_to_open() -> str | None:
    """The Plan page's side of ``open_dataset_in_plan``: the dataset to select, once."""
    name = st.session_state.pop(OPEN_DATASET_KEY, None)
    return None if name is None else str(name)


def select_in_scenarios(scenario_id: int | None) -> None:
    """Have the Scenarios page select ``scenario_id`` (None: its first) on its next run."""
    st.session_state[SELECT_SCENARIO_KEY] = scenario_id


def show_in_scenarios(scenario_id: int) -> None:
    """Go to the Scenarios page with saved scenario ``scenario_id`` selected."""
    select_in_scenarios(scenario_id)
    st.switch_page(SCENARIOS_PAGE)


def take_scenario_to_select() -> tuple[bool, int | None]:
    """The Scenarios page's side: (whether a selection was handed over, the id or None)."""
    if SELECT_SCENARIO_KEY not in st.session_state:
        return False, None
    sid = st.session_state.pop(SELECT_SCENARIO_KEY)
    return True, None if sid is None else int(sid)


def plan_scenario() -> tuple[Scenario, str] | None:
    """The Plan page's last solved scenario and the dataset selected there, if any."""
    scenario = plan_state().scenario
    if scenario is None:
        return None
    return scenario, str(st.session_state.get(DATASET_WIDGET_KEY, "demo"))
