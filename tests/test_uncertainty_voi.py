"""The plan's own risk and the value of information, against closed forms.

Hand case (``pick_scenario(2)``): candidates A and B cost US$100 each and the budget
buys one, so any plan earns theta_A f_A + theta_B f_B with f_A + f_B <= 1 and the
optimum is max(theta_A, theta_B). Under the uniform distribution theta_A ~ U(150, 600)
(mean 375) and theta_B ~ U(175, 700) (mean 437.5), so the expected-value plan funds B
and earns 437.5 on average, and

    EVPI     = E[max(theta_A, theta_B)] - 437.5
    EVPPI(A) = E[max(theta_A, 437.5)] - 437.5 = E[(theta_A - 437.5)+] = 162.5^2 / (2 x 450)
    EVPPI(B) = E[max(375, theta_B)] - 437.5   = E[(375 - theta_B)+]   = 200^2 / (2 x 525)

E[max] of two independent uniforms is integrated exactly below (Simpson's rule on each
piece where the integrand 1 - F_A F_B is a quadratic).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from model.allocator.api import allocate
from model.allocator.reoptimise import candidate_arrays
from model.allocator.scenario import Scenario, load_scenario
from model.cli import main
from model.planning.inputs import DEMO_SCENARIO, apply_all
from model.uncertainty.planrisk import central_positions, plan_from_json, plan_risk
from model.uncertainty.sampling import DrawSpec, draw_samples, means
from model.uncertainty.tornado import tornado
from model.uncertainty.voi import group_evppi, setup, value_of_information
from tests.test_uncertainty import pick_scenario

SE_MULTIPLE = 3.0  # an estimate within 3 standard errors of its closed form
A_LO, A_HI, B_LO, B_HI = 150.0, 600.0, 175.0, 700.0


def _uniform_cdf(x: float, lo: float, hi: float) -> float:
    return min(max((x - lo) / (hi - lo), 0.0), 1.0)


def expected_max_uniforms() -> float:
    """E[max(A, B)] = int_0^inf 1 - F_A(x) F_B(x) dx, exact by Simpson on each piece."""
    knots = [0.0, A_LO, B_LO, A_HI, B_HI]
    total = 0.0
    for a, b in itertools.pairwise(knots):
        g = [
            1 - _uniform_cdf(x, A_LO, A_HI) * _uniform_cdf(x, B_LO, B_HI)
            for x in (a, (a + b) / 2, b)
        ]
        total += (b - a) / 6 * (g[0] + 4 * g[1] + g[2])
    return total


EV = (B_LO + B_HI) / 2
EVPI_EXACT = expected_max_uniforms() - EV
EVPPI_A_EXACT = (A_HI - EV) ** 2 / (2 * (A_HI - A_LO))
EVPPI_B_EXACT = ((A_LO + A_HI) / 2 - B_LO) ** 2 / (2 * (B_HI - B_LO))


def test_hand_case_matches_the_closed_forms() -> None:
    sc = pick_scenario(2)
    v = value_of_information(sc, DrawSpec(4000, seed=5, distribution="uniform"), "serial")
    assert v.ev_scale == pytest.approx({"A": 0.0, "B": 1.0}, abs=1e-7)
    assert v.expected_value == pytest.approx(EV)
    assert abs(v.evpi - EVPI_EXACT) < SE_MULTIPLE * v.evpi_se
    by = {g.members: g for g in v.groups if g.kind == "candidate"}
    a, b = by[("A",)], by[("B",)]
    assert abs(a.evppi - EVPPI_A_EXACT) < SE_MULTIPLE * a.se
    assert abs(b.evppi - EVPPI_B_EXACT) < SE_MULTIPLE * b.se
    # The closed forms differ from each other by more than the error: the test can fail.
    assert abs(EVPPI_A_EXACT - EVPPI_B_EXACT) > 2 * SE_MULTIPLE * max(a.se, b.se)


def test_evpi_bounds_and_all_inputs_together() -> None:
    sc = load_scenario(DEMO_SCENARIO)
    spec = DrawSpec(150, seed=2)
    v = value_of_information(sc, spec, "serial")
    assert v.evpi >= 0
    assert v.wait_and_see >= v.expected_value - 1e-6 * abs(v.expected_value)
    for g in v.groups:
        assert g.evppi >= 0, g
        assert g.evppi <= v.evpi + SE_MULTIPLE * (v.evpi_se + g.se), g
    # EVPPI of every input together is the EVPI, draw for draw.
    s = setup(sc, spec)
    everything, se, _ = group_evppi(s, list(range(len(sc.candidates))))
    assert everything == pytest.approx(v.evpi, rel=1e-9)
    assert se == pytest.approx(v.evpi_se, rel=1e-9)


@pytest.mark.parametrize("cid", ["G-01", "G-06", "C-12"])
def test_parametric_candidate_evppi_equals_one_solve_per_draw(cid: str) -> None:
    # The exact lines of M(t) must give what re-solving every draw gives.
    sc = load_scenario(DEMO_SCENARIO)
    spec = DrawSpec(200, seed=9)
    v = value_of_information(sc, spec, "serial")
    fast = next(g for g in v.groups if g.members == (cid,))
    s = setup(sc, spec)
    idx = [c.id for c in sc.candidates].index(cid)
    brute, se, _ = group_evppi(s, [idx])
    assert fast.evppi == pytest.approx(brute, rel=1e-6, abs=1e-3 * max(1.0, se))


def test_instrument_groups_are_named_in_words() -> None:
    v = value_of_information(load_scenario(DEMO_SCENARIO), DrawSpec(40, seed=1), "serial")
    labels = {g.label for g in v.groups if g.kind == "instrument"}
    assert labels == {
        "the cluster initiatives' returns",
        "the broker programmes' returns",
        "the matching grants' returns",
    }
    ranked = [g.evppi for g in v.groups]
    assert ranked == sorted(ranked, reverse=True)


def test_fixed_plan_mean_equals_its_analytic_expectation() -> None:
    sc = load_scenario(DEMO_SCENARIO)
    spec = DrawSpec(3000, seed=4)
    r = plan_risk(sc, spec)
    for m, values in r.values.items():
        se = values.std(ddof=1) / np.sqrt(len(values))
        assert abs(values.mean() - r.expected[m]) < SE_MULTIPLE * se, m
    # The expectation is the sum of each funded candidate's mean: linear in the returns.
    mu = means(sc, "triangular")["benefit"]
    # Outcomes are prorated to the share of a candidate's cost inside the horizon.
    scale = np.array([r.scale[c.id] for c in sc.candidates]) * candidate_arrays(sc).in_horizon
    assert r.expected["benefit"] == pytest.approx(float(mu @ scale))
    # At the central returns the fixed plan earns what the Plan page shows.
    assert r.central["benefit"] == pytest.approx(
        allocate(sc, explain=False, baseline=False).outcomes["benefit"], rel=1e-9
    )
    # Each draw is the plan's reach times that draw's returns (no re-optimisation).
    d = draw_samples(sc, spec)
    assert r.values["jobs"][17] == pytest.approx(float(d.outcome["jobs"][17] @ scale))


def test_target_chance_and_central_positions() -> None:
    sc = load_scenario(DEMO_SCENARIO)
    obj = sc.objective.model_copy(update={"targets": {"enterprises": 1830.0}})
    sc = sc.model_copy(update={"objective": obj})
    r = plan_risk(sc, DrawSpec(500, seed=3))
    (t,) = r.targets
    assert t.measure == "enterprises"
    assert t.probability == pytest.approx(float((r.values["enterprises"] >= 1830.0).mean()))
    pos = {p.candidate: p for p in central_positions(sc, DrawSpec(10))}
    c = sc.candidates[0]
    assert pos[c.id].mean == pytest.approx((c.benefit_low + c.benefit + c.benefit_high) / 3)
    assert pos[c.id].position == pytest.approx(
        (c.benefit - c.benefit_low) / (c.benefit_high - c.benefit_low)
    )


def test_plan_json_is_checked() -> None:
    assert plan_from_json({"scale": {"A": 0.5}}) == {"A": 0.5}
    for bad, field in (([], "scale"), ({"scale": {"A": "x"}}, "scale\\[A\\]")):
        with pytest.raises(ValueError, match=field):
            plan_from_json(bad)
    with pytest.raises(ValueError, match="not in the scenario"):
        plan_risk(pick_scenario(2), DrawSpec(5), {"Z": 1.0})
    with pytest.raises(ValueError, match="outside 0-1"):
        plan_risk(pick_scenario(2), DrawSpec(5), {"A": 1.5})


def test_cli_judges_a_plan_from_a_json_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Fund only A: the plan's benefit in each draw is A's drawn benefit.
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"scale": {"A": 1.0, "B": 0.0}}))
    scenario = tmp_path / "pick.json"
    scenario.write_text(pick_scenario(2).model_dump_json())
    args = ["uncertainty", str(scenario), "--plan", str(plan), "--draws", "400", "--seed", "6"]
    assert main([*args, "--distribution", "uniform", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    risk = out["plan_risk"]
    drawn = draw_samples(pick_scenario(2), DrawSpec(400, seed=6, distribution="uniform"))
    a = drawn.outcome["benefit"][:, 0]
    assert risk["objective"]["p10"] == pytest.approx(float(np.percentile(a, 10)))
    assert risk["plan"] == "the plan in plan.json"
    assert list(out)[:3] == ["scenario", "plan_risk", "value_of_information"]
    assert main([*args, "--format", "table"]) == 0
    text = capsys.readouterr().out
    assert text.index("The plan's own risk") < text.index("Value of information")
    assert text.index("Value of information") < text.index("If returns were known")


def _demo_with_target() -> Scenario:
    sc = load_scenario(DEMO_SCENARIO)
    obj = sc.objective.model_copy(update={"targets": {"enterprises": 1830.0}})
    sc = sc.model_copy(update={"objective": obj})
    r = allocate(sc, explain=False, baseline=False)
    return apply_all(sc, r.relaxation)


def test_tornado_of_a_scenario_the_plan_page_solves(tmp_path: Path) -> None:
    # Issue 12 section 6: the demo with an enterprise target of 1,830 solves as optimal,
    # but a budget 20 % lower cannot reach the target; that end has no plan, and the
    # tornado used to report "the central scenario has no feasible plan".
    sc = _demo_with_target()
    assert allocate(sc, explain=False, baseline=False).status == "optimal"
    t = tornado(sc, top=40, executor="serial")
    assert t.base == pytest.approx(allocate(sc).objective)
    budget = next(b for b in t.bars if b.input == "budget")
    assert budget.objective_low is None and budget.objective_high is not None
    path = tmp_path / "target.json"
    path.write_text(sc.model_dump_json())
    args = ["uncertainty", str(path), "--draws", "20", "--no-voi", "--tornado", "5"]
    assert main(args) == 0
