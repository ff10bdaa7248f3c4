"""The robust (CVaR) programme against brute force on small cases.

On ``pick_scenario`` a plan is any scale vector with sum(scale) <= 1 (budget for one
candidate), so every plan's CVaR can be evaluated directly: on a grid of plans, at the
expected-value plan and at random plans. The programme's value must equal the CVaR of
the plan it returns and be at least as good as every one of them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from model.allocator.check import check_plan
from model.uncertainty.robust import funding_changes, robust_allocation
from model.uncertainty.sampling import DrawSpec, cvar, draw_samples
from tests.test_uncertainty import COST_US, benefit_samples, demo, pick_scenario

CVAR_TOL = 1e-6  # relative: the spending tie-break and LP tolerances move the optimum this little
GRID_STEP = 0.05
RANDOM_PLANS = 200


def test_hedging_by_hand() -> None:
    # Two equally likely worlds: A pays 4 in the first, B in the second. The worst of the
    # two (alpha 0.5) is best when the money is split: scale 0.5 each, CVaR 2.
    r = robust_allocation(pick_scenario(2), benefit_samples([[4.0, 0.0], [0.0, 4.0]]), 0.5)
    assert r.lp_cvar == pytest.approx(2.0, rel=CVAR_TOL)
    assert r.robust.scale["A"] == pytest.approx(0.5, abs=1e-6)
    assert r.robust.scale["B"] == pytest.approx(0.5, abs=1e-6)
    assert r.robust.funding["A"] == pytest.approx(0.5 * COST_US, abs=1e-4)
    assert r.robust.mean == pytest.approx(2.0)  # the mean is 2 for every full-budget plan
    assert r.expected_cost == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(("seed", "alpha"), [(1, 0.2), (2, 0.5), (3, 0.34)])
def test_cvar_programme_beats_every_plan_on_a_grid(seed: int, alpha: float) -> None:
    sc = pick_scenario(3)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 10.0, (7, 3))
    samples = benefit_samples(values.tolist())
    r = robust_allocation(sc, samples, alpha)
    tol = CVAR_TOL * max(1.0, abs(r.lp_cvar))
    plan = np.array([r.robust.scale[c] for c in "ABC"])
    assert plan.sum() <= 1 + 1e-9
    assert r.lp_cvar == pytest.approx(cvar(values @ plan, alpha), abs=tol)
    assert r.robust.cvar == pytest.approx(r.lp_cvar, abs=tol)
    steps = np.arange(0.0, 1.0 + 1e-9, GRID_STEP)
    best_grid = max(
        cvar(values @ np.array(f), alpha)
        for f in itertools.product(steps, repeat=3)
        if sum(f) <= 1 + 1e-9
    )
    assert best_grid <= r.lp_cvar + tol
    for _ in range(RANDOM_PLANS):
        f = rng.dirichlet(np.ones(4))[:3]  # sum <= 1: any budget-feasible plan
        assert cvar(values @ f, alpha) <= r.lp_cvar + tol
    assert r.cvar_gain >= -tol and r.robust.cvar >= r.expected.cvar - tol
    assert r.expected_cost >= -tol  # the expected-value plan maximises the mean


def test_alpha_one_is_the_expected_value_plan() -> None:
    sc = demo()
    r = robust_allocation(sc, draw_samples(sc, DrawSpec(30, seed=2)), 1.0)
    assert r.lp_cvar == pytest.approx(r.expected.mean, rel=CVAR_TOL)
    assert r.expected_cost == pytest.approx(0.0, abs=CVAR_TOL * r.expected.mean)


def test_demo_robust_plan_keeps_the_rules_and_reports_changes() -> None:
    sc = demo()
    r = robust_allocation(sc, draw_samples(sc, DrawSpec(60, seed=3)), 0.2)
    tol = CVAR_TOL * abs(r.lp_cvar)
    assert r.status == "optimal" and r.robust.cvar == pytest.approx(r.lp_cvar, abs=tol)
    assert r.cvar_gain >= -tol and r.expected_cost >= -tol
    assert check_plan(sc, r.robust.funding_by_year, r.robust.scale) == []
    assert check_plan(sc, r.expected.funding_by_year, r.expected.scale) == []
    for row in funding_changes(r):
        cid = str(row["candidate"])
        assert row["change"] == pytest.approx(r.robust.funding[cid] - r.expected.funding[cid])
