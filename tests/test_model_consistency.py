"""Model consistency (issue 12 section 4): fees, weights with diminishing returns, PDLP,
and the partner match of candidates cut by the horizon; both solvers where they apply."""

from __future__ import annotations

import pytest

from model.allocator.api import allocate
from model.allocator.build.builder import build_model
from model.allocator.scenario import load_scenario, parse_scenario
from tests.allocator_fixtures import OBJ_TOL, SOLVERS, cand, scenario

DEMO = "data/scenarios/demo.json"
MONEY_TOL = 1e-4  # US$ (solvers stop at ~1e-7 relative on amounts of order 1e2)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_fee_of_any_kind_caps_that_candidates_public_share(solver: str) -> None:
    """A cluster initiative (not a broker) costs US$100, charges firms a 50 % fee and must
    be at least 90 % public; the portfolio must raise US$50 of fees. It cannot be both:
    before, the plan funded it 90 % public and 50 % fee-paid (140 % of its cost)."""
    sc = scenario(
        [cand("K", [100.0], 500.0, floor=0.9, ceiling=0.9, fee_schedule=[0.5])],
        budget={"total": 1000.0},
        rules={"cost_recovery": {"min_fee_revenue": 50.0}},
    )
    r = allocate(sc, solver)
    assert r.status == "infeasible"
    assert r.relaxation
    # With a 40 % floor it is funded within the fee's cap: public + fees <= cost.
    ok = sc.model_copy(
        update={"candidates": (sc.candidates[0].model_copy(update={"public_share_floor": 0.4}),)}
    )
    r2 = allocate(ok, solver)
    assert r2.status == "optimal"
    assert r2.fee_revenue == pytest.approx(50.0, abs=MONEY_TOL)
    assert r2.funding["K"][0] + r2.fee_revenue <= 100.0 + MONEY_TOL
    assert "cost_recovery[K,1]" in {c.name for c in r2.constraints}


def test_a_negative_weight_with_diminishing_returns_is_rejected() -> None:
    data = {
        "name": "t",
        "horizon_years": 1,
        "price_year": 2024,
        "candidates": [cand("A", [100.0], 500.0, jobs=10.0)],
        "regions": [{"name": "N"}],
        "objective": {
            "kind": "weighted",
            "weights": {"benefit": 1.0, "jobs": -5000.0},
            "diminishing_returns": {"enabled": True},
        },
    }
    with pytest.raises(ValueError, match=r"weights\.jobs: a negative weight \(-5000\)"):
        parse_scenario(data)
    data["objective"]["diminishing_returns"] = {"enabled": False}  # type: ignore[index]
    assert parse_scenario(data).objective.weights["jobs"] == -5000.0


def test_pdlp_that_stops_without_an_answer_falls_back_to_simplex() -> None:
    sc = load_scenario(DEMO)
    # A short time limit: PDLP stops at it on the demo (as it did at the default 60 s).
    opts = sc.solver.model_copy(update={"method": "pdlp", "time_limit_s": 2.0})
    pdlp = sc.model_copy(update={"solver": opts})
    r = allocate(pdlp, "highs", baseline=False)
    base = allocate(sc, "highs", baseline=False)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(base.objective, rel=OBJ_TOL)
    if "PDLP" in r.message:  # PDLP failed and simplex answered: the result says so
        assert "solved again with dual simplex" in r.message


@pytest.mark.parametrize("solver", SOLVERS)
def test_partner_match_is_prorated_over_the_horizon(solver: str) -> None:
    """A: US$100 in each of 2 years, match US$100 over its life, horizon 1: half its cost
    is inside the horizon, so half the match counts: public >= (100 - 50) x f. With a
    US$40 budget the plan reaches f = 0.8 (not 1.0, which (100 - 100) x f would allow)."""
    sc = scenario(
        [cand("A", [100.0, 100.0], 500.0, floor=0.0, partner_match=100.0)],
        budget={"total": 40.0},
    )
    built = build_model(sc)
    cols, vals = built.row(built.row_index("partner_limit[A]"))
    assert dict(zip(cols.tolist(), vals.tolist(), strict=True))[int(built.f_col[0])] == -50.0
    r = allocate(sc, solver)
    assert r.scale["A"] == pytest.approx(0.8, abs=1e-7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_candidate_with_no_cost_inside_the_horizon_gets_nothing(solver: str) -> None:
    """B starts in plan year 2 of a 1-year horizon: scale fixed at 0, no partner row,
    and the networks it would serve do not count, so C (needing 1 network) stays out."""
    sc = scenario(
        [
            cand("B", [100.0], 500.0, kind="broker_programme", start_year=2, networks_served=3.0,
                 partner_match=50.0, floor=0.0),
            cand("C", [100.0], 500.0, networks_needed=1.0),
        ],
        budget={"total": 1000.0},
    )  # fmt: skip
    built = build_model(sc)
    assert "partner_limit[B]" not in built.row_names()
    r = allocate(sc, solver)
    assert r.scale["B"] == 0.0 and r.scale["C"] == pytest.approx(0.0, abs=1e-9)


def test_the_pdlp_fallback_solves_with_simplex_and_says_why() -> None:
    from model.allocator.solve.solution import empty
    from model.allocator.solve.solver import _simplex_after_pdlp

    sc = load_scenario(DEMO)
    built = build_model(
        sc.model_copy(update={"solver": sc.solver.model_copy(update={"method": "pdlp"})})
    )
    sol = _simplex_after_pdlp(built, empty("error", "highs", "Unknown"))
    assert sol.status == "optimal"
    assert sol.message.startswith("PDLP stopped without a reliable answer (Unknown)")
    assert allocate(sc, "highs", baseline=False).objective == pytest.approx(
        built.objective_sign * (float(built.col_cost @ sol.values))
        + built.tie_break * float(sol.values[built.x_col[built.x_col >= 0]].sum()),
        rel=OBJ_TOL,
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_feasible_go_no_go_plan_is_not_called_infeasible(solver: str) -> None:
    """Found by tests/test_relax_truth.py: CBC 2.10's preprocessing called this MILP
    infeasible (C0 mandatory at half scale, go/no-go at 30 %, an empty year-2 budget
    row); partners may pay everything (floor 0), so C0 at full scale costs no public
    money and the plan funds every candidate broker capacity allows."""
    cands = [
        cand("C0", [10_000.0], 10_000.0, kind="broker_programme", floor=0.0, ceiling=0.8,
             networks_served=1.0, fee_schedule=[0.0]),
        cand("C1", [10_000.0], 10_000.0, floor=0.0, ceiling=0.8),
        cand("C2", [10_000.0], 10_000.0, kind="broker_programme", floor=0.0, ceiling=0.8,
             networks_served=1.0, fee_schedule=[0.0]),
        cand("C3", [10_000.0], 10_000.0, kind="matching_grant", floor=0.0, ceiling=0.8,
             networks_needed=1.0),
        cand("C4", [10_000.0], 10_000.0, floor=0.0, ceiling=0.8),
    ]  # fmt: skip
    sc = scenario(
        cands,
        horizon=2,
        budget={"per_year": [2_000.0, 2_000.0], "total": 4_000.0},
        rules={"candidate_limits": {"mandatory": {"C0": 0.5}, "go_no_go": {"C0": 0.3}}},
    )
    r = allocate(sc, solver)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(50_000.0, rel=OBJ_TOL)
