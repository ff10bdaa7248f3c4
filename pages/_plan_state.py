"""The Plan page's state between reruns: one typed object under ``plan_state`` (UI side).

The widgets keep their own ``plan_*`` keys (Streamlit ties a widget to its key); everything
else the page remembers lives here, so a reader sees in one place what survives a rerun.
Other pages never touch it directly: they go through ``pages._handover``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from model.allocator.result import AllocationResult
from model.allocator.scenario import LockedAmount, Scenario
from model.planning.readout import SweepCurve

STATE_KEY = "plan_state"


@dataclass(frozen=True)
class OpenedScenario:
    """The saved scenario the page is editing: "Save changes" writes version ``version``."""

    id: int
    name: str
    version: int


@dataclass
class PlanState:
    """What the Plan page keeps between reruns, apart from its widgets' values."""

    base: Scenario | None = None
    """Scenario whose candidates are used (a reopened one, or the last applied relaxation)."""
    base_dataset: str | None = None
    """Dataset ``base`` came from; its candidates are used only while that set is selected."""
    opened: OpenedScenario | None = None
    result: AllocationResult | None = None
    """Last solved (or reopened) result, and ``scenario``, the inputs it solves."""
    scenario: Scenario | None = None
    sweep: SweepCurve | None = None
    solve_now: bool = False
    """Set by a callback (apply a relaxation) so the next run solves without a click."""
    locked: tuple[LockedAmount, ...] = ()
    """Rule b's locked amounts (US$ per candidate and plan year)."""
    on_top: bool = False
    """The budget controls read as new money on top of ``locked``."""
    lock_msg: str | None = None
    """Why the lock toggle switched itself off; shown once."""
    dataset: str | None = None
    """The candidate set the controls were last drawn for (``clear_commitments``)."""
    solved_lang: str = ""
    """The number locale (and so language) ``result``'s sentences were written in; "" for a
    stored result reopened from the database."""

    def forget_result(self) -> None:
        """The inputs no longer match: drop the solved plan and its sweep."""
        self.result = None
        self.sweep = None

    def keep_result(self, result: AllocationResult, scenario: Scenario, lang: str = "") -> None:
        """A new plan: keep it with the scenario it solves (and the locale ``lang`` it was
        written in, "" for a stored one); the old sweep no longer applies."""
        self.result, self.scenario, self.sweep = result, scenario, None
        self.solved_lang = lang


def plan_state() -> PlanState:
    """This session's Plan page state (created empty on first use)."""
    state = st.session_state.get(STATE_KEY)
    if not isinstance(state, PlanState):
        state = PlanState()
        st.session_state[STATE_KEY] = state
    return state
