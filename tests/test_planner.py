"""Unit tests of model/planning/inputs.py and model/planning/readout.py on tiny hand-checkable
plans."""

from __future__ import annotations

from dataclasses import replace

import pytest

from model import DATA_DIR
from model.allocator.api import SweepPoint, allocate
from model.allocator.result import (
    AllocationResult,
    RelaxationStep,
    RuleEdit,
    result_from_json,
    result_to_json,
)
from model.allocator.scenario import LockedAmount, Scenario, load_scenario, parse_scenario
from model.domain.candidates import Candidate, Region
from model.planning.inputs import (
    DEMO_SCENARIO,
    PlanInputs,
    apply_all,
    apply_relaxation,
    budget_of,
    build_scenario,
    default_inputs,
    inputs_from_scenario,
    lock_current_spending,
    locked_from_funding,
    with_net_fees,
)
from model.planning.readout import (
    FLAT_PER_DOLLAR,
    allocation_rows,
    binding_rules,
    funded_counts,
    plan_title,
    summary_sentence,
    sweep_curve,
)
from model.screening.net import fee_schedule_for_network, latest
from model.store.net_files import parse_net_assessments
from model.store.seed import demo_rows
from tests.allocator_fixtures import OBJ_TOL, SOLVERS, cand

INFEASIBLE = DEMO_SCENARIO.parent / "infeasible.json"
SHARE_TOL = 1e-4  # relaxed shares are rounded to 0.01 %


def tiny() -> tuple[list[Candidate], list[Region]]:
    """A: US$100 -> US$500 benefit; B: US$100 -> US$300 (full public share, one year)."""
    cands = [
        Candidate.model_validate(cand("A", [100.0], 500.0, enterprises=10.0)),
        Candidate.model_validate(cand("B", [100.0], 300.0, enterprises=4.0, region="S")),
    ]
    return cands, [Region(name="N"), Region(name="S", lagging=True)]


def tiny_inputs(total: float = 150.0, **kw: object) -> PlanInputs:
    """A total budget only (no yearly row, so a single rule carries the budget's price)."""
    base = PlanInputs(total_budget=total, horizon=1, per_year_mode="none")
    return replace(base, **kw)  # type: ignore[arg-type]


def tiny_plan(total: float = 150.0, solver: str = "highs") -> tuple[Scenario, AllocationResult]:
    cands, regions = tiny()
    sc = build_scenario(cands, regions, tiny_inputs(total))
    return sc, allocate(sc, solver)


def test_default_inputs_rebuild_the_demo_scenario() -> None:
    cands, regions = demo_rows()
    built = build_scenario(cands, regions, default_inputs())
    demo = load_scenario(DEMO_SCENARIO)
    skip = {"name", "description"}
    assert built.model_dump(exclude=skip) == demo.model_dump(exclude=skip)
    assert inputs_from_scenario(built) == default_inputs()


def test_budget_equal_split_and_locked_money_on_top() -> None:
    inputs = PlanInputs(total_budget=400.0, horizon=2)
    assert budget_of(inputs).per_year == (200.0, 200.0)
    locked = (LockedAmount(candidate="A", year=2, amount=50.0),)
    on_top = replace(inputs, locked=locked, budget_on_top=True)
    b = budget_of(on_top)
    assert b.total == 450.0 and b.per_year == (200.0, 250.0)
    assert budget_of(replace(inputs, per_year_mode="none")).per_year is None
    with pytest.raises(ValueError, match="per_year"):
        budget_of(replace(inputs, per_year_mode="custom", per_year=(1.0,)))


def test_unknown_committed_candidate_is_named() -> None:
    cands, regions = tiny()
    with pytest.raises(ValueError, match="committed: 'Z'"):
        build_scenario(cands, regions, tiny_inputs(committed=("Z",)))
    sc = build_scenario(cands, regions, tiny_inputs(committed=("B",)))
    assert sc.rules.candidate_limits.mandatory == {"B": 1.0}


@pytest.mark.parametrize("solver", SOLVERS)
def test_summary_of_a_hand_checked_plan(solver: str) -> None:
    sc, res = tiny_plan(solver=solver)
    assert res.objective == pytest.approx(650.0, rel=OBJ_TOL)  # A full, B half
    assert funded_counts(res, sc)["cluster_initiative"] == 2
    text = summary_sentence(res, sc)
    assert text.startswith("With US$150 over 1 year: 2 cluster initiatives; 12 enterprises")
    assert "US$4.33 of benefit per public dollar" in text
    assert "the total budget binds" in text
    assert [c.name for c in binding_rules(res)][:1] == ["budget_total"]
    rows = {r["candidate"]: r for r in allocation_rows(res, sc)}
    assert rows["A"]["total"] == pytest.approx(100.0, rel=OBJ_TOL)
    assert rows["B"]["scale"] == pytest.approx(0.5, rel=OBJ_TOL)
    assert rows["B"]["benefit"] == pytest.approx(150.0, rel=OBJ_TOL)


def test_result_json_round_trip() -> None:
    _, res = tiny_plan()
    assert result_from_json(result_to_json(res)) == res


@pytest.mark.parametrize("solver", SOLVERS)
def test_applying_the_diagnosis_makes_the_plan_feasible(solver: str) -> None:
    sc = load_scenario(INFEASIBLE)
    res = allocate(sc, solver)
    assert res.status == "infeasible"
    steps = {s.rule: s for s in res.relaxation}
    assert steps["budget_year[1]"].edits == (RuleEdit("budget_year", 120_000.0, year=1),)
    assert steps["budget_year[1]"].new_value == pytest.approx(120_000.0, abs=1.0)
    floor = steps["region_floor[Altiplano]"]
    assert floor.new_value == pytest.approx(120_000 / 220_000, abs=SHARE_TOL)
    one = apply_relaxation(sc, steps["budget_year[1]"])
    assert one.budget.per_year is not None
    assert one.budget.per_year[0] == pytest.approx(120_000.0, abs=1.0)
    assert allocate(apply_all(sc, res.relaxation), solver).status == "optimal"


def test_a_candidate_data_step_cannot_be_applied() -> None:
    sc = load_scenario(INFEASIBLE)
    step = RelaxationStep(
        "eligible[C1]", "e. matching grants", 1.0, "admit it", why_not="a screening decision"
    )
    with pytest.raises(ValueError, match="cannot be applied here: a screening decision"):
        apply_relaxation(sc, step)


def test_lock_current_spending_keeps_the_plan_and_adds_new_money() -> None:
    cands, regions = tiny()
    _, res = tiny_plan(100.0)  # A only
    locked = locked_from_funding(res.funding)
    assert [(lk.candidate, lk.year, lk.amount) for lk in locked] == [("A", 1, 100.0)]
    # US$50 of new money on top of the US$100 locked: it buys half of B.
    inputs = lock_current_spending(tiny_inputs(50.0), res.funding)
    again = build_scenario(cands, regions, inputs)
    assert again.budget.total == pytest.approx(150.0)
    more = allocate(again)
    assert more.funding["A"][0] == pytest.approx(100.0, rel=OBJ_TOL)
    assert more.objective == pytest.approx(650.0, rel=OBJ_TOL)
    assert locked_from_funding({"A": [0.5, None]}) == ()


def points(objectives: list[float | None]) -> list[SweepPoint]:
    factors = (0.25, 0.5, 0.75, 1.0)
    return [
        SweepPoint(k, "optimal" if v is not None else "infeasible", v, 0.0)
        for k, v in zip(factors, objectives, strict=True)
    ]


def test_sweep_marginal_return_and_where_it_flattens() -> None:
    # Budgets 25, 50, 75, 100: marginal returns 4, 3.2, 0.4, 0.04 per dollar.
    pts = points([100.0, 180.0, 190.0, 191.0])
    curve = sweep_curve(pts, 100.0, "benefit")
    assert [r.marginal for r in curve.rows] == pytest.approx([4.0, 3.2, 0.4, 0.04])
    assert curve.threshold == FLAT_PER_DOLLAR  # 10 % of 4.0 is below US$1
    assert curve.flattens_at == 50.0
    # Counts are not dollars: only the relative rule (10 % of 4.0 = 0.4) applies.
    assert sweep_curve(pts, 100.0, "enterprises").flattens_at == 75.0
    assert sweep_curve(pts, 100.0, "min_cost").flattens_at is None


def test_sweep_skips_infeasible_levels_and_needs_a_budget() -> None:
    curve = sweep_curve(points([None, 180.0, 190.0, 300.0]), 100.0, "enterprises")
    assert curve.rows[0].marginal is None
    assert curve.rows[1].marginal == pytest.approx(180.0 / 50.0)
    assert curve.flattens_at is None  # 0.4 is not below 10 % of 3.6
    with pytest.raises(ValueError, match="budget"):
        sweep_curve(points([1.0, 2.0, 3.0, 4.0]), 0.0, "benefit")


@pytest.mark.parametrize("name", ["demo", "hand", "infeasible"])
def test_typed_build_equals_the_scenario_file_round_trip(name: str) -> None:
    # Built from typed rule models, the scenario is the one its JSON file describes: the
    # inputs read back from a shipped scenario rebuild it field for field.
    sc = load_scenario(DEMO_SCENARIO.parent / f"{name}.json")
    built = build_scenario(sc.candidates, sc.regions, inputs_from_scenario(sc), sc)
    assert built == sc
    assert parse_scenario(built.model_dump(mode="json")) == built


def test_bad_control_values_are_named_by_their_scenario_path() -> None:
    cands, regions = tiny()
    with pytest.raises(ValueError, match=r"rules\.policy_mix\.lagging_min_share"):
        build_scenario(cands, regions, tiny_inputs(lagging_min_share=1.5))
    with pytest.raises(ValueError, match=r"rules\.cost_recovery\.min_fee_revenue"):
        build_scenario(cands, regions, tiny_inputs(min_fee_revenue=-1.0))
    with pytest.raises(ValueError, match=r"objective: .*min_cost needs at least one target"):
        build_scenario(cands, regions, tiny_inputs(objective="min_cost"))


def test_net_fees_reach_the_named_broker_programmes_only() -> None:
    assessments = parse_net_assessments(
        (DATA_DIR / "net_example.csv").read_bytes(), "net_example.csv"
    )
    network = sorted(latest(assessments))[0]
    cands, _ = demo_rows()
    brokers = [c.id for c in cands if c.kind == "broker_programme"][:2]
    out = with_net_fees(cands, assessments, network, brokers)
    for before, after in zip(cands, out, strict=True):
        if after.id in brokers:
            want = fee_schedule_for_network(assessments, network, len(before.cost_by_year))
            assert after.fee_schedule == want != before.fee_schedule
        else:
            assert after == before
    grant = next(c.id for c in cands if c.kind == "matching_grant")
    with pytest.raises(ValueError, match="NET fees apply to broker programmes"):
        with_net_fees(cands, assessments, network, [grant])
    with pytest.raises(ValueError, match="not in this candidate set"):
        with_net_fees(cands, assessments, network, ["NOPE"])


def test_an_edited_demo_is_titled_as_edited() -> None:
    demo = load_scenario(DEMO_SCENARIO)
    assert plan_title(demo, demo) == demo.name
    cheaper = demo.model_copy(update={"budget": demo.budget.model_copy(update={"total": 4e6})})
    assert plan_title(cheaper, demo) == f"{demo.name} (edited)"
    assert plan_title(cheaper, None) == demo.name  # a saved scenario keeps its own name
