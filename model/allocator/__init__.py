"""The allocator: provably optimal public funding of SME programmes, explained.

Three steps you can test apart, one subpackage each: ``build`` (scenario ->
named programme, ``build.builder.build_model``), ``solve`` (HiGHS or CBC,
``solve.solver.solve``; warm re-solves in ``solve.resolve``) and ``explain``
(plan, totals, shadow prices, unfunded reasons, greedy baseline, diagnosis).
``api.allocate`` runs all three; ``scenario`` and ``result`` are the typed
input and output. The package imports only ``model.domain``: never storage,
accounts, the command line or Streamlit (an import contract checks it).
"""

from model.allocator.api import SweepPoint, allocate, read_out, sweep_budget
from model.allocator.build.builder import build_model
from model.allocator.build.lp import BuiltModel
from model.allocator.check import Violation, check_plan, plan_objective
from model.allocator.result import AllocationResult, result_to_json
from model.allocator.scenario import (
    Scenario,
    load_scenario,
    parse_scenario,
    scenario_from_candidates,
    scenario_json_schema,
)
from model.allocator.solve.pulp_model import export_model
from model.allocator.solve.solution import Solution

__all__ = [
    "AllocationResult",
    "BuiltModel",
    "Scenario",
    "Solution",
    "SweepPoint",
    "Violation",
    "allocate",
    "build_model",
    "check_plan",
    "export_model",
    "load_scenario",
    "parse_scenario",
    "plan_objective",
    "read_out",
    "result_to_json",
    "scenario_from_candidates",
    "scenario_json_schema",
    "sweep_budget",
]
