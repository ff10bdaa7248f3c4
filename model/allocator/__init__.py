"""The allocator: provably optimal public funding of SME programmes, explained.

Layers you can test apart: ``build_model`` (scenario -> named programme),
``solve`` (HiGHS or CBC), ``read_out`` (plan, totals, shadow prices,
unfunded reasons, greedy baseline, diagnosis); ``allocate`` runs all three.
"""

from model.allocator.api import SweepPoint, allocate, read_out, sweep_budget
from model.allocator.build import build_model
from model.allocator.check import Violation, check_plan, plan_objective
from model.allocator.lp import BuiltModel
from model.allocator.pulp_model import export_model
from model.allocator.result import AllocationResult, result_to_json
from model.allocator.scenario import (
    Scenario,
    load_scenario,
    parse_scenario,
    scenario_from_candidates,
    scenario_json_schema,
)
from model.allocator.solve import Solution, solve

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
    "solve",
    "sweep_budget",
]
