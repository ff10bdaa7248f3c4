"""One hand-solvable case per rule family and objective, on every solver.

Each docstring gives the hand solution; candidates have a 100 % public share
unless a case says otherwise, so public funding = cost x scale.
"""

from __future__ import annotations

from typing import Any

import pytest

from model.allocator import allocate, check_plan
from model.allocator.result import AllocationResult
from tests.allocator_fixtures import OBJ_TOL, SOLVERS, cand, scenario

pytestmark = pytest.mark.parametrize("solver", SOLVERS)


def run(engine: str, cands: list[dict[str, Any]], **kw: Any) -> AllocationResult:
    sc = scenario(cands, **kw)
    r = allocate(sc, engine)
    assert r.status == "optimal", r.message
    assert check_plan(sc, r.funding, r.scale, r.funding_by_source) == []
    return r


def two(**kw: Any) -> list[dict[str, Any]]:
    """A returns 3 per US$, B returns 2; each costs 100."""
    return [cand("A", [100], 300, **kw), cand("B", [100], 200, kind="matching_grant", region="S")]


def test_total_budget(solver: str) -> None:
    """Budget 150: A full (300) + half of B (100) = 400; a dollar more buys 2 of B."""
    r = run(solver, two(), budget={"total": 150})
    assert r.objective == pytest.approx(400, rel=OBJ_TOL)
    assert r.constraint("budget_total").shadow_price == pytest.approx(2, rel=OBJ_TOL)
    assert r.unallocated == pytest.approx(0, abs=1e-6)


def test_per_year_budget_and_unallocated(solver: str) -> None:
    """Year 1 has 50 for A (150); B starts in year 2 and takes 100 of 200 (200)."""
    cands = [cand("A", [100], 300), cand("B", [100], 200, start_year=2)]
    r = run(solver, cands, horizon=2, budget={"per_year": [50, 200]})
    assert r.objective == pytest.approx(350, rel=OBJ_TOL)
    assert r.constraint("budget_year[1]").shadow_price == pytest.approx(3, rel=OBJ_TOL)
    assert r.constraint("budget_year[2]").shadow_price == pytest.approx(0, abs=1e-6)
    assert r.unallocated == pytest.approx(100, rel=OBJ_TOL)
    assert "US$100 of the US$250 budget is left unallocated" in r.unallocated_sentence


CARRY_CASES: list[tuple[bool, float]] = [(False, 150.0), (True, 400.0)]


@pytest.mark.parametrize(("carry", "expected"), CARRY_CASES)
def test_carry_over(solver: str, carry: bool, expected: float) -> None:
    """Both start in year 2 with 50 that year; carrying year 1's 100 funds A and half B."""
    cands = [cand("A", [100], 300, start_year=2), cand("B", [100], 200, start_year=2)]
    r = run(solver, cands, horizon=2, budget={"per_year": [100, 50], "carry_over": carry})
    assert r.objective == pytest.approx(expected, rel=OBJ_TOL)


def test_min_and_max_funding(solver: str) -> None:
    """Total 100. B's minimum 50 -> A 50 + B 50 = 250; A's maximum 40 -> 120 + 120 = 240."""
    r = run(solver, two(), budget={"total": 100},
            rules={"candidate_limits": {"min_funding": {"B": 50}}})  # fmt: skip
    assert r.objective == pytest.approx(250, rel=OBJ_TOL)
    r = run(solver, two(), budget={"total": 100},
            rules={"candidate_limits": {"max_funding": {"A": 40}}})  # fmt: skip
    assert r.objective == pytest.approx(240, rel=OBJ_TOL)
    assert r.constraint("candidate_max[A]").shadow_price == pytest.approx(1, rel=OBJ_TOL)


def test_locked_and_mandatory(solver: str) -> None:
    """Locking 80 on B leaves 20 for A: 60 + 160; B mandatory at full scale: 200."""
    locked = {"locked": [{"candidate": "B", "year": 1, "amount": 80}]}
    r = run(solver, two(), budget={"total": 100}, rules={"candidate_limits": locked})
    assert r.objective == pytest.approx(220, rel=OBJ_TOL)
    assert r.funding["B"][0] == pytest.approx(80, rel=OBJ_TOL)
    r = run(solver, two(), budget={"total": 100},
            rules={"candidate_limits": {"mandatory": {"B": 1.0}}})  # fmt: skip
    assert r.objective == pytest.approx(200, rel=OBJ_TOL)
    assert r.constraint("mandatory[B]").shadow_price == pytest.approx(-100, rel=OBJ_TOL)


def test_go_no_go_is_a_milp(solver: str) -> None:
    """Total 70, A viable only from 80 % scale: A is dropped, B gets 0.7 (140). LP: 210."""
    rules = {"candidate_limits": {"go_no_go": {"A": 0.8}}}
    r = run(solver, two(), budget={"total": 70}, rules=rules)
    assert r.is_mip
    assert r.objective == pytest.approx(140, rel=OBJ_TOL)
    assert r.scale["A"] == 0
    assert r.gap is not None and r.gap <= 1e-4
    assert "fixed" in r.duals_note
    relaxed = run(solver, two(), budget={"total": 70},
                  rules=rules, solver={"relax_integers": True})  # fmt: skip
    assert not relaxed.is_mip
    assert relaxed.objective == pytest.approx(210, rel=OBJ_TOL)


def test_subsidy_band(solver: str) -> None:
    """A's public share is 50-80 %: US$25 buys half of A at the 50 % floor (150)."""
    r = run(solver, [cand("A", [100], 300, floor=0.5, ceiling=0.8)], budget={"total": 25})
    assert r.objective == pytest.approx(150, rel=OBJ_TOL)
    assert r.funding["A"][0] == pytest.approx(25, rel=OBJ_TOL)
    assert r.constraint("budget_total").shadow_price == pytest.approx(6, rel=OBJ_TOL)


def test_average_public_share(solver: str) -> None:
    """Floors 80 % (A, 300) and 20 % (B, 10), budget 90. Free: A + half B = 305.
    Average share <= 50 % forces f_A <= f_B, so both at 0.9: 270 + 9 = 279."""
    cands = [cand("A", [100], 300, floor=0.8), cand("B", [100], 10, floor=0.2)]
    r = run(solver, cands, budget={"total": 90})
    assert r.objective == pytest.approx(305, rel=OBJ_TOL)
    r = run(solver, cands, budget={"total": 90},
            rules={"subsidy_band": {"max_average_public_share": 0.5}})  # fmt: skip
    assert r.objective == pytest.approx(279, rel=OBJ_TOL)


def test_partner_match_limit(solver: str) -> None:
    """Partners commit 60 of 100: public pays >= 40 per unit of scale; 20 buys half (150)."""
    cands = [cand("G", [100], 300, kind="matching_grant", floor=0.0, partner_match=60)]
    r = run(solver, cands, budget={"total": 20})
    assert r.objective == pytest.approx(150, rel=OBJ_TOL)


def test_cost_recovery(solver: str) -> None:
    """Fees 0 then 40 % leave 60 % to subsidise in year 2, below B's 70 % floor: unfunded."""
    b = cand("B", [100, 100], 300, kind="broker_programme", floor=0.7, fee_schedule=[0, 0.4])
    r = run(solver, [b], horizon=2, budget={"total": 1000})
    assert r.objective == pytest.approx(0, abs=1e-6)
    assert "fee schedule" in r.unfunded_written[0].reason
    r = run(solver, [b], horizon=2, budget={"total": 1000},
            rules={"cost_recovery": {"enabled": False}})  # fmt: skip
    assert r.objective == pytest.approx(300, rel=OBJ_TOL)


def test_min_fee_revenue(solver: str) -> None:
    """B1 (fees 0, 20 %) must earn 10 of fees, so f_B1 >= 0.5 (public 50); B2 gets 50: 150."""
    b1 = cand("B1", [100, 100], 100, kind="broker_programme", floor=0.5, fee_schedule=[0, 0.2])
    b2 = cand("B2", [100, 100], 200, kind="broker_programme", floor=0.5)
    r = run(solver, [b1, b2], horizon=2, budget={"total": 100})
    assert r.objective == pytest.approx(200, rel=OBJ_TOL)
    r = run(solver, [b1, b2], horizon=2, budget={"total": 100},
            rules={"cost_recovery": {"min_fee_revenue": 10}})  # fmt: skip
    assert r.objective == pytest.approx(150, rel=OBJ_TOL)
    assert r.fee_revenue == pytest.approx(10, rel=OBJ_TOL)


GRANT_CASES: list[tuple[dict[str, Any], float]] = [
    ({"match_ratio": 0.6, "partner_match": 50}, 180.0),
    ({"grant_cap": 20}, 120.0),
    ({"eligible": False}, 0.0),
]


@pytest.mark.parametrize(("extra", "expected"), GRANT_CASES)
def test_matching_grants(solver: str, extra: dict[str, Any], expected: float) -> None:
    """Grant of 50 % of 100 for 300: 0.6 x match 50 = 30 -> scale 0.6; cap 20 -> 0.4."""
    g = cand("G", [100], 300, kind="matching_grant", floor=0.5, ceiling=0.5, **extra)
    r = run(solver, [g], budget={"total": 1000})
    assert r.objective == pytest.approx(expected, rel=OBJ_TOL, abs=1e-6)


def test_broker_capacity(solver: str) -> None:
    """C needs 2 networks, broker B serves 4: f_C <= 2 f_B, 100 f_C + 100 f_B <= 100 ->
    f_C = 2/3, benefit 666.67; one more existing network is worth 1000/3 x 1/2."""
    c = cand("C", [100], 1000, networks_needed=2)
    b = cand("B", [100], 0, kind="broker_programme", networks_served=4)
    r = run(solver, [c, b], budget={"total": 100})
    assert r.objective == pytest.approx(2000 / 3, rel=OBJ_TOL)
    assert r.scale["B"] == pytest.approx(1 / 3, rel=OBJ_TOL)
    assert r.constraint("broker_capacity").shadow_price == pytest.approx(
        1000 / 3 * 0.5, rel=OBJ_TOL
    )


def test_policy_mix_kind_region_lagging(solver: str) -> None:
    """Total 100. Cluster share <= 60 %: 60 A + 40 B = 260. Region S (B) >= 50 %: 250."""
    mix = {"kind_shares": {"cluster_initiative": {"max": 0.6}}}
    r = run(solver, two(), budget={"total": 100}, rules={"policy_mix": mix})
    assert r.objective == pytest.approx(260, rel=OBJ_TOL)
    assert r.totals_by_kind["cluster_initiative"] == pytest.approx(60, rel=OBJ_TOL)
    floors: list[dict[str, Any]] = [
        {"region_shares": {"S": {"min": 0.5}}},
        {"lagging_min_share": 0.5},
    ]
    for floor in floors:
        r = run(solver, two(), budget={"total": 100}, rules={"policy_mix": floor})
        assert r.objective == pytest.approx(250, rel=OBJ_TOL)
        assert r.totals_by_region["S"] == pytest.approx(50, rel=OBJ_TOL)


def test_funding_sources(solver: str) -> None:
    """Ministry (60, clusters only) and donor (100, grants only), total 100: 60 A + 40 B."""
    sources = [
        {"name": "ministry", "amount": 60, "allowed_kinds": ["cluster_initiative"]},
        {"name": "donor", "amount": 100, "allowed_kinds": ["matching_grant"]},
    ]
    r = run(solver, two(), budget={"total": 100}, rules={"policy_mix": {"sources": sources}})
    assert r.objective == pytest.approx(260, rel=OBJ_TOL)
    assert r.totals_by_source["ministry"] == pytest.approx(60, rel=OBJ_TOL)
    assert r.constraint("source_amount[ministry]").shadow_price == pytest.approx(1, rel=OBJ_TOL)


def test_objectives_and_targets(solver: str) -> None:
    """Jobs: A 1 job, B 5 jobs, budget 100 -> B (5). Weighted 100 x benefit-free jobs + 1 x
    benefit -> B: 500 + 200. Min cost to reach benefit 300 -> all of A: US$100."""
    cands = [cand("A", [100], 300, jobs=1), cand("B", [100], 200, jobs=5)]
    r = run(solver, cands, budget={"total": 100}, objective={"kind": "jobs"})
    assert r.objective == pytest.approx(5, rel=OBJ_TOL)
    weights = {"jobs": 100, "benefit": 1}
    r = run(solver, cands, budget={"total": 100},
            objective={"kind": "weighted", "weights": weights})  # fmt: skip
    assert r.objective == pytest.approx(700, rel=OBJ_TOL)
    r = run(solver, cands, objective={"kind": "min_cost", "targets": {"benefit": 300}})
    assert r.objective == pytest.approx(100, rel=OBJ_TOL)
    # One more US$ of benefit target costs 1/3 of a public dollar.
    assert r.constraint("target[benefit]").shadow_price == pytest.approx(1 / 3, rel=OBJ_TOL)


def test_diminishing_returns(solver: str) -> None:
    """Slopes 1.5/1/0.5 on thirds: a third of A (US$33.3) yields 1.5 x 100 = 150, not 100."""
    dr = {"enabled": True}
    r = run(solver, [cand("A", [100], 300)], budget={"total": 100 / 3},
            objective={"kind": "benefit", "diminishing_returns": dr})  # fmt: skip
    assert r.objective == pytest.approx(150, rel=OBJ_TOL)
    r = run(solver, [cand("A", [100], 300)], budget={"total": 100},
            objective={"kind": "benefit", "diminishing_returns": dr})  # fmt: skip
    assert r.objective == pytest.approx(300, rel=OBJ_TOL)
