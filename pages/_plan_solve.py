"""The Plan page's solves, cached by the scenario's content (UI side).

``solve_first`` is what a Solve click waits for: the plan and everything the page shows at
first display, without the unfunded candidates' reports (their forced re-solves were ~40 %
of a re-solve at 500 x 5, issue 16). ``completed`` writes them, with the same text, when the
reader opens their table, saves the plan or downloads it.

Results are kept with ``st.cache_resource``, not ``st.cache_data``: an ``AllocationResult``
is a frozen dataclass that nothing changes after ``allocate`` returns, and ``cache_data``
pickled it on every store and unpickled it on every hit (5 ms each at 500 x 5, a twelfth of
the re-solve; proportionally more for larger plans). ``lang`` (the number locale, e.g.
es_CO) is part of the key: the sentences are written in the reader's language, so a Spanish
reader never gets an English plan from the cache, nor the reverse. Kept objects take more
memory than pickled bytes (a 10,000-candidate result: ~3 MB pickled, ~3-8 MB as objects), so
each cache keeps 16 plans, not the 32 pickled ones before: at most a few hundred MB on a
server whose readers all solve 10,000-candidate plans, a few MB for plans of the demo's size.
"""

from __future__ import annotations

import streamlit as st

from model.allocator.api import allocate
from model.allocator.result import AllocationResult
from model.allocator.scenario import Scenario
from pages._shared import BY_CONTENT


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_CONTENT)
def solve_first(scenario: Scenario, solver: str, lang: str) -> AllocationResult:
    """The plan as a Solve click shows it (``allocate(..., unfunded=False)``)."""
    return allocate(scenario, solver, unfunded=False)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_CONTENT)
def solve_full(scenario: Scenario, solver: str, lang: str) -> AllocationResult:
    """The plan with every report written (``allocate``)."""
    return allocate(scenario, solver)


def completed(result: AllocationResult, scenario: Scenario, lang: str) -> AllocationResult:
    """``result`` with its unfunded reports: itself when they are written (a stored result,
    a full solve), else ``solve_full`` of the scenario it solves (the same plan and text)."""
    if result.unfunded is not None:
        return result
    return solve_full(scenario, result.solver, lang)
