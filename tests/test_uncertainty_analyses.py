"""Inclusion frontier, tornado and ``fomento uncertainty`` on hand-checkable scenarios."""

from __future__ import annotations

import json

import pytest

from model.allocator.api import allocate
from model.allocator.scenario import parse_scenario
from model.cli import main
from model.planning.inputs import DEMO_SCENARIO
from model.uncertainty.frontier import frontier_scenario, inclusion_frontier, unique_name
from model.uncertainty.sampling import CostRange
from model.uncertainty.tornado import tornado
from tests.test_uncertainty import demo, pick_scenario

OBJ_TOL = 1e-6  # relative, between exact LP optima


def test_frontier_by_hand() -> None:
    # A (North, US$300) and B (lagging South, US$350), budget for one. With no floor all
    # money goes to B anyway (share 1); raising the floor costs nothing here.
    points = inclusion_frontier(pick_scenario(2), points=3)
    assert [p.floor for p in points] == [0.0, 0.5, 1.0]
    assert all(p.objective == pytest.approx(350.0) for p in points)
    assert all(p.lagging_share == pytest.approx(1.0) for p in points)


def test_frontier_prices_equity_when_the_best_candidate_is_not_lagging() -> None:
    # Three candidates: A North 300, B South 350, C North 400; budget for one.
    # Floor s forces s of the money to B: optimum 400 (1 - s) + 350 s.
    sc = pick_scenario(3)
    points = inclusion_frontier(sc, points=5)
    for p in points:
        assert p.objective == pytest.approx(400 - 50 * p.floor, rel=OBJ_TOL)
        assert p.lagging_share == pytest.approx(p.floor, abs=1e-6)
        assert p.lagging_enterprises == pytest.approx(10 * p.floor, abs=1e-6)
    opened = frontier_scenario(sc, 0.5)
    assert opened.rules.policy_mix.enabled and opened.rules.policy_mix.lagging_min_share == 0.5
    r = allocate(opened, explain=False, baseline=False)
    assert r.objective == pytest.approx(375.0, rel=OBJ_TOL)
    with pytest.raises(ValueError, match="floor"):
        frontier_scenario(sc, 1.5)


def test_frontier_needs_a_lagging_region() -> None:
    data = pick_scenario(2).model_dump(mode="json")
    data["regions"] = [{"name": "North"}, {"name": "South"}]
    with pytest.raises(ValueError, match="regions"):
        inclusion_frontier(parse_scenario(data))


def test_unique_name_counts_up() -> None:
    assert unique_name("X", set()) == "X"
    assert unique_name("X", {"X", "X #2"}) == "X #3"


def test_tornado_by_hand() -> None:
    # A (300: 150-600) and B (350: 175-700), budget for one: the optimum is max of the two.
    t = tornado(pick_scenario(2), budget_swing=0.2, executor="serial")
    assert t.base == pytest.approx(350.0)
    bars = {b.input: b for b in t.bars}
    a, b = bars["returns of A"], bars["returns of B"]
    assert (a.objective_low, a.objective_high) == pytest.approx((350.0, 600.0))
    assert (b.objective_low, b.objective_high) == pytest.approx((300.0, 700.0))
    budget = bars["budget"]  # 80 % or 120 % of B's cost: scale 0.8 of B, or B and 0.2 of A
    assert (budget.objective_low, budget.objective_high) == pytest.approx((280.0, 410.0))
    assert [x.input for x in t.bars] == ["returns of B", "returns of A", "budget"]
    assert t.inputs == 3


def test_tornado_includes_costs_when_they_vary() -> None:
    # Costs x1.25: the budget buys 0.8 of B (280); x1.0: as stated (350).
    t = tornado(pick_scenario(2), CostRange(1.0, 1.0, 1.25), executor="serial")
    assert t.inputs == 4
    costs = next(b for b in t.bars if b.input == "costs")
    assert (costs.objective_low, costs.objective_high) == pytest.approx((350.0, 280.0))
    assert len(tornado(pick_scenario(2), top=2, executor="serial").bars) == 2


def test_cli_json_is_seeded_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["uncertainty", str(DEMO_SCENARIO), "--draws", "20", "--seed", "4", "--format", "json"]
    assert main([*args, "--cvar", "0.25", "--tornado", "3", "--frontier", "3"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main([*args, "--cvar", "0.25", "--tornado", "3", "--frontier", "3"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    ws = first["wait_and_see"]
    assert ws["draws"] == 20 and ws["feasible_draws"] == 20
    o = ws["objective"]
    assert o["p10"] <= o["p50"] <= o["p90"]
    assert set(ws["funded_probability"]) == {c.id for c in demo().candidates}
    risk = first["plan_risk"]["objective"]
    assert risk["p10"] <= risk["p50"] <= risk["p90"]
    # A fixed plan can never beat the best plan for the same draws on average.
    assert risk["mean"] <= o["mean"] + 1e-6 * o["mean"]
    assert first["value_of_information"]["evpi"] >= 0
    assert first["cvar"]["alpha"] == 0.25 and first["cvar"]["cvar_gain"] >= 0
    assert len(first["tornado"]["bars"]) == 3 and len(first["frontier"]) >= 3


def test_cli_table_and_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["uncertainty", str(DEMO_SCENARIO), "--draws", "10"]) == 0
    out = capsys.readouterr().out
    assert "P10" in out and "Probability of being funded" in out
    assert main(["uncertainty", str(DEMO_SCENARIO), "--draws", "0"]) == 2
    assert "draws" in capsys.readouterr().err
    assert main(["uncertainty", str(DEMO_SCENARIO), "--draws", "5", "--cvar", "1.5"]) == 2
    assert "alpha" in capsys.readouterr().err
