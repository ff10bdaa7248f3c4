"""The allocator: provably optimal public funding of SME programmes, explained.

Three steps you can test apart, one subpackage each: ``build`` (scenario ->
named programme, ``build.builder.build_model``), ``solve`` (HiGHS or CBC,
``solve.solver.solve``; warm re-solves in ``solve.resolve``) and ``explain``
(plan, totals, shadow prices, unfunded reasons, greedy baseline, diagnosis).
``api.allocate`` runs all three; ``scenario`` and ``result`` are the typed
input and output. The package imports only ``model.domain``: never storage,
accounts, the command line or Streamlit (an import contract checks it).

The names below are imported on first use (PEP 562), so that importing one
submodule (``fomento allocate`` imports ``api``) does not also import PuLP and
the checker.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE: dict[str, str] = {
    "AllocationResult": "model.allocator.result",
    "BuiltModel": "model.allocator.build.lp",
    "Scenario": "model.allocator.scenario",
    "Solution": "model.allocator.solve.solution",
    "SweepPoint": "model.allocator.api",
    "Violation": "model.allocator.check",
    "allocate": "model.allocator.api",
    "build_model": "model.allocator.build.builder",
    "check_plan": "model.allocator.check",
    "export_model": "model.allocator.solve.pulp_model",
    "load_scenario": "model.allocator.scenario",
    "parse_scenario": "model.allocator.scenario",
    "plan_objective": "model.allocator.check",
    "read_out": "model.allocator.api",
    "result_to_json": "model.allocator.result",
    "scenario_from_candidates": "model.allocator.scenario",
    "scenario_json_schema": "model.allocator.scenario",
    "sweep_budget": "model.allocator.api",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'model.allocator' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
