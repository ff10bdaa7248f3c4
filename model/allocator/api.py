"""The allocator's entry points: ``allocate`` (build, solve, read out, explain) and sweeps.

``allocate(scenario)`` never raises on an infeasible scenario: it returns a
result with ``status == "infeasible"`` and the relaxation that would fix it.
Bad input raises ``ValueError`` (from the scenario models or the builder).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from model.allocator.build.arrays import curve
from model.allocator.build.builder import build_model
from model.allocator.build.lp import BuiltModel
from model.allocator.explain.greedy import greedy_plan
from model.allocator.explain.ranging import Probe, measured
from model.allocator.explain.reports import (
    constraint_reports,
    read_plan,
    totals,
    unfunded_reports,
)
from model.allocator.explain.wording import amount, local_digits, money, row_words
from model.allocator.result import AllocationResult, Baseline
from model.allocator.scenario import Budget, Scenario, budget_available
from model.allocator.solve.memory import TRIM_MIN_CANDIDATES, release_freed_memory
from model.allocator.solve.resolve import ReSolver
from model.allocator.solve.solver import Solution, solve, solve_warm
from model.formatting.i18n import N_, _

MIP_DUALS_NOTE = N_(
    "This is a MILP: shadow prices, the measured one-more/one-less rates and the "
    "re-solved thresholds are those of the LP with the go/no-go decisions fixed at their "
    "optimal values."
)


def allocate(
    scenario: Scenario,
    solver: str | None = None,
    *,
    explain: bool = True,
    baseline: bool = True,
    unfunded: bool = True,
) -> AllocationResult:
    """Solve a scenario with ``solver`` (``highs``/``cbc``; default: the scenario's).

    ``unfunded=False`` leaves the unfunded candidates' reports unwritten
    (``result.unfunded is None``): they are the last part of the read-out and the costliest
    (dozens of warm re-solves), so everything else is the same as with them, and a call
    with ``unfunded=True`` (``complete``) writes them with the same text when a reader asks
    (the Plan page's first display; issue 16)."""
    with _gc_paused():
        return _allocate(scenario, solver, explain=explain, baseline=baseline, unfunded=unfunded)


def complete(result: AllocationResult, scenario: Scenario) -> AllocationResult:
    """``result`` with its unfunded reports written: itself when they are, else
    ``allocate(scenario)`` with the solver that found it (``scenario`` is the one it solves;
    the same plan and text, and the reports an ``unfunded=False`` call left out). In the
    active language, as ``allocate``."""
    if result.unfunded is not None:
        return result
    return allocate(scenario, result.solver)


# Python's cyclic garbage collector is paused while ``allocate`` runs: it makes hundreds of
# thousands of report objects and no cycles, and the collector's passes over them (and
# over everything the process holds) were ~6 % of ``allocate`` at 10,000 x 5. Paused and
# resumed by count, so that concurrent calls (the app's sessions) leave it as it was.
_GC_LOCK = threading.Lock()
_gc_state = {"pauses": 0, "was_enabled": True}


@contextmanager
def _gc_paused() -> Iterator[None]:
    with _GC_LOCK:
        if _gc_state["pauses"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["pauses"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_state["pauses"] -= 1
            if _gc_state["pauses"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def _allocate(
    scenario: Scenario, solver: str | None, *, explain: bool, baseline: bool, unfunded: bool
) -> AllocationResult:
    t0 = time.perf_counter()
    built = build_model(scenario)
    t1 = time.perf_counter()
    # The HiGHS instance is kept only for the measuring re-solves (a large model's would
    # hold its memory through the read-out for nothing).
    sol, warm = (
        solve_warm(built, solver) if explain and measured(built) else (solve(built, solver), None)
    )
    if built.arrays.n >= TRIM_MIN_CANDIDATES:
        release_freed_memory()  # what HiGHS freed, before the read-out allocates (solve.memory)
    t2 = time.perf_counter()
    result = read_out(built, sol, explain=explain, baseline=baseline, warm=warm, unfunded=unfunded)
    t3 = time.perf_counter()
    seconds = {"build": t1 - t0, "solve": t2 - t1, "explain": t3 - t2, "total": t3 - t0}
    return replace(result, seconds=seconds)


def read_out(
    built: BuiltModel,
    sol: Solution,
    *,
    explain: bool = True,
    baseline: bool = True,
    warm: ReSolver | None = None,
    unfunded: bool = True,
) -> AllocationResult:
    """Turn a solution into an ``AllocationResult`` (diagnosing infeasibility); ``warm``:
    the HiGHS re-solver still at ``sol`` (``solve_warm``), for the measuring re-solves;
    ``unfunded=False``: the unfunded reports are left unwritten (None; see ``allocate``)."""
    sc = built.scenario
    empty = AllocationResult(
        scenario=sc.name,
        status=sol.status,
        solver=sol.solver,
        objective_kind=sc.objective.kind,
        objective=None,
        funding={},
        scale={},
        funding_by_source={},
        totals_by_kind={},
        totals_by_region={},
        totals_by_year=(),
        totals_by_source={},
        total_public=0.0,
        budget_available=budget_available(sc),
        unallocated=None,
        unallocated_sentence="",
        outcomes={},
        return_per_public_dollar=None,
        fee_revenue=0.0,
        constraints=(),
        constraints_omitted=0,
        unfunded=(),
        greedy=None,
        is_mip=built.is_mip,
        gap=sol.gap,
        duals_note="",
        relaxation=(),
        message=sol.message,
    )
    if not sol.ok:
        if sol.status != "infeasible":
            return empty
        # Imported here: only an infeasible plan is diagnosed (~20 ms of start-up otherwise).
        from model.allocator.explain.relax import diagnosis

        found = diagnosis(built, sol.solver)
        return replace(empty, relaxation=found.steps, relaxation_note=found.note)
    plan = read_plan(built, sol.values)
    arr = built.arrays
    spend = float(plan.x.sum())
    x_vals = sol.values[built.x_col[built.x_col >= 0]]
    # The reported objective leaves out the spend tie-break (see build.SPEND_TIE_BREAK).
    internal = float(built.col_cost @ sol.values) + built.tie_break * float(x_vals.sum())
    objective = built.objective_sign * internal
    reach = curve(sc, plan.f)
    outcomes: dict[str, float] = {m: float((arr.outcome[m] * reach).sum()) for m in arr.outcome}
    by_kind, by_region = totals(built, plan)
    avail = budget_available(sc)
    unalloc = None if avail is None else max(avail - spend, 0.0)
    sentence = (
        _("No budget limit is set.")
        if avail is None
        else _("{left} of the {budget} budget is left unallocated.").format(
            left=money(unalloc or 0.0), budget=money(avail)
        )
    )
    # One warm HiGHS re-solver around this optimum measures what the sentences claim
    # (money-row rates, unfunded thresholds), whichever solver found the plan.
    probe = Probe(built, sol, warm) if explain and measured(built) else None
    constraints, omitted = constraint_reports(built, sol, probe) if explain else ((), 0)
    greedy = _baseline(built, objective) if baseline else None
    return replace(
        empty,
        objective=objective,
        funding=plan.funding,
        scale=plan.scale,
        funding_by_source=plan.by_source,
        totals_by_kind=by_kind,
        totals_by_region=by_region,
        totals_by_year=tuple(float(v) for v in plan.x.sum(axis=0)),
        totals_by_source={s: float(sum(d.values())) for s, d in plan.by_source.items()},
        total_public=spend,
        unallocated=unalloc,
        unallocated_sentence=sentence,
        outcomes=outcomes,
        return_per_public_dollar=outcomes["benefit"] / spend if spend > 0 else None,
        fee_revenue=float((arr.fee * arr.cost * plan.f[:, None]).sum()),
        constraints=constraints,
        constraints_omitted=omitted,
        # Last of the read-out: leaving them out changes nothing above (the probes run in
        # this order, each from the basis the last one left).
        unfunded=(unfunded_reports(built, sol, plan, probe) if explain else ())
        if unfunded
        else None,
        greedy=greedy,
        duals_note=_(MIP_DUALS_NOTE) if built.is_mip and sol.duals_from_fixed_lp else "",
    )


def _baseline(built: BuiltModel, objective: float) -> Baseline:
    sc = built.scenario
    g = greedy_plan(sc, built.arrays, built)
    cost = float(sum(sum(v) for v in g.funding.values()))
    gain = objective - g.objective if built.objective_sign > 0 else g.objective - objective
    kind = sc.objective.kind
    if g.feasible:
        rel = local_digits(f" ({100 * gain / abs(g.objective):.1f} %)") if g.objective else ""
        sentence = _(
            "The greedy baseline (fund by return per public dollar) reaches {reached}; the "
            "optimum gains {gain}{share}."
        ).format(reached=amount(kind, g.objective), gain=amount(kind, gain), share=rel)
    else:
        sentence = _(
            "The greedy baseline reaches {reached} but breaks {rules}; the optimum keeps "
            "every rule."
        ).format(
            reached=amount(kind, g.objective),
            rules=", ".join(row_words(v) for v in g.violations[:5]),
        )
    return Baseline(g.objective, cost, g.feasible, g.violations, gain, sentence)


@dataclass(frozen=True)
class SweepPoint:
    """One budget level of a sweep: budget factor, objective and money used (US$)."""

    factor: float
    status: str
    objective: float | None
    total_public: float


def sweep_budget(
    scenario: Scenario, factors: list[float], solver: str | None = None
) -> list[SweepPoint]:
    """Re-solve with every budget multiplied by each factor, reusing one built model
    (with HiGHS, one warm ``ReSolver``: each level starts from the last basis)."""
    built = build_model(scenario)
    budget_rows = [
        i
        for b in built.row_blocks
        if b.prefix in ("budget_total", "budget_year")
        for i in range(b.start, b.stop)
    ]
    for k in factors:
        if k < 0:
            raise ValueError(f"factors: budget factor {k} is negative")
    warm = ReSolver(built) if (solver or scenario.solver.solver) == "highs" else None
    out = []
    for k in factors:
        up = built.row_upper.copy()
        up[budget_rows] = built.row_upper[budget_rows] * k
        if warm is not None:
            sol = warm.solve(row_upper=up)
        else:
            sc = scenario.model_copy(update={"budget": _scaled(scenario.budget, k)})
            sol = solve(replace(built, row_upper=up, scenario=sc), solver)
        if not sol.ok:
            out.append(SweepPoint(k, sol.status, None, 0.0))
            continue
        x = sol.values[built.x_col[built.x_col >= 0]]
        internal = float(built.col_cost @ sol.values) + built.tie_break * float(x.sum())
        out.append(SweepPoint(k, sol.status, built.objective_sign * internal, float(x.sum())))
    return out


def _scaled(b: Budget, k: float) -> Budget:
    return Budget(
        total=None if b.total is None else b.total * k,
        per_year=None if b.per_year is None else tuple(v * k for v in b.per_year),
        carry_over=b.carry_over,
    )
