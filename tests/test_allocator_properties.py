"""Properties on random small scenarios, on both solvers.

Random scenarios mix kinds, floors/ceilings, fee schedules, start years and
budgets, and sometimes a kind ceiling, a lagging floor or broker capacity.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from model.allocator import allocate, build_model, check_plan
from model.allocator.scenario import Scenario
from model.allocator.solve.solver import solve
from tests.allocator_fixtures import SOLVERS, cand, scenario
from tests.profiles import examples

# The objective scale is US$1e3-1e6; compare with this relative slack.
REL = 1e-6
# Finite-difference step for shadow prices, US$ of budget.
FD_STEP = 10.0
PROPS = settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
KINDS = ("cluster_initiative", "broker_programme", "matching_grant")


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    h = draw(st.integers(1, 3))
    n = draw(st.integers(1, 5))
    cands: list[dict[str, Any]] = []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        years = draw(st.integers(1, 3))
        cost = [float(draw(st.integers(1, 20)) * 1000) for _ in range(years)]
        floor = draw(st.sampled_from([0.2, 0.5, 0.8]))
        ceiling = draw(st.sampled_from([floor, 0.9, 1.0]))
        extra: dict[str, Any] = {}
        if kind == "broker_programme":
            extra["fee_schedule"] = [0.0, draw(st.sampled_from([0.0, 0.1, 0.2]))]
            extra["networks_served"] = float(draw(st.integers(0, 4)))
        else:
            extra["networks_needed"] = float(draw(st.integers(0, 2)))
        cands.append(cand(
            f"K{i}", cost, float(draw(st.integers(0, 100)) * 1000), kind=kind,
            region=draw(st.sampled_from(["N", "S"])), floor=floor, ceiling=ceiling,
            start_year=draw(st.integers(1, h)), jobs=float(draw(st.integers(0, 30))), **extra,
        ))  # fmt: skip
    per_year = [float(draw(st.integers(0, 30)) * 1000) for _ in range(h)]
    rules: dict[str, Any] = {
        "broker_capacity": {"existing_networks": float(draw(st.integers(0, 3)))},
    }
    if draw(st.booleans()):
        rules["policy_mix"] = {"kind_shares": {"cluster_initiative": {"max": 0.7}}}
    if draw(st.booleans()):
        rules["subsidy_band"] = {"max_average_public_share": 0.9}
    kind = draw(st.sampled_from(["benefit", "jobs"]))
    return scenario(
        cands, horizon=h,
        budget={"per_year": per_year, "carry_over": draw(st.booleans())},
        rules=rules, objective={"kind": kind},
    )  # fmt: skip


def _scaled(sc: Scenario, k: float) -> Scenario:
    b = sc.budget
    assert b.per_year is not None
    budget = b.model_copy(update={"per_year": tuple(v * k for v in b.per_year)})
    return sc.model_copy(update={"budget": budget})


@pytest.mark.parametrize("solver", SOLVERS)
@PROPS
@given(sc=scenarios())
def test_plan_keeps_every_rule_and_beats_greedy(solver: str, sc: Scenario) -> None:
    r = allocate(sc, solver)
    assume(r.status == "optimal")
    assert check_plan(sc, r.funding, r.scale, r.funding_by_source) == []
    assert r.budget_available is not None
    assert r.total_public <= r.budget_available * (1 + REL) + 1e-6
    assert r.objective is not None and r.greedy is not None
    if r.greedy.feasible:
        assert r.objective >= r.greedy.objective - REL * max(1.0, abs(r.objective))


@pytest.mark.parametrize("solver", SOLVERS)
@PROPS
@given(sc=scenarios(), k=st.sampled_from([1.25, 2.0]))
def test_objective_never_falls_when_budget_grows(solver: str, sc: Scenario, k: float) -> None:
    small = allocate(sc, solver, explain=False, baseline=False)
    assume(small.status == "optimal")
    big = allocate(_scaled(sc, k), solver, explain=False, baseline=False)
    assert big.status == "optimal"
    assert small.objective is not None and big.objective is not None
    assert big.objective >= small.objective - REL * max(1.0, abs(small.objective))


@PROPS
@given(sc=scenarios())
def test_both_solvers_agree(sc: Scenario) -> None:
    a, b = (allocate(sc, s, explain=False, baseline=False) for s in SOLVERS)
    assert a.status == b.status
    if a.objective is not None and b.objective is not None:
        assert a.objective == pytest.approx(b.objective, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
@PROPS
@given(sc=scenarios())
def test_budget_shadow_prices_match_finite_differences(solver: str, sc: Scenario) -> None:
    """A dual lies between the one-sided derivatives of the optimum in the right-hand side
    (they differ only at a kink), so check left >= shadow >= right with re-solves."""
    built = build_model(sc)
    base = solve(built, solver)
    assume(base.status == "optimal")
    for b in built.row_blocks:
        if b.prefix != "budget_year":
            continue
        for i in range(b.start, b.stop):
            up = built.row_upper.copy()
            values: list[float | None] = []
            for step in (FD_STEP, -FD_STEP):
                up[i] = built.row_upper[i] + step
                if up[i] < 0:
                    values.append(None)
                    continue
                s = solve(replace(built, row_upper=up.copy()), solver)
                values.append(s.objective if s.status == "optimal" else None)
            shadow = built.objective_sign * base.row_dual[i]
            tol = 1e-6 * max(1.0, abs(base.objective)) / FD_STEP + 1e-6
            if values[0] is not None:
                right = (values[0] - base.objective) / FD_STEP
                assert shadow >= right - tol
            if values[1] is not None:
                left = (base.objective - values[1]) / FD_STEP
                assert shadow <= left + tol


@pytest.mark.parametrize("solver", SOLVERS)
def test_shadow_price_equals_difference_on_the_hand_case(solver: str) -> None:
    """Away from kinks the dual is the derivative: hand case year 1 is worth US$4."""
    from model.allocator import load_scenario
    from tests.test_allocator_cli import HAND

    built = build_model(load_scenario(HAND))
    base = solve(built, solver)
    i = built.row_index("budget_year[1]")
    up = built.row_upper.copy()
    up[i] += 1000.0
    moved = solve(replace(built, row_upper=up), solver)
    fd = (moved.objective - base.objective) / 1000.0
    assert base.row_dual[i] == pytest.approx(fd, rel=1e-6)
    assert fd == pytest.approx(4.0, rel=1e-5)
    assert np.isfinite(base.row_dual).all()
