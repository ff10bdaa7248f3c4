"""Sampling and Monte Carlo: seeded draws reproduce exactly, stay in their ranges, and the
re-solves agree with the allocator (fast objective-only path and full rebuild alike).

The tiny scenarios here (``pick_scenario``) are also used by the other uncertainty tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from model.allocator.api import allocate
from model.allocator.scenario import Scenario, load_scenario, parse_scenario
from model.planning.inputs import DEMO_SCENARIO
from model.uncertainty.drawsolve import solve_samples
from model.uncertainty.montecarlo import monte_carlo_to_json, run_monte_carlo
from model.uncertainty.robust import robust_allocation
from model.uncertainty.sampling import (
    CostRange,
    DrawSpec,
    SampleSet,
    central_samples,
    cvar,
    draw_samples,
    quantile,
)

COST_US = 100.0  # each candidate's one-year full cost; public share is exactly 1
REL_TOL = 1e-9  # objective agreement between two exact LP solves of the same plan
SCALE_TOL = 1e-7


def _candidate(cid: str, region: str, benefit: float) -> dict[str, Any]:
    return {
        "id": cid, "name": f"candidate {cid}", "kind": "cluster_initiative", "region": region,
        "cost_by_year": [COST_US], "public_share_floor": 1.0, "public_share_ceiling": 1.0,
        "enterprises": 10, "enterprises_low": 5, "enterprises_high": 20,
        "jobs": 4, "jobs_low": 2, "jobs_high": 6,
        "benefit": benefit, "benefit_low": benefit / 2, "benefit_high": benefit * 2,
    }  # fmt: skip


def pick_scenario(n: int = 2, budget: float = COST_US) -> Scenario:
    """``n`` candidates costing US$100 each (public money = cost x scale), benefit
    US$300, 350, 400... (range half to double), alternately in North and lagging South,
    and one total budget: a plan is any scale vector with 100 x sum(scale) <= budget."""
    regions = ["North", "South"]
    return parse_scenario(
        {
            "name": f"pick {n}",
            "horizon_years": 1,
            "price_year": 2024,
            "regions": [{"name": "North"}, {"name": "South", "lagging": True}],
            "candidates": [
                _candidate(chr(ord("A") + i), regions[i % 2], 300.0 + 50 * i) for i in range(n)
            ],
            "budget": {"total": budget},
        }
    )


def benefit_samples(benefit: list[list[float]]) -> SampleSet:
    """Samples with the given benefit (draws x candidates) and no enterprises or jobs."""
    b = np.asarray(benefit, np.float64)
    return SampleSet({"benefit": b, "enterprises": np.zeros_like(b), "jobs": np.zeros_like(b)})


def demo() -> Scenario:
    return load_scenario(DEMO_SCENARIO)


# --- sampling -------------------------------------------------------------------------------


def test_triangular_quantiles_by_hand() -> None:
    # low 0, mode 1, high 4: F(1) = 1/4; F^-1(1/16) = sqrt(1/16 * 4 * 1) = 0.5,
    # F^-1(3/4) = 4 - sqrt(1/4 * 4 * 3) = 4 - sqrt(3).
    u = np.array([0.0, 1 / 16, 0.25, 0.75, 1.0])
    got = quantile(u, 0.0, 1.0, 4.0, "triangular")
    assert got == pytest.approx([0.0, 0.5, 1.0, 4 - np.sqrt(3), 4.0])
    assert quantile(u, 2.0, 3.0, 4.0, "uniform") == pytest.approx([2.0, 2.125, 2.5, 3.5, 4.0])
    assert (quantile(u, 5.0, 5.0, 5.0, "triangular") == 5.0).all()  # an empty range


def test_seeded_draws_reproduce_and_stay_in_range() -> None:
    sc = demo()
    spec = DrawSpec(50, seed=11, costs=CostRange(1.0, 1.0, 1.3))
    a, b = draw_samples(sc, spec), draw_samples(sc, spec)
    for m in ("benefit", "enterprises", "jobs"):
        assert np.array_equal(a.outcome[m], b.outcome[m])
        lo = np.array([getattr(c, f"{m}_low") for c in sc.candidates])
        hi = np.array([getattr(c, f"{m}_high") for c in sc.candidates])
        assert (a.outcome[m] >= lo).all() and (a.outcome[m] <= hi).all()
    assert a.cost_multiplier is not None and b.cost_multiplier is not None
    assert np.array_equal(a.cost_multiplier, b.cost_multiplier)
    assert a.cost_multiplier.min() >= 1.0 and a.cost_multiplier.max() <= 1.3
    other = draw_samples(sc, DrawSpec(50, seed=12))
    assert not np.array_equal(a.outcome["benefit"], other.outcome["benefit"])
    # Cost draws come after the return draws: the same seed gives the same returns.
    fixed = draw_samples(sc, DrawSpec(50, seed=11))
    assert fixed.cost_multiplier is None
    assert np.array_equal(fixed.outcome["benefit"], a.outcome["benefit"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"draws": 0}, "draws"),
        ({"draws": 5, "seed": -1}, "seed"),
        ({"draws": 5, "distribution": "normal"}, "distribution"),
    ],
)
def test_bad_draw_settings_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        DrawSpec(**kwargs)


def test_bad_cost_range_and_alpha_name_the_field() -> None:
    with pytest.raises(ValueError, match="cost_range"):
        CostRange(1.2, 1.0, 1.3)
    with pytest.raises(ValueError, match="alpha"):
        cvar(np.array([1.0, 2.0]), 0.0)


def test_cvar_is_the_mean_of_the_worst_share_and_the_ru_maximum() -> None:
    v = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    assert cvar(v, 0.4) == pytest.approx(1.5)  # worst two: 1 and 2
    assert cvar(v, 1.0) == pytest.approx(3.0)  # the mean
    assert cvar(v, 0.3) == pytest.approx((1.0 + 0.5 * 2.0) / 1.5)  # 1.5 draws: 1 and half of 2
    for alpha in (0.1, 0.3, 0.55, 0.8):
        ru = max(e - np.maximum(e - v, 0).sum() / (alpha * len(v)) for e in v)
        assert cvar(v, alpha) == pytest.approx(ru)


# --- re-solves ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["data/scenarios/hand.json", str(DEMO_SCENARIO)])
def test_central_draw_gives_the_allocator_optimum(path: str) -> None:
    sc = load_scenario(path)
    r = allocate(sc, explain=False, baseline=False)
    d = solve_samples(sc, central_samples(sc, 2))
    assert d.ok.all() and r.objective is not None
    assert d.objective == pytest.approx([r.objective] * 2, rel=REL_TOL)
    assert d.spend == pytest.approx([r.total_public] * 2, rel=REL_TOL)
    scale = np.array([r.scale[c.id] for c in sc.candidates])
    assert np.abs(d.scale - scale).max() < SCALE_TOL


def test_objective_only_path_matches_a_full_rebuild_per_draw() -> None:
    sc = demo()
    s = draw_samples(sc, DrawSpec(12, seed=4))
    fast = solve_samples(sc, s)
    # Multipliers of exactly 1 force the rebuild path without changing any cost.
    slow = solve_samples(sc, SampleSet(s.outcome, np.ones((12, len(sc.candidates)))))
    assert fast.objective == pytest.approx(slow.objective, rel=REL_TOL)
    assert np.abs(fast.scale - slow.scale).max() < SCALE_TOL


def test_hand_case_draw_funds_the_better_candidate() -> None:
    # Budget for one candidate: each draw funds whichever has the higher benefit.
    sc = pick_scenario(2)
    d = solve_samples(sc, benefit_samples([[300.0, 200.0], [100.0, 500.0]]))
    assert d.objective == pytest.approx([300.0, 500.0])
    assert d.scale == pytest.approx(np.array([[1.0, 0.0], [0.0, 1.0]]), abs=SCALE_TOL)


def test_seeded_run_reproduces_exactly_and_summarises() -> None:
    sc = demo()
    spec = DrawSpec(30, seed=5, distribution="uniform")
    a = run_monte_carlo(sc, spec, "serial")
    b = run_monte_carlo(sc, spec, "serial")
    assert monte_carlo_to_json(a) == monte_carlo_to_json(b)
    assert np.array_equal(a.draws.scale, b.draws.scale)
    o = a.objective
    assert a.feasible == 30 and o.low <= o.p10 <= o.p50 <= o.p90 <= o.high
    assert set(a.funded_probability) == {c.id for c in sc.candidates}
    assert all(0.0 <= p <= 1.0 for p in a.funded_probability.values())


def test_knowing_the_returns_beats_committing_before() -> None:
    # Re-optimising per draw (Monte Carlo) is at least as good on average as the one plan
    # that maximises the mean over the same draws.
    sc = demo()
    spec = DrawSpec(40, seed=9)
    mc = run_monte_carlo(sc, spec, "serial")
    ev = robust_allocation(sc, draw_samples(sc, spec), 1.0).expected
    assert mc.objective.mean >= ev.mean * (1 - REL_TOL)


def test_min_cost_objective_is_refused_by_name() -> None:
    data = demo().model_dump(mode="json")
    data["objective"] = {"kind": "min_cost", "targets": {"enterprises": 100}}
    with pytest.raises(ValueError, match=r"objective\.kind"):
        run_monte_carlo(parse_scenario(data), DrawSpec(5), "serial")
