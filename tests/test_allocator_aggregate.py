"""The aggregated programme (dense rows through group spend columns) gives the plain
programme's answer: same status and objective, duals on the original rows that
certify the same optimum, and budget duals between the finite differences.

Small random scenarios would not be aggregated with the default thresholds, so
these tests lower them (``always_aggregate``) to exercise the reformulation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given

from bench.allocator import random_scenario
from model.allocator import build_model
from model.allocator.build import aggregate as aggregate_mod
from model.allocator.build.aggregate import aggregate
from model.allocator.scenario import Scenario
from model.allocator.solve.resolve import ReSolver
from tests import test_allocator_rules
from tests.allocator_fixtures import cand, scenario
from tests.test_allocator_properties import PROPS, scenarios
from tests.test_allocator_scale import assert_certificate, plain_highs

REL = 1e-6
# Duals are compared relative to the largest one (US$ of objective per US$ of rhs).
DUAL_REL = 1e-6
FD_STEP = 10.0


@contextmanager
def always_aggregate() -> Iterator[None]:
    """Aggregate every row holding an x column, whatever it saves."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(aggregate_mod, "DENSE_MIN_ENTRIES", 1)
        m.setattr(aggregate_mod, "MIN_SAVING", -np.inf)
        yield


@PROPS
@given(sc=scenarios())
def test_aggregated_matches_plain_formulation(sc: Scenario) -> None:
    built = build_model(sc)
    plain = ReSolver(built, aggregate_rows=False).solve()
    with always_aggregate():
        rs = ReSolver(built)
    assert rs.agg is not None
    agg = rs.solve()
    assert agg.status == plain.status
    if agg.status != "optimal":
        return
    assert agg.objective == pytest.approx(plain.objective, rel=REL, abs=1e-6)
    assert len(agg.values) == built.num_col and len(agg.row_dual) == built.num_row
    assert_certificate(built, agg)
    # Same duals, unless the dual optimum is not unique: then the certificate above proves
    # the aggregated duals as good (a degenerate LP may have many).
    scale = 1.0 + np.abs(plain.row_dual).max(initial=0.0)
    if not np.allclose(agg.row_dual, plain.row_dual, rtol=0, atol=DUAL_REL * scale):
        assert_certificate(built, plain)  # two certified dual optima: degenerate (2 in 300)


def test_bench_model_is_aggregated_and_exact() -> None:
    """300 candidates, every rule family: the default thresholds aggregate the budget,
    kind and lagging rows into a few groups, and the answer stays exact."""
    built = build_model(random_scenario(300))
    agg = aggregate(built)
    assert agg is not None
    names = {built.row_block(int(i)).prefix for i in agg.dense}
    assert names == {"budget_year", "kind_ceiling", "lagging_floor"}
    assert agg.groups <= 3 * 2 * 5  # kind x lagging x year
    rs = ReSolver(built)
    sol = rs.solve()
    plain = ReSolver(built, aggregate_rows=False).solve()
    assert sol.status == plain.status == "optimal"
    assert sol.objective == pytest.approx(plain_highs(built), rel=REL)
    assert_certificate(built, sol)
    dense = agg.dense
    scale = 1.0 + np.abs(plain.row_dual[dense]).max()
    assert np.allclose(sol.row_dual[dense], plain.row_dual[dense], rtol=0, atol=DUAL_REL * scale)


def test_aggregated_budget_duals_match_finite_differences() -> None:
    """Each year's budget dual lies between the one-sided differences of the optimum."""
    built = build_model(random_scenario(120, seed=5))
    rs = ReSolver(built)
    assert rs.agg is not None
    base = rs.solve()
    assert base.status == "optimal"
    tol = 1e-6 * max(1.0, abs(base.objective)) / FD_STEP + 1e-6
    for b in built.row_blocks:
        if b.prefix != "budget_year":
            continue
        for i in range(b.start, b.stop):
            moved = []
            for step in (FD_STEP, -FD_STEP):
                up = built.row_upper.copy()
                up[i] += step
                s = ReSolver(replace(built, row_upper=up)).solve()
                assert s.status == "optimal"
                moved.append(s.objective)
            right = (moved[0] - base.objective) / FD_STEP
            left = (base.objective - moved[1]) / FD_STEP
            assert right - tol <= base.row_dual[i] <= left + tol


R = test_allocator_rules
# Every hand-checked rule case, listed by name with its parameters (none skipped): the
# solver name is the only argument they all share.
HAND_CASES: list[tuple[Callable[..., None], dict[str, Any]]] = [
    (R.test_total_budget, {}),
    (R.test_per_year_budget_and_unallocated, {}),
    *((R.test_carry_over, {"carry": c, "expected": e}) for c, e in R.CARRY_CASES),
    (R.test_min_and_max_funding, {}),
    (R.test_locked_and_mandatory, {}),
    (R.test_go_no_go_is_a_milp, {}),
    (R.test_subsidy_band, {}),
    (R.test_average_public_share, {}),
    (R.test_partner_match_limit, {}),
    (R.test_cost_recovery, {}),
    (R.test_min_fee_revenue, {}),
    *((R.test_matching_grants, {"extra": x, "expected": e}) for x, e in R.GRANT_CASES),
    (R.test_broker_capacity, {}),
    (R.test_policy_mix_kind_region_lagging, {}),
    (R.test_funding_sources, {}),
    (R.test_objectives_and_targets, {}),
    (R.test_diminishing_returns, {}),
]


def _case_id(case: tuple[Callable[..., None], dict[str, Any]]) -> str:
    f, kw = case
    return f.__name__ + (f"[{','.join(f'{k}={v}' for k, v in kw.items())}]" if kw else "")


def test_every_rule_case_is_listed() -> None:
    """A new rule test must join HAND_CASES (or this fails): nothing is skipped silently."""
    listed = {f.__name__ for f, _ in HAND_CASES}
    defined = {n for n, f in vars(R).items() if n.startswith("test_") and inspect.isfunction(f)}
    assert listed == defined


@pytest.mark.parametrize("case", HAND_CASES, ids=_case_id)
def test_hand_cases_hold_when_aggregated(case: tuple[Callable[..., None], dict[str, Any]]) -> None:
    """The rule tests' hand solutions (MILP go/no-go, policy mix, targets...) with every
    x-bearing row aggregated."""
    f, kw = case
    with always_aggregate():
        f("highs", **kw)


def test_small_models_are_left_alone() -> None:
    """Below the thresholds the programme goes to HiGHS as built (nothing to gain)."""
    cands = [cand(f"K{i}", [1000.0, 2000.0], 5000.0 * (i + 1)) for i in range(5)]
    sc = scenario(cands, horizon=2, budget={"per_year": [3000.0, 3000.0]})
    built = build_model(sc)
    assert aggregate(built) is None
    assert ReSolver(built).agg is None
